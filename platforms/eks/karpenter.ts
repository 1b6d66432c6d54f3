/**
 * Karpenter on EKS: a typed `EC2NodeClass` + `NodePool` pair per sandbox pool, carrying the same user data (gVisor
 * install, kubelet gate, runsc stanza), label, taint and IMDS settings as our managed node groups. Pure builders;
 * stacks/eks deploys them. Checked against Karpenter's own CRD schemas (core/upstream/pins.ts KARPENTER_CRDS,
 * github.com/aws/karpenter-provider-aws v1.15.2, API `v1`) in the tests and on a real API server (test/integration).
 *
 * Facts (platforms/eks/facts.ts eks.karpenter-crds, eks.karpenter-userdata): EC2NodeClass needs amiSelectorTerms, securityGroupSelectorTerms,
 * subnetSelectorTerms and exactly one of role/instanceProfile; `alias: al2023@<version>` selects the EKS AL2023 AMI;
 * userData may be MIME multipart, and Karpenter appends its own NodeConfig (registerWithTaints = the NodePool's taints
 * + startupTaints + karpenter.sh/unregistered) after ours. NodePool `spec.limits` caps the sum of its nodes' capacity:
 * Karpenter launches nothing past it, which is what the capacity check reads.
 */
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from './sandbox-node';
import { AL2023_ROOT_DEVICE, NODE_METADATA_OPTIONS } from './launch-template';
import type { GvisorArch } from './node-bootstrap/arch';

export const KARPENTER_API = { nodePool: 'karpenter.sh/v1', ec2NodeClass: 'karpenter.k8s.aws/v1' } as const;
/** Subnets and security groups carry this tag in Karpenter's getting-started setup; the default selector. */
export const KARPENTER_DISCOVERY_TAG = 'karpenter.sh/discovery';
/** Node label Karpenter matches `karpenter.sh/capacity-type` requirements against. */
export const KARPENTER_CAPACITY_TYPES = ['on-demand', 'spot'] as const;
export type KarpenterCapacityType = (typeof KARPENTER_CAPACITY_TYPES)[number];

/** `kubernetes.io/arch` of a gVisor build. */
export const KUBERNETES_ARCH: Readonly<Record<GvisorArch, 'amd64' | 'arm64'>> = { x86_64: 'amd64', aarch64: 'arm64' };

export interface SelectorTerm {
  readonly tags?: Readonly<Record<string, string>>;
  readonly id?: string;
}

export interface Ec2NodeClass {
  readonly apiVersion: typeof KARPENTER_API.ec2NodeClass;
  readonly kind: 'EC2NodeClass';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly amiSelectorTerms: readonly { readonly alias: string }[];
    readonly role: string;
    readonly subnetSelectorTerms: readonly SelectorTerm[];
    readonly securityGroupSelectorTerms: readonly SelectorTerm[];
    readonly metadataOptions: {
      readonly httpEndpoint: 'enabled';
      readonly httpProtocolIPv6: 'disabled';
      readonly httpPutResponseHopLimit: number;
      readonly httpTokens: 'required';
    };
    readonly blockDeviceMappings: readonly {
      readonly deviceName: string;
      readonly ebs: { readonly volumeSize: string; readonly volumeType: 'gp3'; readonly encrypted: true; readonly deleteOnTermination: true };
    }[];
    readonly userData: string;
    readonly tags?: Readonly<Record<string, string>>;
  };
}

export interface NodePoolRequirement {
  readonly key: string;
  readonly operator: 'In';
  readonly values: readonly string[];
}

export interface NodePool {
  readonly apiVersion: typeof KARPENTER_API.nodePool;
  readonly kind: 'NodePool';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: {
        readonly nodeClassRef: { readonly group: 'karpenter.k8s.aws'; readonly kind: 'EC2NodeClass'; readonly name: string };
        readonly requirements: readonly NodePoolRequirement[];
        readonly taints: readonly { readonly key: string; readonly value: string; readonly effect: string }[];
        readonly expireAfter: string;
      };
    };
    readonly limits: { readonly cpu: string; readonly memory: string };
    readonly disruption: { readonly consolidationPolicy: 'WhenEmptyOrUnderutilized' | 'WhenEmpty'; readonly consolidateAfter: string };
  };
}

export interface KarpenterSandboxPoolInput {
  /** Name of the NodePool and its EC2NodeClass. */
  readonly name: string;
  /** The gVisor build the user data installs: the pool requires this `kubernetes.io/arch`. */
  readonly arch: GvisorArch;
  /** Exact instance types (`node.kubernetes.io/instance-type In`). @default Karpenter's choice (c, m, r families, generation > 5) */
  readonly instanceTypes?: readonly string[];
  /** @default ["on-demand"] */
  readonly capacityTypes?: readonly KarpenterCapacityType[];
  /** NodePool limits: Karpenter launches no node past them. */
  readonly limits: { readonly cpu: string; readonly memory: string };
  /** Root volume. @default 100 */
  readonly diskSizeGiB?: number;
  /** AL2023 AMI alias (`al2023@latest`, `al2023@v20251217`). @default "al2023@latest" */
  readonly amiAlias?: string;
  /** The MIME user data (node-bootstrap's buildSandboxNodeUserData for `arch`). */
  readonly userData: string;
  /** IAM role of the nodes (Karpenter creates the instance profile). */
  readonly role: string;
  readonly subnetSelectorTerms: readonly SelectorTerm[];
  readonly securityGroupSelectorTerms: readonly SelectorTerm[];
  /** @default "720h" (30 days: nodes are replaced with fresh AMIs) */
  readonly expireAfter?: string;
}

