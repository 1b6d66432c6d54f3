/**
 * The private cache: what this machine derived from pinned inputs and may reuse instead of deriving again — compiled
 * validators, CEL selector results, the emitted text of the pinned CRDs, synth's document checks, the bytecode of the
 * command's modules (Node < 22.1) or Node's own compile cache. It lives in `<cache>/validators-<uid>`
 * (mode 0700), apart from the pinned upstream files that CI caches and restores.
 *
 * Trust assumption: a cached validator is executed, and a cached "no problem" result is believed; anyone who can
 * write here can turn checks off. So a folder not owned by this user, or writable by group or others, is never read
 * from nor written to, and each file starts with a header line carrying its cache key and the sha256 of the rest:
 * a file whose header does not match (truncated, corrupted, edited, another key's file) is refused and rebuilt.
 * The header catches corruption and careless edits, not a deliberate attacker who recomputes the hash: keeping the
 * folder private to this user is what keeps untrusted content out.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir, sha256Hex } from './upstream/store';

/** Folder name of the private cache: one per user, so that no other account's files are ever used. */
export function privateCacheDirName(): string {
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `validators-${uid}`;
}

/** `<cache>/validators-<uid>`. */
export function privateCacheDirPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), privateCacheDirName());
}

/**
 * The private cache folder, created 0700 if missing; undefined (no disk cache) when it cannot be created or is not
 * private to this user (owned by someone else, or writable by group or others).
 */
export function privateCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = privateCacheDirPath(env);
  try {
    // The cache folder above holds public pinned files that other accounts may read: it gets the usual mode. Only the
    // private folder is 0700 (a recursive mkdir would give every folder it creates that mode).
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) return undefined;
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The file text: `<prefix> key=<key> sha256=<sha256 of body>`, a newline, then the body. */
export function withCacheHeader(prefix: string, key: string, body: string): string {
  return `${prefix} key=${key} sha256=${sha256Hex(body)}\n${body}`;
}

/** The body of a file whose header has `prefix`, names `key` and the sha256 of the body; undefined for anything else. */
export function verifiedCacheBody(text: string, prefix: string, key: string): string | undefined {
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const header = /^(.*) key=([0-9a-f]{64}) sha256=([0-9a-f]{64})$/.exec(text.slice(0, newline));
  const body = text.slice(newline + 1);
  if (!header || header[1] !== prefix || header[2] !== key || header[3] !== sha256Hex(body)) return undefined;
  return body;
}

/** The text of a file in the private folder if it is a regular file of this user that only this user can write. */
export function readPrivateFile(file: string): string | undefined {
  return readPrivateBytes(file)?.toString('utf8');
}

/** readPrivateFile, as bytes. */
export function readPrivateBytes(file: string): Buffer | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile() || (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0))) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** withCacheHeader for binary content: the same header line, then the bytes. */
export function withCacheHeaderBytes(prefix: string, key: string, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${prefix} key=${key} sha256=${sha256Hex(Buffer.from(body))}\n`), body]);
}

/** verifiedCacheBody for binary content. */
export function verifiedCacheBytes(data: Buffer, prefix: string, key: string): Buffer | undefined {
  const newline = data.indexOf(0x0a);
  if (newline < 0) return undefined;
  const header = /^(.*) key=([0-9a-f]{64}) sha256=([0-9a-f]{64})$/.exec(data.subarray(0, newline).toString('latin1'));
  const body = data.subarray(newline + 1);
  if (!header || header[1] !== prefix || header[2] !== key || header[3] !== sha256Hex(body)) return undefined;
  return body;
}

/** Writes through a temp file and a rename (readers never see half a file); a read-only cache only costs speed. */
export function writePrivateFile(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** [module file, sha256] of each file of the code a cached result was computed with, sorted by file. */
export type CodeList = readonly (readonly [string, string])[];

/**
 * The code behind `roots` (module files): every module reachable from them through the module graph (Node records
 * each module a module requires as its child, cached or not), with its sha256; undefined when the graph is not
 * visible (a bundler) or a file cannot be read. Call it after the code ran, so that what it required lazily counts.
 */
export function moduleCode(roots: readonly string[]): CodeList | undefined {
  const cache = require.cache as Record<string, NodeJS.Module | undefined> | undefined;
  const modules = roots.map((root) => cache?.[root]);
  // Every root imports something: a root without children means a loader that does not record the graph.
  if (modules.length === 0 || modules.some((m) => !m || !Array.isArray(m.children) || m.children.length === 0)) return undefined;
  const files = new Set<string>();
  const stack = modules as NodeJS.Module[];
  while (stack.length) {
    const m = stack.pop()!;
    if (files.has(m.filename)) continue;
    files.add(m.filename);
    stack.push(...m.children);
  }
  const code: [string, string][] = [];
  for (const file of [...files].sort()) {
    const sha = fileSha256(file);
    if (sha === undefined) return undefined;
    code.push([file, sha]);
  }
  return code;
}

/**
 * Whether a cached result computed with `code` may be used by the code at `roots` (the reader's own module files, as
 * given to moduleCode): each root is listed — the cache folder is per user, not per checkout or package version, so
 * an entry another copy of the package wrote lists that copy's files — and every listed file still has its sha256.
 */
export function codeUnchanged(code: unknown, roots: readonly string[]): boolean {
  return (
    Array.isArray(code) &&
    code.length > 0 &&
    roots.length > 0 &&
    roots.every((root) => code.some((e) => Array.isArray(e) && e[0] === root)) &&
    code.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string' && fileSha256(e[0]) === e[1])
  );
}

/**
 * The body of a kept result whose first line lists the code it was computed with (see {@link writeKeptWithCode}),
 * when the header verifies and that code is unchanged for the reader at `roots`; undefined for anything else.
 */
export function readKeptWithCode(file: string, prefix: string, key: string, roots: readonly string[]): string | undefined {
  const text = readPrivateFile(file);
  const body = text === undefined ? undefined : verifiedCacheBody(text, prefix, key);
  const newline = body?.indexOf('\n') ?? -1;
  if (body === undefined || newline <= 0) return undefined;
  try {
    return codeUnchanged(JSON.parse(body.slice(0, newline)), roots) ? body.slice(newline + 1) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `body` with the code behind `roots` (moduleCode) on its first line; nothing when that code is not visible. */
export function writeKeptWithCode(file: string, prefix: string, key: string, roots: readonly string[], body: string): void {
  const code = moduleCode(roots);
  if (code) writePrivateFile(file, withCacheHeader(prefix, key, `${JSON.stringify(code)}\n${body}`));
}

/** Module files hashed by this process (each once). */
const fileHashes = new Map<string, string | undefined>();

function fileSha256(file: string): string | undefined {
  if (!fileHashes.has(file)) {
    let sha: string | undefined;
    try {
      sha = sha256Hex(readFileSync(file));
    } catch {
      sha = undefined;
    }
    fileHashes.set(file, sha);
  }
  return fileHashes.get(file);
}

/** Forgets the file hashes of this process (tests that change a file). */
export function clearCodeHashes(): void {
  fileHashes.clear();
}
