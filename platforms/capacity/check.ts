/**
 * The warm-pool capacity check: do the warm pools that land on each sandbox node pool fit in
 * `maxNodes × allocatable per node`, with the sandbox runtime's per-pod overhead included?
 *
 * Demand per pod = container limits (summed) + runtime overhead + RuntimeClass `overhead.podFixed`. Limits, not
 * requests: a warm pool is sized for what its pods may use, and on AKS Kata the limits size the pod VM.
 * The comparison is an aggregate (perfect packing), so "fits" is necessary, not sufficient; the near-full warning
 * covers fragmentation and the kernel's share of node memory.
 *
 * GPUs (`nvidia.com/gpu`) are whole devices: a node of a pool with `gpusPerNode` G holds ⌊G / g⌋ pods that ask for g
 * each, so a GPU warm pool needs ⌈replicas / ⌊G / g⌋⌉ nodes (and all GPU warm pools together ⌈Σ replicas × g / G⌉).
 *
 * A warm pool whose pods may land on several pools (`pools`: one RuntimeClass whose scheduling matches several node
 * groups) is checked against their combined capacity, each pool counted with its own node size; a pool whose nodes
 * cannot hold even one of the pods it may receive adds nothing and is an error of its own (its nodes would run idle).
 */
import {
  CapacityFinding,
  CapacityResult,
  PoolCapacityNumbers,
  ResourceTotals,
  toResult,
} from './findings';
import { Cloud, CLOUDS, findMachineType, MACHINE_TYPE_TERM, machineTypeNames, nodeAllocatable } from './machine-types';
import { AKS_DEFAULT_MAX_PODS, AKS_NETWORK_PLUGINS, AksNetworkPlugin, GKE_STANDARD_DEFAULT_MAX_PODS } from './max-pods';
import {
  formatCpu,
  formatMemory,
  parseCpuMillis,
  parseMemoryBytes,
  QuantityError,
  QuantityInput,
  ResourceQuantities,
} from './quantity';

export const ISOLATIONS = ['gvisor', 'kata'] as const;
export type Isolation = (typeof ISOLATIONS)[number];

/**
 * Memory a sandbox pod uses outside its container limits when the pool declares nothing: the Kata pod VM's host
 * side (shim, hypervisor, virtiofsd) ≈ 600Mi on AKS (the project's measured estimate, DESIGN.md; AKS documents the
 * mechanism, not a number: https://learn.microsoft.com/azure/aks/considerations-pod-sandboxing); gVisor 0.
 */
export const DEFAULT_RUNTIME_OVERHEAD: Readonly<Record<Isolation, ResourceQuantities>> = {
  kata: { memory: '600Mi' },
  gvisor: {},
};

export interface SandboxPoolInput {
  /** Node pool name; warm pools refer to it. */
  readonly name: string;
  readonly cloud: Cloud;
  /** GCE machine type, EC2 instance type or Azure vmSize. */
  readonly machineType: string;
  /** Autoscaling maximum of the pool. */
  readonly maxNodes: number;
  /**
   * How the cluster config names this pool's settings, so advice names the field to change
   * (`cluster.sandboxPool.maxCount` on AKS, `cluster.sandboxNodeGroups[0].scaling.max` on EKS); `nodesPerUnit`: the
   * nodes one unit of that field stands for (GKE's maxNodes counts per zone).
   * @default maxNodes and the cloud's word for a machine type, 1 node per unit
   */
  readonly configFields?: { readonly maxNodes: string; readonly machineType: string; readonly nodesPerUnit?: number };
  /** @default 'kata' on azure, 'gvisor' on gcp and aws */
  readonly isolation?: Isolation;
  /**
   * Allocatable of one node (what `kubectl get node -o jsonpath='{.status.allocatable}'` shows). Overrides the
   * machine-type table; required for machine types the table lacks.
   * @default computed from the table
   */
  readonly allocatable?: { readonly cpu: QuantityInput; readonly memory: QuantityInput; readonly pods?: number };
  /**
   * kubelet maxPods of the pool's nodes.
   * @default gcp 110; aws min(ENI limit, 110 below 30 vCPUs else 250); azure by `aksNetworkPlugin`
   */
  readonly maxPodsPerNode?: number;
  /** AKS network plugin; sets the default max pods. @default 'azure-cni-overlay' */
  readonly aksNetworkPlugin?: AksNetworkPlugin;
  /** Per-pod usage of the runtime outside container limits. @default {@link DEFAULT_RUNTIME_OVERHEAD} */
  readonly runtimeOverhead?: ResourceQuantities;
  /** The RuntimeClass's `overhead.podFixed`, which the scheduler adds to every pod. @default none */
  readonly podOverhead?: ResourceQuantities;
  /** Taken on every node by DaemonSets and other system pods. @default none */
  readonly perNodeReserved?: ResourceQuantities & { readonly pods?: number };
  /**
   * GPUs (`nvidia.com/gpu`) on each node. Warm pools asking for GPUs are checked against it: one node holds
   * ⌊gpusPerNode / GPUs per pod⌋ of their pods.
   * @default 0 (no GPUs: a pod asking for one can never run here)
   */
  readonly gpusPerNode?: number;
}

