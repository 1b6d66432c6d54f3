/**
 * `agent-sandbox-infra fetch-upstream`: download every pinned file into the cache over HTTPS, verify its sha256,
 * refuse a mismatch, write atomically (temp file + rename).
 */
import { mkdirSync, renameSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { dirname, join } from 'node:path';
import type { UpstreamFile } from './pins';
import { cacheDir, mirrorDir, readModuleMember, sha256Hex, UpstreamError, verifyPinned } from './store';

export interface FetchOptions {
  /** Only download files that are neither in the mirror nor in the cache already (verified). */
  readonly ifMissing?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Injected downloader (tests); default: HTTPS GET following redirects. */
  readonly download?: (url: string) => Promise<Buffer>;
  readonly log?: (line: string) => void;
}

export interface FetchResult {
  readonly file: UpstreamFile;
  readonly status: 'downloaded' | 'cached' | 'mirror';
  readonly path: string;
}

export async function fetchUpstream(files: readonly UpstreamFile[], options: FetchOptions = {}): Promise<FetchResult[]> {
  const env = options.env ?? process.env;
  const download = options.download ?? httpsDownload;
  const log = options.log ?? (() => undefined);
  const results: FetchResult[] = [];
  const mirror = mirrorDir(env);
  // Several pinned files can come from one URL (the members of one Go module zip): downloaded once.
  const downloads = new Map<string, Promise<Buffer>>();
  const once = (url: string) => downloads.get(url) ?? downloads.set(url, download(url)).get(url)!;
  for (const file of files) {
    if (options.ifMissing && mirror !== undefined) {
      const path = join(mirror, file.relativePath);
      if (existsSync(path)) {
        verifyPinned(file, readFileSync(path), path);
        results.push({ file, status: 'mirror', path });
        continue;
      }
    }
    const target = join(cacheDir(env), file.relativePath);
    if (options.ifMissing && existsSync(target) && sha256Hex(readFileSync(target)) === file.sha256) {
      results.push({ file, status: 'cached', path: target });
      continue;
    }
    if (!file.url.startsWith('https://')) {
      throw new UpstreamError(`refusing to download ${file.name} over a non-HTTPS URL: ${file.url}`);
    }
    log(`fetching ${file.url}${file.goModule ? ` (${file.goModule.member})` : ''}`);
    const fetched = await once(file.url);
    // A Go module file: the pinned zip, then the pinned member of it.
    const data = file.goModule ? readModuleMember(fetched, file.goModule, file.url) : fetched;
    verifyPinned(file, data, file.url);
    writeAtomically(target, data);
    results.push({ file, status: 'downloaded', path: target });
  }
  return results;
}

function writeAtomically(target: string, data: Buffer): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function httpsDownload(url: string, redirects = 5): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const request = get(url, { timeout: 30_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        const next = new URL(res.headers.location, url).toString();
        if (redirects <= 0) return reject(new UpstreamError(`too many redirects fetching ${url}`));
        if (!next.startsWith('https://')) return reject(new UpstreamError(`refusing redirect to non-HTTPS ${next}`));
        return resolvePromise(httpsDownload(next, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new UpstreamError(`GET ${url} failed: HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new UpstreamError(`GET ${url} timed out`)));
    request.on('error', (err) => reject(new UpstreamError(`GET ${url} failed: ${err.message}`)));
  });
}
