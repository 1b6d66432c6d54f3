/**
 * `agent-sandbox-infra gvisor-mirror --to <dir>`: copies the pinned gVisor release (every architecture by default)
 * into a folder laid out like the release bucket — `<dir>/<release>/<arch>/<file>` and `<file>.sha512` — for private
 * subnets and air-gapped or aws-cn installs: sync the folder to your bucket and set the EKS cluster's gvisorBaseUrl.
 * Every payload file is checked against a trust anchor before anything is written: the digests given with `--sha512`
 * (obtained independently of the bucket; the bucket's `.sha512` must then agree with them too), or, only with
 * `--accept-bucket-checksums` (warned), the bucket's own `.sha512`. The release directory appears by rename, whole or
 * not at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../config/validate';
import {
  ACCEPT_BUCKET_CHECKSUMS_FIELD,
  bucketChecksumsWarning,
  checkGvisorRelease,
  checkGvisorSha512,
  GVISOR_ARCHES,
  GVISOR_RELEASE,
  GVISOR_RELEASES_BASE_URL,
  gvisorPayloadFiles,
  resolveGvisorTrust,
  type GvisorArch,
  type GvisorSha512,
} from '../platforms/eks/node-bootstrap';
import { problemAt, type Problem } from '../core/diagnostics';

export interface GvisorMirrorOptions {
  readonly to: string;
  readonly release?: string;
  readonly arch?: string;
  /** Where to copy from (another mirror); https, or http on loopback only. @default Google's release bucket */
  readonly from?: string;
  /** The trust anchor: `<arch>=<sha512>` (a tarball release) or `<arch>/<file>=<sha512>`, one per payload file. */
  readonly sha512?: readonly string[];
  /** Trust the bucket's own `.sha512` files where `sha512` has no digest (warned). */
  readonly acceptBucketChecksums?: boolean;
  /** Injected downloader (tests use the loopback HTTP server). */
  readonly download?: (url: string) => Promise<Buffer>;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

