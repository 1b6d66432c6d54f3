/**
 * Azure AKS: Pod Sandboxing (Kata VM isolation) with the platform's `kata-vm-isolation` RuntimeClass. Kata sizes
 * each pod's VM from its container limits, so limits are mandatory and the VM's overhead counts against the node.
 */
import { z } from 'zod';
import { toWarmPool } from '../capacity/plan';
import { CLUSTER_DNS_ONLY, SANDBOX_NODE_LABEL_KEY, type PlatformModule } from '../platform';
import type { AksClusterConfig } from './cluster-config';

// The cluster schema and the capacity check serve Pulumi stacks only: loaded on first use.
/* eslint-disable @typescript-eslint/no-require-imports */
const clusterConfig = () => require('./cluster-config') as typeof import('./cluster-config');
const capacityCheck = () => require('../capacity/check') as typeof import('../capacity/check');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Labels of the Kata pool: our sandbox label with the value `kata`, and no taint: AKS schedules Kata pods only by
 * their RuntimeClass, which AKS owns and we cannot add a toleration to (stacks/aks/cluster.ts).
 */
export const AKS_KATA_NODE_LABEL = { key: SANDBOX_NODE_LABEL_KEY, value: 'kata' } as const;

export const aks: PlatformModule<Record<string, never>, 'aks'> = {
  platform: 'aks',
  displayName: 'Azure AKS (Pod Sandboxing, Kata)',
  cloud: 'azure',
  runtimes: {
    kata: {
      runtimeClassName: 'kata-vm-isolation',
      owner: 'platform',
      podPlacement: { nodeSelector: {}, tolerations: [] },
      limitsSizeTheSandbox: true,
      podOverheadMiB: 600,
      source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
    },
  },
  agentSandboxModes: ['self'],
  // AKS's own namespaces: aks-command (`az aks command invoke` runs its pod there), aks-istio-system and
  // aks-istio-ingress (the Istio add-on); app-routing-system (the application routing add-on).
  reservedNamespaces: [
    { prefixes: ['aks-'], why: "AKS's own components (aks-command for `az aks command invoke`, aks-istio-system and aks-istio-ingress of the Istio add-on)", source: 'https://learn.microsoft.com/azure/aks/access-private-cluster' },
    { names: ['app-routing-system'], why: "AKS's application routing add-on", source: 'https://learn.microsoft.com/azure/aks/app-routing' },
  ],
  sandboxNode: { label: AKS_KATA_NODE_LABEL },
  dns: CLUSTER_DNS_ONLY,
  settings: z.object({}).strict(),
  clusterProblems: (cluster) => clusterConfig().parseAksClusterConfig(cluster).problems,
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
