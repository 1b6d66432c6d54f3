/**
 * Which EKS managed-node-group AMI types can be gVisor sandbox nodes.
 *
 * Accepted: the AL2023 types, whose nodeadm reads our NodeConfig part and whose containerd 2.x reads the
 * `version = 3` runtime stanza:
 * - `AL2023_x86_64_STANDARD`, `AL2023_ARM_64_STANDARD`;
 * - `AL2023_x86_64_NVIDIA`, `AL2023_ARM_64_NVIDIA`: same nodeadm and containerd; nodeadm keeps `nvidia` as the default
 *   runtime and our merge only adds `runsc` beside it (checked against nodeadm's NVIDIA config in the tests), so
 *   runc GPU pods keep working and CPU sandboxes run under gVisor. GPU access *inside* gVisor needs runsc's nvproxy,
 *   which this bootstrap does not configure.
 *
 * Refused, each with its reason: Bottlerocket, AL2, AL2023 Neuron, Windows, CUSTOM.
 */
import { GvisorArch } from './arch';
import { SandboxConfigError } from './errors';

/** AMI types accepted for sandbox node groups, with their CPU architecture. */
export const SANDBOX_AMI_TYPES = {
  AL2023_x86_64_STANDARD: 'x86_64',
  AL2023_ARM_64_STANDARD: 'aarch64',
  AL2023_x86_64_NVIDIA: 'x86_64',
  AL2023_ARM_64_NVIDIA: 'aarch64',
} as const satisfies Record<string, GvisorArch>;
export type SandboxAmiType = keyof typeof SANDBOX_AMI_TYPES;

const ALLOWED = `use AL2023, one of ${Object.keys(SANDBOX_AMI_TYPES).join(', ')}`;

/** Why a refused AMI type family cannot run gVisor sandboxes; matched on the amiType prefix, first match wins. */
const REFUSALS: readonly { readonly prefix: string; readonly reason: string }[] = [
  {
    prefix: 'BOTTLEROCKET_',
    reason:
      'Bottlerocket has no gVisor/runsc support: its image-based, read-only OS has no runsc binary and no way to ' +
      'install one from user data, and it does not read nodeadm NodeConfig',
  },
  {
    prefix: 'AL2023_x86_64_NEURON',
    reason: 'gVisor cannot pass AWS Neuron devices into a sandbox, so a Neuron node would only waste its accelerators',
  },
  {
    prefix: 'AL2_',
    reason:
      'Amazon Linux 2 EKS AMIs reached end of support on 2025-11-26 (awslabs/amazon-eks-ami#2545); they bootstrap with ' +
      '/etc/eks/bootstrap.sh, not nodeadm, so the NodeConfig part that registers runsc is ignored, and their containerd ' +
      '1.x needs the config version 2 "io.containerd.grpc.v1.cri" runtime path',
  },
  {
    prefix: 'WINDOWS_',
    reason: 'gVisor runs Linux containers on Linux nodes only',
  },
  {
    prefix: 'CUSTOM',
    reason:
      'a custom AMI gets no cluster details merged by EKS and may lack nodeadm or containerd 2.x, so the bootstrap cannot be checked',
  },
];

/**
 * Errors for an AMI type that cannot host gVisor sandboxes (empty when accepted).
 * Each error names the value, the reason, and the accepted values.
 */
export function checkSandboxAmiType(amiType: unknown, field = 'amiType'): SandboxConfigError[] {
  if (typeof amiType === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_AMI_TYPES, amiType)) {
    return [];
  }
  const text = typeof amiType === 'string' ? `"${amiType}"` : String(amiType);
  const refusal = typeof amiType === 'string' ? REFUSALS.find((r) => amiType.startsWith(r.prefix)) : undefined;
  const message = refusal
    ? `${text} cannot be a gVisor sandbox node: ${refusal.reason}; ${ALLOWED}`
    : `${text} is not an AMI type for gVisor sandbox nodes; ${ALLOWED}`;
  return [{ field, value: amiType, message }];
}

/** The CPU architecture of an accepted AMI type. */
export function sandboxAmiTypeArch(amiType: SandboxAmiType): GvisorArch {
  return SANDBOX_AMI_TYPES[amiType];
}

/** The AL2023 AMI type for an architecture: standard by default, or the NVIDIA variant. */
export function sandboxAmiTypeForArch(arch: GvisorArch, accelerator: 'none' | 'nvidia' = 'none'): SandboxAmiType {
  const cpu = arch === 'aarch64' ? 'ARM_64' : 'x86_64';
  return `AL2023_${cpu}_${accelerator === 'nvidia' ? 'NVIDIA' : 'STANDARD'}`;
}
