/**
 * `agent-sandbox-infra fetch-upstream`: put every pinned file into the cache, verified against its sha256, written
 * atomically (temp file + rename). Two sources, tried in order:
 *  1. HTTPS: the pinned URL (GitHub);
 *  2. the Go module proxy (`GOPROXY`, through the `go` command when it is on the PATH): the pinned file's Go module
 *     at the same tag holds the same bytes (for the Kubernetes schemas: `swagger.json`, from which the pinned file
 *     is derived by a documented transform and then checked like any other).
 * When every source fails, the error names each source with its error and the mirror alternative.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { definitionsFromSwagger } from './kubernetes-definitions';
import type { DerivedFrom, GoModuleFile, UpstreamFile } from './pins';
import { cacheDir, MIRROR_ENV, mirrorDir, sha256Hex, UpstreamError, verifyPinned } from './store';

export type UpstreamSource = 'https' | 'go-proxy';
export const UPSTREAM_SOURCES: readonly UpstreamSource[] = ['https', 'go-proxy'];

export interface FetchOptions {
  /** Only fetch files that are neither in the mirror nor in the cache already (verified). */
  readonly ifMissing?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Sources to try, in order. @default ['https', 'go-proxy'] */
  readonly sources?: readonly UpstreamSource[];
  /** Injected downloader (tests); default: HTTPS GET following redirects. */
  readonly download?: (url: string) => Promise<Buffer>;
  /** Injected Go module reader (tests); default: `go mod download -json`, then the file from the module's folder. */
  readonly readGoModuleFile?: (file: GoModuleFile, env: NodeJS.ProcessEnv) => Promise<Buffer>;
  readonly log?: (line: string) => void;
}

export interface FetchResult {
  readonly file: UpstreamFile;
  readonly status: 'downloaded' | 'cached' | 'mirror';
  readonly path: string;
  /** Where a downloaded file came from. */
  readonly source?: UpstreamSource;
}

export async function fetchUpstream(files: readonly UpstreamFile[], options: FetchOptions = {}): Promise<FetchResult[]> {
  const env = options.env ?? process.env;
  const download = options.download ?? httpsDownload;
  const readModuleFile = options.readGoModuleFile ?? goModuleFileReader();
  const sources = options.sources ?? UPSTREAM_SOURCES;
  const log = options.log ?? (() => undefined);
  const results: FetchResult[] = [];
  const mirror = mirrorDir(env);
  // Several pins can share one URL (the CRDs in one Go module zip): each URL is downloaded once per run.
  const downloads = new Map<string, Promise<Buffer>>();
  const once = (url: string): Promise<Buffer> => {
    if (!downloads.has(url)) downloads.set(url, download(url));
    return downloads.get(url)!;
  };
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
    const failures: string[] = [];
    let fetched: { data: Buffer; source: UpstreamSource } | undefined;
    for (const source of sources) {
      try {
        if (source === 'https') {
          if (!file.url.startsWith('https://')) throw new UpstreamError(`refusing a non-HTTPS URL: ${file.url}`);
          log(`fetching ${file.url}`);
          fetched = { data: derive(await once(file.url), file.urlDerive, file.url), source };
        } else {
          const m = file.goModule;
          log(`reading ${m.path} from the Go module ${m.module}@${m.version}`);
          fetched = { data: derive(await readModuleFile(m, env), m.derive, `${m.module}@${m.version} ${m.path}`), source };
        }
        verifyPinned(file, fetched.data, source === 'https' ? file.url : `${file.goModule.module}@${file.goModule.version} ${file.goModule.path}`);
        break;
      } catch (err) {
        fetched = undefined;
        failures.push(`${source === 'https' ? `HTTPS ${file.url}` : `Go module proxy ${file.goModule.module}@${file.goModule.version} (${file.goModule.path})`}: ${(err as Error).message}`);
      }
    }
    if (!fetched) {
      throw new UpstreamError(
        `${file.name} ${file.version} could not be fetched from any source:\n  ${failures.join('\n  ')}\n` +
          `Where neither is reachable, set ${MIRROR_ENV}=<dir> to a folder laid out like ../shared/upstream holding ${file.relativePath} ` +
          `(fill it elsewhere with \`agent-sandbox-infra fetch-upstream\`).`,
      );
    }
    writeAtomically(target, fetched.data);
    results.push({ file, status: 'downloaded', path: target, source: fetched.source });
  }
  return results;
}

/** The pinned file from its source: the source itself, or the documented transform of it (source checked first). */
function derive(data: Buffer, how: DerivedFrom | undefined, where: string): Buffer {
  if (!how) return data;
  const actual = sha256Hex(data);
  if (actual !== how.sourceSha256) throw new UpstreamError(`sha256 mismatch for ${where}: expected ${how.sourceSha256}, got ${actual}`);
  switch (how.transform) {
    case 'kubernetes-definitions':
      return Buffer.from(definitionsFromSwagger(data.toString('utf8')));
    case 'zip-member': {
      const files = unzipSync(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { filter: (f) => f.name === how.member });
      const member = files[how.member];
      if (!member) throw new UpstreamError(`${where} has no ${how.member}`);
      return Buffer.from(member);
    }
  }
}

/** `go mod download -json module@version` once per module version, then the file from the module's folder. */
function goModuleFileReader(): (file: GoModuleFile, env: NodeJS.ProcessEnv) => Promise<Buffer> {
  const run = promisify(execFile);
  const dirs = new Map<string, Promise<string>>();
  const moduleDir = (m: GoModuleFile, env: NodeJS.ProcessEnv) => {
    const key = `${m.module}@${m.version}`;
    let dir = dirs.get(key);
    if (!dir) {
      dir = run('go', ['mod', 'download', '-json', key], { env: { ...env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' }, maxBuffer: 16 * 1024 * 1024 }).then(
        ({ stdout }) => (JSON.parse(stdout) as { Dir: string }).Dir,
        (err: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
          if (err.code === 'ENOENT') throw new UpstreamError('the go command is not on the PATH');
          let reason = String(err.stderr ?? '').trim();
          try {
            reason = (JSON.parse(String(err.stdout)) as { Error?: string }).Error ?? reason;
          } catch {
            // not JSON: keep stderr
          }
          throw new UpstreamError(`GOPROXY=${env.GOPROXY ?? 'go env default'} refused ${key}: ${reason || err.message}`);
        },
      );
      dirs.set(key, dir);
    }
    return dir;
  };
  return async (m, env) => {
    const path = join(await moduleDir(m, env), m.path);
    if (!existsSync(path)) throw new UpstreamError(`${m.module}@${m.version} has no ${m.path}`);
    return readFileSync(path);
  };
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
