/**
 * Where pinned upstream files come from, in this order:
 *  1. `AGENT_SANDBOX_INFRA_MIRROR=<dir>`: a folder laid out like ../shared/upstream (air-gapped mirrors, CI);
 *  2. the local cache that `agent-sandbox-infra fetch-upstream` fills;
 *  3. otherwise an error that says which of the two to do. Never a download here.
 * Every read checks the sha256 against the pin.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { UpstreamFile } from './pins';

export const MIRROR_ENV = 'AGENT_SANDBOX_INFRA_MIRROR';
export const CACHE_ENV = 'AGENT_SANDBOX_INFRA_CACHE';

export interface UpstreamLocation {
  readonly path: string;
  readonly from: 'mirror' | 'cache';
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

/**
 * Finds a pinned file without reading it: in the mirror when it has it, else in the cache. A mirror that lacks a
 * newer pin (a shared, read-only folder) is completed by the cache that `fetch-upstream` fills; every read checks
 * the sha256 wherever the file came from.
 */
export function locateUpstreamFile(file: UpstreamFile, env: NodeJS.ProcessEnv = process.env): UpstreamLocation {
  const mirror = mirrorDir(env);
  const tried: string[] = [];
  if (mirror !== undefined) {
    const path = join(mirror, file.relativePath);
    if (existsSync(path)) return { path, from: 'mirror' };
    tried.push(`${MIRROR_ENV}=${mirror} has no ${file.relativePath}`);
  } else {
    tried.push(`${MIRROR_ENV} is not set`);
  }
  const path = join(cacheDir(env), file.relativePath);
  if (existsSync(path)) return { path, from: 'cache' };
  tried.push(`the cache has no ${path}`);
  throw new UpstreamError(
    `${file.name} ${file.version} is not available (${tried.join('; ')}). ` +
      `Run \`agent-sandbox-infra fetch-upstream\` (fills ${cacheDir(env)} from ${file.url}, or from the Go module proxy: ` +
      `${file.goModule.module}@${file.goModule.version}), or set ${MIRROR_ENV}=<dir> to a folder laid out like ../shared/upstream.`,
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
  const data = readFileSync(location.path);
  verifyPinned(file, data, location.path);
  const text = data.toString('utf8');
  verifiedText.set(key, text);
  return text;
}

/** Forgets what was read (tests that tamper with files between reads). */
export function clearUpstreamMemo(): void {
  verifiedText.clear();
}
