/**
 * Node-group level facts for EKS sandbox nodes: the label and taint a managed node group sets, and one check that
 * reports every AMI type / instance type problem at once.
 */
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from '../sandbox-node';
import { GvisorArch, gvisorArchForInstanceTypes } from './arch';
import { checkSandboxAmiType, sandboxAmiTypeArch, sandboxAmiTypeForArch, SandboxAmiType } from './ami-type';
import { collectErrors, SandboxConfigError } from './errors';

/** EKS API spelling of taint effects (`aws eks create-nodegroup --taints`). */
const EKS_TAINT_EFFECTS = {
  NoSchedule: 'NO_SCHEDULE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
} as const;
export type EksTaintEffect = (typeof EKS_TAINT_EFFECTS)[keyof typeof EKS_TAINT_EFFECTS];

/** `labels` and `taints` for an EKS managed node group (EKS API shape), from the constants the RuntimeClass selects. */
export interface SandboxNodeGroupScheduling {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value: string; readonly effect: EksTaintEffect }[];
}

/** The sandbox label and `NoSchedule` taint in the shape of the EKS node group API. */
export function sandboxNodeGroupScheduling(): SandboxNodeGroupScheduling {
  return {
    labels: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
    taints: [
      {
        key: EKS_SANDBOX_NODE_TAINT.key,
        value: EKS_SANDBOX_NODE_TAINT.value,
        effect: EKS_TAINT_EFFECTS[EKS_SANDBOX_NODE_TAINT.effect],
      },
    ],
  };
}

export interface SandboxNodeGroupInput {
  /** EC2 instance types of the group. */
  readonly instanceTypes: readonly string[];
  /**
   * EKS AMI type.
   * @default the AL2023 standard type for the instance types' architecture
   */
  readonly amiType?: string;
  /**
   * Prefix for error fields, e.g. `nodeGroups[1]`.
   * @default no prefix
   */
  readonly fieldPrefix?: string;
}

/** What a valid sandbox node group resolves to. */
export interface SandboxNodeGroupCheck {
  readonly errors: readonly SandboxConfigError[];
  /** Set when the instance types have one architecture. */
  readonly arch?: GvisorArch;
  /** The given AMI type, or the default for `arch`; set when valid. */
  readonly amiType?: SandboxAmiType;
}

/**
 * Checks the AMI type, the instance types and that both have the same architecture; collects every error.
 */
export function checkSandboxNodeGroup(input: SandboxNodeGroupInput): SandboxNodeGroupCheck {
  const field = (name: string) => (input.fieldPrefix ? `${input.fieldPrefix}.${name}` : name);
  const errors: SandboxConfigError[] = [];
  const arch = collectErrors(errors, () => gvisorArchForInstanceTypes(input.instanceTypes, field('instanceTypes')));
  if (input.amiType === undefined) {
    return { errors, arch, amiType: arch && sandboxAmiTypeForArch(arch) };
  }
  const amiErrors = checkSandboxAmiType(input.amiType, field('amiType'));
  errors.push(...amiErrors);
  if (amiErrors.length > 0) return { errors, arch };
  const amiType = input.amiType as SandboxAmiType;
  const amiArch = sandboxAmiTypeArch(amiType);
  if (arch !== undefined && amiArch !== arch) {
    errors.push({
      field: field('amiType'),
      value: amiType,
      message:
        `"${amiType}" is an ${amiArch} AMI but the instance types (${input.instanceTypes.join(', ')}) are ${arch}; ` +
        `use ${sandboxAmiTypeForArch(arch, amiType.endsWith('_NVIDIA') ? 'nvidia' : 'none')}`,
    });
    return { errors, arch };
  }
  return { errors, arch, amiType };
}
