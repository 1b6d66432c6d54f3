/**
 * V8 code caches in the private cache: written after the code ran, offered only to the exact source they were made
 * from, refused when the header does not verify or the folder is not private; the code runs the same either way.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWithCodeCache, saveCodeCaches } from '../../core/code-cache';
import { privateCacheDir, verifiedCacheBytes, withCacheHeaderBytes } from '../../core/private-cache';

const HEADER = '# agent-sandbox-infra V8 code cache v1';
const SOURCE = '(function (n) { const square = (x) => x * x; let s = 0; for (let i = 1; i <= n; i++) s += square(i); return s; })';
const OTHER = '(function (n) { const cube = (x) => x * x * x; let s = 0; for (let i = 1; i <= n; i++) s += cube(i); return s; })';

describe('V8 code caches', () => {
  let scratch: string;
  let dir: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-code-cache-'));
    dir = privateCacheDir({ AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') })!;
    saveCodeCaches(); // nothing pending from elsewhere
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const run = (source: string) => (compileWithCodeCache(source, 'sum.js', dir).runInThisContext() as (n: number) => number)(10);
  const caches = () => readdirSync(dir).filter((f) => f.endsWith('.v8'));

  test('the cache is written after the code ran and used by the next compile of the same source', () => {
    expect(run(SOURCE)).toBe(385);
    expect(caches()).toStrictEqual([]); // nothing before saveCodeCaches()
    saveCodeCaches();
    const [file] = caches();
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    const key = file.slice(0, -'.v8'.length);
    expect(verifiedCacheBytes(readFileSync(join(dir, file)), HEADER, key)!.length).toBeGreaterThan(0);

    const script = compileWithCodeCache(SOURCE, 'sum.js', dir);
    expect(script.cachedDataRejected).toBe(false); // V8 took the bytecode
    expect((script.runInThisContext() as (n: number) => number)(10)).toBe(385);
    saveCodeCaches();
    expect(caches()).toStrictEqual([file]); // nothing rewritten

    expect(run(OTHER)).toBe(3025); // another source: another key, compiled from source
    saveCodeCaches();
    expect(caches()).toHaveLength(2);
  });

  test('a tampered cache (header kept), another source’s cache and a cache signed for another key are not offered to V8: compiled from source, rewritten', () => {
    run(SOURCE);
    saveCodeCaches();
    const [mine] = caches();
    run(OTHER);
    saveCodeCaches();
    const other = caches().find((f) => f !== mine)!;
    const original = readFileSync(join(dir, mine));
    const header = original.subarray(0, original.indexOf(0x0a) + 1);
    for (const planted of [
      Buffer.concat([header, Buffer.from('garbage')]),
      readFileSync(join(dir, other)),
      withCacheHeaderBytes(HEADER, 'f'.repeat(64), original.subarray(header.length)),
    ]) {
      writeFileSync(join(dir, mine), planted);
      const script = compileWithCodeCache(SOURCE, 'sum.js', dir);
      expect(script.cachedDataRejected).toBeUndefined(); // nothing was offered
      expect((script.runInThisContext() as (n: number) => number)(10)).toBe(385);
      saveCodeCaches();
      expect(compileWithCodeCache(SOURCE, 'sum.js', dir).cachedDataRejected).toBe(false); // rewritten, and good
    }
  });

  test('without a private folder (one others can write), nothing is read or written', () => {
    chmodSync(dir, 0o777);
    const shared = privateCacheDir({ AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') });
    expect(shared).toBeUndefined();
    expect((compileWithCodeCache(SOURCE, 'sum.js', shared).runInThisContext() as (n: number) => number)(10)).toBe(385);
    saveCodeCaches();
    expect(caches()).toStrictEqual([]);
  });
});
