/**
 * The capacity check of a stack: the warm pools of the rendered chart against the sandbox node pools of the
 * cluster config. Runs at preview time, before anything is created.
 */
import type { Chart } from 'cdk8s';
import type { Platform } from '../constructs/platform/profiles';
import { SandboxWarmPool } from '../constructs/workloads/sandbox-warm-pool';
import { checkAutopilot, checkCapacity, parseCpuMillis, parseMemoryBytes, type CapacityResult, type SandboxPoolInput, type WarmPoolInput } from './capacity';
import { AKS_DEFAULTS, type AksClusterConfig } from './aks/cluster-config';
import { EKS_CLUSTER_DEFAULTS, type EksClusterConfig } from './eks/cluster-config';
import type { GkeClusterConfig } from './gke/cluster-config';
import { GKE_POOL_DEFAULTS } from './gke/node-pools';

/** Warm pools of the chart with their peak replicas and per-pod limits summed over containers. */
export function warmPoolDemand(chart: Chart): (WarmPoolInput & { gpu: boolean })[] {
  return chart.node
    .findAll()
    .filter((c): c is SandboxWarmPool => c instanceof SandboxWarmPool)
    .map((pool) => {
      const limits = pool.template.pod.containerLimits;
      const complete = limits.every((l) => l.cpu !== undefined && l.memory !== undefined);
      const cpu = limits.reduce((n, l) => n + (l.cpu !== undefined ? parseCpuMillis(l.cpu) : 0), 0);
      const memory = limits.reduce((n, l) => n + (l.memory !== undefined ? parseMemoryBytes(l.memory) : 0), 0);
      const spec = pool.template.pod.podTemplate.spec as { nodeSelector?: Record<string, string> };
      return {
        tenant: pool.namespace,
        name: pool.name,
        replicas: pool.peakReplicas,
        ...(complete ? { limits: { cpu: `${cpu}m`, memory } } : {}),
        gpu: spec.nodeSelector?.['cloud.google.com/gke-accelerator'] !== undefined,
      };
    });
}

/** Zones a GKE pool spans: its nodeLocations, else 1 for a zonal location (`us-central1-a`), else 3. */
function gkeZones(location: string | undefined, nodeLocations: readonly string[] | undefined): number {
  if (nodeLocations?.length) return nodeLocations.length;
  return location && /-[a-z]$/.test(location) ? 1 : 3;
}

export function checkStackCapacity(platform: Platform, cluster: unknown, chart: Chart, gcpLocation?: string): CapacityResult {
  const demand = warmPoolDemand(chart);
  if (demand.length === 0) return { errors: [], warnings: [] };
  switch (platform) {
    case 'gke-autopilot':
      return checkAutopilot({ warmPools: demand.map(({ gpu: _gpu, ...w }) => w) });
    case 'gke-standard': {
      const c = cluster as GkeClusterConfig;
      const location = c.location ?? gcpLocation;
      const pool = c.sandboxPool ?? {};
      const pools: SandboxPoolInput[] = [
        {
          name: 'sandbox',
          cloud: 'gcp',
          machineType: pool.machineType ?? GKE_POOL_DEFAULTS.sandbox.machineType,
          maxNodes: (pool.maxNodes ?? GKE_POOL_DEFAULTS.sandbox.maxNodes) * gkeZones(location, pool.nodeLocations),
        },
      ];
      // GPU sandboxes land on the GPU pool, which the GPU type sizes: only the CPU pool is checked here.
      return checkCapacity({ sandboxPools: pools, warmPools: demand.filter((w) => !w.gpu).map(({ gpu: _g, ...w }) => ({ ...w, pool: 'sandbox' })) });
    }
    case 'eks': {
      const groups = (cluster as EksClusterConfig).sandboxNodeGroups ?? [];
      // The gvisor RuntimeClass selects every sandbox group: check against their combined capacity, as one pool per
      // instance type would double count. Use the first group's type for the per-node numbers.
      const pools: SandboxPoolInput[] = groups.length
        ? [
            {
              name: groups.map((g) => g.name).join('+'),
              cloud: 'aws',
              machineType: groups[0].instanceTypes[0],
              maxNodes: groups.reduce((n, g) => n + (g.scaling?.max ?? EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.scaling.max), 0),
            },
          ]
        : [];
      return checkCapacity({ sandboxPools: pools, warmPools: demand.map(({ gpu: _g, ...w }) => w) });
    }
    case 'aks': {
      const pool = (cluster as AksClusterConfig).sandboxPool ?? {};
      return checkCapacity({
        sandboxPools: [
          {
            name: pool.name ?? AKS_DEFAULTS.sandboxPool.name,
            cloud: 'azure',
            machineType: pool.vmSize ?? AKS_DEFAULTS.sandboxPool.vmSize,
            maxNodes: pool.maxCount ?? AKS_DEFAULTS.sandboxPool.maxCount,
            isolation: 'kata',
          },
        ],
        warmPools: demand.map(({ gpu: _g, ...w }) => w),
      });
    }
    case 'kind':
      return { errors: [], warnings: [] };
    default: {
      const never: never = platform;
      throw new Error(`unknown platform ${String(never)}`);
    }
  }
}
