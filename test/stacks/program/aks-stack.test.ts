import { load } from 'js-yaml';
import { ofType, runStack, type StackRun } from '../../support/pulumi-stack';

describe('Pulumi.aks.yaml as a whole program', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('aks');
  });

  test('registers the cluster component and deploys CRDs, controller and workloads through the cluster\'s provider', () => {
    const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toStrictEqual(['aks-crds', 'aks-agent-sandbox-access', 'aks-agent-sandbox', 'aks-workloads']);
    const kinds = (i: number) => String(groups[i].inputs.yaml).split(/^---$/m).map((d) => (load(d) as { kind: string }).kind);
    expect(new Set(kinds(0))).toStrictEqual(new Set(['CustomResourceDefinition']));
    // The controller's RBAC before the controller (yaml/v2 creates a group's objects in parallel).
    expect(kinds(1)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']));
    expect(kinds(1)).not.toContain('Deployment');
    expect(kinds(2)).toContain('Deployment');
    expect(kinds(3)).toEqual(expect.arrayContaining(['Namespace', 'SandboxTemplate', 'SandboxWarmPool']));
    expect(kinds(3)).not.toContain('RuntimeClass'); // platform-owned on aks: no runtime group
    expect(ofType(run, 'pulumi:providers:kubernetes')).toHaveLength(1);
  });
});

describe('aks specifics', () => {
  test('a Kata pool and Kata sandbox pods; the kubeconfig comes from the cluster credentials', async () => {
    const run = await runStack('aks');
    const pools = ofType(run, 'azure-native:containerservice:AgentPool');
    expect(pools.map((p) => [p.inputs.workloadRuntime, p.inputs.osSKU, p.inputs.mode])).toStrictEqual([['KataVmIsolation', 'AzureLinux', 'User']]);
    const workloads = String(ofType(run, 'kubernetes:yaml/v2:ConfigGroup')[3].inputs.yaml);
    const template = workloads.split(/^---$/m).map((d) => load(d) as any).find((o) => o.kind === 'SandboxTemplate'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(template.spec.podTemplate.spec.runtimeClassName).toBe('kata-vm-isolation');
    expect(run.outputs.runtimeClassName).toBe('kata-vm-isolation');
    expect(String(run.outputs.kubeconfig)).toContain('kubelogin');
  });
});
