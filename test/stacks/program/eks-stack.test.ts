import { load } from 'js-yaml';
import { ofType, runStack, type StackRun } from '../../support/pulumi-stack';

describe('Pulumi.eks.yaml as a whole program', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('eks');
  });

  test('creates the cluster, the system and sandbox node groups, and the Kubernetes provider from its kubeconfig', () => {
    expect(ofType(run, 'aws:eks/cluster:Cluster')).toHaveLength(1);
    expect(ofType(run, 'aws:eks/nodeGroup:NodeGroup').map((r) => r.inputs.nodeGroupNamePrefix)).toStrictEqual(['system-', 'sandbox-']);
    const provider = ofType(run, 'pulumi:providers:kubernetes');
    expect(provider).toHaveLength(1);
    expect(provider[0].inputs.enableServerSideApply).toBe('true');
  });

  test('deploys CRDs, the controller\'s access, the controller, the RuntimeClass, then tenants, in five ConfigGroups in that order (and the strict-mode CoreDNS policy)', () => {
    const nodes = ofType(run, 'kubernetes:yaml/v2:ConfigGroup').filter((g) => g.name === 'eks-nodes');
    expect((nodes[0].inputs.objs as { kind: string; metadata: { namespace: string; name: string } }[]).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toStrictEqual([
      'NetworkPolicy kube-system/agent-sandbox-infra-coredns',
    ]);
    const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup').filter((g) => g.name !== 'eks-nodes');
    expect(groups.map((g) => g.name)).toStrictEqual(['eks-crds', 'eks-agent-sandbox-access', 'eks-agent-sandbox', 'eks-runtime', 'eks-workloads']);
    const kinds = (g: (typeof groups)[number]) => (String(g.inputs.yaml).split(/^---$/m).map((d) => (load(d) as { kind: string }).kind));
    expect(new Set(kinds(groups[0]))).toStrictEqual(new Set(['CustomResourceDefinition']));
    // yaml/v2 orders only CRDs and Namespaces first inside a group: the controller's RBAC, then the controller.
    expect(new Set(kinds(groups[1]))).toStrictEqual(new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']));
    expect(new Set(kinds(groups[2]))).toStrictEqual(new Set(['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy']));
    // The RuntimeClass gets a group of its own.
    expect(kinds(groups[3])).toStrictEqual(['RuntimeClass']);
    expect(kinds(groups[4])).toEqual(expect.arrayContaining(['Namespace', 'NetworkPolicy', 'SandboxTemplate', 'SandboxWarmPool']));
    expect(kinds(groups[4])).not.toContain('RuntimeClass');
  });

  test('each group waits for the groups before it; the controller and the tenants also for the node groups', () => {
    const deps = (n: string) => run.dependsOn[n];
    expect(deps('eks-crds')).toStrictEqual(['eks']);
    expect(deps('eks-nodes')).toStrictEqual(['eks']);
    expect(deps('eks-agent-sandbox-access')).toStrictEqual(['eks', 'eks-crds']);
    expect(deps('eks-agent-sandbox')).toStrictEqual(['eks', 'eks-crds', 'eks-agent-sandbox-access', 'eks-system', 'eks-sandbox-sandbox', 'eks-nodes']);
    expect(deps('eks-runtime')).toStrictEqual(['eks', 'eks-crds', 'eks-agent-sandbox-access', 'eks-agent-sandbox']);
    expect(deps('eks-workloads')).toStrictEqual(['eks', 'eks-crds', 'eks-agent-sandbox-access', 'eks-agent-sandbox', 'eks-runtime', 'eks-system', 'eks-sandbox-sandbox', 'eks-nodes']);
  });

  test('exports the cluster, the kubeconfig, the runtime class and the sandbox pools', async () => {
    const out = run.outputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(out.platform).toBe('eks');
    expect(out.runtimeClassName).toBe('gvisor');
    expect(out.agentSandbox).toBe('self');
    expect(out.kubeconfig).toContain('command: aws');
    expect(out.sandboxPoolNames).toStrictEqual(['sandbox-20261122000000000000000001']);
    expect(out.manifests).toStrictEqual({
      platform: 'eks',
      objects: expect.any(Number),
      files: ['00-crds.yaml', '10-agent-sandbox.yaml', '20-runtime.yaml', '30-tenant-agents-prod.yaml'],
    });
  });
});
