/**
 * Which containerd major an AL2023 EKS AMI ships, by Kubernetes minor and AMI release: what decides the config
 * version of our runsc fragment (./containerd.ts).
 *
 * Source: the AMI release notes, which AWS names as the record of what each AMI contains
 * (https://docs.aws.amazon.com/eks/latest/userguide/eks-linux-ami-versions.html → awslabs/amazon-eks-ami
 * CHANGELOG.md, read at 81fec2e8 on 2026-12-06; platforms/eks/facts.ts eks.containerd-per-ami):
 * - 1.34 and later: containerd 2.x from their first AL2023 release (1.34: 2.1.4 in v20250915);
 * - 1.33: 1.7.27 through v20251007, 2.1.4 from v20251016 (the 2.0 switch of #2235 was reverted by #2249);
 * - 1.30–1.32: 1.7 until the per-version overrides were removed (1.32: #2469, first tag v20251103; 1.31: #2502,
 *   v20251108; 1.30: #2517, v20251209); the notes list AL2023 containerd 2.1.5 for them only from v20251217, so a
 *   release between the override removal and v20251217 is not decided here;
 * - 1.29 and older: 1.7 (1.29's last AL2023 release v20260318 lists 1.7.29; variables-1.28/1.29.json pin "1.7.*").
 * Without a pinned `releaseVersion` a managed node group gets the newest AMI of its version.
 *
 * Why it matters (nodeadm/internal/containerd/config.go, e2e cases in ../shared/upstream/amazon-eks-ami/nodeadm-e2e):
 * a fragment naming v3 plugins (`io.containerd.cri.v1.runtime`) on containerd 1.7 makes nodeadm fail ("containerd
 * 1.* doesn't support containerd configuration V3 properties") and the node never joins; a v2 fragment on containerd
 * 2.x is migrated by nodeadm (`containerd config migrate`), so it works but is not what we emit.
 */
import type { ContainerdMajorVersion } from './containerd';

export interface AmiContainerd {
  /** The containerd major of the AMI; undefined when the release notes do not decide it. */
  readonly major?: ContainerdMajorVersion;
  /** Why, citing the release-notes row. */
  readonly reason: string;
}

/** Per Kubernetes minor 1.30–1.33: the first AMI release with containerd 2.x, and (if later) the first the notes confirm. */
const SWITCH_TO_CONTAINERD_2: Readonly<Record<number, { readonly from: string; readonly confirmed: string; readonly change: string }>> = {
  33: { from: '20251016', confirmed: '20251016', change: 'release notes v20251016 (2.1.4; 1.7.27 through v20251007)' },
  32: { from: '20251103', confirmed: '20251217', change: 'awslabs/amazon-eks-ami#2469 (first tag v20251103)' },
  31: { from: '20251108', confirmed: '20251217', change: 'awslabs/amazon-eks-ami#2502 (first tag v20251108)' },
  30: { from: '20251209', confirmed: '20251217', change: 'awslabs/amazon-eks-ami#2517 (first tag v20251209)' },
};

const RELEASE_VERSION = /^1\.(\d+)\.\d+-(\d{8})$/;
const NOTES = 'awslabs/amazon-eks-ami CHANGELOG.md';

/**
 * The containerd major of an AL2023 EKS AMI. `k8sVersion` is the node group's Kubernetes version ("1.33", "1.33.5"),
 * `releaseVersion` its pinned AMI release ("1.33.5-20251007"), if any.
 */
export function amiContainerdMajor(k8sVersion: string, releaseVersion?: string): AmiContainerd {
  const pinned = releaseVersion === undefined ? undefined : RELEASE_VERSION.exec(releaseVersion);
  const minor = pinned ? Number(pinned[1]) : Number(/^v?1\.(\d+)/.exec(k8sVersion)?.[1] ?? NaN);
  if (Number.isNaN(minor)) return { reason: `"${k8sVersion}" is not a Kubernetes version` };
  const date = pinned?.[2];
  const what = date ? `AMI release ${releaseVersion}` : `the newest AL2023 AMI for Kubernetes 1.${minor}`;
  if (minor >= 34) return { major: 2, reason: `${what} ships containerd 2.x (every AL2023 AMI for 1.34+; ${NOTES} v20250915)` };
  if (minor <= 29) return { major: 1, reason: `${what} ships containerd 1.7 (AL2023 AMIs for 1.29 and older; ${NOTES}, last 1.29 release v20260318: 1.7.29)` };
  const row = SWITCH_TO_CONTAINERD_2[minor];
  if (date === undefined) return { major: 2, reason: `${what} ships containerd 2.x (since ${row.change})` };
  if (date < row.from) return { major: 1, reason: `${what} ships containerd 1.7 (1.${minor} AMIs moved to containerd 2.x with ${row.change})` };
  if (date >= row.confirmed) return { major: 2, reason: `${what} ships containerd 2.x (${row.change}; listed in ${NOTES} from v${row.confirmed})` };
  return {
    reason:
      `${what} is between ${row.change} and the first release notes that list containerd 2.x for 1.${minor} (v${row.confirmed}), ` +
      'so which containerd it ships is not known here',
  };
}