function download(url: string, redirects = 5): Promise<Buffer> {
  const get = url.startsWith('https://') ? httpsGet : httpGet;
  return new Promise((resolvePromise, reject) => {
    const req = get(url, { timeout: 60_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        const next = new URL(res.headers.location, url).toString();
        if (!next.startsWith('https://') && !LOOPBACK.test(next)) return reject(new Error(`refusing redirect to ${next}`));
        return resolvePromise(download(next, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`GET ${url}: HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** The published digest of `name` if `line` is a sha512sum line for it; undefined otherwise. */
export function sha512LineFor(line: string, name: string): string | undefined {
  const m = /^([0-9a-f]{128}) [ *]?(\S+)\s*$/.exec(line.split('\n')[0] ?? '');
  return m && (m[2] === name || m[2] === `*${name}`) ? m[1] : undefined;
}

/** `--sha512` values as the cluster setting's shape; malformed entries become problems. */
function parseSha512Flags(release: string, flags: readonly string[], problems: Problem[]): GvisorSha512 {
  const byArch: Record<string, Record<string, string>> = {};
  for (const flag of flags) {
    const m = /^([a-z0-9_]+)(?:\/([A-Za-z0-9._-]+))?=(.*)$/.exec(flag);
    if (!m) {
      problems.push(problemAt('--sha512', `"${flag}" is not <arch>=<sha512> or <arch>/<file>=<sha512>`, 'gvisorMirror'));
      continue;
    }
    const [, arch, file = gvisorPayloadFiles(release).length === 1 ? gvisorPayloadFiles(release)[0] : '', digest] = m;
    if (file === '') {
      problems.push(problemAt('--sha512', `"${flag}": release ${release} has several payload files; name one: <arch>/<file>=<sha512> (${gvisorPayloadFiles(release).join(', ')})`, 'gvisorMirror'));
      continue;
    }
    (byArch[arch] ??= {})[file] = digest;
  }
  return { [release]: byArch };
}

/** Copies, verifies and writes; returns the lines to print. All input errors at once, before anything is fetched. */
export async function gvisorMirror(options: GvisorMirrorOptions): Promise<string[]> {
  const release = options.release ?? GVISOR_RELEASE;
  const arches = (options.arch ?? GVISOR_ARCHES.join(',')).split(',').map((a) => a.trim());
  const from = (options.from ?? GVISOR_RELEASES_BASE_URL).replace(/\/+$/, '');
  const problems = [
    ...checkGvisorRelease(release, false, '--release').map((e) => problemAt(e.field, e.message, 'gvisorMirror')),
    ...arches.filter((a) => !(GVISOR_ARCHES as readonly string[]).includes(a)).map((a) => problemAt('--arch', `"${a}" is not a gVisor architecture; use ${GVISOR_ARCHES.join(', ')}`, 'gvisorMirror')),
    ...(!from.startsWith('https://') && !LOOPBACK.test(from) ? [problemAt('--from', `"${from}" must be an https:// URL (plain http only on 127.0.0.1, localhost, [::1])`, 'gvisorMirror')] : []),
  ];
  const releaseProblems = problems.length;
  const sha512 = options.sha512?.length ? parseSha512Flags(release, options.sha512, problems) : undefined;
  if (problems.length === releaseProblems) {
    // Shape errors name the flag; a missing anchor says what to pass.
    problems.push(...checkGvisorSha512(sha512).map((e) => problemAt(`--sha512 ${e.field.replace(/^gvisorSha512\["[^"]*"\]\./, '')}`, e.message, 'gvisorMirror')));
    const unanchored = arches.filter((a) => (GVISOR_ARCHES as readonly string[]).includes(a) && sha512?.[release]?.[a as GvisorArch] === undefined);
    if (problems.length === releaseProblems && unanchored.length > 0 && !options.acceptBucketChecksums) {
      problems.push(
        problemAt('--sha512', `no digest for gVisor ${release} ${unanchored.join(' and ')}: the .sha512 files sit in the same bucket as the payload, so whoever can ` +
          `replace one can replace the other; give --sha512 ${unanchored.map((a) => `${a}=<sha512 of ${gvisorPayloadFiles(release).join('/')}>`).join(' ')} ` +
          'with digests obtained independently of the bucket, or --accept-bucket-checksums to trust the bucket (warned)', 'gvisorMirror'),
      );
    }
  }
  const root = resolve(options.to);
  const target = join(root, release);
  if (existsSync(target)) problems.push(problemAt('--to', `${target} already exists; remove it or mirror into another folder`, 'gvisorMirror'));
  if (problems.length) throw new ConfigError(problems, 'gvisor-mirror');

  const get = options.download ?? download;
  const files: { arch: GvisorArch; name: string; data: Buffer }[] = [];
  const bucketTrusted: GvisorArch[] = [];
  for (const arch of arches as GvisorArch[]) {
    const trust = resolveGvisorTrust(release, arch, { gvisorSha512: sha512, acceptGvisorBucketChecksums: options.acceptBucketChecksums });
    if (trust.kind === 'bucket-checksums') bucketTrusted.push(arch);
    for (const name of gvisorPayloadFiles(release)) {
      const url = `${from}/${release}/${arch}/${name}`;
      const [payload, sum] = await Promise.all([get(url), get(`${url}.sha512`)]);
      const published = sha512LineFor(sum.toString('utf8'), name);
      if (!published) throw new ConfigError([problemAt('', `${url}.sha512 is not a sha512sum line for ${name}; nothing written`, 'gvisorChecksum')], 'gvisor-mirror');
      const actual = createHash('sha512').update(payload).digest('hex');
      if (trust.kind === 'pinned' && actual !== trust.sha512[name]) {
        throw new ConfigError([problemAt('', `sha512 mismatch for ${url}: --sha512 gives ${trust.sha512[name]}, got ${actual}; nothing written`, 'gvisorChecksum')], 'gvisor-mirror');
      }
      // With a pinned digest the published one must agree too: the copy's .sha512 is what nodes that trust it read.
      if (actual !== published) throw new ConfigError([problemAt('', `sha512 mismatch for ${url}: published ${published}, got ${actual}; nothing written`, 'gvisorChecksum')], 'gvisor-mirror');
      files.push({ arch, name, data: payload }, { arch, name: `${name}.sha512`, data: sum });
    }
  }
  // Staged next to the target, renamed into place: a copy is there whole or not at all.
  mkdirSync(root, { recursive: true });
  const stage = mkdtempSync(join(root, `.${release}.partial-`));
  try {
    for (const f of files) {
      const path = join(stage, f.arch, f.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.data);
    }
    renameSync(stage, target);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return [
    ...files.map((f) => `${join(target, f.arch, f.name)} (${f.data.length} bytes)`),
    ...(bucketTrusted.length > 0 ? [`warning: ${bucketChecksumsWarning(release, bucketTrusted).replace(ACCEPT_BUCKET_CHECKSUMS_FIELD, '--accept-bucket-checksums')}`] : []),
    `gVisor ${release} mirrored into ${root}. Upload it with the same layout, e.g.`,
    `  aws s3 sync ${root} s3://<bucket>/gvisor/releases/release`,
    `and set agent-sandbox-infra:cluster.gvisorBaseUrl to s3://<bucket>/gvisor/releases/release (or the https URL that serves it).`,
  ];
}
