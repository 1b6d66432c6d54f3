/**
 * Pulumi.eks-karpenter.yaml as a whole program under the Pulumi mocks: an adopted cluster gets Karpenter sandbox pools
 * (EC2NodeClass + NodePool, deployed in their own ConfigGroup before the workloads), no node groups; the capacity
 * check reads the NodePool limits. The objects themselves are checked against Karpenter's CRDs in
 * test/platforms/eks/karpenter.test.ts and on a real API server in test/integration/karpenter.test.ts.
 */
import { EXAMPLE_STACK_CALLS, ofType, refusedStack, runStack, stackFileConfig, type StackRun } from '../../support/pulumi-stack';

const ADOPTED = EXAMPLE_STACK_CALLS['eks-karpenter'];

describe('Pulumi.eks-karpenter.yaml, refused', () => {
  test('the capacity check sized the NodePool from its limits: a warm pool past them is refused', async () => {
    const config = stackFileConfig('eks-karpenter');
    const cluster = JSON.parse(config['agent-sandbox-infra:cluster']);
    cluster.karpenter.nodePools[0].limits = { cpu: '8', memory: '32Gi' }; // one m7i.2xlarge
    const { error } = await refusedStack('eks-karpenter', { ...config, 'agent-sandbox-infra:cluster': JSON.stringify(cluster) });
    expect((error as Error).message).toMatch(
      /cluster \(capacity of sandbox-gvisor\): warm pools on sandbox pool "sandbox-gvisor" need 20 vCPU .* but 1 × m7i\.2xlarge nodes offer .*; raise karpenter\.nodePools\[0\]\.limits to hold ≥ 3 such nodes/,
    );
  });
});

describe('Pulumi.eks-karpenter.yaml as a whole program', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('eks-karpenter', stackFileConfig('eks-karpenter'), ADOPTED);
  });

  test('no node groups; a node role with an EC2_LINUX access entry; the Karpenter objects in their own group before the workloads', () => {
    expect(ofType(run, 'aws:eks/nodeGroup:NodeGroup')).toEqual([]);
    expect(ofType(run, 'aws:eks/accessEntry:AccessEntry').map((r) => r.inputs.type)).toEqual(['EC2_LINUX']);
    const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name).sort()).toEqual(['eks-karpenter-agent-sandbox', 'eks-karpenter-agent-sandbox-access', 'eks-karpenter-crds', 'eks-karpenter-nodes', 'eks-karpenter-runtime', 'eks-karpenter-workloads']);
    expect(run.dependsOn['eks-karpenter-nodes']).toEqual(['eks-karpenter']);
    const nodes = groups.find((g) => g.name === 'eks-karpenter-nodes')!.inputs.objs as { kind: string; metadata: { name: string }; spec: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(nodes.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['EC2NodeClass/sandbox-gvisor', 'NodePool/sandbox-gvisor']);
    expect(nodes[0].spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20251217' }]);
    expect(run.dependsOn['eks-karpenter-workloads']).toContain('eks-karpenter-nodes');
  });

});
