/**
 * The pinned gVisor release, what a release directory holds, and where nodes download it from.
 *
 * Bucket layout (gvisor.dev install guide, https://gvisor.dev/docs/user_guide/install/, and google/gvisor
 * tools/make_release.sh `install_raw`): `<base>/<release>/<arch>/`, `<arch>` = `x86_64` | `aarch64`. Every file has a
 * `<file>.sha512` beside it holding one `sha512sum` line. What the directory holds depends on the release
 * ({@link gvisorReleaseLayout}):
 * - `tarball` (release-20260721.0 and later): `gvisor.tar.bz2` with `runsc`, `containerd-shim-runsc-v1` and the
 *   `gvisor-bin/` sidecar directory that runsc looks for next to itself. Loose binaries stopped being published
 *   between release 20260817 and 20260831 (third-party reports; platforms/eks/facts.ts eks.gvisor-tarball), so the pinned release has only this.
 * - `binaries` (older releases): `runsc` and `containerd-shim-runsc-v1`, each with its `.sha512`.
 */
import { gvisorArch, NodeArchitecture } from './arch';
import { SandboxConfigError, throwIfErrors } from './errors';

/**
 * gVisor release installed on sandbox nodes unless the caller picks another one.
 * Source: https://github.com/google/gvisor/releases/tag/release-20261012.0 ("gVisor release 20261012.0",
 * published 2026-10-16, the newest dated release when pinned). The bucket directory drops the tag's `release-` prefix.
 */
export const GVISOR_RELEASE = '20261012.0';

/** Parent of the dated release directories. */
export const GVISOR_RELEASES_BASE_URL = 'https://storage.googleapis.com/gvisor/releases/release';

/** The two binaries a node needs: the runtime and the containerd shim (`runtime_type = "io.containerd.runsc.v1"`). */
export const GVISOR_BINARIES = ['runsc', 'containerd-shim-runsc-v1'] as const;
export type GvisorBinary = (typeof GVISOR_BINARIES)[number];

/** The release tarball (layout `tarball`). */
export const GVISOR_TARBALL = 'gvisor.tar.bz2';
/** Sidecar directory inside the tarball; runsc resolves it next to its own binary (install guide). */
export const GVISOR_SIDECAR_DIR = 'gvisor-bin';

export type GvisorReleaseLayout = 'tarball' | 'binaries';

/**
 * First release with `gvisor.tar.bz2`: google/gvisor a2689e3a4 ("Add sidecar binaries to gVisor release files under
 * `gvisor-bin/`", 2026-07-16) is first contained in tag release-20260721.0 (`git tag --contains`, read 2026-12-06).
 */
export const GVISOR_FIRST_TARBALL_RELEASE = '20260721.0';

/** What a release directory holds: `tarball` from {@link GVISOR_FIRST_TARBALL_RELEASE} (and for `latest`), else `binaries`. */
export function gvisorReleaseLayout(release: string): GvisorReleaseLayout {
  if (release === GVISOR_LATEST) return 'tarball';
  const [date, n] = release.split('.').map(Number);
  const [firstDate, firstN] = GVISOR_FIRST_TARBALL_RELEASE.split('.').map(Number);
  return date > firstDate || (date === firstDate && n >= firstN) ? 'tarball' : 'binaries';
}

/** The payload files a node downloads from a release directory (each with `<file>.sha512` beside it). */
export function gvisorPayloadFiles(release: string): readonly string[] {
  return gvisorReleaseLayout(release) === 'tarball' ? [GVISOR_TARBALL] : [...GVISOR_BINARIES];
}

/** Every file downloaded from a release directory: each payload file, then its `.sha512`. */
export function gvisorReleaseFiles(release: string): string[] {
  return gvisorPayloadFiles(release).flatMap((f) => [f, `${f}.sha512`]);
}

/** The unpinned moving release; only accepted with `allowLatest: true`. */
export const GVISOR_LATEST = 'latest';

