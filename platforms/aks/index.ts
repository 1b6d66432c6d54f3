/**
 * Azure AKS: Pod Sandboxing (Kata VM isolation) with the platform's `kata-vm-isolation` RuntimeClass. Kata sizes
 * each pod's VM from its container limits, so limits are mandatory and the VM's overhead counts against the node.
 */
import { z } from 'zod';
import { toWarmPool } from '../capacity/plan';
import { CLUSTER_DNS_ONLY, SANDBOX_NODE_LABEL_KEY, type PlatformFacts, type PlatformModule, type RuntimeFacts } from '../platform';
import type { AksClusterConfig } from './cluster-config';
import { AKS_SPOT_NODE_LABEL, AKS_SPOT_TOLERATION, SPOT_EVICTION_WARNING, spotAgreementProblems } from './spot';

// The cluster schema and the capacity check serve Pulumi stacks only: loaded on first use.
/* eslint-disable @typescript-eslint/no-require-imports */
const clusterConfig = () => require('./cluster-config') as typeof import('./cluster-config');
const capacityCheck = () => require('../capacity/check') as typeof import('../capacity/check');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Labels of the Kata pool: our sandbox label with the value `kata`, and no taint of ours: AKS schedules Kata pods only
 * by their RuntimeClass, which AKS owns and we cannot add a toleration to (stacks/aks/cluster.ts). A Spot pool carries
 * AKS's own Spot taint, which the pods tolerate themselves (`platforms.aks.spot`, ./spot.ts).
 */
export const AKS_KATA_NODE_LABEL = { key: SANDBOX_NODE_LABEL_KEY, value: 'kata' } as const;

const AKS_KATA: RuntimeFacts = {
  runtimeClassName: 'kata-vm-isolation',
  owner: 'platform',
  podPlacement: { nodeSelector: {}, tolerations: [] },
  limitsSizeTheSandbox: true,
  podOverheadMiB: 600,
  source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
};

/** `platforms.aks` (a plain type: the package's declarations do not reach zod's). */
export interface AksSettings {
  /** The Kata pool is a Spot pool (`cluster.sandboxPool.priority: Spot`). @default false */
  readonly spot?: boolean;
}

const aksSettings: z.ZodType<AksSettings> = z
  .object({
    /**
     * The Kata pool is a Spot pool (the stack's `cluster.sandboxPool.priority: Spot`): every sandbox pod tolerates
     * AKS's Spot taint and selects Spot nodes of our Kata pool. @default false
     */
    spot: z.boolean(),
  })
  .partial()
  .strict();

/**
 * The facts under the settings. On a Spot pool the pods carry the toleration themselves (AKS's RuntimeClass is not
 * ours to change) and select both the Spot label and our Kata pool label, so they land only on the Spot Kata nodes
 * we create: never on another Spot pool without the Kata runtime.
 */
function configureAks(settings: AksSettings): PlatformFacts {
  if (settings.spot !== true) return { runtimes: { kata: AKS_KATA }, sandboxNode: { label: AKS_KATA_NODE_LABEL }, warnings: [] };
  const kata: RuntimeFacts = {
    ...AKS_KATA,
    podPlacement: {
      nodeSelector: { [AKS_KATA_NODE_LABEL.key]: AKS_KATA_NODE_LABEL.value, [AKS_SPOT_NODE_LABEL.key]: AKS_SPOT_NODE_LABEL.value },
      tolerations: [AKS_SPOT_TOLERATION],
    },
  };
  return { runtimes: { kata }, sandboxNode: { label: AKS_KATA_NODE_LABEL }, warnings: [SPOT_EVICTION_WARNING] };
}

export const aks: PlatformModule<AksSettings, 'aks'> = {
  platform: 'aks',
  displayName: 'Azure AKS (Pod Sandboxing, Kata)',
  cloud: 'azure',
  runtimes: { kata: AKS_KATA },
  agentSandboxModes: ['self'],
  // AKS's own namespaces: aks-command (`az aks command invoke` runs its pod there), aks-istio-system and
  // aks-istio-ingress (the Istio add-on); app-routing-system (the application routing add-on).
  reservedNamespaces: [
    { prefixes: ['aks-'], why: "AKS's own components (aks-command for `az aks command invoke`, aks-istio-system and aks-istio-ingress of the Istio add-on)", source: 'https://learn.microsoft.com/azure/aks/access-private-cluster' },
    { names: ['app-routing-system'], why: "AKS's application routing add-on", source: 'https://learn.microsoft.com/azure/aks/app-routing' },
  ],
  sandboxNode: { label: AKS_KATA_NODE_LABEL },
  dns: CLUSTER_DNS_ONLY,
  settings: aksSettings,
  configure: configureAks,
  optionalPlacementKeys: [AKS_SPOT_NODE_LABEL.key],
  clusterProblems: (cluster, { settings }) => [...clusterConfig().parseAksClusterConfig(cluster).problems, ...spotAgreementProblems(cluster, settings)],
  capacity: (cluster, demand) => {
    const pool = (cluster as AksClusterConfig).sandboxPool ?? {};
    const { AKS_DEFAULTS } = clusterConfig();
    return capacityCheck().checkCapacity({
      sandboxPools: [
        {
          name: pool.name ?? AKS_DEFAULTS.sandboxPool.name,
          cloud: 'azure',
          machineType: pool.vmSize ?? AKS_DEFAULTS.sandboxPool.vmSize,
          maxNodes: pool.maxCount ?? AKS_DEFAULTS.sandboxPool.maxCount,
          isolation: 'kata',
          configFields: { maxNodes: 'cluster.sandboxPool.maxCount', machineType: 'cluster.sandboxPool.vmSize' },
        },
      ],
      warmPools: demand.map(toWarmPool),
    });
  },
};
