/**
 * Where EKS warm-pool pods land, for the stack's capacity check: the `gvisor` RuntimeClass selects every sandbox node
 * group, so each warm pool may land on any of them: one pool entry per group, sized by its smallest instance type (a
 * managed node group may launch any of its types), checked together (`WarmPoolInput.pools`); a group whose nodes
 * cannot hold one pod is an error.
 */
import { checkCapacity, type SandboxPoolInput } from '../capacity/check';
import type { CapacityFinding, CapacityResult } from '../capacity/findings';
import { findMachineType, nodeAllocatable } from '../capacity/machine-types';
import { toWarmPool, type WarmPoolDemand } from '../capacity/plan';
import { parseCpuMillis, parseMemoryBytes } from '../capacity/quantity';
import { EKS_CLUSTER_DEFAULTS, type EksClusterConfig, type EksKarpenterPoolConfig, type EksSandboxNodeGroupConfig } from './cluster-config';
import { nodesWithinLimits } from './karpenter';

/**
 * One EKS sandbox group as a pool: sized by its smallest instance type (the group may launch any of them). When no
 * type is smallest in cpu, memory and pods at once, the group is sized by the smallest of each.
 */
export function eksGroupPool(group: EksSandboxNodeGroupConfig, index = 0): SandboxPoolInput {
  const maxNodes = group.scaling?.max ?? EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.scaling.max;
  const at = `cluster.sandboxNodeGroups[${index}]`;
  const base = { name: group.name, cloud: 'aws' as const, maxNodes, configFields: { maxNodes: `${at}.scaling.max`, machineType: `instance type (${at}.instanceTypes)` } };
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

/**
 * A Karpenter NodePool as a pool: nodes of its smallest instance type, as many as its `limits` allow (Karpenter
 * counts each node's capacity against them and launches nothing past them). Without instance types the node size is
 * Karpenter's choice: undefined (the check warns that it cannot size the pool).
 */
export function karpenterPool(pool: EksKarpenterPoolConfig, index = 0): SandboxPoolInput | undefined {
  if (!pool.instanceTypes?.length) return undefined;
  const sized = eksGroupPool({ name: pool.name, instanceTypes: pool.instanceTypes, scaling: { min: 0, desired: 0, max: 1 } });
  const specs = pool.instanceTypes.map((t) => findMachineType('aws', t));
  if (specs.some((s) => s === undefined)) return sized; // the check warns about the unknown type
  const capacity = { cpu: Math.min(...specs.map((s) => s!.vcpus)), memoryMiB: Math.min(...specs.map((s) => s!.memoryGiB * 1024)) };
  const limits = { cpu: parseCpuMillis(pool.limits.cpu) / 1000, memoryMiB: parseMemoryBytes(pool.limits.memory) / 2 ** 20 };
  const at = `karpenter.nodePools[${index}]`;
  return { ...sized, maxNodes: nodesWithinLimits(limits, capacity), configFields: { maxNodes: `${at}.limits`, machineType: `instance type (${at}.instanceTypes)` } };
}

export function eksCapacity(cluster: EksClusterConfig, demand: readonly WarmPoolDemand[]): CapacityResult {
  const groups = cluster.sandboxNodeGroups ?? [];
  const karpenter = cluster.karpenter?.nodePools ?? [];
  // No groups and no Karpenter pools is refused by the cluster config check.
  if (groups.length === 0 && karpenter.length === 0) return { errors: [], warnings: [] };
  const unsized = karpenter.filter((p) => karpenterPool(p) === undefined);
  const pools = [...groups.map((g, i) => eksGroupPool(g, i)), ...karpenter.flatMap((p, i) => karpenterPool(p, i) ?? [])];
  const names = pools.map((p) => p.name);
  const result = pools.length ? checkCapacity({ sandboxPools: pools, warmPools: demand.map((w) => ({ ...toWarmPool(w), pools: names })) }) : { errors: [], warnings: [] };
  const warnings = unsized.map((p) => ({
    severity: 'warning' as const,
    code: 'unknown-machine-type' as const,
    field: `karpenter.nodePools[${karpenter.indexOf(p)}].instanceTypes`,
    pool: p.name,
    message:
      `Karpenter pool ${p.name} lists no instanceTypes, so its node size is Karpenter's choice and the warm pools cannot be checked against it ` +
      `(limits cpu ${p.limits.cpu}, memory ${p.limits.memory}); list instanceTypes to have them checked`,
  }));
  // A Karpenter pool's node count is bounded by its limits, not by a node count: say it in those terms.
  const reword = (f: CapacityFinding): CapacityFinding => ({
    ...f,
    message: f.message.replace(/raise (karpenter\.nodePools\[\d+\]\.limits) to ≥ (\d+)/g, 'raise $1 to hold ≥ $2 such nodes'),
  });
  return { errors: result.errors.map(reword), warnings: [...result.warnings.map(reword), ...warnings] };
}
