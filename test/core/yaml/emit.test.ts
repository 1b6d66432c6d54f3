import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import { parse } from 'yaml';
import { privateCacheDirPath, verifiedCacheBody, withCacheHeader } from '../../../core/private-cache';
import { keepEmittedText, SharedYamlTexts, toYamlDocument } from '../../../core/yaml/emit';
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

  test('shared texts: an equal object built again (the same object on another platform) gets the text emitting it afresh gives', () => {
    const shared = new SharedYamlTexts();
    const make = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { on: 'yes' } }, data: { a: '1_000', b: 'plain' }, list: [1, 'no', null, true] });
    const first = shared.emit(make());
    expect(first).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    'on': 'yes'\ndata:\n  a: '1_000'\n  b: plain\nlist:\n  - 1\n  - 'no'\n  - null\n  - true\n");
    expect(shared.emit(make())).toBe(first);
    expect(toYamlDocument(make())).toBe(first);
    expect(shared.emit({ ...make(), data: { a: '1_000', b: 'other' } })).toBe(first.replace('b: plain', 'b: other'));
  });

  test('shared texts: values JSON writes alike but YAML does not never share a text (-0 and 0, NaN and null, a Date and its string)', () => {
    const shared = new SharedYamlTexts();
    const pairs: [unknown, unknown, string][] = [
      [{ x: 0 }, { x: -0 }, 'x: -0.0\n'],
      [{ x: null }, { x: Number.NaN }, 'x: .nan\n'],
      [{ t: '1970-01-01T00:00:00.000Z' }, { t: new Date(0) }, 't: 1970-01-01T00:00:00.000Z\n'],
      [{ l: [1, null] }, { l: [1, Number.NaN] }, 'l:\n  - 1\n  - .nan\n'],
    ];
    for (const [json, other, expected] of pairs) {
      expect(JSON.stringify(json)).toBe(JSON.stringify(other));
      shared.emit(json);
      expect(shared.emit(other)).toBe(expected);
    }
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

describe('kept emitted text (keepEmittedText)', () => {
  const HEADER = '# agent-sandbox-infra emitted YAML v1';
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-emit-kept-'));
    env = { AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** A large object like a CRD, fresh each call (toYamlDocument's per-object memo then knows nothing of it). */
  const crd = (description = 'a sandbox') => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'sandboxes.agents.x-k8s.io' },
    spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { description, properties: { replicas: { type: 'integer', format: 'int32' }, on: { enum: ['yes', 'no', '0777'] } } } } }] },
  });
  const dir = () => privateCacheDirPath(env);
  const kept = () => readdirSync(dir()).filter((f) => f.endsWith('.yaml'));
  const plain = (value: unknown) => dump(value, { noRefs: true, lineWidth: -1, sortKeys: false });

  test('the text is emitted once and kept: the same content in a later run takes it from the cache', () => {
    keepEmittedText(crd(), env);
    const [file] = kept();
    const key = file.slice(0, -'.yaml'.length);
    const body = verifiedCacheBody(readFileSync(join(dir(), file), 'utf8'), HEADER, key)!;
    const code = JSON.parse(body.slice(0, body.indexOf('\n'))) as [string, string][];
    expect(code.map(([f]) => f)).toEqual(expect.arrayContaining([expect.stringMatching(/core\/yaml\/emit\.(ts|js)$/), expect.stringMatching(/node_modules\/js-yaml\//)]));
    expect(body.slice(body.indexOf('\n') + 1)).toBe(toYamlDocument(crd()));
    expect(statSync(join(dir(), file)).mode & 0o777).toBe(0o600);

    // A later run: a kept text (here a planted one, validly signed) is what toYamlDocument returns for that content.
    writeFileSync(join(dir(), file), withCacheHeader(HEADER, key, `${JSON.stringify(code)}\nfrom: the cache\n`));
    const later = crd();
    keepEmittedText(later, env);
    expect(toYamlDocument(later)).toBe('from: the cache\n');
    // Other content is another key.
    const other = crd('another sandbox');
    keepEmittedText(other, env);
    expect(toYamlDocument(other)).toBe(toYamlDocument(crd('another sandbox')));
    expect(kept()).toHaveLength(2);
  });

  test('an edited text (header kept), a changed emitter file, another copy of the package’s emitter and a folder others can write are refused: the text is emitted again', () => {
    keepEmittedText(crd(), env);
    const [file] = kept();
    const key = file.slice(0, -'.yaml'.length);
    const original = readFileSync(join(dir(), file), 'utf8');
    const header = original.slice(0, original.indexOf('\n') + 1);
    const body = verifiedCacheBody(original, HEADER, key)!;
    const code = JSON.parse(body.slice(0, body.indexOf('\n'))) as [string, string][];
    const stale = code.map(([f, sha], i) => [f, i === 0 ? '0'.repeat(64) : sha]);
    // Another checkout or version of the package sharing the per-user cache: its emitter is unchanged, but not ours.
    const otherEmitter = join(scratch, 'other-copy', 'emit.js');
    mkdirSync(dirname(otherEmitter), { recursive: true });
    writeFileSync(otherEmitter, 'module.exports = {};\n');
    const anotherCopy = [[otherEmitter, createHash('sha256').update(readFileSync(otherEmitter)).digest('hex')], ...code.filter(([f]) => !/core\/yaml\/emit\.(ts|js)$/.test(f))];
    const expected = toYamlDocument(crd());
    for (const planted of [
      `${header}${JSON.stringify(code)}\nfrom: an edit\n`,
      withCacheHeader(HEADER, key, `${JSON.stringify(stale)}\nfrom: older code\n`),
      withCacheHeader(HEADER, key, `[]\nfrom: no code\n`),
      withCacheHeader(HEADER, key, 'from: no code list\n'),
      withCacheHeader(HEADER, key, `${JSON.stringify(anotherCopy)}\nfrom: another copy of the package\n`),
    ]) {
      writeFileSync(join(dir(), file), planted);
      const fresh = crd();
      keepEmittedText(fresh, env);
      expect(toYamlDocument(fresh)).toBe(expected);
      expect(readFileSync(join(dir(), file), 'utf8')).toBe(original);
    }
    writeFileSync(join(dir(), file), withCacheHeader(HEADER, key, `${JSON.stringify(code)}\nfrom: the cache\n`));
    chmodSync(dir(), 0o777);
    const fresh = crd();
    keepEmittedText(fresh, env);
    expect(toYamlDocument(fresh)).toBe(expected);
  });

  test('objects JSON does not hold exactly are emitted as usual and not kept', () => {
    for (const value of [{ a: undefined }, { a: -0 }, { a: Number.NaN }, { a: new Date(0) }, { a: [1, undefined] }]) {
      keepEmittedText(value, env);
      expect(toYamlDocument(value)).toBe(plain(value));
    }
    expect(existsSync(dir()) ? kept() : []).toStrictEqual([]);
  });
});