export interface WarmPoolInput {
  readonly tenant: string;
  readonly name: string;
  readonly replicas: number;
  /** Per-pod limits, summed over the pod's containers. Both are required. */
  readonly limits?: ResourceQuantities;
  /** `nvidia.com/gpu` per pod, summed over the pod's containers. @default 0 */
  readonly gpus?: number;
  /** Sandbox pool the pods land on. @default the only pool with `isolation`, or the only pool */
  readonly pool?: string;
  /**
   * Sandbox pools the pods may land on, in any mix: one RuntimeClass whose scheduling matches several node groups
   * (EKS: the `gvisor` RuntimeClass selects every sandbox node group). The warm pools of the same set are checked
   * against the set's combined capacity, each pool counted with its own node size, and a pool of the set whose nodes
   * cannot hold even one of those pods is an error. GPU counts are checked for warm pools on one pool only.
   * Overrides `pool` and `isolation`.
   * @default the single pool given by `pool` / `isolation`
   */
  readonly pools?: readonly string[];
  /** Picks the pool when `pool` is not given. */
  readonly isolation?: Isolation;
}

export interface CapacityInput {
  readonly sandboxPools: readonly SandboxPoolInput[];
  readonly warmPools: readonly WarmPoolInput[];
  /** Warn when a pool's cpu, memory or pods is at least this full (0 < t ≤ 1). @default 0.8 */
  readonly nearFullThreshold?: number;
}