/** Which gVisor release to install, and from where. */
export interface GvisorReleaseOptions {
  /**
   * Where the release directories are: a mirror of the gVisor bucket (`agent-sandbox-infra gvisor-mirror` writes one),
   * as `https://…` (an S3 website/VPC-endpoint URL, an internal mirror) or `s3://<bucket>/<prefix>` (downloaded with
   * the node role through the AWS CLI on the AMI). Checksums are verified the same way whatever the source.
   * @default GVISOR_RELEASES_BASE_URL
   */
  readonly gvisorBaseUrl?: string;
  /**
   * Dated gVisor release name, `YYYYMMDD.N` (e.g. `20261012.0`), or `latest` together with `allowLatest`.
   * @default GVISOR_RELEASE
   */
  readonly gvisorRelease?: string;
  /**
   * Accept `gvisorRelease: "latest"`. Nodes then install whatever is newest when they boot, so nodes in one
   * group can run different gVisor builds.
   * @default false
   */
  readonly allowLatest?: boolean;
}

const DATED_RELEASE = /^(\d{4})(\d{2})(\d{2})\.(\d+)$/;

/** Validation errors for a release name (empty when valid). */
export function checkGvisorRelease(release: unknown, allowLatest = false, field = 'gvisorRelease'): SandboxConfigError[] {
  const allowed = `use a dated gVisor release like "${GVISOR_RELEASE}" (YYYYMMDD.N)`;
  if (release === GVISOR_LATEST) {
    return allowLatest
      ? []
      : [
          {
            field,
            value: release,
            message:
              `"latest" is not pinned: nodes would install whatever gVisor is newest when they boot; ${allowed}, ` +
              'or set allowLatest: true to opt in',
          },
        ];
  }
  const text = typeof release === 'string' ? `"${release}"` : String(release);
  if (typeof release === 'string' && release.startsWith('release-') && DATED_RELEASE.test(release.slice(8))) {
    return [
      {
        field,
        value: release,
        message: `${text} is a git tag; the release bucket names it without the prefix: use "${release.slice(8)}"`,
      },
    ];
  }
  const m = typeof release === 'string' ? DATED_RELEASE.exec(release) : null;
  const plausibleDate = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
  if (!plausibleDate) {
    return [
      {
        field,
        value: release,
        message: `${text} is not a gVisor release name; ${allowed}, or "latest" together with allowLatest: true`,
      },
    ];
  }
  return [];
}

/** The validated release name (`GVISOR_RELEASE` by default); throws naming the value and the allowed forms. */
export function resolveGvisorRelease(options: GvisorReleaseOptions = {}): string {
  const release = options.gvisorRelease ?? GVISOR_RELEASE;
  throwIfErrors(checkGvisorRelease(release, options.allowLatest ?? false));
  return release;
}

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/[A-Za-z0-9!_.*'()\/-]*)?$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9!_.~*'()%\/-]*)?$/;

/** An `s3://bucket/prefix` base URL, split; undefined for anything else. */
export function gvisorS3Location(baseUrl: string): { readonly bucket: string; readonly prefix: string } | undefined {
  const m = S3_URL.exec(baseUrl);
  return m ? { bucket: m[1], prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') } : undefined;
}

/** Validation errors for a gVisor base URL (empty when valid or unset). */
export function checkGvisorBaseUrl(baseUrl: unknown, field = 'gvisorBaseUrl'): SandboxConfigError[] {
  if (baseUrl === undefined) return [];
  if (typeof baseUrl === 'string' && (HTTPS_URL.test(baseUrl) || gvisorS3Location(baseUrl) !== undefined) && !baseUrl.includes('..')) return [];
  return [
    {
      field,
      value: baseUrl,
      message:
        `${JSON.stringify(baseUrl)} is not a gVisor release location; use an https:// URL (e.g. "https://mirror.example.com/gvisor/releases/release") ` +
        `or s3://<bucket>/<prefix> (e.g. "s3://acme-gvisor/releases/release"), laid out like ${GVISOR_RELEASES_BASE_URL} (<release>/<arch>/ below it)`,
    },
  ];
}

/** The base URL (default: Google's bucket), without a trailing `/`. */
export function resolveGvisorBaseUrl(options: GvisorReleaseOptions = {}): string {
  throwIfErrors(checkGvisorBaseUrl(options.gvisorBaseUrl));
  return (options.gvisorBaseUrl ?? GVISOR_RELEASES_BASE_URL).replace(/\/+$/, '');
}

/** Release directory URL for one architecture (`arm64` is mapped to `aarch64`), ending in `/`. */
export function gvisorReleaseUrl(arch: NodeArchitecture, options: GvisorReleaseOptions = {}): string {
  return `${resolveGvisorBaseUrl(options)}/${resolveGvisorRelease(options)}/${gvisorArch(arch)}/`;
}
