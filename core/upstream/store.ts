/**
 * Where pinned upstream files come from, in this order:
 *  1. `AGENT_SANDBOX_INFRA_MIRROR=<dir>`: a folder laid out like ../shared/upstream (air-gapped mirrors, CI);
 *  2. the local cache that `agent-sandbox-infra fetch-upstream` fills;
 *  3. for files of a Go module (Karpenter's CRDs): the Go module cache's copy of the module zip (`go mod download`
 *     puts it there), the zip's sha256 checked against the pin before the member is read;
 *  4. otherwise an error that says what to do. Never a download here.
 * A set mirror is authoritative for the files it is meant to hold; Go-module files may come from 2 or 3 instead.
 * Every read checks the sha256 against the pin.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import type { GoModuleMember, UpstreamFile } from './pins';

export const MIRROR_ENV = 'AGENT_SANDBOX_INFRA_MIRROR';
export const CACHE_ENV = 'AGENT_SANDBOX_INFRA_CACHE';

export interface UpstreamLocation {
  /** The file itself, or (from `go-module-cache`) the module zip holding it. */
  readonly path: string;
  readonly from: 'mirror' | 'cache' | 'go-module-cache';
}

export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** The cache folder: $AGENT_SANDBOX_INFRA_CACHE, else $XDG_CACHE_HOME/agent-sandbox-infra, else ~/.cache/agent-sandbox-infra. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_ENV]) return resolve(env[CACHE_ENV]!);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'agent-sandbox-infra');
}

export function mirrorDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[MIRROR_ENV] ? resolve(env[MIRROR_ENV]!) : undefined;
}

/** The Go module cache: $GOMODCACHE, else `<first $GOPATH entry>/pkg/mod`, else ~/go/pkg/mod (as `go env GOMODCACHE`). */
export function goModCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOMODCACHE) return resolve(env.GOMODCACHE);
  const gopath = env.GOPATH?.split(':').find((p) => p.length > 0);
  return join(gopath ? resolve(gopath) : join(homedir(), 'go'), 'pkg', 'mod');
}

/** The Go module cache's case encoding: an upper-case letter becomes "!" and its lower case. */
function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Where `go mod download` keeps a module's zip. */
export function goModuleZipPath(module: Pick<GoModuleMember, 'path' | 'version'>, env: NodeJS.ProcessEnv = process.env): string {
  return join(goModCacheDir(env), 'cache', 'download', escapeModulePath(module.path), '@v', `${escapeModulePath(module.version)}.zip`);
}

/** One member of a module zip whose sha256 is the pinned one; an error naming the zip otherwise. */
export function readModuleMember(zip: Buffer, module: GoModuleMember, where: string): Buffer {
  const actual = sha256Hex(zip);
  if (actual !== module.zipSha256) {
    throw new UpstreamError(`sha256 mismatch for ${where} (${module.path}@${module.version}): expected ${module.zipSha256}, got ${actual}`);
  }
  const files = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength), { filter: (f) => f.name === module.member });
  const member = files[module.member];
  if (!member) throw new UpstreamError(`${where} (${module.path}@${module.version}) has no ${module.member}`);
  return Buffer.from(member);
}

/** Finds a pinned file without reading it. A set mirror is authoritative, except for files of Go modules. */
export function locateUpstreamFile(file: UpstreamFile, env: NodeJS.ProcessEnv = process.env): UpstreamLocation {
  const mirror = mirrorDir(env);
  if (file.goModule !== undefined) {
    const inMirror = mirror !== undefined ? join(mirror, file.relativePath) : undefined;
    if (inMirror !== undefined && existsSync(inMirror)) return { path: inMirror, from: 'mirror' };
    const cached = join(cacheDir(env), file.relativePath);
    if (existsSync(cached)) return { path: cached, from: 'cache' };
    const zip = goModuleZipPath(file.goModule, env);
    if (existsSync(zip)) return { path: zip, from: 'go-module-cache' };
    throw new UpstreamError(
      `${file.name} ${file.version} is not available: not in ${[...(inMirror ? [inMirror] : []), cached].join(' nor ')}, and the Go module cache has no ${zip}. ` +
        `Run \`agent-sandbox-infra fetch-upstream\` (downloads ${file.url}, checks it and keeps ${file.relativePath} in ${cacheDir(env)}), ` +
        `\`go mod download ${file.goModule.path}@${file.goModule.version}\`, or add ${file.relativePath} to ${MIRROR_ENV}.`,
    );
  }
  if (mirror !== undefined) {
    const path = join(mirror, file.relativePath);
    if (existsSync(path)) return { path, from: 'mirror' };
    throw new UpstreamError(
      `${file.name} ${file.version} is missing from the mirror: ${path} does not exist. ` +
        `${MIRROR_ENV}=${mirror} must be laid out like ../shared/upstream (agent-sandbox/<tag>/crds/*.yaml, ` +
        `kubernetes-schemas/v<version>/_definitions.json); add ${file.relativePath} (from ${file.url}) or unset ${MIRROR_ENV}.`,
    );
  }
  const path = join(cacheDir(env), file.relativePath);
  if (existsSync(path)) return { path, from: 'cache' };
  throw new UpstreamError(
    `${file.name} ${file.version} is not available: no ${MIRROR_ENV} is set and the cache has no ${file.relativePath}. ` +
      `Run \`agent-sandbox-infra fetch-upstream\` (downloads the pinned files into ${cacheDir(env)}), ` +
      `or set ${MIRROR_ENV}=<dir> to a folder laid out like ../shared/upstream.`,
  );
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Throws when `data` is not the pinned content; the message carries both hashes. */
export function verifyPinned(file: UpstreamFile, data: Buffer, where: string): void {
  const actual = sha256Hex(data);
  if (actual !== file.sha256) {
    throw new UpstreamError(
      `sha256 mismatch for ${where} (${file.name} ${file.version}): expected ${file.sha256}, got ${actual}. ` +
        `The file is not the pinned upstream file (${file.url}); restore it or re-run \`agent-sandbox-infra fetch-upstream\`.`,
    );
  }
}

const verifiedText = new Map<string, string>();

/** Reads a pinned file as text, verified against its sha256. Memoized per process (key: pin + path). */
export function readUpstreamText(file: UpstreamFile, env: NodeJS.ProcessEnv = process.env): string {
  const location = locateUpstreamFile(file, env);
  const key = `${file.sha256}:${location.path}`;
  const cached = verifiedText.get(key);
  if (cached !== undefined) return cached;
  const raw = readFileSync(location.path);
  const data = location.from === 'go-module-cache' && file.goModule ? readModuleMember(raw, file.goModule, location.path) : raw;
  verifyPinned(file, data, location.path);
  const text = data.toString('utf8');
  verifiedText.set(key, text);
  return text;
}

/** Forgets what was read (tests that tamper with files between reads). */
export function clearUpstreamMemo(): void {
  verifiedText.clear();
}
