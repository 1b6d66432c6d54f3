/** The YAML reader's alias bounds: counted while parsing, expansion measured without building it. */
import { expandedJsonBytes } from '../../../core/limits';
import { parseManifestText } from '../../../core/yaml/parse';

const withAliases = (n: number) => ['base: &b { k: v }', 'list:', ...Array.from({ length: n }, () => '  - *b'), ''].join('\n');

describe('alias count', () => {
  test('exactly the limit is read; one more is refused with the line', () => {
    expect(parseManifestText('f.yaml', withAliases(5), { maxAliases: 5 }).problems).toStrictEqual([]);
    const refused = parseManifestText('f.yaml', withAliases(6), { maxAliases: 5 });
    expect(refused.documents).toStrictEqual([]);
    expect(refused.problems).toStrictEqual([{ file: 'f.yaml', line: 8, message: 'YAML: more than 5 aliases in one document (a billion-laughs style input); write the repeated parts out' }]);
  });

  test('aliases of scalars, mappings and sequences all count; anchors alone do not', () => {
    const text = ['a: &s text', 'b: &m { x: 1 }', 'c: &l [1, 2]', 'd: [*s, *m, *l]', ''].join('\n');
    expect(parseManifestText('f.yaml', text, { maxAliases: 3 }).problems).toStrictEqual([]);
    expect(parseManifestText('f.yaml', text, { maxAliases: 2 }).problems).toHaveLength(1);
    expect(parseManifestText('f.yaml', 'a: &s text\nb: &t other\n', { maxAliases: 0 }).problems).toStrictEqual([]);
  });

  test('the count is per document', () => {
    const stream = `${withAliases(3)}---\n${withAliases(3)}`;
    expect(parseManifestText('f.yaml', stream, { maxAliases: 3 }).documents).toHaveLength(2);
  });
});

describe('expanded size', () => {
  test('a document whose aliases expand past the limit is refused, one just under passes', () => {
    const bomb = (n: number) => ['s: &s "' + 'x'.repeat(1000) + '"', 'l:', ...Array.from({ length: n }, () => '  - *s'), ''].join('\n');
    expect(parseManifestText('f.yaml', bomb(9), { maxExpandedBytes: 11_000 }).problems).toStrictEqual([]);
    const refused = parseManifestText('f.yaml', bomb(20), { maxExpandedBytes: 11_000 });
    expect(refused.problems[0].message).toMatch(/^YAML: the document's 20 aliases expand it to more than 10\.7 KiB \(from [\d.]+ KiB of text\)/);
  });

  test('the measure stops at its budget (a billion laughs is not walked to the end)', () => {
    let level: unknown = 'lol';
    for (let i = 0; i < 30; i++) level = [level, level, level, level, level, level, level, level, level, level];
    const started = Date.now();
    expect(expandedJsonBytes(level, 1_000_000)).toBeGreaterThan(1_000_000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(expandedJsonBytes({ a: ['xy', 1, null, true] }, 1000)).toBe(JSON.stringify({ a: ['xy', 1, null, true] }).length);
  });
});
