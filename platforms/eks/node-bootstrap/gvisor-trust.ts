/**
 * What a node trusts when it verifies the gVisor download.
 *
 * The `.sha512` files sit next to the payload in the same bucket directory, written by the same release job
 * (platforms/eks/facts.ts eks.gvisor-same-bucket-digests): whoever can replace `gvisor.tar.bz2` can replace its
 * `.sha512` too, so on their own they prove only that the download was not truncated. The trust anchor is therefore
 * one of:
 * - `pinned`: sha512 digests the user supplies per release and architecture (`gvisorSha512`), obtained independently
 *   of the bucket (e.g. computed from a copy they reviewed, or from gVisor's signed apt repository). The node checks
 *   the payload against these and never reads the bucket's `.sha512`.
 * - `bucket-checksums`: the bucket's own `.sha512`, only when the user opts in (`acceptGvisorBucketChecksums: true`);
 *   the opt-in is written into the install script, the node's marker file and a warning.
 *
 * No digests are pinned in this package: gVisor publishes none outside the bucket for the bucket's files (the
 * GitHub release tarballs of newer releases carry their own SHA512SUMS, but they are other files than the bucket's
 * `gvisor.tar.bz2`), and gVisor's docs give no fingerprint for the apt key, so there is nothing independent to pin
 * (README "Security model").
 */
import { GVISOR_ARCHES, type GvisorArch } from './arch';
import { SandboxConfigError, throwIfErrors } from './errors';
import { checkGvisorRelease, GVISOR_LATEST, gvisorPayloadFiles } from './gvisor-release';

/** One architecture's digests: the hex sha512 of the release's single payload file, or one per payload file. */
export type GvisorArchDigests = string | Readonly<Record<string, string>>;
/** `release → architecture → digests`, e.g. `{ "20261012.0": { x86_64: "<sha512 of gvisor.tar.bz2>" } }`. */
export type GvisorSha512 = Readonly<Record<string, Readonly<Partial<Record<GvisorArch, GvisorArchDigests>>>>>;

/** The trust-anchor options, as the EKS cluster settings name them. */
export interface GvisorTrustOptions {
  /** Digests obtained independently of the download location, per release and architecture. */
  readonly gvisorSha512?: GvisorSha512;
  /**
   * Trust the `.sha512` files from the download location itself (same origin as the payload). Only used where
   * `gvisorSha512` has no entry for the release and architecture.
   * @default false
   */
  readonly acceptGvisorBucketChecksums?: boolean;
}

/** How one node's install script verifies its payload. */
export type GvisorTrust =
  | { readonly kind: 'pinned'; readonly sha512: Readonly<Record<string, string>> }
  | { readonly kind: 'bucket-checksums' };

export const GVISOR_SHA512_FIELD = 'gvisorSha512';
export const ACCEPT_BUCKET_CHECKSUMS_FIELD = 'acceptGvisorBucketChecksums';

const SHA512_HEX = /^[0-9a-f]{128}$/;

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"` : JSON.stringify(value) ?? String(value);
}

/** Shape errors in `gvisorSha512` (release names, architectures, hex digests, the release's payload files). */
export function checkGvisorSha512(digests: unknown, field = GVISOR_SHA512_FIELD): SandboxConfigError[] {
  if (digests === undefined) return [];
  if (typeof digests !== 'object' || digests === null || Array.isArray(digests)) {
    return [{ field, value: digests, message: `must map gVisor releases to architectures to sha512 digests, e.g. { "20261012.0": { x86_64: "<128 hex digits>" } }` }];
  }
  const errors: SandboxConfigError[] = [];
  for (const [release, byArch] of Object.entries(digests as Record<string, unknown>)) {
    const at = `${field}["${release}"]`;
    if (release === GVISOR_LATEST) {
      errors.push({ field: at, value: release, message: '"latest" moves with every release, so no digest can be pinned for it; name a dated release (YYYYMMDD.N)' });
      continue;
    }
    const releaseErrors = checkGvisorRelease(release, false, at);
    if (releaseErrors.length > 0) {
      errors.push(...releaseErrors);
      continue;
    }
    if (typeof byArch !== 'object' || byArch === null || Array.isArray(byArch)) {
      errors.push({ field: at, value: byArch, message: `must map architectures (${GVISOR_ARCHES.join(', ')}) to sha512 digests` });
      continue;
    }
    const payload = gvisorPayloadFiles(release);
    for (const [arch, value] of Object.entries(byArch as Record<string, unknown>)) {
      const archAt = `${at}.${arch}`;
      if (!(GVISOR_ARCHES as readonly string[]).includes(arch)) {
        errors.push({ field: archAt, value: arch, message: `"${arch}" is not a gVisor architecture; use ${GVISOR_ARCHES.join(' or ')} (the release directory names)` });
        continue;
      }
      if (typeof value === 'string') {
        if (payload.length !== 1) {
          errors.push({ field: archAt, value, message: `release ${release} has ${payload.length} payload files; give one digest each: { ${payload.map((f) => `${f}: "<sha512>"`).join(', ')} }` });
        } else if (!SHA512_HEX.test(value)) {
          errors.push({ field: archAt, value, message: `${describe(value)} is not a sha512 digest of ${payload[0]}; use 128 lowercase hex digits (sha512sum's first column)` });
        }
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push({ field: archAt, value, message: `must be the sha512 of ${payload.join(' and ')} (128 lowercase hex digits)` });
        continue;
      }
      const files = value as Record<string, unknown>;
      for (const name of Object.keys(files).filter((f) => !payload.includes(f))) {
        errors.push({ field: `${archAt}.${name}`, value: name, message: `release ${release} has no payload file "${name}"; its files are ${payload.join(', ')}` });
      }
      for (const name of payload) {
        const digest = files[name];
        if (digest === undefined) errors.push({ field: `${archAt}.${name}`, value: undefined, message: `missing: every payload file of release ${release} needs its digest (${payload.join(', ')})` });
        else if (typeof digest !== 'string' || !SHA512_HEX.test(digest)) {
          errors.push({ field: `${archAt}.${name}`, value: digest, message: `${describe(digest)} is not a sha512 digest; use 128 lowercase hex digits (sha512sum's first column)` });
        }
      }
    }
  }
  return errors;
}

