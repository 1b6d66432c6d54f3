/**
 * What each cloud reserves on a node before pods get anything: kube-reserved (and system-reserved, where used) plus
 * the kubelet's hard eviction threshold. Allocatable = capacity − reservations − eviction threshold.
 *
 * Capacity here is the machine type's nominal vCPU count and memory. The kernel keeps a few hundred MiB of that for
 * itself, so a real node reports somewhat less memory capacity (and allocatable) than computed here; the near-full
 * warning is there to absorb that.
 */
import { MiB } from './quantity';

export interface NodeResources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

export interface NodeReservation {
  readonly kubeReservedCpuMillis: number;
  readonly kubeReservedMemoryBytes: number;
  /** kubelet `evictionHard: memory.available`. */
  readonly evictionMemoryBytes: number;
  /** Where the formula comes from. */
  readonly source: string;
}

/** One band of a progressive reservation: `rateBp` basis points of the capacity between `from` and the next band. */
interface Band {
  readonly from: bigint;
  readonly rateBp: bigint;
}

/** Σ over bands of (capacity inside the band × rate), rounded up to a whole unit. Exact (BigInt). */
function progressive(capacity: number, bands: readonly Band[]): number {
  const c = BigInt(capacity);
  let total = 0n;
  bands.forEach((band, i) => {
    const to = i + 1 < bands.length ? bands[i + 1].from : c;
    const top = c < to ? c : to;
    if (top > band.from) total += (top - band.from) * band.rateBp;
  });
  return Number((total + 9999n) / 10000n);
}

const GIB = 1024n * 1024n * 1024n;

// GKE's CPU bands; nodeadm copies them for EKS.
const CPU_BANDS: readonly Band[] = [
  { from: 0n, rateBp: 600n },
  { from: 1000n, rateBp: 100n },
  { from: 2000n, rateBp: 50n },
  { from: 4000n, rateBp: 25n },
];

export const GKE_RESERVATION_SOURCE = 'https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#memory_and_cpu_reservations';

/**
 * GKE Standard. Memory: 255 MiB on machines with < 1 GiB, else 25% of the first 4 GiB, 20% of the next 4 GiB, 10% of
 * the next 8 GiB, 6% of the next 112 GiB, 2% above 128 GiB. CPU: 6% of the first core, 1% of the next, 0.5% of the
 * next 2, 0.25% above 4. Eviction threshold 100 MiB. No system-reserved.
 * (cluster-autoscaler's gce/reserved.go, which predicts GKE's result, applies the memory bands in 1000-MiB steps;
 * the documented GiB bands used here reserve up to ~2% more, i.e. err on the safe side.)
 */
export function gkeReservation(capacity: NodeResources): NodeReservation {
  const memory =
    capacity.memoryBytes < Number(GIB)
      ? 255 * MiB
      : progressive(capacity.memoryBytes, [
          { from: 0n, rateBp: 2500n },
          { from: 4n * GIB, rateBp: 2000n },
          { from: 8n * GIB, rateBp: 1000n },
          { from: 16n * GIB, rateBp: 600n },
          { from: 128n * GIB, rateBp: 200n },
        ]);
  return {
    kubeReservedCpuMillis: progressive(capacity.cpuMillis, CPU_BANDS),
    kubeReservedMemoryBytes: memory,
    evictionMemoryBytes: 100 * MiB,
    source: GKE_RESERVATION_SOURCE,
  };
}

export const EKS_RESERVATION_SOURCE =
  'https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/internal/kubelet/config.go (withDefaultReservedResources, getCPUMillicoresToReserve, getMemoryMebibytesToReserve)';

/**
 * EKS on AL2023 (nodeadm). kube-reserved memory = 255 MiB + 11 MiB × maxPods, where maxPods is nodeadm's own ENI
 * value for the instance type (eni-max-pods.txt), even when the node group later caps `maxPods` lower.
 * kube-reserved cpu uses GKE's bands, each band truncated to whole millicores as nodeadm's integer maths does.
 * evictionHard memory.available = 100Mi. No system-reserved amounts.
 */
export function eksReservation(capacity: NodeResources, eniMaxPods: number): NodeReservation {
  let cpu = 0;
  CPU_BANDS.forEach((band, i) => {
    const from = Number(band.from);
    const to = i + 1 < CPU_BANDS.length ? Number(CPU_BANDS[i + 1].from) : capacity.cpuMillis;
    if (capacity.cpuMillis > from) cpu += Math.floor(((Math.min(capacity.cpuMillis, to) - from) * Number(band.rateBp)) / 10000);
  });
  return {
    kubeReservedCpuMillis: cpu,
    kubeReservedMemoryBytes: (255 + 11 * eniMaxPods) * MiB,
    evictionMemoryBytes: 100 * MiB,
    source: EKS_RESERVATION_SOURCE,
  };
}

export const AKS_RESERVATION_SOURCE = 'https://learn.microsoft.com/azure/aks/node-resource-reservations';

// Documented kube-reserved CPU by core count. Between and beyond the points we interpolate linearly; from 4 cores
// on the table is exactly 100m + 10m per core, so that is also what larger or odd sizes get.
const AKS_CPU_TABLE: readonly (readonly [cores: number, millis: number])[] = [
  [1, 60],
  [2, 100],
  [4, 140],
  [8, 180],
  [16, 260],
  [32, 420],
  [64, 740],
];

function aksReservedCpuMillis(cpuMillis: number): number {
  const cores = Math.max(1, Math.ceil(cpuMillis / 1000));
  for (let i = 0; i < AKS_CPU_TABLE.length; i++) {
    const [c, m] = AKS_CPU_TABLE[i];
    if (cores === c) return m;
    if (cores < c) {
      const [c0, m0] = AKS_CPU_TABLE[i - 1];
      return Math.ceil(m0 + ((m - m0) * (cores - c0)) / (c - c0));
    }
  }
  return 100 + 10 * cores;
}

/**
 * AKS ≥ 1.29 (Linux). kube-reserved memory = min(20 MB × maxPods + 50 MB, 25% of memory) — the page writes MB; we
 * use MiB, which reserves slightly more. evictionHard memory.available = 100Mi. CPU from the documented table.
 * (AKS < 1.29 used GKE-like memory bands and a 750Mi eviction threshold; not modelled.)
 */
export function aksReservation(capacity: NodeResources, maxPods: number): NodeReservation {
  const perPods = (20 * maxPods + 50) * MiB;
  const quarter = Math.ceil(capacity.memoryBytes / 4);
  return {
    kubeReservedCpuMillis: aksReservedCpuMillis(capacity.cpuMillis),
    kubeReservedMemoryBytes: Math.min(perPods, quarter),
    evictionMemoryBytes: 100 * MiB,
    source: AKS_RESERVATION_SOURCE,
  };
}

/** capacity − reservations, floored at 0. */
export function allocatableFrom(capacity: NodeResources, r: NodeReservation): NodeResources {
  return {
    cpuMillis: Math.max(0, capacity.cpuMillis - r.kubeReservedCpuMillis),
    memoryBytes: Math.max(0, capacity.memoryBytes - r.kubeReservedMemoryBytes - r.evictionMemoryBytes),
  };
}
