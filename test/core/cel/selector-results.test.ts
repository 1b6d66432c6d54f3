/**
 * Selector results kept in the private cache: the same results as the CEL engine's, used only while the header
 * verifies and every module file the engine had loaded is unchanged; anything else is recomputed and rewritten.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkCelSelector } from '../../../core/cel/cel-check';
import { selectorReferences as engineReferences } from '../../../core/cel/cel-references';
import { checkSelector, clearSelectorResults, selectorReferences } from '../../../core/cel/selector-results';
import { SAMPLE_DEVICES } from '../../../core/cel/sample-devices';
import { privateCacheDirPath, verifiedCacheBody, withCacheHeader } from '../../../core/private-cache';

const HEADER = '# agent-sandbox-infra CEL selector result v1';
const PATH = 'spec.selectors[0].cel.expression';
const EXPRESSIONS = [
  'device.driver == "gpu.nvidia.com"',
  'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("24Gi")) >= 0',
  'device.attributes["gpu.nvidia.com/gpu"] == "x"', // a lint problem
  'device.driver = "gpu.nvidia.com"', // a syntax error
  'device.attributes["gpu.nvidia.com"].index', // not a bool
  'cel.bind(a, device.attributes["gpu.intel.com"], a.family == "x")',
];

interface Entry {
  kind: string;
  expression: string;
  facts: { problems?: string[]; devices?: unknown[]; drivers?: string[] };
  code: [string, string][];
}

describe('CEL selector results in the private cache', () => {
  let scratch: string;
  let saved: string | undefined;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-selector-results-'));
    saved = process.env.AGENT_SANDBOX_INFRA_CACHE;
    process.env.AGENT_SANDBOX_INFRA_CACHE = join(scratch, 'cache');
    clearSelectorResults();
  });
  afterEach(() => {
    clearSelectorResults();
    if (saved === undefined) delete process.env.AGENT_SANDBOX_INFRA_CACHE;
    else process.env.AGENT_SANDBOX_INFRA_CACHE = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  const dir = () => privateCacheDirPath();
  const entries = () => readdirSync(dir()).filter((f) => f.endsWith('.cel.json'));
  const read = (file: string): { key: string; entry: Entry } => {
    const key = file.slice(0, -'.cel.json'.length);
    const body = verifiedCacheBody(readFileSync(join(dir(), file), 'utf8'), HEADER, key);
    if (body === undefined) throw new Error(`${file} does not verify`);
    return { key, entry: JSON.parse(body) as Entry };
  };
  const plant = (file: string, entry: Entry) => writeFileSync(join(dir(), file), withCacheHeader(HEADER, read(file).key, JSON.stringify(entry)));

  test('the results are the engine’s, computed or read back from the cache', () => {
    for (const expression of EXPRESSIONS) {
      const engine = checkCelSelector(expression, { path: PATH });
      expect(checkSelector(expression, { path: PATH })).toStrictEqual(engine);
      expect(selectorReferences(expression)).toStrictEqual(engineReferences(expression));
    }
    expect(entries()).toHaveLength(EXPRESSIONS.length * 2);
    clearSelectorResults(); // a new process: everything comes from the disk cache
    for (const expression of EXPRESSIONS) {
      expect(checkSelector(expression, { path: PATH })).toStrictEqual(checkCelSelector(expression, { path: PATH }));
      expect(checkSelector(expression)).toStrictEqual(checkCelSelector(expression));
      expect(selectorReferences(expression)).toStrictEqual(engineReferences(expression));
    }
    // Other devices are another key: a result for the sample devices is not reused for them.
    const one = [SAMPLE_DEVICES[0]];
    expect(checkSelector(EXPRESSIONS[0], { devices: one })).toStrictEqual(checkCelSelector(EXPRESSIONS[0], { devices: one }));
    expect(entries()).toHaveLength(EXPRESSIONS.length * 2 + 1);
  });

  test('an entry names every module file the engine loaded, ours and the packages’, with its sha256; files are 0600 in the 0700 folder', () => {
    checkSelector(EXPRESSIONS[0]);
    expect(statSync(dir()).mode & 0o777).toBe(0o700);
    const [file] = entries();
    expect(statSync(join(dir(), file)).mode & 0o777).toBe(0o600);
    const { entry } = read(file);
    const files = entry.code.map(([f]) => f);
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/core\/cel\/cel-check\.(ts|js)$/), expect.stringMatching(/core\/cel\/cel-library\.(ts|js)$/), expect.stringMatching(/core\/quantity\.(ts|js)$/)]));
    expect(files.some((f) => f.includes('/node_modules/@bufbuild/cel/'))).toBe(true);
    expect(files.some((f) => f.includes('/node_modules/@bufbuild/protobuf/'))).toBe(true);
    for (const [, sha] of entry.code) expect(sha).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a kept result is what the next process uses (the header verifies)', () => {
    checkSelector(EXPRESSIONS[0]);
    const file = entries().find((f) => read(f).entry.kind === 'check')!;
    const { entry } = read(file);
    plant(file, { ...entry, facts: { problems: ['from the cache'], devices: [] } });
    clearSelectorResults();
    expect(checkSelector(EXPRESSIONS[0]).problems).toStrictEqual([{ expression: EXPRESSIONS[0], message: 'from the cache' }]);
  });

  test('an edited entry (header kept), a changed code file, another copy of the package’s code and another expression’s entry are refused, recomputed and rewritten', () => {
    const expression = EXPRESSIONS[2];
    const expected = checkCelSelector(expression);
    expect(expected.problems).toHaveLength(1);
    checkSelector(expression);
    const file = entries().find((f) => read(f).entry.kind === 'check')!;
    const original = readFileSync(join(dir(), file), 'utf8');
    const { entry } = read(file);
    const header = original.slice(0, original.indexOf('\n') + 1);
    const noProblems = { problems: [], devices: [] };
    const otherFile = (() => {
      checkSelector(EXPRESSIONS[0]);
      return entries().find((f) => f !== file && read(f).entry.kind === 'check')!;
    })();
    // Another checkout or version of the package sharing the per-user cache: its files are unchanged, but not ours.
    const otherCopy = join(scratch, 'other-copy', 'cel-check.js');
    mkdirSync(dirname(otherCopy), { recursive: true });
    writeFileSync(otherCopy, 'module.exports = {};\n');
    const anotherCopy = [[otherCopy, createHash('sha256').update(readFileSync(otherCopy)).digest('hex')]];
    const planted = [
      header + JSON.stringify({ ...entry, facts: noProblems }), // body edited, old header
      withCacheHeader(HEADER, read(file).key, JSON.stringify({ ...entry, facts: noProblems, code: entry.code.map(([f, sha], i) => [f, i === 0 ? sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sha]) })), // a code file changed since
      withCacheHeader(HEADER, read(file).key, JSON.stringify({ ...entry, facts: noProblems, code: [] })), // no code list
      withCacheHeader(HEADER, read(file).key, JSON.stringify({ ...entry, facts: noProblems, code: anotherCopy })), // another copy of the package's engine, unchanged
      withCacheHeader(HEADER, read(file).key, JSON.stringify({ ...read(otherFile).entry })), // another expression's facts under this key
      readFileSync(join(dir(), otherFile), 'utf8'), // another key's valid file
    ];
    for (const text of planted) {
      writeFileSync(join(dir(), file), text);
      clearSelectorResults();
      expect(checkSelector(expression)).toStrictEqual(expected);
      expect(readFileSync(join(dir(), file), 'utf8')).toBe(original);
    }
  });

  test('a folder or file that others can write is not trusted: a validly signed planted entry is not used', () => {
    const expression = EXPRESSIONS[2];
    const expected = checkCelSelector(expression);
    checkSelector(expression);
    const file = entries().find((f) => read(f).entry.kind === 'check')!;
    const { entry } = read(file);
    plant(file, { ...entry, facts: { problems: [], devices: [] } });
    const planted = readFileSync(join(dir(), file), 'utf8');
    for (const mode of [0o777, 0o770, 0o702]) {
      chmodSync(dir(), mode);
      clearSelectorResults();
      expect(checkSelector(expression)).toStrictEqual(expected);
      expect(readFileSync(join(dir(), file), 'utf8')).toBe(planted); // not rewritten either
    }
    chmodSync(dir(), 0o700);
    chmodSync(join(dir(), file), 0o666);
    clearSelectorResults();
    expect(checkSelector(expression)).toStrictEqual(expected);
  });
});
