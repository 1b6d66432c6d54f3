/**
 * GKE Autopilot has no node pools to size: GKE provisions nodes per pod. What can go wrong is the pod itself:
 * Autopilot rejects requests above the compute class maximum and silently raises requests below the minimum or
 * outside the allowed cpu:memory ratio (and, without bursting, rounds cpu up to 250m steps). A raised request is
 * what the pod is billed and placed at.
 *
 * Bounds of the default general-purpose compute class, from
 * https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests#compute-class-min-max :
 *   cpu 50m (with bursting) / 250m (without) to 30 vCPU; memory 52 MiB (with bursting) / 512 MiB (without) to
 *   110 GiB; 1 vCPU : 1 GiB to 1 vCPU : 6.5 GiB — outside the ratio Autopilot raises the smaller resource.
 * Clusters created on GKE 1.30.2 or later support bursting (the versions this project targets); pass
 * `bursting: false` for an older cluster without it.
 */
import { CapacityFinding, CapacityResult, toResult } from '../capacity/findings';
import { formatCpu, formatMemory, GiB, MiB, parseCpuMillis, parseMemoryBytes, QuantityError, ResourceQuantities } from '../capacity/quantity';

export const AUTOPILOT_RESOURCE_REQUESTS_SOURCE =
  'https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests#compute-class-min-max';

export interface AutopilotBounds {
  readonly className: string;
  readonly minCpuMillis: number;
  readonly maxCpuMillis: number;
  readonly minMemoryBytes: number;
  readonly maxMemoryBytes: number;
  /** Allowed memory per vCPU, in MiB: [1024, 6656] is 1 GiB to 6.5 GiB. */
  readonly memoryMiBPerVcpu: { readonly min: number; readonly max: number };
  /** Without bursting, cpu requests are rounded up to multiples of this. */
  readonly cpuStepMillis?: number;
}

/** General-purpose compute class bounds, with or without bursting. */
export function autopilotGeneralPurposeBounds(bursting = true): AutopilotBounds {
  return {
    className: 'general-purpose',
    minCpuMillis: bursting ? 50 : 250,
    maxCpuMillis: 30_000,
    minMemoryBytes: bursting ? 52 * MiB : 512 * MiB,
    maxMemoryBytes: 110 * GiB,
    memoryMiBPerVcpu: { min: 1024, max: 6656 },
    cpuStepMillis: bursting ? undefined : 250,
  };
}

export interface AutopilotWarmPoolInput {
  readonly tenant: string;
  readonly name: string;
  readonly replicas: number;
  /** Per-pod limits, summed over containers; required (the sandbox admission policy demands them). */
  readonly limits?: ResourceQuantities;
  /** Per-pod requests, summed over containers. @default the limits (Kubernetes copies limits into unset requests) */
  readonly requests?: ResourceQuantities;
}

export interface AutopilotInput {
  readonly warmPools: readonly AutopilotWarmPoolInput[];
  /** @default true */
  readonly bursting?: boolean;
  /** Overrides the general-purpose bounds (another compute class). */
  readonly bounds?: AutopilotBounds;
}

export interface PodRequests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

export interface AutopilotAdjustment {
  readonly effective: PodRequests;
  /** What Autopilot raised and why, in order. Empty when the pod is taken as is. */
  readonly raised: readonly string[];
  /** Why Autopilot rejects the pod. Empty when it is admitted. */
  readonly rejected: readonly string[];
}

const big = BigInt;
const ceilDiv = (a: bigint, b: bigint) => Number((a + b - 1n) / b);

