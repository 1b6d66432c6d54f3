/**
 * What the stack capacity check hands each platform: the warm pools of the rendered chart as the scheduler sees
 * them (constructs/warm-pool-demand.ts reads them), and the helpers the platforms' capacity plans share. Each
 * platform decides where its warm-pool pods land (platforms/<name>/index.ts `capacity`).
 */
import { toResult, type CapacityFinding, type CapacityResult } from './findings';
import type { ResourceQuantities } from './quantity';
import type { WarmPoolInput } from './check';

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
  /** The accelerator the pods select (a platform's GPU node label, e.g. `cloud.google.com/gke-accelerator`), if any. */
  readonly accelerator?: string;
}

export const toWarmPool = (w: WarmPoolDemand): WarmPoolInput => ({
  tenant: w.tenant,
  name: w.name,
  replicas: w.replicas,
  ...(w.limits ? { limits: w.limits } : {}),
  gpus: w.gpus,
});

/** Merges findings made here with a check's result, errors and warnings each in order. */
export function withFindings(own: readonly CapacityFinding[], result: CapacityResult): CapacityResult {
  const mine = toResult(own);
  return { errors: [...mine.errors, ...result.errors], warnings: [...mine.warnings, ...result.warnings] };
}
