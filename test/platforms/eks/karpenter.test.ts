/**
 * Karpenter objects for sandbox nodes, validated against Karpenter's own CRD schemas (pinned from the
 * github.com/aws/karpenter-provider-aws v1.15.2 Go module; read from the mirror, our cache or the Go module cache).
 * The same objects are applied to a real API server with those CRDs in test/integration/karpenter.test.ts.
 */
import { SchemaCatalog } from '../../../validation/schema/schema-catalog';
import { schemaMessages } from '../../../validation/schema/schema-errors';
import { KARPENTER_CRDS, KUBERNETES_SCHEMAS } from '../../../core/upstream/pins';
import {
  aliasReleaseVersion,
  karpenterEc2NodeClass,
  karpenterNodePool,
  nodesWithinLimits,
  type KarpenterSandboxPoolInput,
} from '../../../platforms/eks/karpenter';
import { buildSandboxNodeUserData } from '../../../platforms/eks/node-bootstrap';
import { PINNED } from '../../support/eks';

export const POOL: KarpenterSandboxPoolInput = {
  name: 'sandbox-gvisor',
  arch: 'x86_64',
  instanceTypes: ['m7i.2xlarge', 'm7i.4xlarge'],
  limits: { cpu: '64', memory: '256Gi' },
  userData: buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64' }),
  role: 'agents-prod-karpenter-node',
  subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'agents-prod' } }],
  securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'agents-prod' } }],
};

const catalog = new SchemaCatalog({ kubernetes: KUBERNETES_SCHEMAS['1.36.0'], agentSandboxVersion: 'v0.5.6', crds: Object.values(KARPENTER_CRDS), diskCache: false });

function problems(object: { apiVersion: string; kind: string }): string[] {
  const found = catalog.lookup(object.apiVersion, object.kind);
  if (found.status !== 'found') throw new Error(found.message);
  return found.validate(object) ? [] : schemaMessages(found.validate.errors ?? [], object).map((m) => `${m.path}: ${m.message}`);
}

describe('Karpenter sandbox pool objects against the pinned CRD schemas (v1.15.2)', () => {
  test('the EC2NodeClass: our user data, IMDSv2 hop limit 1, encrypted gp3, AL2023 alias; valid', () => {
    const nodeClass = karpenterEc2NodeClass(POOL);
    expect(catalog.lookup('karpenter.k8s.aws/v1', 'EC2NodeClass')).toMatchObject({ status: 'found', source: 'Karpenter CRD karpenter.k8s.aws_ec2nodeclasses v1.15.2 v1' });
    expect(problems(nodeClass)).toEqual([]);
    expect(nodeClass.spec).toMatchObject({
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      role: 'agents-prod-karpenter-node',
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
    });
    expect(nodeClass.spec.userData).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64' }));
  });

  test('the NodePool: our label and NoSchedule taint, one architecture, the instance types and limits; valid', () => {
    const pool = karpenterNodePool(POOL);
    expect(problems(pool)).toEqual([]);
    expect(pool.spec.template.metadata.labels).toEqual({ 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' });
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'sandbox.agent-sandbox-infra.io/runtime', value: 'gvisor', effect: 'NoSchedule' }]);
    expect(pool.spec.template.spec.requirements).toEqual([
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m7i.2xlarge', 'm7i.4xlarge'] },
    ]);
    expect(pool.spec.limits).toEqual({ cpu: '64', memory: '256Gi' });
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'sandbox-gvisor' });
    const graviton = karpenterNodePool({ ...POOL, arch: 'aarch64', instanceTypes: undefined, capacityTypes: ['spot', 'on-demand'] });
    expect(problems(graviton)).toEqual([]);
    expect(graviton.spec.template.spec.requirements[0]).toEqual({ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] });
  });

  test('the schema check can fail: what Karpenter\'s CRDs refuse is refused here too', () => {
    const nodeClass = karpenterEc2NodeClass(POOL) as unknown as { spec: Record<string, any> };
    nodeClass.spec.metadataOptions.httpPutResponseHopLimit = 65;
    nodeClass.spec.metadataOptions.httpTokens = 'optional-ish';
    expect(problems(nodeClass as never)).toEqual([
      expect.stringMatching(/^spec\.metadataOptions\.httpPutResponseHopLimit: .*64/),
      `spec.metadataOptions.httpTokens: must be one of "required", "optional", got string "optional-ish"`,
    ]);
    const pool = karpenterNodePool(POOL) as unknown as { spec: Record<string, any> };
    pool.spec.template.spec.taints[0].effect = 'NoWhere';
    expect(problems(pool as never)).toEqual([expect.stringMatching(/^spec\.template\.spec\.taints\[0\]\.effect: /)]);
  });
});

describe('helpers', () => {
  test('a pinned alias names the AMI release for the containerd table; latest does not', () => {
    expect(aliasReleaseVersion('al2023@v20251007', '1.33')).toBe('1.33.0-20251007');
    expect(aliasReleaseVersion('al2023@latest', '1.36')).toBeUndefined();
  });

  test('nodes within NodePool limits: the scarcer of cpu and memory', () => {
    expect(nodesWithinLimits({ cpu: 64, memoryMiB: 256 * 1024 }, { cpu: 8, memoryMiB: 32 * 1024 })).toBe(8);
    expect(nodesWithinLimits({ cpu: 64, memoryMiB: 64 * 1024 }, { cpu: 8, memoryMiB: 32 * 1024 })).toBe(2);
  });
});
