/**
 * Boot disk type by machine series. The newest Compute Engine series attach Hyperdisk only: C4, C4A, C4D, N4, N4A
 * and N4D refuse `pd-balanced`, GKE's default boot disk (platforms/gke/facts.ts gke.hyperdisk-only-series), so a pool
 * of them needs `hyperdisk-balanced`; older series (E2, N1, N2, N2D, C2, C3…) take Persistent Disk.
 */

/** Machine series whose VMs attach only Hyperdisk. */
export const HYPERDISK_ONLY_SERIES = ['c4', 'c4a', 'c4d', 'n4', 'n4a', 'n4d'] as const;
export const GKE_BOOT_DISK_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd', 'hyperdisk-balanced'] as const;
export type GkeBootDiskType = (typeof GKE_BOOT_DISK_TYPES)[number];

/** The series of a machine type (`n4-standard-8` → `n4`). */
export function machineSeries(machineType: string): string {
  return machineType.split('-')[0].toLowerCase();
}

export function isHyperdiskOnly(machineType: string): boolean {
  return (HYPERDISK_ONLY_SERIES as readonly string[]).includes(machineSeries(machineType));
}

/** The default boot disk of a pool: `hyperdisk-balanced` on Hyperdisk-only series, else `pd-balanced`. */
export function defaultBootDiskType(machineType: string): GkeBootDiskType {
  return isHyperdiskOnly(machineType) ? 'hyperdisk-balanced' : 'pd-balanced';
}

/** Why a disk type cannot boot this machine type, or undefined. */
export function bootDiskProblem(machineType: string, diskType: string): string | undefined {
  if (isHyperdiskOnly(machineType) && diskType.startsWith('pd-')) {
    return (
      `"${diskType}" cannot be attached to ${machineType}: the ${machineSeries(machineType).toUpperCase()} series takes Hyperdisk only; ` +
      'use "hyperdisk-balanced" (or leave diskType unset: it follows the machine series)'
    );
  }
  if (!isHyperdiskOnly(machineType) && diskType === 'hyperdisk-balanced' && ['e2', 'n1', 'n2', 'n2d', 't2d', 't2a', 'c2', 'c2d'].includes(machineSeries(machineType))) {
    return `"hyperdisk-balanced" cannot be attached to ${machineType}: the ${machineSeries(machineType).toUpperCase()} series takes Persistent Disk; use "pd-balanced"`;
  }
  return undefined;
}
