/**
 * Where EKS warm-pool pods land, for the stack's capacity check: the `gvisor` RuntimeClass selects every sandbox node
 * group, so each warm pool may land on any of them: one pool entry per group, sized by its smallest instance type (a
 * managed node group may launch any of its types), checked together (`WarmPoolInput.pools`); a group whose nodes
 * cannot hold one pod is an error.
 */
import { checkCapacity, type SandboxPoolInput } from '../capacity/check';
import type { CapacityResult } from '../capacity/findings';
import { findMachineType, nodeAllocatable } from '../capacity/machine-types';
import { toWarmPool, type WarmPoolDemand } from '../capacity/plan';
import { EKS_CLUSTER_DEFAULTS, type EksClusterConfig, type EksSandboxNodeGroupConfig } from './cluster-config';

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

export function eksCapacity(cluster: EksClusterConfig, demand: readonly WarmPoolDemand[]): CapacityResult {
  const groups = cluster.sandboxNodeGroups ?? [];
  // No groups is refused by the cluster config check.
  if (groups.length === 0) return { errors: [], warnings: [] };
  const pools = groups.map((g, i) => eksGroupPool(g, i));
  const names = pools.map((p) => p.name);
  return checkCapacity({ sandboxPools: pools, warmPools: demand.map((w) => ({ ...toWarmPool(w), pools: names })) });
}