interface PerPod {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

interface ResolvedPool {
  readonly index: number;
  readonly input: SandboxPoolInput;
  readonly perNode?: ResourceTotals;
  readonly overhead: PerPod;
  readonly overheadLabel: string;
  usable: boolean;
  readonly warmPools: ResolvedWarmPool[];
}

interface ResolvedWarmPool {
  readonly index: number;
  readonly label: string;
  readonly replicas: number;
  /** Undefined when the limits could not be read (already reported). */
  readonly limits?: PerPod;
  /** `nvidia.com/gpu` per pod (0 when invalid: already reported). */
  readonly gpus: number;
}

/** Warm pools that may land on any pool of a set (`WarmPoolInput.pools` with two or more names). */
interface PoolSet {
  readonly pools: ResolvedPool[];
  readonly warmPools: ResolvedWarmPool[];
}

const isNonNegativeInteger = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Checks every sandbox pool against the warm pools that land on it; reports every problem at once. */
export function checkCapacity(input: CapacityInput): CapacityResult {
  const findings: CapacityFinding[] = [];
  const err = (f: Omit<CapacityFinding, 'severity'>) => findings.push({ severity: 'error', ...f });

  let threshold = input.nearFullThreshold ?? 0.8;
  if (!(typeof threshold === 'number' && threshold > 0 && threshold <= 1)) {
    err({ code: 'invalid-input', field: 'nearFullThreshold', message: `nearFullThreshold: must be a number in (0, 1], got ${JSON.stringify(threshold)}` });
    threshold = 0.8;
  }

  const pools = input.sandboxPools.map((p, i) => resolvePool(p, i, findings));
  const names = new Map<string, number>();
  pools.forEach((p) => {
    const first = names.get(p.input.name);
    if (first !== undefined) {
      p.usable = false;
      err({ code: 'invalid-input', field: `sandboxPools[${p.index}].name`, message: `sandboxPools[${p.index}].name: "${p.input.name}" is already used by sandboxPools[${first}]; pool names must be unique` });
    } else names.set(p.input.name, p.index);
  });

  const sets = new Map<string, PoolSet>();
  input.warmPools.forEach((w, j) => {
    const resolved = resolveWarmPool(w, j, findings);
    const target = w.pools !== undefined ? poolsFor(w, j, pools, findings) : poolFor(w, j, pools, findings);
    if (Array.isArray(target)) {
      const key = target.map((p) => p.index).join(',');
      if (!sets.has(key)) sets.set(key, { pools: target, warmPools: [] });
      sets.get(key)!.warmPools.push(resolved);
    } else {
      target?.warmPools.push(resolved);
    }
  });

  for (const pool of pools) {
    if (pool.usable && pool.warmPools.length > 0 && pool.warmPools.every((w) => w.limits)) {
      if (pool.perNode) checkPool(pool, pool.perNode, threshold, findings);
      // GPUs are counted whole per node, and do not need the machine type's cpu/memory numbers.
      checkGpus(pool, threshold, findings);
    }
  }
  for (const set of sets.values()) checkPoolSet(set, threshold, findings);
  return toResult(findings);
}

function parseResources(q: ResourceQuantities | undefined, field: string, findings: CapacityFinding[]): PerPod | undefined {
  try {
    return {
      cpuMillis: q?.cpu === undefined ? 0 : parseCpuMillis(q.cpu, `${field}.cpu`),
      memoryBytes: q?.memory === undefined ? 0 : parseMemoryBytes(q.memory, `${field}.memory`),
    };
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    findings.push({ severity: 'error', code: 'invalid-input', field: e.field, message: e.message });
    return undefined;
  }
}

function overheadText(o: PerPod, label: string): string | undefined {
  const parts = [o.cpuMillis > 0 ? formatCpu(o.cpuMillis) : '', o.memoryBytes > 0 ? formatMemory(o.memoryBytes) : ''].filter(Boolean);
  return parts.length > 0 ? `${parts.join(', ')} ${label}` : undefined;
}

function resolvePool(p: SandboxPoolInput, i: number, findings: CapacityFinding[]): ResolvedPool {
  const at = `sandboxPools[${i}]`;
  const err = (field: string, message: string) =>
    findings.push({ severity: 'error', code: 'invalid-input', field: `${at}.${field}`, message: `${at}.${field}: ${message}`, pool: p.name });
  let usable = true;
  if (typeof p.name !== 'string' || p.name === '') {
    err('name', `must be a non-empty string, got ${JSON.stringify(p.name)}`);
    usable = false;
  }
  if (!CLOUDS.includes(p.cloud)) {
    err('cloud', `must be one of ${CLOUDS.join(', ')}, got ${JSON.stringify(p.cloud)}`);
    return { index: i, input: p, overhead: { cpuMillis: 0, memoryBytes: 0 }, overheadLabel: '', usable: false, warmPools: [] };
  }
  if (!isNonNegativeInteger(p.maxNodes)) {
    err('maxNodes', `must be an integer ≥ 0, got ${JSON.stringify(p.maxNodes)}`);
    usable = false;
  }
  if (p.maxPodsPerNode !== undefined && !(isNonNegativeInteger(p.maxPodsPerNode) && p.maxPodsPerNode > 0)) {
    err('maxPodsPerNode', `must be an integer ≥ 1, got ${JSON.stringify(p.maxPodsPerNode)}`);
    usable = false;
  }
  if (p.aksNetworkPlugin !== undefined && !AKS_NETWORK_PLUGINS.includes(p.aksNetworkPlugin)) {
    err('aksNetworkPlugin', `must be one of ${AKS_NETWORK_PLUGINS.join(', ')}, got ${JSON.stringify(p.aksNetworkPlugin)}`);
    usable = false;
  }
  const isolation = p.isolation ?? (p.cloud === 'azure' ? 'kata' : 'gvisor');
  if (!ISOLATIONS.includes(isolation)) {
    err('isolation', `must be one of ${ISOLATIONS.join(', ')}, got ${JSON.stringify(p.isolation)}`);
    usable = false;
  }
  const runtime = parseResources(p.runtimeOverhead ?? DEFAULT_RUNTIME_OVERHEAD[isolation] ?? {}, `${at}.runtimeOverhead`, findings);
  const declared = parseResources(p.podOverhead, `${at}.podOverhead`, findings);
  const reserved = parseResources(p.perNodeReserved, `${at}.perNodeReserved`, findings);
  if (p.gpusPerNode !== undefined && !isNonNegativeInteger(p.gpusPerNode)) {
    err('gpusPerNode', `must be an integer ≥ 0, got ${JSON.stringify(p.gpusPerNode)}`);
    usable = false;
  }
  const reservedPods = p.perNodeReserved?.pods ?? 0;
  if (!isNonNegativeInteger(reservedPods)) {
    err('perNodeReserved.pods', `must be an integer ≥ 0, got ${JSON.stringify(reservedPods)}`);
    usable = false;
  }
  if (!runtime || !declared || !reserved) usable = false;
  const overhead = {
    cpuMillis: (runtime?.cpuMillis ?? 0) + (declared?.cpuMillis ?? 0),
    memoryBytes: (runtime?.memoryBytes ?? 0) + (declared?.memoryBytes ?? 0),
  };
  const overheadLabel = [
    runtime && overheadText(runtime, `${isolation === 'kata' ? 'Kata' : 'gVisor'} overhead`),
    declared && overheadText(declared, 'RuntimeClass overhead'),
  ]
    .filter(Boolean)
    .join(' + ');

  const node = usable ? nodeFor(p, at, findings) : undefined;
  let perNode: ResourceTotals | undefined;
  if (node && reserved) {
    perNode = {
      cpuMillis: node.cpuMillis - reserved.cpuMillis,
      memoryBytes: node.memoryBytes - reserved.memoryBytes,
      pods: node.pods - reservedPods,
    };
    if (perNode.cpuMillis <= 0 || perNode.memoryBytes <= 0 || perNode.pods <= 0) {
      err(
        'perNodeReserved',
        `leaves nothing for sandbox pods: a ${p.machineType} node has ${formatCpu(node.cpuMillis)} / ${formatMemory(node.memoryBytes, 'down')} / ${node.pods} pods allocatable`,
      );
      perNode = undefined;
    }
  }
  return { index: i, input: p, perNode, overhead, overheadLabel: overheadLabel ? ` + ${overheadLabel}` : '', usable, warmPools: [] };
}

/** Allocatable of one node: the explicit override, the table, or undefined (warned) for an unknown type. */
function nodeFor(p: SandboxPoolInput, at: string, findings: CapacityFinding[]): ResourceTotals | undefined {
  const defaultPods =
    p.maxPodsPerNode ??
    (p.cloud === 'azure' ? AKS_DEFAULT_MAX_PODS[p.aksNetworkPlugin ?? 'azure-cni-overlay'] : GKE_STANDARD_DEFAULT_MAX_PODS);
  if (p.allocatable !== undefined) {
    const a = parseResources(p.allocatable, `${at}.allocatable`, findings);
    const pods = p.allocatable.pods ?? defaultPods;
    if (!(isNonNegativeInteger(pods) && pods > 0)) {
      findings.push({ severity: 'error', code: 'invalid-input', field: `${at}.allocatable.pods`, message: `${at}.allocatable.pods: must be an integer ≥ 1, got ${JSON.stringify(pods)}`, pool: p.name });
      return undefined;
    }
    return a && { ...a, pods };
  }
  const spec = findMachineType(p.cloud, p.machineType);
  if (!spec) {
    findings.push({
      severity: 'warning',
      code: 'unknown-machine-type',
      field: `${at}.machineType`,
      pool: p.name,
      message:
        `sandbox pool "${p.name}": ${p.cloud} ${MACHINE_TYPE_TERM[p.cloud]} "${p.machineType}" is not in the capacity table, so its warm-pool ` +
        `capacity check was skipped; give the per-node allocatable explicitly, e.g. ${at}.allocatable = { cpu: "3920m", memory: "12Gi", pods: 110 } ` +
        `(read it from a node: kubectl get node <node> -o jsonpath='{.status.allocatable}'). Known ${p.cloud} types: ${machineTypeNames(p.cloud).join(', ')}`,
    });
    return undefined;
  }
  const a = nodeAllocatable(spec, { maxPods: p.maxPodsPerNode, aksNetworkPlugin: p.aksNetworkPlugin });
  return { cpuMillis: a.cpuMillis, memoryBytes: a.memoryBytes, pods: a.pods };
}

function resolveWarmPool(w: WarmPoolInput, j: number, findings: CapacityFinding[]): ResolvedWarmPool {
  const at = `warmPools[${j}]`;
  const label = `${w.tenant}/${w.name}`;
  let sizable = isNonNegativeInteger(w.replicas);
  if (!sizable) {
    findings.push({ severity: 'error', code: 'invalid-input', field: `${at}.replicas`, warmPool: label, message: `${at}.replicas: must be an integer ≥ 0, got ${JSON.stringify(w.replicas)}` });
  }
  for (const resource of ['cpu', 'memory'] as const) {
    if (w.limits?.[resource] === undefined) {
      sizable = false;
      findings.push({
        severity: 'error',
        code: 'missing-limits',
        field: `${at}.limits.${resource}`,
        warmPool: label,
        message:
          `${at}.limits.${resource}: warm pool ${label} has no ${resource} limit, so its capacity cannot be sized; every warm-pool pod ` +
          `needs cpu and memory limits (on AKS Kata the limits also size the pod VM). Set it, e.g. ${resource === 'cpu' ? '"2"' : '"4Gi"'}`,
      });
    }
  }
  const limits = w.limits?.cpu !== undefined && w.limits.memory !== undefined ? parseResources(w.limits, `${at}.limits`, findings) : undefined;
  const gpus = w.gpus ?? 0;
  if (!isNonNegativeInteger(gpus)) {
    sizable = false;
    findings.push({ severity: 'error', code: 'invalid-input', field: `${at}.gpus`, warmPool: label, message: `${at}.gpus: must be an integer ≥ 0, got ${JSON.stringify(w.gpus)}` });
  }
  // A warm pool that cannot be sized leaves its pool unchecked (the run has errors anyway).
  return { index: j, label, replicas: w.replicas, limits: sizable ? limits : undefined, gpus: isNonNegativeInteger(gpus) ? gpus : 0 };
}

/** The pools of `w.pools`: one pool for a single name, the set for two or more; undefined (reported) when invalid. */
function poolsFor(w: WarmPoolInput, j: number, pools: ResolvedPool[], findings: CapacityFinding[]): ResolvedPool | ResolvedPool[] | undefined {
  const names = pools.map((p) => `"${p.input.name}"`).join(', ') || 'none';
  const fail = (field: string, message: string) => {
    findings.push({ severity: 'error', code: 'invalid-input', field: `warmPools[${j}].${field}`, warmPool: `${w.tenant}/${w.name}`, message: `warmPools[${j}].${field}: ${message}` });
    return undefined;
  };
  const list = w.pools;
  if (!Array.isArray(list) || list.length === 0) return fail('pools', `must list at least one sandbox pool, got ${JSON.stringify(list)}; sandbox pools: ${names}`);
  const found: ResolvedPool[] = [];
  let ok = true;
  list.forEach((name, k) => {
    const pool = pools.find((p) => p.input.name === name);
    if (!pool) {
      ok = false;
      fail(`pools[${k}]`, `${JSON.stringify(name)} is not a sandbox pool; sandbox pools: ${names}`);
    } else if (!found.includes(pool)) found.push(pool);
  });
  if (!ok) return undefined;
  found.sort((a, b) => a.index - b.index);
  return found.length === 1 ? found[0] : found;
}

function poolFor(w: WarmPoolInput, j: number, pools: ResolvedPool[], findings: CapacityFinding[]): ResolvedPool | undefined {
  const names = pools.map((p) => `"${p.input.name}"`).join(', ') || 'none';
  const fail = (field: string, message: string) => {
    findings.push({ severity: 'error', code: 'invalid-input', field: `warmPools[${j}].${field}`, warmPool: `${w.tenant}/${w.name}`, message: `warmPools[${j}].${field}: ${message}` });
    return undefined;
  };
  if (w.pool !== undefined) {
    return pools.find((p) => p.input.name === w.pool) ?? fail('pool', `"${w.pool}" is not a sandbox pool; sandbox pools: ${names}`);
  }
  const isolationOf = (p: ResolvedPool) => p.input.isolation ?? (p.input.cloud === 'azure' ? 'kata' : 'gvisor');
  const candidates = w.isolation !== undefined ? pools.filter((p) => isolationOf(p) === w.isolation) : pools;
  if (candidates.length === 1) return candidates[0];
  if (w.isolation === undefined) {
    return fail('pool', `not set, and there are ${pools.length} sandbox pools to choose from; set pool (or isolation) to pick one of ${names}`);
  }
  return fail(
    'isolation',
    `"${w.isolation}" matches ${candidates.length} sandbox pools (${candidates.map((p) => `"${p.input.name}"`).join(', ') || 'none'}); set pool to one of ${names}`,
  );
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;

/** `raise cluster.sandboxPool.maxCount to ≥ 7`, in the pool's own config field (and per-zone unit). */
function raiseAdvice(p: SandboxPoolInput, nodes: bigint | number): string {
  const field = p.configFields?.maxNodes ?? 'maxNodes';
  const unit = p.configFields?.nodesPerUnit ?? 1;
  const value = ceilDiv(BigInt(nodes), BigInt(unit));
  return `raise ${field} to ≥ ${value}${unit > 1 ? ` (it counts nodes per zone, and the pool spans ${unit} zones: ${BigInt(unit) * value} nodes)` : ''}`;
}

/** `use a larger cluster.sandboxPool.vmSize`: the pool's machine-type field, else the cloud's word for one. */
function largerAdvice(p: SandboxPoolInput): string {
  return `use a larger ${p.configFields?.machineType ?? MACHINE_TYPE_TERM[p.cloud]}`;
}

function checkPool(pool: ResolvedPool, perNode: ResourceTotals, threshold: number, findings: CapacityFinding[]): void {
  const p = pool.input;
  const at = `sandboxPools[${pool.index}]`;
  const nodeText = (n: ResourceTotals) => `${formatCpu(n.cpuMillis)} / ${formatMemory(n.memoryBytes, 'down')}`;

  let cpu = 0n;
  let memory = 0n;
  let pods = 0n;
  let unplaceable = false;
  const parts: string[] = [];
  for (const w of pool.warmPools) {
    const limits = w.limits as PerPod;
    const pod = { cpuMillis: limits.cpuMillis + pool.overhead.cpuMillis, memoryBytes: limits.memoryBytes + pool.overhead.memoryBytes };
    const each = `${formatCpu(limits.cpuMillis)}, ${formatMemory(limits.memoryBytes)}${pool.overheadLabel}`;
    parts.push(`${w.label} × ${w.replicas}: ${each} each`);
    cpu += BigInt(w.replicas) * BigInt(pod.cpuMillis);
    memory += BigInt(w.replicas) * BigInt(pod.memoryBytes);
    pods += BigInt(w.replicas);
    if (w.replicas > 0 && (pod.cpuMillis > perNode.cpuMillis || pod.memoryBytes > perNode.memoryBytes)) {
      unplaceable = true;
      findings.push({
        severity: 'error',
        code: 'pod-larger-than-node',
        field: `warmPools[${w.index}].limits`,
        pool: p.name,
        warmPool: w.label,
        message:
          `warm pool ${w.label}: one pod needs ${formatCpu(pod.cpuMillis)} / ${formatMemory(pod.memoryBytes)} (${each}) but one ${p.machineType} ` +
          `node of sandbox pool "${p.name}" offers ${nodeText(perNode)} allocatable; more nodes cannot help: ${largerAdvice(p)} or lower limits`,
      });
    }
  }
  if (unplaceable || pods === 0n) return;

  const demand: ResourceTotals = { cpuMillis: Number(cpu), memoryBytes: Number(memory), pods: Number(pods) };
  const n = BigInt(p.maxNodes);
  const offered: ResourceTotals = { cpuMillis: perNode.cpuMillis * p.maxNodes, memoryBytes: perNode.memoryBytes * p.maxNodes, pods: perNode.pods * p.maxNodes };
  const resources = [
    { key: 'cpu', demand: cpu, perNode: BigInt(perNode.cpuMillis) },
    { key: 'memory', demand: memory, perNode: BigInt(perNode.memoryBytes) },
    { key: 'pods', demand: pods, perNode: BigInt(perNode.pods) },
  ] as const;
  const nodesNeeded = Number(resources.reduce((m, r) => (ceilDiv(r.demand, r.perNode) > m ? ceilDiv(r.demand, r.perNode) : m), 0n));
  const ratio = (d: number, o: number) => (o === 0 ? (d === 0 ? 0 : Infinity) : d / o);
  const numbers: PoolCapacityNumbers = {
    demand,
    perNode,
    offered,
    maxNodes: p.maxNodes,
    nodesNeeded,
    utilization: {
      cpu: ratio(demand.cpuMillis, offered.cpuMillis),
      memory: ratio(demand.memoryBytes, offered.memoryBytes),
      pods: ratio(demand.pods, offered.pods),
    },
  };
  const texts = (showPods: boolean) => {
    const podsText = (count: number) => (showPods ? ` / ${count} pods` : '');
    return {
      need: `${formatCpu(demand.cpuMillis)} / ${formatMemory(demand.memoryBytes, 'up')}${podsText(demand.pods)} (${parts.join('; ')})`,
      offer: `${p.maxNodes} × ${p.machineType} nodes offer ${nodeText(offered)}${podsText(offered.pods)} allocatable`,
    };
  };

  const short = resources.filter((r) => r.demand > r.perNode * n);
  if (short.length > 0) {
    const t = texts(short.some((r) => r.key === 'pods'));
    findings.push({
      severity: 'error',
      code: 'pool-too-small',
      field: `${at}.maxNodes`,
      pool: p.name,
      numbers,
      message: `warm pools on sandbox pool "${p.name}" need ${t.need} but ${t.offer}; ${raiseAdvice(p, nodesNeeded)} or ${largerAdvice(p)}`,
    });
    return;
  }

  // Near full: demand ≥ threshold × offered, compared exactly in basis points.
  const bp = BigInt(Math.round(threshold * 10000));
  const full = resources.filter((r) => r.demand * 10000n >= bp * r.perNode * n);
  if (full.length === 0) return;
  const headroomNodes = resources.reduce((m, r) => {
    const needed = (r.demand * 10000n) / (bp * r.perNode) + 1n;
    return needed > m ? needed : m;
  }, 0n);
  const t = texts(full.some((r) => r.key === 'pods'));
  const pct = (r: (typeof resources)[number]) => `${Math.floor(numbers.utilization[r.key] * 100 + 1e-9)}% of ${r.key}`;
  findings.push({
    severity: 'warning',
    code: 'pool-near-full',
    field: `${at}.maxNodes`,
    pool: p.name,
    numbers,
    message:
      `warm pools on sandbox pool "${p.name}" fill ${full.map(pct).join(' and ')}: they need ${t.need} and ${t.offer}; ` +
      `warning threshold ${Math.round(threshold * 100)}%: ${raiseAdvice(p, headroomNodes)} for headroom`,
  });
}

/**
 * GPU warm pools on one pool: a pod asking for more GPUs than a node has never runs; otherwise the pool needs
 * max(⌈Σ replicas × g / G⌉, max over warm pools of ⌈replicas / ⌊G / g⌋⌉) nodes.
 */
function checkGpus(pool: ResolvedPool, threshold: number, findings: CapacityFinding[]): void {
  const p = pool.input;
  const at = `sandboxPools[${pool.index}]`;
  const perNode = p.gpusPerNode ?? 0;
  const asking = pool.warmPools.filter((w) => w.gpus > 0 && w.replicas > 0);
  if (asking.length === 0) return;
  let unplaceable = false;
  for (const w of asking) {
    if (w.gpus <= perNode) continue;
    unplaceable = true;
    findings.push({
      severity: 'error',
      code: 'pod-larger-than-node',
      field: `warmPools[${w.index}].gpus`,
      pool: p.name,
      warmPool: w.label,
      message:
        perNode === 0
          ? `warm pool ${w.label}: each pod asks for ${plural(w.gpus, 'GPU')} (nvidia.com/gpu) but the ${p.machineType} nodes of sandbox pool "${p.name}" have none, so its pods stay Pending; put them on a GPU pool or remove the GPU limit`
          : `warm pool ${w.label}: each pod asks for ${plural(w.gpus, 'GPU')} (nvidia.com/gpu) but one ${p.machineType} node of sandbox pool "${p.name}" has ${perNode}; more nodes cannot help: use a machine type with more GPUs or ask for fewer per pod`,
    });
  }
  if (unplaceable) return;

  let total = 0n;
  let nodesNeeded = 0n;
  const parts: string[] = [];
  for (const w of asking) {
    const podsPerNode = Math.floor(perNode / w.gpus);
    total += BigInt(w.replicas) * BigInt(w.gpus);
    const nodes = ceilDiv(BigInt(w.replicas), BigInt(podsPerNode));
    if (nodes > nodesNeeded) nodesNeeded = nodes;
    parts.push(`${w.label} × ${w.replicas}: ${plural(w.gpus, 'GPU')} each, ${plural(podsPerNode, 'pod')} per node`);
  }
  const byTotal = ceilDiv(total, BigInt(perNode));
  if (byTotal > nodesNeeded) nodesNeeded = byTotal;
  const need = `${plural(total, 'GPU')} on at least ${plural(nodesNeeded, 'node')} (${parts.join('; ')})`;
  const offer = `${p.maxNodes} × ${p.machineType} nodes offer ${plural(perNode * p.maxNodes, 'GPU')} (${perNode} per node)`;
  const maxNodes = BigInt(p.maxNodes);
  if (nodesNeeded > maxNodes) {
    findings.push({
      severity: 'error',
      code: 'pool-too-small',
      field: `${at}.maxNodes`,
      pool: p.name,
      message: `GPU warm pools on sandbox pool "${p.name}" need ${need} but ${offer}; ${raiseAdvice(p, nodesNeeded)} or use a ${p.configFields?.machineType ?? 'machine type'} with more GPUs`,
    });
    return;
  }
  const bp = BigInt(Math.round(threshold * 10000));
  if (nodesNeeded * 10000n >= bp * maxNodes) {
    findings.push({
      severity: 'warning',
      code: 'pool-near-full',
      field: `${at}.maxNodes`,
      pool: p.name,
      message:
        `GPU warm pools on sandbox pool "${p.name}" fill ${nodesNeeded} of its ${p.maxNodes} nodes: they need ${need} and ${offer}; ` +
        `warning threshold ${Math.round(threshold * 100)}%: ${raiseAdvice(p, (nodesNeeded * 10000n) / bp + 1n)} for headroom`,
    });
  }
}

interface Totals {
  cpu: bigint;
  memory: bigint;
  pods: bigint;
}

/**
 * Warm pools that may land on any pool of a set: each pod must fit some pool's node; each pool must hold at least
 * one of the pods (else it is dead weight, reported); each warm pool must fit the pools its pods fit on, and all of
 * them together the pools that hold any (perfect packing, as in `checkPool`).
 */
function checkPoolSet(set: PoolSet, threshold: number, findings: CapacityFinding[]): void {
  const members = set.pools;
  if (!members.every((m) => m.usable) || set.warmPools.length === 0 || !set.warmPools.every((w) => w.limits)) return;
  // A member of unknown size was warned about (unknown-machine-type): the set's capacity cannot be computed.
  if (!members.every((m) => m.perNode)) return;
  const active = set.warmPools.filter((w) => w.replicas > 0);
  if (active.length === 0) return;
  const cloud = members[0].input.cloud;
  const term = MACHINE_TYPE_TERM[cloud];
  /** What to make larger, in the pools' own config fields when they name them. */
  const setTerm = (plural: boolean) =>
    members.every((m) => m.input.configFields) ? [...new Set(members.map((m) => m.input.configFields!.machineType))].join(' or ') : plural ? `${term}s` : term;
  const setName = members.map((m) => m.input.name).join('+');
  const nodeText = (n: ResourceTotals) => `${formatCpu(n.cpuMillis)} / ${formatMemory(n.memoryBytes, 'down')}`;
  const pod = (w: ResolvedWarmPool, m: ResolvedPool): PerPod => ({
    cpuMillis: (w.limits as PerPod).cpuMillis + m.overhead.cpuMillis,
    memoryBytes: (w.limits as PerPod).memoryBytes + m.overhead.memoryBytes,
  });
  const fits = (w: ResolvedWarmPool, m: ResolvedPool) => {
    const need = pod(w, m);
    const node = m.perNode as ResourceTotals;
    return need.cpuMillis <= node.cpuMillis && need.memoryBytes <= node.memoryBytes && w.gpus <= (m.input.gpusPerNode ?? 0);
  };
  const podText = (w: ResolvedWarmPool) => {
    const l = w.limits as PerPod;
    return `${formatCpu(l.cpuMillis)}, ${formatMemory(l.memoryBytes)}${w.gpus > 0 ? `, ${plural(w.gpus, 'GPU')}` : ''}`;
  };
  const describe = (m: ResolvedPool) => `"${m.input.name}" (${m.input.maxNodes} × ${m.input.machineType})`;

  let unplaceable = false;
  for (const w of active) {
    if (members.some((m) => fits(w, m))) continue;
    unplaceable = true;
    findings.push({
      severity: 'error',
      code: 'pod-larger-than-node',
      field: `warmPools[${w.index}].limits`,
      pool: setName,
      warmPool: w.label,
      message:
        `warm pool ${w.label}: one pod needs ${podText(w)}${members[0].overheadLabel} but no node of the sandbox pools it may land on holds it: ` +
        `${members.map((m) => `${m.input.machineType} ("${m.input.name}") offers ${nodeText(m.perNode as ResourceTotals)}`).join(', ')} allocatable; ` +
        `more nodes cannot help: ${members.length === 1 ? largerAdvice(members[0].input) : `use a larger ${setTerm(false)}`} or lower limits`,
    });
  }
  const holding = members.filter((m) => active.some((w) => fits(w, m)));
  for (const m of members) {
    if (holding.includes(m)) continue;
    findings.push({
      severity: 'error',
      code: 'pod-larger-than-node',
      field: `sandboxPools[${m.index}].machineType`,
      pool: m.input.name,
      message:
        `sandbox pool "${m.input.name}": one ${m.input.machineType} node offers ${nodeText(m.perNode as ResourceTotals)} allocatable, less than one pod of any ` +
        `warm pool that may land on it (${active.map((w) => `${w.label}: ${podText(w)}${m.overheadLabel}`).join('; ')}); its nodes can run no sandbox ` +
        `and add no capacity to ${members.map((x) => `"${x.input.name}"`).join(', ')}: ${largerAdvice(m.input)} for it or remove it`,
    });
  }
  if (unplaceable) return;

  const capacity = (ms: readonly ResolvedPool[]): Totals =>
    ms.reduce(
      (t, m) => {
        const n = m.perNode as ResourceTotals;
        const k = BigInt(m.input.maxNodes);
        return { cpu: t.cpu + BigInt(n.cpuMillis) * k, memory: t.memory + BigInt(n.memoryBytes) * k, pods: t.pods + BigInt(n.pods) * k };
      },
      { cpu: 0n, memory: 0n, pods: 0n },
    );
  // A pod's overhead depends on the pool it lands on: count the smallest, so a shortfall reported is a real one.
  const demandOf = (w: ResolvedWarmPool): Totals => {
    const on = members.filter((m) => fits(w, m)).map((m) => pod(w, m));
    const cpu = Math.min(...on.map((x) => x.cpuMillis));
    const memory = Math.min(...on.map((x) => x.memoryBytes));
    const r = BigInt(w.replicas);
    return { cpu: r * BigInt(cpu), memory: r * BigInt(memory), pods: r };
  };
  const sum = (ts: Totals[]): Totals => ts.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory, pods: a.pods + b.pods }), { cpu: 0n, memory: 0n, pods: 0n });
  const keys = ['cpu', 'memory', 'pods'] as const;
  const text = (t: Totals, showPods: boolean, rounding: 'up' | 'down') =>
    `${formatCpu(Number(t.cpu))} / ${formatMemory(Number(t.memory), rounding)}${showPods ? ` / ${t.pods} pods` : ''}`;
  const offerText = (ms: readonly ResolvedPool[], showPods: boolean) => {
    const left = members.filter((m) => !ms.includes(m));
    return (
      `${ms.map(describe).join(' + ') || 'no pool'} offer${ms.length === 1 ? 's' : ''} ${text(capacity(ms), showPods, 'down')} allocatable` +
      (left.length ? ` (${left.map((m) => `"${m.input.name}"`).join(', ')} cannot hold these pods and count${left.length === 1 ? 's' : ''} for nothing)` : '')
    );
  };

  // Every warm pool and its own pools, then all of them on the pools that hold any: report the widest shortfall.
  const checks = [
    { warmPools: active, on: holding },
    ...(active.length > 1 ? active.map((w) => ({ warmPools: [w], on: members.filter((m) => fits(w, m)) })) : []),
  ];
  for (const c of checks) {
    const demand = sum(c.warmPools.map(demandOf));
    const offered = capacity(c.on);
    const short = keys.filter((k) => demand[k] > offered[k]);
    if (short.length === 0) continue;
    const showPods = short.includes('pods');
    findings.push({
      severity: 'error',
      code: 'pool-too-small',
      field: c.on.map((m) => `sandboxPools[${m.index}].maxNodes`).join(', '),
      pool: setName,
      message:
        `warm pools that may land on any of the sandbox pools ${members.map(describe).join(', ')} need ${text(demand, showPods, 'up')} ` +
        `(${c.warmPools.map((w) => `${w.label} × ${w.replicas}: ${podText(w)} each`).join('; ')}) but ${offerText(c.on, showPods)}; ` +
        `raise ${c.on.map((m) => m.input.configFields?.maxNodes ?? `maxNodes of "${m.input.name}"`).join(' or ')} or use larger ${setTerm(true)}`,
    });
    return;
  }

  const demand = sum(active.map(demandOf));
  const offered = capacity(holding);
  const bp = BigInt(Math.round(threshold * 10000));
  const full = keys.filter((k) => demand[k] * 10000n >= bp * offered[k]);
  if (full.length === 0) return;
  const pct = (k: (typeof keys)[number]) => `${offered[k] === 0n ? 100 : Number((demand[k] * 100n) / offered[k])}% of ${k}`;
  findings.push({
    severity: 'warning',
    code: 'pool-near-full',
    field: holding.map((m) => `sandboxPools[${m.index}].maxNodes`).join(', '),
    pool: setName,
    message:
      `warm pools on the sandbox pools ${members.map(describe).join(', ')} fill ${full.map(pct).join(' and ')}: they need ${text(demand, full.includes('pods'), 'up')} ` +
      `and ${offerText(holding, full.includes('pods'))}; warning threshold ${Math.round(threshold * 100)}%: raise ${holding.map((m) => m.input.configFields?.maxNodes ?? `maxNodes of "${m.input.name}"`).join(' or ')} for headroom`,
  });
}