export const KARPENTER_DEFAULTS = {
  amiAlias: 'al2023@latest',
  capacityTypes: ['on-demand'] as readonly KarpenterCapacityType[],
  diskSizeGiB: 100,
  expireAfter: '720h',
  consolidateAfter: '5m',
} as const;

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };

/** The EC2NodeClass of a sandbox pool: our user data, IMDSv2 with hop limit 1, an encrypted gp3 root volume. */
export function karpenterEc2NodeClass(input: KarpenterSandboxPoolInput): Ec2NodeClass {
  return {
    apiVersion: KARPENTER_API.ec2NodeClass,
    kind: 'EC2NodeClass',
    metadata: { name: input.name, labels: { ...MANAGED_BY } },
    spec: {
      amiSelectorTerms: [{ alias: input.amiAlias ?? KARPENTER_DEFAULTS.amiAlias }],
      role: input.role,
      subnetSelectorTerms: input.subnetSelectorTerms.map((t) => ({ ...t })),
      securityGroupSelectorTerms: input.securityGroupSelectorTerms.map((t) => ({ ...t })),
      // The same IMDS settings as our launch templates: pods cannot reach the node role's credentials.
      metadataOptions: {
        httpEndpoint: NODE_METADATA_OPTIONS.httpEndpoint,
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: NODE_METADATA_OPTIONS.httpPutResponseHopLimit,
        httpTokens: NODE_METADATA_OPTIONS.httpTokens,
      },
      blockDeviceMappings: [
        {
          deviceName: AL2023_ROOT_DEVICE,
          ebs: { volumeSize: `${input.diskSizeGiB ?? KARPENTER_DEFAULTS.diskSizeGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        },
      ],
      userData: input.userData,
      tags: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
    },
  };
}

/** The NodePool of a sandbox pool: our label and taint, one architecture, the given limits. */
export function karpenterNodePool(input: KarpenterSandboxPoolInput): NodePool {
  const requirements: NodePoolRequirement[] = [
    { key: 'kubernetes.io/arch', operator: 'In', values: [KUBERNETES_ARCH[input.arch]] },
    { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...(input.capacityTypes ?? KARPENTER_DEFAULTS.capacityTypes)] },
    ...(input.instanceTypes?.length
      ? [{ key: 'node.kubernetes.io/instance-type', operator: 'In' as const, values: [...input.instanceTypes] }]
      : [
          { key: 'karpenter.k8s.aws/instance-category', operator: 'In' as const, values: ['c', 'm', 'r'] },
          { key: 'karpenter.k8s.aws/instance-generation', operator: 'In' as const, values: ['6', '7', '8'] },
        ]),
  ];
  return {
    apiVersion: KARPENTER_API.nodePool,
    kind: 'NodePool',
    metadata: { name: input.name, labels: { ...MANAGED_BY } },
    spec: {
      template: {
        metadata: { labels: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: input.name },
          requirements,
          taints: [{ key: EKS_SANDBOX_NODE_TAINT.key, value: EKS_SANDBOX_NODE_TAINT.value, effect: EKS_SANDBOX_NODE_TAINT.effect }],
          expireAfter: input.expireAfter ?? KARPENTER_DEFAULTS.expireAfter,
        },
      },
      limits: { cpu: input.limits.cpu, memory: input.limits.memory },
      disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: KARPENTER_DEFAULTS.consolidateAfter },
    },
  };
}

/**
 * The AMI release an alias pins, as an EKS release version for the containerd table: `al2023@v20251217` →
 * `<k8sVersion>.0-20251217`; `al2023@latest` → undefined (the newest AMI).
 */
export function aliasReleaseVersion(alias: string, k8sVersion: string): string | undefined {
  const m = /^al2023@v(\d{8})$/.exec(alias);
  return m ? `${k8sVersion.split('.').slice(0, 2).join('.')}.0-${m[1]}` : undefined;
}

/** How many nodes of `perNode` capacity a NodePool's limits allow (Karpenter stops launching at the limit). */
export function nodesWithinLimits(limits: { readonly cpu: number; readonly memoryMiB: number }, perNode: { readonly cpu: number; readonly memoryMiB: number }): number {
  return Math.max(0, Math.min(Math.floor(limits.cpu / perNode.cpu), Math.floor(limits.memoryMiB / perNode.memoryMiB)));
}
