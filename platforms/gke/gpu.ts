/**
 * GPUs a GKE Sandbox (gVisor) node pool can carry: friendly name → Compute Engine accelerator type and the machine
 * series it needs. Accelerator-optimized series (A2, A3, G2) come with a fixed GPU count per machine type; N1 takes
 * T4s attached in counts of 1, 2 or 4.
 *
 * Sources: GKE Sandbox GPU support https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods ;
 * accelerator names and machine series https://cloud.google.com/compute/docs/gpus (A3 Standard/High:
 * `nvidia-h100-80gb`, A2 Ultra: `nvidia-a100-80gb`, A2 Standard: `nvidia-tesla-a100`, G2: `nvidia-l4`,
 * N1: `nvidia-tesla-t4`).
 */

export const GKE_SANDBOX_GPU_TYPES = ['t4', 'a100', 'a100-80gb', 'l4', 'h100-80gb'] as const;
export type GkeSandboxGpuType = (typeof GKE_SANDBOX_GPU_TYPES)[number];

export interface GkeGpuFacts {
  /** `nodeConfig.guestAccelerators[].type`. */
  readonly acceleratorType: string;
  /** Machine series name, for messages. */
  readonly machineSeries: string;
  /** Machine types of that series start with one of these. */
  readonly machineTypePrefixes: readonly string[];
  /** Used when `gpuPool.machineType` is not set. */
  readonly defaultMachineType: string;
  /** GPU count of a machine type (fixed on accelerator-optimized series); undefined when the type is unknown. */
  readonly gpusPerMachine: (machineType: string) => number | undefined;
  /** Counts that may be attached (N1 only; accelerator-optimized types have their fixed count). */
  readonly attachableCounts?: readonly number[];
}

/** `a2-highgpu-4g` → 4 (A2/A3 names end in the GPU count). */
function countFromSuffix(machineType: string): number | undefined {
  const m = /-(\d+)g$/.exec(machineType);
  return m ? Number(m[1]) : undefined;
}

/** G2 machine types and their L4 count (https://cloud.google.com/compute/docs/accelerator-optimized-machines#g2-vms). */
const G2_GPUS: Readonly<Record<string, number>> = {
  'g2-standard-4': 1,
  'g2-standard-8': 1,
  'g2-standard-12': 1,
  'g2-standard-16': 1,
  'g2-standard-24': 2,
  'g2-standard-32': 1,
  'g2-standard-48': 4,
  'g2-standard-96': 8,
};

export const GKE_SANDBOX_GPUS: Readonly<Record<GkeSandboxGpuType, GkeGpuFacts>> = {
  t4: {
    acceleratorType: 'nvidia-tesla-t4',
    machineSeries: 'N1',
    machineTypePrefixes: ['n1-'],
    defaultMachineType: 'n1-standard-8',
    gpusPerMachine: () => undefined,
    attachableCounts: [1, 2, 4],
  },
  a100: {
    acceleratorType: 'nvidia-tesla-a100',
    machineSeries: 'A2 Standard',
    machineTypePrefixes: ['a2-highgpu-', 'a2-megagpu-'],
    defaultMachineType: 'a2-highgpu-1g',
    gpusPerMachine: countFromSuffix,
  },
  'a100-80gb': {
    acceleratorType: 'nvidia-a100-80gb',
    machineSeries: 'A2 Ultra',
    machineTypePrefixes: ['a2-ultragpu-'],
    defaultMachineType: 'a2-ultragpu-1g',
    gpusPerMachine: countFromSuffix,
  },
  l4: {
    acceleratorType: 'nvidia-l4',
    machineSeries: 'G2',
    machineTypePrefixes: ['g2-standard-'],
    defaultMachineType: 'g2-standard-8',
    gpusPerMachine: (machineType) => G2_GPUS[machineType],
  },
  'h100-80gb': {
    acceleratorType: 'nvidia-h100-80gb',
    machineSeries: 'A3 High',
    machineTypePrefixes: ['a3-highgpu-'],
    defaultMachineType: 'a3-highgpu-8g',
    gpusPerMachine: countFromSuffix,
  },
};

export function isGkeSandboxGpuType(value: string): value is GkeSandboxGpuType {
  return (GKE_SANDBOX_GPU_TYPES as readonly string[]).includes(value);
}

/** "t4 (nvidia-tesla-t4), a100 (nvidia-tesla-a100), …" for error messages. */
export function describeGpuTypes(): string {
  return GKE_SANDBOX_GPU_TYPES.map((t) => `${t} (${GKE_SANDBOX_GPUS[t].acceleratorType})`).join(', ');
}

/** Problems with a GPU pool's machine type / count, as `[field, reason]` pairs relative to the pool. */
export function gpuMachineProblems(gpu: GkeSandboxGpuType, machineType: string, gpuCount: number | undefined): Array<[string, string]> {
  const facts = GKE_SANDBOX_GPUS[gpu];
  if (!facts.machineTypePrefixes.some((p) => machineType.startsWith(p))) {
    return [
      [
        'machineType',
        `gpuType "${gpu}" (${facts.acceleratorType}) runs on ${facts.machineSeries} machine types (${facts.machineTypePrefixes.map((p) => `${p}*`).join(', ')}), got "${machineType}"`,
      ],
    ];
  }
  const fixed = facts.gpusPerMachine(machineType);
  if (gpuCount !== undefined && fixed !== undefined && gpuCount !== fixed) {
    return [['gpuCount', `${machineType} comes with ${fixed} × ${facts.acceleratorType}, got gpuCount ${gpuCount}; remove gpuCount or set it to ${fixed}`]];
  }
  if (gpuCount !== undefined && facts.attachableCounts && !facts.attachableCounts.includes(gpuCount)) {
    return [['gpuCount', `${facts.acceleratorType} can be attached to ${facts.machineSeries} machines in counts of ${facts.attachableCounts.join(', ')}, got ${gpuCount}`]];
  }
  return [];
}

/** The GPU count to request: the machine type's fixed count, else the configured count, else 1. */
export function gpuCountFor(gpu: GkeSandboxGpuType, machineType: string, gpuCount: number | undefined): number {
  return GKE_SANDBOX_GPUS[gpu].gpusPerMachine(machineType) ?? gpuCount ?? 1;
}
