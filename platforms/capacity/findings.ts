/**
 * What the capacity checks report: every problem at once, each with a message and the numbers behind it.
 */

export type FindingCode =
  /** An input field is missing or malformed (bad quantity, replicas < 0, unknown pool…). */
  | 'invalid-input'
  /** A warm pool has no cpu or memory limit, so it cannot be sized. */
  | 'missing-limits'
  /** The machine type is not in the table and no `allocatable` was given: the pool was not checked. */
  | 'unknown-machine-type'
  /** One warm-pool pod is larger than a whole node's allocatable. */
  | 'pod-larger-than-node'
  /** The warm pools on a pool (or on a set of pools one RuntimeClass spreads them over) need more than maxNodes × allocatable. */
  | 'pool-too-small'
  /** A warm pool's pods match no sandbox pool (GPU pods without a GPU pool, or a GPU pool of another accelerator). */
  | 'no-matching-pool'
  /** The warm pools fill at least the threshold of a pool's cpu, memory or pods. */
  | 'pool-near-full'
  /** Autopilot rejects the pod (above the compute class maximum). */
  | 'autopilot-rejected'
  /** Autopilot raises the pod's requests (minimums, cpu:memory ratio, cpu increments). */
  | 'autopilot-adjusted';

export interface ResourceTotals {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

/** The sums behind a pool finding. */
export interface PoolCapacityNumbers {
  /** Everything the warm pools on the pool ask for, overheads included. */
  readonly demand: ResourceTotals;
  /** Allocatable of one node, less `perNodeReserved`. */
  readonly perNode: ResourceTotals;
  /** `perNode × maxNodes`. */
  readonly offered: ResourceTotals;
  readonly maxNodes: number;
  /** Lower bound on the nodes the demand needs (perfect packing). */
  readonly nodesNeeded: number;
  /** demand ÷ offered per resource (0 when nothing is offered and nothing demanded). */
  readonly utilization: { readonly cpu: number; readonly memory: number; readonly pods: number };
}

/** Before and after Autopilot's adjustments, per pod. */
export interface AutopilotPodNumbers {
  readonly requested: { readonly cpuMillis: number; readonly memoryBytes: number };
  readonly effective: { readonly cpuMillis: number; readonly memoryBytes: number };
}

export interface CapacityFinding {
  readonly severity: 'error' | 'warning';
  readonly code: FindingCode;
  /** Input path, e.g. `sandboxPools[0].maxNodes` or `warmPools[2].limits.memory`. */
  readonly field: string;
  readonly message: string;
  /** Sandbox pool name, when the finding is about one (several joined with "+" for a finding about a set of pools). */
  readonly pool?: string;
  /** `tenant/name`, when the finding is about one warm pool. */
  readonly warmPool?: string;
  readonly numbers?: PoolCapacityNumbers;
  readonly autopilot?: AutopilotPodNumbers;
}

export interface CapacityResult {
  readonly errors: readonly CapacityFinding[];
  readonly warnings: readonly CapacityFinding[];
}

/** Splits findings by severity, keeping their order. */
export function toResult(findings: readonly CapacityFinding[]): CapacityResult {
  return {
    errors: findings.filter((f) => f.severity === 'error'),
    warnings: findings.filter((f) => f.severity === 'warning'),
  };
}
