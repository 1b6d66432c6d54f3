import { problemAt, type Problem } from '../../core/diagnostics';
/**
 * GKE's managed agent-sandbox add-on (`addonsConfig.agentSandboxConfig`): GKE installs the controller and CRDs,
 * so our output must contain neither — and must only contain objects the add-on's API version accepts.
 * The add-on needs GKE ≥ 1.35.2-gke.1269000; it serves v1beta1 only from 1.36.3-gke.1767000 (older add-ons serve
 * v1alpha1, whose SandboxClaim is not field-compatible with v1beta1).
 */

export const GKE_ADDON_MIN_VERSION = '1.35.2-gke.1269000';
export const GKE_ADDON_V1BETA1_VERSION = '1.36.3-gke.1767000';
export const GKE_ADDON_SOURCE = 'https://cloud.google.com/kubernetes-engine/docs/how-to/agent-sandbox';

/** `1.36.3-gke.1767000` → [1, 36, 3, 1767000]; undefined when not a GKE version. */
export function parseGkeVersion(version: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)-gke\.(\d+)$/.exec(version);
  return m ? m.slice(1).map(Number) : undefined;
}

export function compareGkeVersions(a: string, b: string): number {
  const pa = parseGkeVersion(a)!;
  const pb = parseGkeVersion(b)!;
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Errors for managed mode at `gkeVersion` when we emit agent-sandbox objects in `apiVersion` (e.g. v1beta1). */
export function managedAddonErrors(field: string, gkeVersion: string | undefined, apiVersion: string): Problem[] {
  if (gkeVersion === undefined) {
    return [
      problemAt(`${field}.gkeVersion`, `is required with agentSandbox: managed (the add-on's API version depends on it; v1beta1 from ${GKE_ADDON_V1BETA1_VERSION})`, 'gkeSettings'),
    ];
  }
  if (!parseGkeVersion(gkeVersion)) return [problemAt(`${field}.gkeVersion`, `must be a GKE version like "${GKE_ADDON_V1BETA1_VERSION}", got "${gkeVersion}"`, 'gkeSettings')];
  if (compareGkeVersions(gkeVersion, GKE_ADDON_MIN_VERSION) < 0) {
    return [problemAt(`${field}.gkeVersion`, `the managed agent-sandbox add-on needs GKE ≥ ${GKE_ADDON_MIN_VERSION}, got ${gkeVersion}; upgrade the cluster or use agentSandbox: self`, 'gkeSettings')];
  }
  if (apiVersion === 'v1beta1' && compareGkeVersions(gkeVersion, GKE_ADDON_V1BETA1_VERSION) < 0) {
    return [
      problemAt(
        `${field}.gkeVersion`,
        `the add-on on ${gkeVersion} serves only v1alpha1, but we emit v1beta1 SandboxTemplates/WarmPools/Claims ` +
          `(served by the add-on from ${GKE_ADDON_V1BETA1_VERSION}); upgrade the cluster or use agentSandbox: self`,
        'gkeSettings',
      ),
    ];
  }
  return [];
}

/**
 * Default GKE version of each release channel: RAPID, REGULAR and EXTENDED from the 2026-R43 version updates of
 * 2026-10-08 (a summary of Google's release notes; Google's own text of that date was not in the corpus), STABLE from
 * Google's stable-channel feed (2026-05-27; unchanged on 2026-10-08). platforms/gke/facts.ts gke.channel-defaults.
 * Channels move: used for a warning, never to refuse.
 */
export const GKE_CHANNEL_DEFAULTS = {
  RAPID: { version: '1.36.4-gke.2046002', asOf: '2026-10-08' },
  REGULAR: { version: '1.36.4-gke.1391002', asOf: '2026-10-08' },
  EXTENDED: { version: '1.36.4-gke.1391002', asOf: '2026-10-08' },
  STABLE: { version: '1.34.6-gke.1307000', asOf: '2026-05-27' },
} as const;

/**
 * The managed add-on against the cluster's channel: a channel whose default is older than the v1beta1 add-on needs a
 * pinned `minMasterVersion` that the channel offers, or the cluster cannot be created on it. A warning with the
 * channel's default and its date, or undefined.
 */
export function addonChannelWarning(channel: string, minMasterVersion: string | undefined): string | undefined {
  const entry = (GKE_CHANNEL_DEFAULTS as Record<string, { version: string; asOf: string }>)[channel];
  if (!entry || compareGkeVersions(entry.version, GKE_ADDON_V1BETA1_VERSION) >= 0) return undefined;
  return (
    `cluster.releaseChannel: the ${channel} channel's default GKE version was ${entry.version} (release notes, ${entry.asOf}), older than ` +
    `${GKE_ADDON_V1BETA1_VERSION}, the first whose agent-sandbox add-on serves v1beta1; minMasterVersion ${minMasterVersion ? `"${minMasterVersion}" ` : ''}` +
    'must be a version that channel offers (gcloud container get-server-config --flatten="channels" --filter="channels.channel=' +
    `${channel}"), or use RAPID`
  );
}