/**
 * Errors when some architecture of `release` has neither a digest nor the bucket opt-in; also the shape errors of
 * `gvisorSha512` and of `acceptGvisorBucketChecksums`. `arches` are the architectures the nodes use.
 */
export function checkGvisorTrust(release: string, arches: readonly GvisorArch[], options: GvisorTrustOptions, fieldPrefix = ''): SandboxConfigError[] {
  const shaField = `${fieldPrefix}${GVISOR_SHA512_FIELD}`;
  const acceptField = `${fieldPrefix}${ACCEPT_BUCKET_CHECKSUMS_FIELD}`;
  const accept = options.acceptGvisorBucketChecksums;
  const errors = checkGvisorSha512(options.gvisorSha512, shaField);
  if (accept !== undefined && typeof accept !== 'boolean') {
    errors.push({ field: acceptField, value: accept, message: `${describe(accept)} is not true or false` });
  }
  if (errors.length > 0 || accept === true) return errors;
  const pinned = options.gvisorSha512?.[release] ?? {};
  const missing = [...new Set(arches)].filter((arch) => pinned[arch] === undefined);
  if (missing.length === 0) return [];
  const payload = gvisorPayloadFiles(release);
  const what = payload.length === 1 ? `"<sha512 of ${payload[0]}>"` : `{ ${payload.map((f) => `${f}: "<sha512>"`).join(', ')} }`;
  if (release === GVISOR_LATEST) {
    return [
      {
        field: acceptField,
        value: accept,
        message:
          '"latest" moves with every release, so no digest can be pinned for it and the only check left is the bucket\'s own .sha512 files; ' +
          `set ${ACCEPT_BUCKET_CHECKSUMS_FIELD}: true to accept that (written into the user data and warned), or name a dated release and its ${GVISOR_SHA512_FIELD}`,
      },
    ];
  }
  return [
    {
      field: shaField,
      value: options.gvisorSha512,
      message:
        `no sha512 for gVisor ${release} ${missing.join(' and ')}: the .sha512 files sit in the same bucket as the binaries, so whoever can replace one can ` +
        `replace the other; set ${GVISOR_SHA512_FIELD}: { "${release}": { ${missing.map((a) => `${a}: ${what}`).join(', ')} } } with digests obtained ` +
        `independently of the bucket, or ${ACCEPT_BUCKET_CHECKSUMS_FIELD}: true to trust the bucket's own checksums (written into the user data and warned)`,
    },
  ];
}

/** The trust anchor of one node's install (`pinned` wins over the opt-in); throws with every error. */
export function resolveGvisorTrust(release: string, arch: GvisorArch, options: GvisorTrustOptions): GvisorTrust {
  throwIfErrors(checkGvisorTrust(release, [arch], options));
  const digests = options.gvisorSha512?.[release]?.[arch];
  if (digests === undefined) return { kind: 'bucket-checksums' };
  const sha512 = typeof digests === 'string' ? { [gvisorPayloadFiles(release)[0]]: digests } : { ...digests };
  return { kind: 'pinned', sha512 };
}

/** The warning every output carries when a node trusts the bucket's own checksums. */
export function bucketChecksumsWarning(release: string, arches: readonly GvisorArch[]): string {
  return (
    `${ACCEPT_BUCKET_CHECKSUMS_FIELD}: gVisor ${release} (${[...new Set(arches)].join(', ')}) is verified only against the .sha512 files from the ` +
    `same location as the binaries, which whoever can replace the binaries can replace too; set ${GVISOR_SHA512_FIELD} to digests obtained independently`
  );
}
