import { parse } from 'yaml';
import { toYamlDocument } from '../../../core/yaml/emit';
import { parseManifestText } from '../../../core/yaml/parse';

const TRICKY = ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'NO', 'On', 'true', 'null', '~', '0777', '0o17', '0x1F', '0b101', '1e3', '1_000', '1_000.5', '12:30', '1:2:3', '.inf', '.5', '+1', '2026-01-01', '', ' x', 'a: b', '-', '=', 'v1.2.3', 'plain'];

describe('YAML output', () => {
  test('strings read back as the same strings under YAML 1.1 and YAML 1.2', () => {
    const text = toYamlDocument({ values: TRICKY });
    expect(parse(text, { version: '1.1' }).values).toStrictEqual(TRICKY);
    expect(parse(text, { version: '1.2' }).values).toStrictEqual(TRICKY);
    expect(text).toContain("- 'yes'\n");
    expect(text).toContain("- '1_000'\n");
    expect(text).toContain('- plain\n');
  });

  test('reading manifests uses the API server view: YAML 1.1 booleans are booleans', () => {
    const { documents } = parseManifestText('x.yaml', 'a: yes\nb: "yes"\nc: off\nd: 2026-01-01\n');
    expect(documents[0].value).toStrictEqual({ a: true, b: 'yes', c: false, d: '2026-01-01' });
  });

  test('parse errors name the file and line; documents keep their index', () => {
    const { documents, problems } = parseManifestText('x.yaml', 'a: 1\n---\nb: [\n---\n\n---\nc: 3\n');
    expect(documents.map((d) => [d.index, d.line, d.value])).toStrictEqual([
      [0, 1, { a: 1 }],
      [3, 7, { c: 3 }],
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'x.yaml', line: 4 });
    expect(problems[0].message).toMatch(/^YAML: /);
  });
});
