/**
 * GKE Autopilot and GKE Standard: GKE Sandbox (gVisor) with the platform's own `gvisor` RuntimeClass and node
 * placement, GPU sandboxes through `nvidia.com/gpu` limits, DNS through NodeLocal DNSCache (and Cloud DNS on
 * Autopilot), agent-sandbox installed by us or by GKE's managed add-on.
 */
import { CLUSTER_DNS_ONLY, type GpuFacts, type PlatformFacts, type PlatformModule, type RuntimeFacts } from '../platform';
import { COMPUTE_CLASS_LABEL } from './compute-class';
import type { Problem } from '../../core/diagnostics';
import type { GkeClusterConfig } from './cluster-config';
import { gkeSettings, gkeSettingsProblems, gkeSettingsSchema, managedVersionProblems } from './settings';
import type { GkePlatformSettings } from './settings-model';

// The cluster schema, its checks and the capacity plan serve Pulumi stacks only: loaded on first use, so synth and
// validate do not pay for building them.
/* eslint-disable @typescript-eslint/no-require-imports */
const clusterConfig = () => require('./cluster-config') as typeof import('./cluster-config');
const checks = () => require('./checks') as typeof import('./checks');
const capacity = () => require('./capacity') as typeof import('./capacity');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Label and taint GKE puts on gVisor nodes (Standard sandbox pools and Autopilot gVisor nodes). */
export const GKE_GVISOR_NODE_LABEL = { key: 'sandbox.gke.io/runtime', value: 'gvisor' } as const;
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';

const GKE_GVISOR: RuntimeFacts = {
  runtimeClassName: 'gvisor',
  owner: 'platform',
  podPlacement: {
    nodeSelector: { [GKE_GVISOR_NODE_LABEL.key]: GKE_GVISOR_NODE_LABEL.value },
    tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
  },
  limitsSizeTheSandbox: false,
  podOverheadMiB: 0,
  source: 'https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods',
};

/**
 * Namespaces GKE creates and manages: `gke-` (gke-managed-system, gke-gmp-system, gke-managed-cim, gke-connect…; on
 * Autopilot GKE Warden denies writes to managed namespaces, "denied by managed-namespaces-limitation") and `gmp-`
 * (Google Cloud Managed Service for Prometheus: gmp-system, gmp-public).
 */
const GKE_RESERVED_NAMESPACES = [
  { prefixes: ['gke-'], why: "GKE's managed components (gke-managed-system, gke-gmp-system, gke-connect…)", source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security' },
  { prefixes: ['gmp-'], why: 'Google Cloud Managed Service for Prometheus (gmp-system, gmp-public)', source: 'https://cloud.google.com/stackdriver/docs/managed-prometheus/setup-managed' },
] as const;

/** GPU sandboxes select the accelerator; Autopilot also needs the Accelerator compute class and a driver version. */
function gpuFacts(autopilot: boolean): GpuFacts {
  return {
    typePattern: /^nvidia-[a-z0-9-]+$/,
    typeExample: 'a GKE accelerator type like "nvidia-l4" or "nvidia-tesla-t4"',
    acceleratorLabel: GKE_ACCELERATOR_LABEL,
    nodeSelector: (type) => ({
      [GKE_ACCELERATOR_LABEL]: type,
      ...(autopilot ? { 'cloud.google.com/compute-class': 'Accelerator', 'cloud.google.com/gke-gpu-driver-version': 'latest' } : {}),
    }),
  };
}

/**
 * The facts under the settings: with a `computeClass`, every sandbox pod also selects the class by its node label
 * and tolerates its taint (GKE labels the nodes it creates for a class `cloud.google.com/compute-class=<name>`;
 * node pools that join a class carry that label and a NoSchedule taint of the same key).
 */
function configureGke(settings: GkePlatformSettings): PlatformFacts {
  const name = settings.computeClass?.name;
  if (name === undefined) return { runtimes: { gvisor: GKE_GVISOR }, warnings: [] };
  const gvisor: RuntimeFacts = {
    ...GKE_GVISOR,
    podPlacement: {
      nodeSelector: { ...GKE_GVISOR.podPlacement.nodeSelector, [COMPUTE_CLASS_LABEL]: name },
      tolerations: [...GKE_GVISOR.podPlacement.tolerations, { key: COMPUTE_CLASS_LABEL, operator: 'Equal', value: name, effect: 'NoSchedule' }],
    },
  };
  return { runtimes: { gvisor }, warnings: [] };
}

function gkeModule<Id extends 'gke-autopilot' | 'gke-standard'>(platform: Id, displayName: string): PlatformModule<GkePlatformSettings, Id> {
  const autopilot = platform === 'gke-autopilot';
  return {
    platform,
    displayName,
    cloud: 'gcp',
    runtimes: { gvisor: GKE_GVISOR },
    agentSandboxModes: ['self', 'managed'],
    reservedNamespaces: GKE_RESERVED_NAMESPACES,
    dns: { ...CLUSTER_DNS_ONLY, nodeLocalDnsCache: true, gkeMetadataServerDns: autopilot },
    gpu: gpuFacts(autopilot),
    settings: gkeSettingsSchema,
    settingsProblems: (settings, release) => gkeSettingsProblems(platform, settings, release.apiVersion),
    configure: configureGke,
    clusterProblems: (cluster, { settings, providerConfig }): Problem[] => {
      const gke = gkeSettings(settings);
      const context = {
        platform,
        selfManagedAgentSandbox: !gke.managed,
        gcpProject: providerConfig('gcp', 'project'),
        gcpLocation: providerConfig('gcp', 'region') ?? providerConfig('gcp', 'zone'),
        sandboxGkeVersion: gke.gkeVersion,
      };
      const problems = [...clusterConfig().parseGkeClusterConfig(cluster).problems, ...checks().contextProblems(cluster, context)];
      return [...problems, ...managedVersionProblems(cluster, context.sandboxGkeVersion, platform, problems)];
    },
    capacity: autopilot
      ? (_cluster, demand) => capacity().gkeAutopilotCapacity(demand)
      : (cluster, demand, { providerConfig, settings }) =>
          capacity().gkeStandardCapacity(cluster as GkeClusterConfig, demand, providerConfig('gcp', 'region') ?? providerConfig('gcp', 'zone'), {
            autoCreatedPools: gkeSettings(settings).computeClassAutoCreation,
          }),
  };
}

export const gkeAutopilot = gkeModule('gke-autopilot', 'GKE Autopilot');
export const gkeStandard = gkeModule('gke-standard', 'GKE Standard');
