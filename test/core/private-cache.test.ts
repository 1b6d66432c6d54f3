/**
 * The private cache folder (core/private-cache.ts): created 0700 for this user, while the cache folder above it —
 * which holds the public pinned files other accounts may read — keeps the usual mode; a folder others can write is
 * never used.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { privateCacheDir, privateCacheDirPath } from '../../core/private-cache';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-private-cache-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

test('a fresh cache: the private folder is 0700, the cache folder above it gets the usual mode (its pinned files are public)', () => {
  const env = { AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'new', 'cache') };
  const dir = privateCacheDir(env);
  expect(dir).toBe(privateCacheDirPath(env));
  expect(statSync(dir!).mode & 0o777).toBe(0o700);
  const umask = process.umask();
  expect(statSync(dirname(dir!)).mode & 0o777).toBe(0o777 & ~umask);
  expect(statSync(join(scratch, 'new')).mode & 0o777).toBe(0o777 & ~umask);
});

test('a private folder that group or others can write is never used', () => {
  const env = { AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
  const path = privateCacheDirPath(env);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o770);
  expect(privateCacheDir(env)).toBeUndefined();
  chmodSync(path, 0o700);
  expect(privateCacheDir(env)).toBe(path);
});
