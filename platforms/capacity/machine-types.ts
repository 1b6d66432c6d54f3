/**
 * Common sandbox-node machine types per cloud: nominal capacity (vCPU, memory) and the allocatable that the cloud's
 * reservation formulas leave for pods (node-reservations.ts) at the default max pods (max-pods.ts).
 *
 * Capacity sources:
 *   gcp   https://cloud.google.com/compute/docs/general-purpose-machines (e2, n1, n2, n2d, c3),
 *         https://cloud.google.com/compute/docs/accelerator-optimized-machines (g2, a2, a3; the GPU machine types
 *         GKE Sandbox GPU pools use, platforms/gke/gpu.ts)
 *   aws   https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (m, t), co.html, mo.html, ac.html;
 *         ENI max pods: https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/internal/kubelet/eni-max-pods.txt
 *   azure https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv5-series (ddsv5, dasv5),
 *         https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/esv5-series
 */
import { GiB } from './quantity';
import {
  aksReservation,
  allocatableFrom,
  eksReservation,
  gkeReservation,
  NodeReservation,
  NodeResources,
} from './node-reservations';
import { AKS_DEFAULT_MAX_PODS, AksNetworkPlugin, eksManagedNodeGroupMaxPods, GKE_STANDARD_DEFAULT_MAX_PODS } from './max-pods';