/** The requests Autopilot ends up with for one pod, or why it rejects it. */
export function autopilotAdjust(pod: PodRequests, bounds: AutopilotBounds): AutopilotAdjustment {
  const rejected: string[] = [];
  if (pod.cpuMillis > bounds.maxCpuMillis) rejected.push(`cpu ${formatCpu(pod.cpuMillis)} is above the ${bounds.className} maximum of ${formatCpu(bounds.maxCpuMillis)} per pod`);
  if (pod.memoryBytes > bounds.maxMemoryBytes) rejected.push(`memory ${formatMemory(pod.memoryBytes)} is above the ${bounds.className} maximum of ${formatMemory(bounds.maxMemoryBytes)} per pod`);

  const raised: string[] = [];
  let { cpuMillis, memoryBytes } = pod;
  if (cpuMillis < bounds.minCpuMillis) {
    raised.push(`cpu to the ${formatCpu(bounds.minCpuMillis)} minimum`);
    cpuMillis = bounds.minCpuMillis;
  }
  if (memoryBytes < bounds.minMemoryBytes) {
    raised.push(`memory to the ${formatMemory(bounds.minMemoryBytes)} minimum`);
    memoryBytes = bounds.minMemoryBytes;
  }
  // Ratio and cpu steps interact (a larger cpu may need more memory); two rounds reach a fixed point.
  for (let round = 0; round < 2; round++) {
    const { min, max } = bounds.memoryMiBPerVcpu;
    if (big(memoryBytes) * 1000n < big(cpuMillis) * big(min * MiB)) {
      memoryBytes = ceilDiv(big(cpuMillis) * big(min * MiB), 1000n);
      raised.push(`memory to ${formatMemory(memoryBytes)} for the ${formatMemory(min * MiB)}-per-vCPU minimum ratio`);
    }
    if (big(memoryBytes) * 1000n > big(cpuMillis) * big(max * MiB)) {
      cpuMillis = ceilDiv(big(memoryBytes) * 1000n, big(max * MiB));
      raised.push(`cpu to ${formatCpu(cpuMillis)} for the ${formatMemory(max * MiB)}-per-vCPU maximum ratio`);
    }
    const step = bounds.cpuStepMillis;
    if (step && cpuMillis % step !== 0) {
      cpuMillis = Math.ceil(cpuMillis / step) * step;
      raised.push(`cpu to ${formatCpu(cpuMillis)} (multiples of ${step}m without bursting)`);
    }
  }
  if (rejected.length === 0 && (cpuMillis > bounds.maxCpuMillis || memoryBytes > bounds.maxMemoryBytes)) {
    rejected.push(`after Autopilot's adjustments the pod would need ${formatCpu(cpuMillis)} / ${formatMemory(memoryBytes)}, above the ${bounds.className} maximum`);
  }
  return { effective: { cpuMillis, memoryBytes }, raised, rejected };
}

/** Checks each warm-pool pod against the Autopilot bounds; reports every rejection and adjustment at once. */
export function checkAutopilot(input: AutopilotInput): CapacityResult {
  const bounds = input.bounds ?? autopilotGeneralPurposeBounds(input.bursting ?? true);
  const findings: CapacityFinding[] = [];
  input.warmPools.forEach((w, j) => {
    const at = `warmPools[${j}]`;
    const label = `${w.tenant}/${w.name}`;
    const missing = (['cpu', 'memory'] as const).filter((r) => w.limits?.[r] === undefined);
    for (const r of missing) {
      findings.push({
        severity: 'error',
        code: 'missing-limits',
        field: `${at}.limits.${r}`,
        warmPool: label,
        message: `${at}.limits.${r}: warm pool ${label} has no ${r} limit; every warm-pool pod needs cpu and memory limits to be sized`,
      });
    }
    if (missing.length > 0) return;
    let pod: PodRequests;
    try {
      const src = { cpu: w.requests?.cpu ?? w.limits?.cpu, memory: w.requests?.memory ?? w.limits?.memory } as Required<ResourceQuantities>;
      const where = (r: string) => `${at}.${w.requests?.[r as 'cpu'] !== undefined ? 'requests' : 'limits'}.${r}`;
      pod = { cpuMillis: parseCpuMillis(src.cpu, where('cpu')), memoryBytes: parseMemoryBytes(src.memory, where('memory')) };
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
      findings.push({ severity: 'error', code: 'invalid-input', field: e.field, warmPool: label, message: e.message });
      return;
    }
    const a = autopilotAdjust(pod, bounds);
    const field = w.requests !== undefined ? `${at}.requests` : `${at}.limits`;
    const numbers = { requested: pod, effective: a.effective };
    const asked = `${formatCpu(pod.cpuMillis)} / ${formatMemory(pod.memoryBytes)}`;
    if (a.rejected.length > 0) {
      findings.push({
        severity: 'error',
        code: 'autopilot-rejected',
        field,
        warmPool: label,
        autopilot: numbers,
        message: `warm pool ${label}: GKE Autopilot rejects its pods (${asked} each): ${a.rejected.join('; ')}; lower the limits or select a compute class with larger bounds (${AUTOPILOT_RESOURCE_REQUESTS_SOURCE})`,
      });
    } else if (a.raised.length > 0) {
      findings.push({
        severity: 'warning',
        code: 'autopilot-adjusted',
        field,
        warmPool: label,
        autopilot: numbers,
        message:
          `warm pool ${label}: GKE Autopilot raises each pod from ${asked} to ${formatCpu(a.effective.cpuMillis)} / ${formatMemory(a.effective.memoryBytes)} ` +
          `(${a.raised.join('; ')}); the ${w.replicas} warm pods are billed at the raised size: set these values to make it explicit`,
      });
    }
  });
  return toResult(findings);
}
