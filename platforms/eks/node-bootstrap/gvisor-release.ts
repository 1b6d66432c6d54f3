/**
 * The pinned gVisor release and its download locations.
 *
 * Layout (gvisor.dev install guide, https://gvisor.dev/docs/user_guide/install/):
 * `https://storage.googleapis.com/gvisor/releases/release/<release>/<arch>/` holds `runsc`, `runsc.sha512`,
 * `containerd-shim-runsc-v1`, `containerd-shim-runsc-v1.sha512`; the `.sha512` files are `sha512sum -c` lines.
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

/** Every file downloaded from a release directory. */
export const GVISOR_RELEASE_FILES = GVISOR_BINARIES.flatMap((b) => [b, `${b}.sha512`]);

/** The unpinned moving release; only accepted with `allowLatest: true`. */
export const GVISOR_LATEST = 'latest';

/** Which gVisor release to install. */
export interface GvisorReleaseOptions {
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

/** Release directory URL for one architecture (`arm64` is mapped to `aarch64`), ending in `/`. */
export function gvisorReleaseUrl(arch: NodeArchitecture, options: GvisorReleaseOptions = {}): string {
  return `${GVISOR_RELEASES_BASE_URL}/${resolveGvisorRelease(options)}/${gvisorArch(arch)}/`;
}
