/**
 * The capacity check of a stack: the warm pools of the rendered chart against the sandbox node pools of the
 * cluster config. Runs at preview time, before anything is created. It is about NODE capacity (do the warm pools fit
 * the pools' nodes?); namespace ResourceQuota and LimitRange are the tenant constructs' business.
 *
 * Where each platform's warm-pool pods land:
 * - GKE Standard: CPU sandboxes on the gVisor `sandboxPool`; GPU sandboxes (the `cloud.google.com/gke-accelerator`
 *   nodeSelector, `nvidia.com/gpu` limits) on the gVisor `gpuPool`, whose GPUs per node come from its machine type
 *   (platforms/gke/gpu.ts). A GPU warm pool without a matching GPU pool can never run: an error (a warning on an
 *   adopted cluster, which may have a GPU pool of its own).
 * - EKS: the `gvisor` RuntimeClass selects every sandbox node group, so each warm pool may land on any of them:
 *   one pool entry per group, sized by its smallest instance type (a managed node group may launch any of its
 *   types), checked together (`WarmPoolInput.pools`); a group whose nodes cannot hold one pod is an error.
 * - AKS: the Kata pool. Autopilot: per-pod bounds instead of pools (with the pods' requests).
 */
import type { Chart } from 'cdk8s';
import type { Platform } from '../platforms/platform';
import { SandboxWarmPool } from '../constructs/workloads/sandbox-warm-pool';
import { checkAutopilot } from '../platforms/gke/autopilot-capacity';
import {
  checkCapacity,
  findMachineType,
  nodeAllocatable,
  parseCpuMillis,
  parseMemoryBytes,
  toResult,
  type CapacityFinding,
  type CapacityResult,
  type ResourceQuantities,
  type SandboxPoolInput,
  type WarmPoolInput,
} from '../platforms/capacity/index';
import { AKS_DEFAULTS, type AksClusterConfig } from '../platforms/aks/cluster-config';
import { EKS_CLUSTER_DEFAULTS, type EksClusterConfig, type EksSandboxNodeGroupConfig } from '../platforms/eks/cluster-config';
import type { GkeClusterConfig } from '../platforms/gke/cluster-config';
import { GKE_SANDBOX_GPU_TYPES, GKE_SANDBOX_GPUS, gpuCountFor } from '../platforms/gke/gpu';
import { GKE_POOL_DEFAULTS } from './gke/node-pools';

export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** One warm pool's pods as the scheduler sees them. */
export interface WarmPoolDemand {
  readonly tenant: string;
  readonly name: string;
  readonly replicas: number;
  /** Per-pod limits (cpu and memory), when every container has both. */
  readonly limits?: ResourceQuantities;
  /** Per-pod requests; a container's unset request is its limit, as Kubernetes defaults it. */
  readonly requests?: ResourceQuantities;
  /** `nvidia.com/gpu` per pod. */
  readonly gpus: number;
  /** The GKE accelerator the pods select (`cloud.google.com/gke-accelerator`), if any. */
  readonly accelerator?: string;
}

type Quantity = string | number;
interface ContainerLike {
  readonly resources?: { readonly limits?: Record<string, Quantity>; readonly requests?: Record<string, Quantity> };
  readonly restartPolicy?: string;
}

/**
 * A pod's effective value of one resource from per-container values (Kubernetes' rule): the app containers plus
 * sidecars (init containers with `restartPolicy: Always`) summed, or the largest regular init container, whichever
 * is larger. Undefined when an app container or sidecar has no value.
 */
function podValue(containers: readonly ContainerLike[], init: readonly ContainerLike[], value: (c: ContainerLike) => number | undefined): number | undefined {
  const running = [...containers, ...init.filter((c) => c.restartPolicy === 'Always')];
  const values = running.map(value);
  if (values.some((v) => v === undefined)) return undefined;
  const sum = (values as number[]).reduce((a, b) => a + b, 0);
  const inits = init.filter((c) => c.restartPolicy !== 'Always').map(value).filter((v): v is number => v !== undefined);
  return Math.max(sum, ...inits);
}

