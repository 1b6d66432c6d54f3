/** aks-sandbox-agent-pool-kata: sandbox agent pools use workloadRuntime KataVmIsolation. */
import {
  AKS_SANDBOX_COMPONENT_TYPE,
  aksSandboxAgentPoolPolicy as policy,
} from '../../policy/rules/aks-sandbox-agent-pools';
import { AKS_KATA_NODE_LABELS } from '../../stacks/aks/cluster';
import { KATA_OS_SKU, KATA_WORKLOAD_RUNTIME } from '../../platforms/aks/cluster-config';
import { runPolicy } from '../support/policy-harness';

const AGENT_POOL = 'azure-native:containerservice:AgentPool';

/** The inputs stacks/aks/cluster.ts gives the sandbox AgentPool (resource references resolved). */
function kataPool(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    resourceGroupName: 'agents-rg',
    resourceName: 'agents',
    agentPoolName: 'kata',
    mode: 'User',
    type: 'VirtualMachineScaleSets',
    osType: 'Linux',
    osSKU: KATA_OS_SKU,
    workloadRuntime: KATA_WORKLOAD_RUNTIME,
    vmSize: 'Standard_D4s_v5',
    enableAutoScaling: true,
    minCount: 1,
    maxCount: 5,
    count: 1,
    nodeLabels: { ...AKS_KATA_NODE_LABELS },
  };
}
const check = (props: Record<string, unknown>, name = 'pool', parentTypes: string[] = [], type = AGENT_POOL) =>
  runPolicy(policy, { type, name, parentTypes, props });

const runtimeMessage = (got: string, hint = '') =>
  `[aksWorkloadRuntime] workloadRuntime: must be "KataVmIsolation" (each sandbox pod runs in its own Kata VM; without it sandboxes share the node kernel${hint}), got ${got}`;

describe('aks-sandbox-agent-pool-kata', () => {
  test('is mandatory and recognises the label our AKS component puts on Kata pools', () => {
    expect(policy.enforcementLevel).toBe('mandatory');
    expect(Object.keys(AKS_KATA_NODE_LABELS)).toContain('sandbox.agent-sandbox-infra.io/runtime');
  });

  test('passes the sandbox pool our AKS component creates (any API-version module)', async () => {
    expect(await check(kataPool())).toStrictEqual({ violations: [] });
    expect(await check(kataPool(), 'pool', [], 'azure-native:containerservice/v20250801:AgentPool')).toStrictEqual({ violations: [] });
  });

  test('fails a labelled sandbox pool on runc and one on the preview Kata name', async () => {
    expect((await check({ ...kataPool(), workloadRuntime: 'OCIContainer' })).violations).toStrictEqual([runtimeMessage('"OCIContainer"')]);
    const { workloadRuntime: _, ...unset } = kataPool(); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect((await check(unset)).violations).toStrictEqual([runtimeMessage('nothing')]);
    const { nodeLabels: __, ...unlabelled } = kataPool(); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect((await check({ ...unlabelled, workloadRuntime: 'KataMshvVmIsolation' })).violations).toStrictEqual([
      runtimeMessage('"KataMshvVmIsolation"', '; "KataMshvVmIsolation" was the preview name'),
    ]);
  });

  test('our component\'s sandbox pool counts even without label or runtime; ordinary pools do not', async () => {
    const plain = { mode: 'User', vmSize: 'Standard_D4s_v5', osSKU: 'Ubuntu' };
    expect((await check(plain, 'prod-sandbox-pool', [AKS_SANDBOX_COMPONENT_TYPE])).violations).toStrictEqual([runtimeMessage('nothing')]);
    expect(await check(plain, 'apps')).toStrictEqual({ violations: [], notApplicable: 'no sandbox agent pool' });
    expect((await check({ ...plain, workloadRuntime: 'OCIContainer' }, 'apps')).notApplicable).toBe('no sandbox agent pool');
  });

  test('checks the inline agentPoolProfiles of a ManagedCluster', async () => {
    const cluster = (profiles: unknown[]) => check({ agentPoolProfiles: profiles }, 'agents', [], 'azure-native:containerservice:ManagedCluster');
    const system = { name: 'system', mode: 'System', osSKU: 'AzureLinux' };
    expect((await cluster([system])).notApplicable).toBe('no sandbox agent pool');
    expect(await cluster([system, kataPool()])).toStrictEqual({ violations: [] });
    expect((await cluster([system, { ...kataPool(), workloadRuntime: 'OCIContainer' }])).violations).toStrictEqual([
      runtimeMessage('"OCIContainer"').replace('] workloadRuntime', '] agentPoolProfiles[1].workloadRuntime'),
    ]);
  });
});
