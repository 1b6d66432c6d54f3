import { load } from 'js-yaml';
import { describeWholeProgramOfPlatformOwnedRuntime, ofType, refusedStack, runStack, stackFileConfig } from '../../support/pulumi-stack';

describeWholeProgramOfPlatformOwnedRuntime('aks');

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

describe('aks with a Spot Kata pool (cluster.sandboxPool.priority and sandbox.platforms.aks.spot)', () => {
  /** Pulumi.aks.yaml with the pool's priority and the sandbox config's spot setting as given. */
  function config(priority: 'Spot' | undefined, spot: boolean | undefined): Record<string, string> {
    const base = stackFileConfig('aks');
    const cluster = JSON.parse(base['agent-sandbox-infra:cluster']);
    if (priority) cluster.sandboxPool = { ...(cluster.sandboxPool ?? {}), priority };
    const sandbox = JSON.parse(base['agent-sandbox-infra:sandbox']);
    if (spot !== undefined) sandbox.platforms = { ...(sandbox.platforms ?? {}), aks: { spot } };
    return { ...base, 'agent-sandbox-infra:cluster': JSON.stringify(cluster), 'agent-sandbox-infra:sandbox': JSON.stringify(sandbox) };
  }

  test('both set: a Spot agent pool, and every sandbox pod tolerates the Spot taint and selects the Spot Kata nodes', async () => {
    const run = await runStack('aks', config('Spot', true));
    const [pool] = ofType(run, 'azure-native:containerservice:AgentPool');
    expect([pool.inputs.scaleSetPriority, pool.inputs.scaleSetEvictionPolicy, pool.inputs.spotMaxPrice]).toStrictEqual(['Spot', 'Delete', -1]);
    const workloads = String(ofType(run, 'kubernetes:yaml/v2:ConfigGroup')[3].inputs.yaml).split(/^---$/m).map((d) => load(d) as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    const templates = workloads.filter((o) => o.kind === 'SandboxTemplate');
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      expect(t.spec.podTemplate.spec.tolerations).toContainEqual({ key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' });
      expect(t.spec.podTemplate.spec.nodeSelector).toStrictEqual({ 'sandbox.agent-sandbox-infra.io/runtime': 'kata', 'kubernetes.azure.com/scalesetpriority': 'spot' });
    }
  });

  test('a Spot pool without platforms.aks.spot, or spot pods without a Spot pool: refused before anything is registered', async () => {
    for (const [priority, spot, path] of [['Spot', undefined, 'cluster.sandboxPool.priority'], [undefined, true, 'sandbox.platforms.aks.spot']] as const) {
      const { error, registered } = await refusedStack('aks', config(priority, spot));
      expect(String(error)).toContain(`${path}: `);
      expect(String(error)).toContain('so no warm pool would ever fill');
      expect(registered.filter((r) => r.type.startsWith('azure-native:'))).toStrictEqual([]);
    }
  });
});