const gpuCount = (v: Quantity | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/** Warm pools of the chart with their peak replicas and per-pod limits, requests and GPUs. */
export function warmPoolDemand(chart: Chart): WarmPoolDemand[] {
  return chart.node
    .findAll()
    .filter((c): c is SandboxWarmPool => c instanceof SandboxWarmPool)
    .map((pool) => {
      const spec = pool.template.pod.podTemplate.spec as {
        containers?: ContainerLike[];
        initContainers?: ContainerLike[];
        nodeSelector?: Record<string, string>;
      };
      const containers = spec.containers ?? [];
      const init = spec.initContainers ?? [];
      const limit = (r: 'cpu' | 'memory') => (c: ContainerLike) => {
        const v = c.resources?.limits?.[r];
        return v === undefined ? undefined : r === 'cpu' ? parseCpuMillis(v) : parseMemoryBytes(v);
      };
      const request = (r: 'cpu' | 'memory') => (c: ContainerLike) => {
        const v = c.resources?.requests?.[r] ?? c.resources?.limits?.[r];
        return v === undefined ? undefined : r === 'cpu' ? parseCpuMillis(v) : parseMemoryBytes(v);
      };
      const cpu = podValue(containers, init, limit('cpu'));
      const memory = podValue(containers, init, limit('memory'));
      const cpuRequest = podValue(containers, init, request('cpu'));
      const memoryRequest = podValue(containers, init, request('memory'));
      // Extended resources: requests must equal limits, and a container without one asks for 0.
      const gpus = podValue(containers, init, (c) => gpuCount(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]) ?? 0) ?? 0;
      const accelerator = spec.nodeSelector?.[GKE_ACCELERATOR_LABEL];
      return {
        tenant: pool.namespace,
        name: pool.name,
        replicas: pool.peakReplicas,
        ...(cpu !== undefined && memory !== undefined ? { limits: { cpu: `${cpu}m`, memory } } : {}),
        ...(cpuRequest !== undefined && memoryRequest !== undefined ? { requests: { cpu: `${cpuRequest}m`, memory: memoryRequest } } : {}),
        gpus,
        ...(accelerator !== undefined ? { accelerator } : {}),
      };
    });
}

/** Zones a GKE pool spans: its nodeLocations, else 1 for a zonal location (`us-central1-a`), else 3. */
function gkeZones(location: string | undefined, nodeLocations: readonly string[] | undefined): number {
  if (nodeLocations?.length) return nodeLocations.length;
  return location && /-[a-z]$/.test(location) ? 1 : 3;
}

const toWarmPool = (w: WarmPoolDemand): WarmPoolInput => ({
  tenant: w.tenant,
  name: w.name,
  replicas: w.replicas,
  ...(w.limits ? { limits: w.limits } : {}),
  gpus: w.gpus,
});

/** Merges findings made here with a check's result, errors and warnings each in order. */
function withFindings(own: readonly CapacityFinding[], result: CapacityResult): CapacityResult {
  const mine = toResult(own);
  return { errors: [...mine.errors, ...result.errors], warnings: [...mine.warnings, ...result.warnings] };
}