export const CLOUDS = ['gcp', 'aws', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** What the cloud's API calls the machine type, for messages ("use a larger vmSize"). */
export const MACHINE_TYPE_TERM: Readonly<Record<Cloud, string>> = { gcp: 'machine type', aws: 'instance type', azure: 'vmSize' };

export interface MachineTypeSpec {
  readonly cloud: Cloud;
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Attached accelerator, informational. */
  readonly accelerator?: string;
  /** aws: the VPC CNI pod limit from eni-max-pods.txt; nodeadm sizes kube-reserved memory from it. */
  readonly eniMaxPods?: number;
}

const SPECS: readonly MachineTypeSpec[] = [
  { cloud: 'gcp', name: 'e2-standard-4', vcpus: 4, memoryGiB: 16 },
  { cloud: 'gcp', name: 'e2-standard-8', vcpus: 8, memoryGiB: 32 },
  { cloud: 'gcp', name: 'n2-standard-4', vcpus: 4, memoryGiB: 16 },
  { cloud: 'gcp', name: 'n2-standard-8', vcpus: 8, memoryGiB: 32 },
  { cloud: 'gcp', name: 'n2-standard-16', vcpus: 16, memoryGiB: 64 },
  { cloud: 'gcp', name: 'n2d-standard-8', vcpus: 8, memoryGiB: 32 },
  { cloud: 'gcp', name: 'c3-standard-8', vcpus: 8, memoryGiB: 32 },
  { cloud: 'gcp', name: 'g2-standard-8', vcpus: 8, memoryGiB: 32, accelerator: '1 × NVIDIA L4' },
  { cloud: 'gcp', name: 'a2-highgpu-1g', vcpus: 12, memoryGiB: 85, accelerator: '1 × NVIDIA A100 40GB' },
  // The other GPU machine types of GKE Sandbox GPU pools (the defaults of platforms/gke/gpu.ts and every G2 size).
  { cloud: 'gcp', name: 'n1-standard-8', vcpus: 8, memoryGiB: 30, accelerator: 'T4 attached (1, 2 or 4)' },
  { cloud: 'gcp', name: 'g2-standard-4', vcpus: 4, memoryGiB: 16, accelerator: '1 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-12', vcpus: 12, memoryGiB: 48, accelerator: '1 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-16', vcpus: 16, memoryGiB: 64, accelerator: '1 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-24', vcpus: 24, memoryGiB: 96, accelerator: '2 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-32', vcpus: 32, memoryGiB: 128, accelerator: '1 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-48', vcpus: 48, memoryGiB: 192, accelerator: '4 × NVIDIA L4' },
  { cloud: 'gcp', name: 'g2-standard-96', vcpus: 96, memoryGiB: 384, accelerator: '8 × NVIDIA L4' },
  { cloud: 'gcp', name: 'a2-ultragpu-1g', vcpus: 12, memoryGiB: 170, accelerator: '1 × NVIDIA A100 80GB' },
  { cloud: 'gcp', name: 'a3-highgpu-8g', vcpus: 208, memoryGiB: 1872, accelerator: '8 × NVIDIA H100 80GB' },

  { cloud: 'aws', name: 'm6i.large', vcpus: 2, memoryGiB: 8, eniMaxPods: 29 },
  { cloud: 'aws', name: 'm6i.xlarge', vcpus: 4, memoryGiB: 16, eniMaxPods: 58 },
  { cloud: 'aws', name: 'm6i.2xlarge', vcpus: 8, memoryGiB: 32, eniMaxPods: 58 },
  { cloud: 'aws', name: 'm6i.4xlarge', vcpus: 16, memoryGiB: 64, eniMaxPods: 234 },
  // The default EKS system node group type (stacks/eks/cluster-config.ts EKS_CLUSTER_DEFAULTS).
  { cloud: 'aws', name: 'm7i.large', vcpus: 2, memoryGiB: 8, eniMaxPods: 29 },
  { cloud: 'aws', name: 'm7i.xlarge', vcpus: 4, memoryGiB: 16, eniMaxPods: 58 },
  { cloud: 'aws', name: 'm7i.2xlarge', vcpus: 8, memoryGiB: 32, eniMaxPods: 58 },
  { cloud: 'aws', name: 'c6i.2xlarge', vcpus: 8, memoryGiB: 16, eniMaxPods: 58 },
  { cloud: 'aws', name: 'r6i.2xlarge', vcpus: 8, memoryGiB: 64, eniMaxPods: 58 },
  { cloud: 'aws', name: 'm7g.xlarge', vcpus: 4, memoryGiB: 16, eniMaxPods: 58 },
  { cloud: 'aws', name: 'm7g.2xlarge', vcpus: 8, memoryGiB: 32, eniMaxPods: 58 },
  { cloud: 'aws', name: 'c7g.2xlarge', vcpus: 8, memoryGiB: 16, eniMaxPods: 58 },
  { cloud: 'aws', name: 'g5.xlarge', vcpus: 4, memoryGiB: 16, eniMaxPods: 58, accelerator: '1 × NVIDIA A10G' },
  { cloud: 'aws', name: 'g5.2xlarge', vcpus: 8, memoryGiB: 32, eniMaxPods: 58, accelerator: '1 × NVIDIA A10G' },
  // Burstable types: too small for most sandboxes, listed so that a group using them is sized (and refused) too.
  { cloud: 'aws', name: 't3.small', vcpus: 2, memoryGiB: 2, eniMaxPods: 11 },
  { cloud: 'aws', name: 't3.medium', vcpus: 2, memoryGiB: 4, eniMaxPods: 17 },

  { cloud: 'azure', name: 'Standard_D4s_v5', vcpus: 4, memoryGiB: 16 },
  { cloud: 'azure', name: 'Standard_D8s_v5', vcpus: 8, memoryGiB: 32 },
  { cloud: 'azure', name: 'Standard_D16s_v5', vcpus: 16, memoryGiB: 64 },
  { cloud: 'azure', name: 'Standard_D4ds_v5', vcpus: 4, memoryGiB: 16 },
  { cloud: 'azure', name: 'Standard_D8ds_v5', vcpus: 8, memoryGiB: 32 },
  { cloud: 'azure', name: 'Standard_E4s_v5', vcpus: 4, memoryGiB: 32 },
  { cloud: 'azure', name: 'Standard_E8s_v5', vcpus: 8, memoryGiB: 64 },
  { cloud: 'azure', name: 'Standard_D4as_v5', vcpus: 4, memoryGiB: 16 },
  { cloud: 'azure', name: 'Standard_D8as_v5', vcpus: 8, memoryGiB: 32 },
];

/** Settings that change a node's reservations or pod limit. */
export interface NodeOptions {
  /**
   * kubelet maxPods.
   * @default gcp 110; aws min(ENI limit, 110 below 30 vCPUs else 250) (managed node group); azure by `aksNetworkPlugin`
   */
  readonly maxPods?: number;
  /** @default 'azure-cni-overlay' (250 pods) */
  readonly aksNetworkPlugin?: AksNetworkPlugin;
}

export interface NodeAllocatable extends NodeResources {
  readonly pods: number;
  readonly capacity: NodeResources;
  readonly reservation: NodeReservation;
}

/** Allocatable cpu, memory and pods of one node of `spec`. */
export function nodeAllocatable(spec: MachineTypeSpec, options: NodeOptions = {}): NodeAllocatable {
  const capacity: NodeResources = { cpuMillis: spec.vcpus * 1000, memoryBytes: spec.memoryGiB * GiB };
  let pods: number;
  let reservation: NodeReservation;
  switch (spec.cloud) {
    case 'gcp':
      pods = options.maxPods ?? GKE_STANDARD_DEFAULT_MAX_PODS;
      reservation = gkeReservation(capacity);
      break;
    case 'aws': {
      // Without a table value nodeadm asks EC2; the kubelet default (110) is the best offline stand-in.
      const eni = spec.eniMaxPods ?? 110;
      pods = options.maxPods ?? eksManagedNodeGroupMaxPods(eni, spec.vcpus);
      reservation = eksReservation(capacity, eni);
      break;
    }
    case 'azure':
      pods = options.maxPods ?? AKS_DEFAULT_MAX_PODS[options.aksNetworkPlugin ?? 'azure-cni-overlay'];
      reservation = aksReservation(capacity, pods);
      break;
    default: {
      const never: never = spec.cloud;
      throw new Error(`unknown cloud ${String(never)}`);
    }
  }
  return { ...allocatableFrom(capacity, reservation), pods, capacity, reservation };
}

export interface MachineType extends MachineTypeSpec {
  /** At the cloud's default max pods (see {@link NodeOptions.maxPods}). */
  readonly allocatable: NodeAllocatable;
}

/** The table, with allocatable at default settings. */
export const MACHINE_TYPES: readonly MachineType[] = SPECS.map((spec) => ({ ...spec, allocatable: nodeAllocatable(spec) }));

export function findMachineType(cloud: Cloud, name: string): MachineType | undefined {
  return MACHINE_TYPES.find((m) => m.cloud === cloud && m.name === name);
}

export function machineTypeNames(cloud: Cloud): string[] {
  return MACHINE_TYPES.filter((m) => m.cloud === cloud).map((m) => m.name);
}
