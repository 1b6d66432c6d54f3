/**
 * V8 code caches for generated code that every run compiles again: the cached validators (ajv standalone code,
 * ~4 MB for a synth of every platform, which V8 would otherwise parse and compile on each run). V8 serializes the
 * bytecode of a script, including the functions compiled while it ran; a later run that passes it back skips
 * parsing and compiling them. Nothing else changes: the same source text runs.
 *
 * Bytecode is code, so it follows the private cache's rules (core/private-cache.ts): a per-user 0700 folder, a
 * header line with the key and the sha256 of the bytes. The key is the sha256 of the source text together with the
 * file name, the Node.js version and the architecture, so data can only ever be offered to the script it was made
 * from; V8 itself refuses data made by another V8 version or with other flags (the script is then compiled from
 * source and its cache written again).
 *
 * Caches are written by saveCodeCaches() (the CLI calls it before it exits), after the code ran, so that they hold
 * what the run compiled lazily too.
 */
import { join } from 'node:path';
import { Script } from 'node:vm';
import { readPrivateBytes, verifiedCacheBytes, withCacheHeaderBytes, writePrivateFile } from './private-cache';
import { sha256Hex } from './upstream/store';

/** Bump when the layout of cache files changes. */
const FORMAT = 1;
const HEADER_PREFIX = `# agent-sandbox-infra V8 code cache v${FORMAT}`;

interface Pending {
  readonly script: Script;
  readonly file: string;
  readonly key: string;
}

/** Scripts compiled without a usable code cache: saveCodeCaches() writes theirs. */
const pending: Pending[] = [];

/**
 * `source` compiled as a script named `filename`, with the code cache kept in `dir` (a private cache folder) when
 * there is one for exactly this source; without `dir`, compiled as usual. `sourceId` must determine `source`
 * exactly (default: its sha256; a caller that has verified the source's sha256 already passes a string made of it).
 */
export function compileWithCodeCache(source: string, filename: string, dir: string | undefined, sourceId: string = sha256Hex(source)): Script {
  if (dir === undefined) return new Script(source, { filename });
  const key = sha256Hex(`${FORMAT}\n${process.version}\n${process.arch}\n${filename}\n${sourceId}`);
  const file = join(dir, `${key}.v8`);
  const data = readPrivateBytes(file);
  const cachedData = data === undefined ? undefined : verifiedCacheBytes(data, HEADER_PREFIX, key);
  const script = new Script(source, { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) pending.push({ script, file, key });
  return script;
}

/** Writes the code caches of the scripts compiled without one (a read-only cache only costs speed). */
export function saveCodeCaches(): void {
  for (const { script, file, key } of pending.splice(0)) {
    writePrivateFile(file, withCacheHeaderBytes(HEADER_PREFIX, key, script.createCachedData()));
  }
}