function gkeStandard(cluster: GkeClusterConfig, demand: readonly WarmPoolDemand[], gcpLocation: string | undefined): CapacityResult {
  const location = cluster.existingCluster?.location ?? cluster.location ?? gcpLocation;
  const sandbox = cluster.sandboxPool ?? {};
  const pools: SandboxPoolInput[] = [
    {
      name: 'sandbox',
      cloud: 'gcp',
      machineType: sandbox.machineType ?? GKE_POOL_DEFAULTS.sandbox.machineType,
      maxNodes: (sandbox.maxNodes ?? GKE_POOL_DEFAULTS.sandbox.maxNodes) * gkeZones(location, sandbox.nodeLocations),
    },
  ];
  const gpu = cluster.gpuPool;
  const gpuFacts = gpu ? GKE_SANDBOX_GPUS[gpu.gpuType] : undefined;
  if (gpu && gpuFacts) {
    const machineType = gpu.machineType ?? gpuFacts.defaultMachineType;
    pools.push({
      name: 'gpu',
      cloud: 'gcp',
      machineType,
      maxNodes: (gpu.maxNodes ?? GKE_POOL_DEFAULTS.gpu.maxNodes) * gkeZones(location, gpu.nodeLocations),
      gpusPerNode: gpuCountFor(gpu.gpuType, machineType, gpu.gpuCount),
    });
  }

  const own: CapacityFinding[] = [];
  const warmPools: WarmPoolInput[] = [];
  demand.forEach((w, j) => {
    const label = `${w.tenant}/${w.name}`;
    if (w.accelerator === undefined && w.gpus === 0) {
      warmPools.push({ ...toWarmPool(w), pool: 'sandbox' });
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

/**
 * One EKS sandbox group as a pool: sized by its smallest instance type (the group may launch any of them). When no
 * type is smallest in cpu, memory and pods at once, the group is sized by the smallest of each.
 */
export function eksGroupPool(group: EksSandboxNodeGroupConfig): SandboxPoolInput {
  const maxNodes = group.scaling?.max ?? EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.scaling.max;
  const base = { name: group.name, cloud: 'aws' as const, maxNodes };
  const specs = group.instanceTypes.map((t) => findMachineType('aws', t));
  const unknown = group.instanceTypes.find((_, i) => specs[i] === undefined);
  // Unknown to the table: the capacity check warns with the type's name and skips this group.
  if (unknown !== undefined || specs.length === 0) return { ...base, machineType: unknown ?? '(no instance types)' };
  const nodes = specs.map((s) => nodeAllocatable(s!));
  const min = {
    cpuMillis: Math.min(...nodes.map((n) => n.cpuMillis)),
    memoryBytes: Math.min(...nodes.map((n) => n.memoryBytes)),
    pods: Math.min(...nodes.map((n) => n.pods)),
  };
  const smallest = nodes.findIndex((n) => n.cpuMillis === min.cpuMillis && n.memoryBytes === min.memoryBytes && n.pods === min.pods);
  if (smallest >= 0) return { ...base, machineType: group.instanceTypes[smallest] };
  return {
    ...base,
    machineType: `${group.instanceTypes.join('/')} (the smallest cpu, memory and pods of each)`,
    allocatable: { cpu: `${min.cpuMillis}m`, memory: min.memoryBytes, pods: min.pods },
  };
}

export function checkStackCapacity(platform: Platform, cluster: unknown, chart: Chart, gcpLocation?: string): CapacityResult {
  const demand = warmPoolDemand(chart);
  if (demand.length === 0) return { errors: [], warnings: [] };
  switch (platform) {
    case 'gke-autopilot':
      return checkAutopilot({
        warmPools: demand.map((w) => ({ tenant: w.tenant, name: w.name, replicas: w.replicas, limits: w.limits, ...(w.requests ? { requests: w.requests } : {}) })),
      });
    case 'gke-standard':
      return gkeStandard(cluster as GkeClusterConfig, demand, gcpLocation);
    case 'eks': {
      const groups = (cluster as EksClusterConfig).sandboxNodeGroups ?? [];
      // No groups is refused by the cluster config check.
      if (groups.length === 0) return { errors: [], warnings: [] };
      const pools = groups.map(eksGroupPool);
      const names = pools.map((p) => p.name);
      return checkCapacity({ sandboxPools: pools, warmPools: demand.map((w) => ({ ...toWarmPool(w), pools: names })) });
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
        warmPools: demand.map(toWarmPool),
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
