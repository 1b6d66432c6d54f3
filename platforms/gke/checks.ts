/**
 * Checks that need more than the `cluster` config: the platform, the sandbox config's agent-sandbox mode, the
 * `gcp:*` stack defaults (before anything is registered), and the state of an adopted cluster (at deploy time).
 */
import { addonChannelWarning, compareGkeVersions, GKE_ADDON_MIN_VERSION, managedAddonErrors, parseGkeVersion } from './addon';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { problemAt, type Problem } from '../../core/diagnostics';
import { CLUSTER_PATH, GKE_VERSION_SYNTAX } from './cluster-config';
import { versionAtLeast } from './versions';

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
  /**
   * The sandbox config's `platforms.<platform>.gkeVersion` (managed mode only): the GKE version its manifests were
   * checked against (the add-on's API version depends on it). A cluster we create must be guaranteed at least that
   * version (`minMasterVersion` ≥ it); an adopted one must run at least it (checked at deploy time).
   * @default undefined (not compared)
   */
  readonly sandboxGkeVersion?: string;
}

const POOL_FIELDS = ['systemPool', 'sandboxPool', 'gpuPool'] as const;

/** Problems of the raw `cluster` value in its context (fields of the wrong type are left to the schema). */
export function contextProblems(raw: unknown, context: GkeClusterContext): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(path, message, 'clusterContext'));
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

  const minMaster = config.minMasterVersion;
  const sandboxVersion = context.sandboxGkeVersion;
  if (
    !context.selfManagedAgentSandbox &&
    !existing &&
    addons.agentSandbox === true &&
    sandboxVersion !== undefined &&
    parseGkeVersion(sandboxVersion) &&
    typeof minMaster === 'string' &&
    GKE_VERSION_SYNTAX.test(minMaster) &&
    !versionAtLeast(minMaster, sandboxVersion)
  ) {
    add(
      `${CLUSTER_PATH}.minMasterVersion`,
      `the sandbox config's platforms.${context.platform}.gkeVersion is ${sandboxVersion}, but minMasterVersion "${minMaster}" ` +
        `does not guarantee that version (the cluster may come up older, with an add-on that does not serve what the manifests were checked against); ` +
        `set minMasterVersion to "${sandboxVersion}" or later, or gkeVersion to the version minMasterVersion guarantees`,
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

/**
 * What we read from an adopted cluster: the fields of `container.getCluster`'s result (@pulumi/gcp
 * `GetClusterResult`) that the checks use, written out so this module loads no Pulumi types; the GKE component
 * passes the real result, which has them all.
 */
export interface ExistingClusterState {
  readonly enableAutopilot: boolean;
  readonly addonsConfigs: readonly { readonly agentSandboxConfigs: readonly { readonly enabled: boolean }[] }[];
  readonly workloadIdentityConfigs: readonly { readonly workloadPool: string }[];
  readonly masterVersion: string;
  readonly datapathProvider: string;
  readonly networkPolicies: readonly { readonly enabled: boolean; readonly provider?: string }[];
}

export interface ExistingClusterRef {
  readonly platform: GkePlatform;
  readonly selfManagedAgentSandbox: boolean;
  readonly name: string;
  readonly location: string;
  readonly project: string;
  /** {@link GkeClusterContext.sandboxGkeVersion}. */
  readonly sandboxGkeVersion?: string;
}

/** The agent-sandbox API version our manifests use (every pinned release: v1beta1). */
const EMITTED_API_VERSION = agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION).apiVersion;
const ADDON_FIELD = 'addon';

/**
 * Whether an adopted cluster enforces Kubernetes NetworkPolicy: GKE Dataplane V2 always does; the legacy datapath
 * only with network policy enforcement (Calico) turned on (`networkPolicy.enabled`).
 * https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2 ,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy
 */
export function enforcesNetworkPolicy(state: Pick<ExistingClusterState, 'datapathProvider' | 'networkPolicies'>): boolean {
  return state.datapathProvider === 'ADVANCED_DATAPATH' || state.networkPolicies?.[0]?.enabled === true;
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
  if (!ref.selfManagedAgentSandbox && parseGkeVersion(state.masterVersion)) {
    if (compareGkeVersions(state.masterVersion, GKE_ADDON_MIN_VERSION) < 0) {
      problems.push(`${cluster} runs GKE ${state.masterVersion}; the managed agent-sandbox add-on needs ≥ ${GKE_ADDON_MIN_VERSION}: upgrade the cluster`);
    } else {
      // An add-on new enough to exist may still serve only v1alpha1 (platforms/gke/addon.ts).
      for (const p of managedAddonErrors(ADDON_FIELD, state.masterVersion, EMITTED_API_VERSION)) {
        problems.push(`${cluster} runs GKE ${state.masterVersion}: ${p.message}`);
      }
    }
    const expected = ref.sandboxGkeVersion;
    if (expected !== undefined && parseGkeVersion(expected) && compareGkeVersions(state.masterVersion, expected) < 0) {
      problems.push(
        `${cluster} runs GKE ${state.masterVersion}, older than the sandbox config's platforms.${ref.platform}.gkeVersion ${expected} ` +
          `(the version its manifests were checked against): upgrade the cluster to ≥ ${expected} or set gkeVersion to ${state.masterVersion}`,
      );
    }
  }
  if (!enforcesNetworkPolicy(state)) {
    // Sure from the cluster's own state: GKE enforces NetworkPolicy with Dataplane V2 or with Calico, nothing else.
    problems.push(
      `${cluster} does not enforce Kubernetes NetworkPolicy (datapathProvider ${JSON.stringify(state.datapathProvider || 'LEGACY_DATAPATH')}, ` +
        `network policy enforcement off): the sandbox namespaces' NetworkPolicies (default deny, egress allowlists) would not be enforced, ` +
        `so sandboxes could reach every pod and address the nodes can; enable enforcement with ` +
        `"gcloud container clusters update ${where} --update-addons=NetworkPolicy=ENABLED" and then ` +
        `"gcloud container clusters update ${where} --enable-network-policy" (recreates the nodes; ` +
        'https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy), or use a cluster created with Dataplane V2 (--enable-dataplane-v2)',
    );
  }
  return problems;
}

/** GKE's limit for cluster and node pool names: "(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)". */
export const GKE_NAME_MAX = 40;
const GKE_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Pulumi's auto-name suffix: "-" and 7 random characters (e.g. "std-sandbox-b8a97f9"). */
const AUTO_NAME_SUFFIX = '-abc1234';

/**
 * Names Pulumi generates from the component name (the stack name, when the program creates the component) must fit
 * GKE: cluster `<name>-cluster-<7>` (unless `cluster.name` is set), node pools `<name>-<role>-<7>`. GKE accepts at most
 * 40 lowercase letters, digits and "-", starting with a letter, for both: the API error quotes the regex
 * "(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)" ("must be no longer than 40 characters"; pulumi/pulumi-gcp#1510 shows it for
 * an auto-named NodePool; Cluster.name "can be up to 40 characters",
 * https://cloud.google.com/python/docs/reference/container/latest/google.cloud.container_v1.types.Cluster).
 * Without this check the cluster would be refused by GKE mid-`pulumi up`, or a pool after the cluster exists.
 */
export function autoNameProblems(componentName: string, raw: unknown, platform: string): Problem[] {
  const config = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const existing = config.existingCluster !== undefined;
  const generated: Array<{ path: string; what: string; base: string }> = [];
  if (!existing && config.name === undefined) generated.push({ path: `${CLUSTER_PATH}.name`, what: 'the cluster', base: `${componentName}-cluster` });
  if (platform === 'gke-standard') {
    const roles = [...(existing ? [] : ['system']), 'sandbox', ...(config.gpuPool !== undefined ? ['gpu'] : [])];
    for (const role of roles) generated.push({ path: `${CLUSTER_PATH}.${role}Pool`, what: `the ${role} node pool`, base: `${componentName}-${role}` });
  }
  const problems: Problem[] = [];
  for (const g of generated) {
    const sample = `${g.base}${AUTO_NAME_SUFFIX}`;
    if (sample.length <= GKE_NAME_MAX && GKE_NAME.test(sample)) continue;
    const longest = GKE_NAME_MAX - (sample.length - componentName.length);
    const badChars = !/^[a-z][-a-z0-9]*$/.test(componentName);
    problems.push(
      problemAt(
        g.path,
        `${g.what} is auto-named "${g.base}-<7 random characters>" from the component name "${componentName}" (the stack name): ` +
        `${sample.length} characters${badChars ? ', with characters GKE does not allow' : ''}, but GKE names are at most ${GKE_NAME_MAX} ` +
        `lowercase letters, digits and "-", starting with a letter; ` +
        (g.path.endsWith('.name') ? 'set cluster.name, or use ' : 'use ') +
        `a stack (component) name of at most ${longest} such characters`,
        'autoName',
      ),
    );
  }
  return problems;
}

/**
 * Warnings for a cluster we create whose nodes or control plane are reachable from the internet. Not errors: private
 * nodes need Cloud NAT for image pulls from outside Google, and no authorized range can be guessed for the deployer,
 * so either default would break a first `pulumi up`.
 */
export function exposureWarnings(raw: unknown): string[] {
  const config = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (config.existingCluster !== undefined) return [];
  const warnings: string[] = [];
  const addons = typeof config.addons === 'object' && config.addons !== null ? (config.addons as Record<string, unknown>) : {};
  if (addons.agentSandbox === true) {
    const channel = typeof config.releaseChannel === 'string' ? config.releaseChannel : 'REGULAR';
    const warning = addonChannelWarning(channel, typeof config.minMasterVersion === 'string' ? config.minMasterVersion : undefined);
    if (warning) warnings.push(warning);
  }
  if (config.privateNodes !== true) {
    warnings.push(
      `${CLUSTER_PATH}.privateNodes: the cluster's nodes get public IP addresses (privateNodes is ${JSON.stringify(config.privateNodes ?? false)}); ` +
        'set privateNodes: true (nodes get internal IPs only; add Cloud NAT to the subnetwork so nodes can still pull images from outside Google) ' +
        '(https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters)',
    );
  }
  if (config.masterAuthorizedNetworks === undefined) {
    warnings.push(
      `${CLUSTER_PATH}.masterAuthorizedNetworks: the control-plane endpoint accepts connections from any IP address (no authorized networks); ` +
        'set masterAuthorizedNetworks to your admin and CI ranges, e.g. [{ cidrBlock: "203.0.113.0/24", displayName: "office" }] ' +
        '(https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks)',
    );
  }
  return warnings;
}
