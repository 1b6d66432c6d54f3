/**
 * Where GKE warm-pool pods land, for the stack's capacity check:
 * - GKE Standard: CPU sandboxes on the gVisor `sandboxPool`; GPU sandboxes (the `cloud.google.com/gke-accelerator`
 *   nodeSelector, `nvidia.com/gpu` limits) on the gVisor `gpuPool`, whose GPUs per node come from its machine type
 *   (./gpu.ts). A GPU warm pool without a matching GPU pool can never run: an error (a warning on an adopted
 *   cluster, which may have a GPU pool of its own).
 * - Autopilot: per-pod bounds instead of pools, with the pods' requests (./autopilot-capacity.ts).
 */
import { checkCapacity, type SandboxPoolInput, type WarmPoolInput } from '../capacity/check';
import type { CapacityFinding, CapacityResult } from '../capacity/findings';
import { toWarmPool, withFindings, type WarmPoolDemand } from '../capacity/plan';
import { checkAutopilot } from './autopilot-capacity';
import { GKE_POOL_DEFAULTS, type GkeClusterConfig } from './cluster-config';
import { GKE_SANDBOX_GPU_TYPES, GKE_SANDBOX_GPUS, gpuCountFor } from './gpu';

export function gkeAutopilotCapacity(demand: readonly WarmPoolDemand[]): CapacityResult {
  return checkAutopilot({
    warmPools: demand.map((w) => ({ tenant: w.tenant, name: w.name, replicas: w.replicas, limits: w.limits, ...(w.requests ? { requests: w.requests } : {}) })),
  });
}

/** Zones a GKE pool spans: its nodeLocations, else 1 for a zonal location (`us-central1-a`), else 3. */
function gkeZones(location: string | undefined, nodeLocations: readonly string[] | undefined): number {
  if (nodeLocations?.length) return nodeLocations.length;
  return location && /-[a-z]$/.test(location) ? 1 : 3;
}

export interface GkeStandardCapacityOptions {
  /**
   * The sandbox config's ComputeClass lets GKE create gVisor node pools for CPU sandboxes (./compute-class.ts): the
   * sandbox pool is then only the first capacity, so CPU warm pools are not bounded by it (GPU ones still are: the
   * class has no GPU priorities). @default false
   */
  readonly autoCreatedPools?: boolean;
}

export function gkeStandardCapacity(
  cluster: GkeClusterConfig,
  demand: readonly WarmPoolDemand[],
  gcpLocation: string | undefined,
  options: GkeStandardCapacityOptions = {},
): CapacityResult {
  const location = cluster.existingCluster?.location ?? cluster.location ?? gcpLocation;
  const sandbox = cluster.sandboxPool ?? {};
  const sandboxZones = gkeZones(location, sandbox.nodeLocations);
  const pools: SandboxPoolInput[] = [
    {
      name: 'sandbox',
      cloud: 'gcp',
      machineType: sandbox.machineType ?? GKE_POOL_DEFAULTS.sandbox.machineType,
      maxNodes: (sandbox.maxNodes ?? GKE_POOL_DEFAULTS.sandbox.maxNodes) * sandboxZones,
      configFields: { maxNodes: 'cluster.sandboxPool.maxNodes', machineType: 'cluster.sandboxPool.machineType', nodesPerUnit: sandboxZones },
    },
  ];
  const gpu = cluster.gpuPool;
  const gpuFacts = gpu ? GKE_SANDBOX_GPUS[gpu.gpuType] : undefined;
  if (gpu && gpuFacts) {
    const machineType = gpu.machineType ?? gpuFacts.defaultMachineType;
    const gpuZones = gkeZones(location, gpu.nodeLocations);
    pools.push({
      name: 'gpu',
      cloud: 'gcp',
      machineType,
      maxNodes: (gpu.maxNodes ?? GKE_POOL_DEFAULTS.gpu.maxNodes) * gpuZones,
      configFields: { maxNodes: 'cluster.gpuPool.maxNodes', machineType: 'cluster.gpuPool.machineType', nodesPerUnit: gpuZones },
      gpusPerNode: gpuCountFor(gpu.gpuType, machineType, gpu.gpuCount),
    });
  }

  const own: CapacityFinding[] = [];
  const warmPools: WarmPoolInput[] = [];
  demand.forEach((w, j) => {
    const label = `${w.tenant}/${w.name}`;
    if (w.accelerator === undefined && w.gpus === 0) {
      if (!options.autoCreatedPools) warmPools.push({ ...toWarmPool(w), pool: 'sandbox' });
      return;
    }
    const wanted = w.accelerator ?? 'GPU';
    const gpuType = GKE_SANDBOX_GPU_TYPES.find((t) => GKE_SANDBOX_GPUS[t].acceleratorType === w.accelerator);
    const fix = gpuType ? `cluster.gpuPool with gpuType ${gpuType}` : `a cluster.gpuPool whose accelerator is ${wanted}`;
    if (gpuFacts && (w.accelerator === undefined || w.accelerator === gpuFacts.acceleratorType)) {
      warmPools.push({ ...toWarmPool(w), pool: 'gpu' });
      return;
    }
    // An adopted cluster may run a GPU gVisor pool of its own, which the config does not describe.
    const severity = cluster.existingCluster ? 'warning' : 'error';
    const has = gpuFacts ? `the GPU pool has ${gpuFacts.acceleratorType} (gpuType ${gpu!.gpuType})` : 'the cluster config has no gpuPool';
    own.push({
      severity,
      code: 'no-matching-pool',
      field: `warmPools[${j}]`,
      warmPool: label,
      pool: gpuFacts ? 'gpu' : undefined,
      message: cluster.existingCluster
        ? `warm pool ${label} selects ${wanted} nodes but ${has}, so its ${w.replicas === 1 ? 'pod was' : `${w.replicas} pods were`} not sized; they run only if the existing cluster has a gVisor pool with ${wanted} (else configure ${fix})`
        : `warm pool ${label} selects ${wanted} nodes but ${has}, so its ${w.replicas === 1 ? 'pod' : `${w.replicas} pods`} can never be scheduled; configure ${fix}`,
    });
  });
  return withFindings(own, checkCapacity({ sandboxPools: pools, warmPools }));
}

