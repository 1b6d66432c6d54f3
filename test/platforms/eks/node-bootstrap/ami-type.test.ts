import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from '../../../../platforms';
import {
  checkSandboxAmiType,
  checkSandboxNodeGroup,
  SANDBOX_AMI_TYPES,
  sandboxAmiTypeForArch,
  sandboxNodeGroupScheduling,
} from '../../../../platforms/eks/node-bootstrap';

const ALLOWED = 'use AL2023, one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA';

describe('checkSandboxAmiType', () => {
  test.each(Object.keys(SANDBOX_AMI_TYPES))('%s is accepted', (amiType) => {
    expect(checkSandboxAmiType(amiType)).toEqual([]);
  });

  test.each(['BOTTLEROCKET_x86_64', 'BOTTLEROCKET_ARM_64', 'BOTTLEROCKET_x86_64_NVIDIA', 'BOTTLEROCKET_ARM_64_FIPS'])(
    '%s is refused: Bottlerocket has no gVisor',
    (amiType) => {
      expect(checkSandboxAmiType(amiType)).toEqual([
        {
          field: 'amiType',
          value: amiType,
          message:
            `"${amiType}" cannot be a gVisor sandbox node: Bottlerocket has no gVisor/runsc support: its image-based, ` +
            'read-only OS has no runsc binary and no way to install one from user data, and it does not read nodeadm ' +
            `NodeConfig; ${ALLOWED}`,
        },
      ]);
    },
  );

  test.each(['AL2_x86_64', 'AL2_x86_64_GPU', 'AL2_ARM_64'])('%s is refused with the AL2 reasons', (amiType) => {
    expect(checkSandboxAmiType(amiType, 'nodeGroups[0].amiType')).toEqual([
      {
        field: 'nodeGroups[0].amiType',
        value: amiType,
        message:
          `"${amiType}" cannot be a gVisor sandbox node: Amazon Linux 2 EKS AMIs reached end of support on 2025-11-26 ` +
          '(awslabs/amazon-eks-ami#2545); they bootstrap with /etc/eks/bootstrap.sh, not nodeadm, so the NodeConfig part ' +
          'that registers runsc is ignored, and their containerd 1.x needs the config version 2 ' +
          `"io.containerd.grpc.v1.cri" runtime path; ${ALLOWED}`,
      },
    ]);
  });

  test('Neuron, Windows, CUSTOM and unknown values are refused, naming the value', () => {
    expect(checkSandboxAmiType('AL2023_x86_64_NEURON')[0].message).toBe(
      '"AL2023_x86_64_NEURON" cannot be a gVisor sandbox node: gVisor cannot pass AWS Neuron devices into a sandbox, ' +
        `so a Neuron node would only waste its accelerators; ${ALLOWED}`,
    );
    expect(checkSandboxAmiType('WINDOWS_CORE_2022_x86_64')[0].message).toBe(
      `"WINDOWS_CORE_2022_x86_64" cannot be a gVisor sandbox node: gVisor runs Linux containers on Linux nodes only; ${ALLOWED}`,
    );
    expect(checkSandboxAmiType('CUSTOM')[0].message).toContain('"CUSTOM" cannot be a gVisor sandbox node: a custom AMI');
    expect(checkSandboxAmiType('al2023_x86_64_standard')[0].message).toBe(
      `"al2023_x86_64_standard" is not an AMI type for gVisor sandbox nodes; ${ALLOWED}`,
    );
    expect(checkSandboxAmiType(undefined)[0]).toEqual({
      field: 'amiType',
      value: undefined,
      message: `undefined is not an AMI type for gVisor sandbox nodes; ${ALLOWED}`,
    });
  });

  test('errors from several inputs aggregate', () => {
    const errors = [
      ...checkSandboxAmiType('BOTTLEROCKET_x86_64', 'nodeGroups[0].amiType'),
      ...checkSandboxAmiType('AL2023_ARM_64_STANDARD', 'nodeGroups[1].amiType'),
      ...checkSandboxAmiType('AL2_x86_64', 'nodeGroups[2].amiType'),
    ];
    expect(errors.map((e) => e.field)).toEqual(['nodeGroups[0].amiType', 'nodeGroups[2].amiType']);
  });
});

describe('checkSandboxNodeGroup', () => {
  test('default AMI type follows the instance types', () => {
    expect(checkSandboxNodeGroup({ instanceTypes: ['m7g.large'] })).toEqual({ errors: [], arch: 'aarch64', amiType: 'AL2023_ARM_64_STANDARD' });
    expect(sandboxAmiTypeForArch('x86_64', 'nvidia')).toBe('AL2023_x86_64_NVIDIA');
  });

  test('AMI architecture must match the instance types', () => {
    const r = checkSandboxNodeGroup({ instanceTypes: ['m7g.large'], amiType: 'AL2023_x86_64_STANDARD', fieldPrefix: 'nodeGroups[3]' });
    expect(r.errors).toEqual([
      {
        field: 'nodeGroups[3].amiType',
        value: 'AL2023_x86_64_STANDARD',
        message: '"AL2023_x86_64_STANDARD" is an x86_64 AMI but the instance types (m7g.large) are aarch64; use AL2023_ARM_64_STANDARD',
      },
    ]);
  });

  test('reports the AMI type and instance type problems together', () => {
    const r = checkSandboxNodeGroup({ instanceTypes: ['m5.large', 'm7g.large'], amiType: 'BOTTLEROCKET_x86_64' });
    expect(r.errors.map((e) => e.field)).toEqual(['instanceTypes', 'amiType']);
    expect(r.amiType).toBeUndefined();
  });
});

describe('sandboxNodeGroupScheduling', () => {
  test('uses the label and taint the RuntimeClass selects, in EKS API spelling', () => {
    expect(sandboxNodeGroupScheduling()).toEqual({
      labels: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
      taints: [{ key: EKS_SANDBOX_NODE_TAINT.key, value: EKS_SANDBOX_NODE_TAINT.value, effect: 'NO_SCHEDULE' }],
    });
  });
});
