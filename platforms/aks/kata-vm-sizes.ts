/**
 * VM sizes an AKS Pod Sandboxing (Kata) node pool can use.
 *
 * AKS: "Any Azure VM size that is a generation 2 VM and supports nested virtualization works. For example, Dsv3"
 * (https://learn.microsoft.com/azure/aks/use-pod-sandboxing, `--node-vm-size`). Azure publishes no list, so this
 * table holds the families whose size pages say both "Generation 2: Supported" and "Nested Virtualization:
 * Supported". Add a family here (with its source) to allow it; anything else is refused before deployment.
 */

const SIZES = 'https://learn.microsoft.com/azure/virtual-machines/sizes';

export interface KataVmFamily {
  /** Family as Azure names it, e.g. `Dsv5`. */
  readonly family: string;
  /** Page that states Generation 2 and nested virtualization support. */
  readonly source: string;
  /** What else the size page says a node image must offer. */
  readonly note?: string;
}

export const KATA_VM_FAMILIES: readonly KataVmFamily[] = [
  // Dsv3 is the family the Pod Sandboxing page itself names.
  { family: 'Dsv3', source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing' },
  // Dsv4: nested virtualization per the ACU table ("***"), Generation 2 per the dv4-dsv4-series page.
  { family: 'Dsv4', source: 'https://learn.microsoft.com/azure/virtual-machines/acu' },
  { family: 'Ddsv4', source: `${SIZES}/general-purpose/ddsv4-series` },
  { family: 'Dsv5', source: `${SIZES}/general-purpose/dsv5-series` },
  { family: 'Ddsv5', source: 'https://learn.microsoft.com/azure/virtual-machines/ddv5-ddsv5-series' },
  { family: 'Dasv5', source: `${SIZES}/general-purpose/dasv5-series` },
  { family: 'Dadsv5', source: `${SIZES}/general-purpose/dadsv5-series` },
  // Esv3 only: Ev3 (without "s") is Generation 1 only.
  { family: 'Esv3', source: `${SIZES}/memory-optimized/ev3-esv3-series` },
  { family: 'Esv4', source: `${SIZES}/memory-optimized/esv4-series` },
  { family: 'Esv5', source: 'https://learn.microsoft.com/azure/virtual-machines/ev5-esv5-series' },
  { family: 'Edsv5', source: 'https://learn.microsoft.com/azure/virtual-machines/edv5-edsv5-series' },
  { family: 'Easv5', source: `${SIZES}/memory-optimized/easv5-series` },
  { family: 'Fsv2', source: 'https://learn.microsoft.com/azure/virtual-machines/fsv2-series' },
  // v6/v7 (MicrosoftDocs/azure-compute-docs size pages, read 2026-12-06; platforms/aks/facts.ts aks.kata-vm-sizes-v6-v7).
  { family: 'Dsv6', source: `${SIZES}/general-purpose/dsv6-series` },
  {
    family: 'Dasv6',
    source: `${SIZES}/general-purpose/dasv6-series`,
    note: 'the size page says Dasv6 works only with OS images that support NVMe (Azure Linux node images for these sizes: not confirmed here)',
  },
  {
    family: 'Dsv7',
    source: `${SIZES}/general-purpose/dsv7-series`,
    note: 'preview; the size page says Dsv7 works only with OS images that support NVMe (Azure Linux node images for these sizes: not confirmed here)',
  },
];

/** The size page's caveat for a family in the table (NVMe-only images, preview), or undefined. */
export function kataVmSizeNote(vmSize: string): string | undefined {
  const family = vmFamilyOf(vmSize);
  return KATA_VM_FAMILIES.find((f) => f.family === family)?.note;
}

/** Default size of the sandbox pool: 4 vCPU / 16 GiB Dsv5 (the example size in this project's design notes). */
export const DEFAULT_KATA_VM_SIZE = 'Standard_D4s_v5';

/**
 * The family of an Azure VM size name, e.g. `Standard_D8s_v5` → `Dsv5`, `Standard_E104ids_v5` → `Edsv5`,
 * `Standard_E16-4ds_v5` (constrained vCPU) → `Edsv5`. The `i` (isolated) marker does not change the family.
 * Returns undefined for names that do not follow `Standard_<letters><vCPUs>[-<n>]<features>_v<version>`.
 */
export function vmFamilyOf(vmSize: string): string | undefined {
  const m = /^Standard_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)_v(\d+)$/i.exec(vmSize);
  if (!m) return undefined;
  const [, letters, , features, version] = m;
  return `${letters.toUpperCase()}${features.toLowerCase().replace('i', '')}v${version}`;
}

export function allowedKataFamilies(): string[] {
  return KATA_VM_FAMILIES.map((f) => f.family);
}

/** A reason the size cannot host Kata pods, or undefined when its family is in {@link KATA_VM_FAMILIES}. */
export function kataVmSizeProblem(vmSize: string): string | undefined {
  const family = vmFamilyOf(vmSize);
  if (family && KATA_VM_FAMILIES.some((f) => f.family === family)) return undefined;
  const what = family ? `is a ${family} size, which is not` : 'is not';
  return (
    `${JSON.stringify(vmSize)} ${what} a Generation 2 VM size with nested virtualization known to run Pod Sandboxing; ` +
    `allowed families: ${allowedKataFamilies().join(', ')} (e.g. ${DEFAULT_KATA_VM_SIZE})`
  );
}
