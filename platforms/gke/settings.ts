/**
 * GKE's `platforms.gke-autopilot` / `platforms.gke-standard` settings: who installs agent-sandbox (us, or GKE's
 * managed add-on), and in managed mode the GKE version the manifests are rendered for, with the checks that tie it
 * to the add-on and to the cluster the stack creates.
 */
import { z } from 'zod';
import { problemAt, underPath, type Problem } from '../../core/diagnostics';
import type { GkePlatformSettings } from './settings-model';
import { compareGkeVersions, managedAddonErrors, parseGkeVersion } from './addon';
import { computeClassSettingsProblems, computeClassSettingsSchema } from './compute-class';

export const gkeSettingsSchema: z.ZodType<GkePlatformSettings> = z
  .object({
    /** `managed`: the GKE agent-sandbox add-on installs controller and CRDs; our output then has neither. */
    agentSandbox: z.enum(['self', 'managed']),
    /** The cluster's GKE version (e.g. "1.36.3-gke.1767000"); required with `agentSandbox: managed`. */
    gkeVersion: z.string().regex(/^1\.\d+\.\d+-gke\.\d+$/, 'must be a GKE version like "1.36.3-gke.1767000"'),
    /** A custom ComputeClass for the sandbox pods (./compute-class.ts): we emit it, every sandbox pod selects it. */
    computeClass: computeClassSettingsSchema,
  })
  .partial()
  .strict();

export type { GkePlatformSettings } from './settings-model';

/** Managed mode at `gkeVersion` against the API version the manifests use (`platforms.<platform>.<field>: …`). */
export function gkeSettingsProblems(platform: string, settings: GkePlatformSettings, apiVersion: string): Problem[] {
  return [
    ...(settings.agentSandbox === 'managed' ? managedAddonErrors(`platforms.${platform}`, settings.gkeVersion, apiVersion) : []),
    ...(settings.computeClass ? underPath(`platforms.${platform}`, computeClassSettingsProblems(platform, settings.computeClass)) : []),
  ];
}

export interface GkeSettings {
  /** `platforms.<platform>.agentSandbox: managed` (GKE's add-on installs the controller and CRDs). */
  readonly managed: boolean;
  /** `platforms.<platform>.gkeVersion` in managed mode: the version the manifests are rendered for. */
  readonly gkeVersion?: string;
  /** `platforms.<platform>.computeClass.name`: the ComputeClass sandbox pods select (the stack's sandbox pool joins it). */
  readonly computeClassName?: string;
  /** The ComputeClass lets GKE create node pools of its own (Standard: `nodePoolAutoCreation` not false). */
  readonly computeClassAutoCreation: boolean;
}

/** The GKE settings (validated, or raw: fields of the wrong type count as unset). */
export function gkeSettings(settings: unknown): GkeSettings {
  const get = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);
  const managed = get(settings, 'agentSandbox') === 'managed';
  const gkeVersion = get(settings, 'gkeVersion');
  const computeClass = get(settings, 'computeClass');
  const computeClassName = get(computeClass, 'name');
  return {
    computeClassAutoCreation: typeof computeClassName === 'string' && get(computeClass, 'nodePoolAutoCreation') !== false,
    managed,
    gkeVersion: managed && typeof gkeVersion === 'string' ? gkeVersion : undefined,
    ...(typeof computeClassName === 'string' ? { computeClassName } : {}),
  };
}

/**
 * True only when every version `pinned` (a `minMasterVersion`: "latest", "1.36", "1.36.3" or "1.36.3-gke.1767000")
 * can resolve to is ≥ `minimum` (a full GKE version). "latest" and a fuzzy version that shares the minimum's
 * prefix ("1.36" vs 1.36.3-gke.…) cannot be shown to be: false.
 */
export function gkeVersionGuarantees(pinned: string, minimum: string): boolean {
  if (!parseGkeVersion(minimum)) return false;
  if (parseGkeVersion(pinned)) return compareGkeVersions(pinned, minimum) >= 0;
  const fuzzy = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pinned);
  if (!fuzzy) return false;
  const min = parseGkeVersion(minimum)!;
  const parts = fuzzy.slice(1).filter((x) => x !== undefined).map(Number);
  for (let i = 0; i < parts.length; i++) if (parts[i] !== min[i]) return parts[i] > min[i];
  return false;
}

/**
 * Managed agent-sandbox (GKE add-on): we render for the sandbox config's `gkeVersion` (it decides which API version
 * the add-on serves), so a cluster we create must be guaranteed at least that version: `cluster.minMasterVersion`
 * set and ≥ it. (An adopted cluster is compared at deploy time by the GKE component, from its running version.)
 * A problem the cluster checks already reported for `cluster.minMasterVersion` naming that version is not repeated.
 */
export function managedVersionProblems(cluster: unknown, gkeVersion: string | undefined, platform: string, reported: readonly Problem[]): Problem[] {
  const path = 'cluster.minMasterVersion';
  if (gkeVersion === undefined || !parseGkeVersion(gkeVersion)) return []; // the sandbox config check reports it
  // Already said by the cluster checks (the GKE component's context checks compare the same two versions).
  if (reported.some((x) => x.path === path && x.message.includes(gkeVersion))) return [];
  const config = typeof cluster === 'object' && cluster !== null && !Array.isArray(cluster) ? (cluster as Record<string, unknown>) : {};
  if (config.existingCluster !== undefined) return [];
  const pinned = config.minMasterVersion;
  const field = `sandbox.platforms.${platform}.gkeVersion`;
  if (pinned === undefined) {
    return [
      problemAt(
        path,
        `is required with agentSandbox: managed: the manifests are rendered for ${field} ${gkeVersion} (the add-on's API version depends on it), ` +
          `and without minMasterVersion GKE picks its channel's default, which may be older; set minMasterVersion to "${gkeVersion}" or later`,
        'managedVersion',
      ),
    ];
  }
  if (typeof pinned !== 'string' || gkeVersionGuarantees(pinned, gkeVersion)) return [];
  return [
    problemAt(
      path,
      `must guarantee at least ${field} ${gkeVersion} (what the manifests are rendered for), got "${pinned}"` +
        `${parseGkeVersion(pinned) ? '' : ', which may resolve to an older version'}; set minMasterVersion to "${gkeVersion}" or later, or lower gkeVersion to the cluster's version`,
      'managedVersion',
    ),
  ];
}
