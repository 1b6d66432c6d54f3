/**
 * Checks that need more than the `cluster` config: the platform, the sandbox config's agent-sandbox mode, the
 * `gcp:*` stack defaults (before anything is registered), and the state of an adopted cluster (at deploy time).
 */
import type * as container from '@pulumi/gcp/container';
import { compareGkeVersions, GKE_ADDON_MIN_VERSION, parseGkeVersion } from '../../constructs/platform/gke-addon';
import type { InputProblem } from '../sandbox-cluster';
import { CLUSTER_PATH } from './cluster-config';

export const GKE_PLATFORMS = ['gke-autopilot', 'gke-standard'] as const;
export type GkePlatform = (typeof GKE_PLATFORMS)[number];

export interface GkeClusterContext {
  /** The stack's `agent-sandbox-infra:platform`. */
  readonly platform: string;
  /** The sandbox config's `agentSandbox` is `self` (we install the controller) rather than `managed` (GKE add-on). */
  readonly selfManagedAgentSandbox: boolean;
  /** `gcp:project` stack config. */
  readonly gcpProject?: string;
  /** `gcp:region`, else `gcp:zone` stack config. */
  readonly gcpLocation?: string;
}

const POOL_FIELDS = ['systemPool', 'sandboxPool', 'gpuPool'] as const;

/** Problems of the raw `cluster` value in its context (fields of the wrong type are left to the schema). */
export function contextProblems(raw: unknown, context: GkeClusterContext): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (path: string, reason: string) => problems.push({ propertyPath: path, reason });
  const config = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const existing = typeof config.existingCluster === 'object' && config.existingCluster !== null ? (config.existingCluster as Record<string, unknown>) : undefined;
  const addons = typeof config.addons === 'object' && config.addons !== null ? (config.addons as Record<string, unknown>) : {};

  if (!(GKE_PLATFORMS as readonly string[]).includes(context.platform)) {
    add('platform', `GkeSandboxCluster handles ${GKE_PLATFORMS.join(', ')}, got "${context.platform}"`);
  }

  if (context.platform === 'gke-autopilot') {
    for (const field of POOL_FIELDS) {
      if (config[field] !== undefined) {
        add(
          `${CLUSTER_PATH}.${field}`,
          `Autopilot clusters have no node pools to configure (GKE provisions nodes, and gVisor is built in: pods use runtimeClassName "gvisor"); ` +
            `remove ${field}, or use platform gke-standard`,
        );
      }
    }
    if (existing && config.nodeServiceAccountEmail !== undefined) {
      add(
        `${CLUSTER_PATH}.nodeServiceAccountEmail`,
        'nothing is created on an existing Autopilot cluster, so the node service account would not be used (remove nodeServiceAccountEmail)',
      );
    }
  }

  if (addons.agentSandbox === true && context.selfManagedAgentSandbox) {
    add(
      `${CLUSTER_PATH}.addons.agentSandbox`,
      'the managed add-on installs its own agent-sandbox controller and CRDs, but the sandbox config has agentSandbox: self ' +
        '(we install ours; both would own the same CRDs); set agentSandbox: managed in the sandbox config or turn addons.agentSandbox off',
    );
  }
  if (!context.selfManagedAgentSandbox && !existing && addons.agentSandbox !== true) {
    add(
      `${CLUSTER_PATH}.addons.agentSandbox`,
      `the sandbox config has agentSandbox: managed, which needs GKE's add-on: set addons.agentSandbox: true, got ${JSON.stringify(addons.agentSandbox ?? false)}`,
    );
  }

  if (config.project === undefined && existing?.project === undefined && !context.gcpProject) {
    add(`${CLUSTER_PATH}.project`, 'is required when the gcp:project stack config is not set');
  }
  if (!existing && config.location === undefined && !context.gcpLocation) {
    add(`${CLUSTER_PATH}.location`, 'is required when neither gcp:region nor gcp:zone is set in the stack config');
  }
  return problems;
}

/** What we read from an adopted cluster (a subset of `container.getCluster`'s result). */
export type ExistingClusterState = Pick<container.GetClusterResult, 'enableAutopilot' | 'addonsConfigs' | 'workloadIdentityConfigs' | 'masterVersion'>;

export interface ExistingClusterRef {
  readonly platform: GkePlatform;
  readonly selfManagedAgentSandbox: boolean;
  readonly name: string;
  readonly location: string;
  readonly project: string;
}

/** Deploy-time problems with an adopted cluster: wrong mode, no Workload Identity, add-on state vs agentSandbox mode. */
export function existingClusterProblems(state: ExistingClusterState, ref: ExistingClusterRef): string[] {
  const problems: string[] = [];
  const where = `${ref.name} --location=${ref.location} --project=${ref.project}`;
  const cluster = `existing cluster ${ref.project}/${ref.location}/${ref.name}`;
  const autopilot = ref.platform === 'gke-autopilot';
  if (state.enableAutopilot !== autopilot) {
    problems.push(
      `${cluster} is ${state.enableAutopilot ? 'an Autopilot' : 'a Standard'} cluster, but the platform is ${ref.platform}; ` +
        `set agent-sandbox-infra:platform to ${state.enableAutopilot ? 'gke-autopilot' : 'gke-standard'}`,
    );
  }
  if (!autopilot && !state.workloadIdentityConfigs?.[0]?.workloadPool) {
    problems.push(
      `${cluster} has no Workload Identity, which sandbox node pools need (GKE_METADATA hides the node's credentials from pods); ` +
        `enable it with "gcloud container clusters update ${where} --workload-pool=${ref.project}.svc.id.goog"`,
    );
  }
  const addonEnabled = state.addonsConfigs?.[0]?.agentSandboxConfigs?.[0]?.enabled === true;
  if (ref.selfManagedAgentSandbox && addonEnabled) {
    problems.push(
      `${cluster} runs GKE's managed agent-sandbox add-on, but the sandbox config has agentSandbox: self (both would own the same CRDs); ` +
        'set agentSandbox: managed in the sandbox config, or disable the add-on on the cluster',
    );
  }
  if (!ref.selfManagedAgentSandbox && !addonEnabled) {
    problems.push(
      `${cluster} does not run GKE's managed agent-sandbox add-on, but the sandbox config has agentSandbox: managed; ` +
        `enable it with "gcloud beta container clusters update ${where} --enable-agent-sandbox" or use agentSandbox: self`,
    );
  }
  if (!ref.selfManagedAgentSandbox && parseGkeVersion(state.masterVersion) && compareGkeVersions(state.masterVersion, GKE_ADDON_MIN_VERSION) < 0) {
    problems.push(`${cluster} runs GKE ${state.masterVersion}; the managed agent-sandbox add-on needs ≥ ${GKE_ADDON_MIN_VERSION}: upgrade the cluster`);
  }
  return problems;
}
