import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { AksSandboxCluster } from '../../../stacks/aks/aks-sandbox-cluster';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
const calls: { token: string; inputs: Record<string, any> }[] = [];

/** What AKS returns for an Entra cluster: a kubelogin exec kubeconfig in device-code mode. */
const EXEC_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://team.hcp.eastus2.azmk8s.io:443"}
  name: team
users:
- name: clusterUser
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]
`;

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state: Record<string, any> = { ...args.inputs };
      if (args.type === 'azure-native:containerservice:ManagedCluster') {
        state.name = args.inputs.resourceName;
        state.oidcIssuerProfile = { enabled: true, issuerURL: 'https://eastus2.oic.prod-aks.azure.com/tenant/created/' };
      }
      if (args.type === 'azure-native:resources:ResourceGroup') state.name = args.inputs.resourceGroupName;
      return { id: `${args.name}_id`, state };
    },
    call: (args) => {
      calls.push({ token: args.token, inputs: args.inputs });
      switch (args.token) {
        case 'azure-native:containerservice:getManagedCluster':
          return {
            name: args.inputs.resourceName,
            aadProfile: { managed: true, enableAzureRBAC: true },
            agentPoolProfiles: [{ name: 'nodepool1', mode: 'System' }],
            oidcIssuerProfile: { enabled: true, issuerURL: 'https://eastus2.oic.prod-aks.azure.com/tenant/existing/' },
          };
        case 'azure-native:containerservice:listManagedClusterUserCredentials':
          return { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(EXEC_KUBECONFIG).toString('base64') }] };
        default:
          throw new Error(`unexpected call ${args.token}`);
      }
    },
  },
  'agent-sandbox-infra',
  'test',
  false,
);

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((res) => output.apply(res));
}
function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as any).isSecret as Promise<boolean>;
}
const byName = (name: string) => registered.find((r) => r.name === name);

describe('AksSandboxCluster: create', () => {
  let component: AksSandboxCluster;
  beforeAll(async () => {
    component = new AksSandboxCluster('prod', {
      name: 'agents-prod',
      location: 'eastus2',
      kubernetesVersion: '1.34',
      entra: { adminGroupObjectIds: ['00000000-0000-0000-0000-000000000001'] },
      sandboxPool: { vmSize: 'Standard_D8s_v5', maxCount: 10, availabilityZones: ['1', '2'] },
      tags: { team: 'agents' },
    });
    await resolve(component.sandboxPool.urn);
    await resolve(component.kubeconfig);
  });

  it('registers the component and its children with the expected types and names', () => {
    expect(registered.filter((r) => r.name.startsWith('prod')).map((r) => [r.type, r.name])).toStrictEqual([
      ['agent-sandbox-infra:aks:SandboxCluster', 'prod'],
      ['azure-native:resources:ResourceGroup', 'prod-rg'],
      ['azure-native:containerservice:ManagedCluster', 'prod-cluster'],
      ['azure-native:containerservice:AgentPool', 'prod-sandbox-pool'],
    ]);
  });

  it('creates a resource group named after the cluster', () => {
    expect(byName('prod-rg')?.inputs).toStrictEqual({ resourceGroupName: 'agents-prod-rg', location: 'eastus2', tags: { team: 'agents' } });
  });

  it('creates the cluster: SystemAssigned identity, Entra + Azure RBAC, no local accounts, OIDC + workload identity, CNI overlay', () => {
    const c = byName('prod-cluster')!.inputs;
    expect(c.resourceGroupName).toBe('agents-prod-rg');
    expect(c.resourceName).toBe('agents-prod');
    expect(c.dnsPrefix).toBe('agents-prod');
    expect(c.kubernetesVersion).toBe('1.34');
    expect(c.identity).toStrictEqual({ type: 'SystemAssigned' });
    expect(c.enableRBAC).toBe(true);
    expect(c.aadProfile).toStrictEqual({
      managed: true,
      enableAzureRBAC: true,
      adminGroupObjectIDs: ['00000000-0000-0000-0000-000000000001'],
    });
    expect(c.disableLocalAccounts).toBe(true);
    expect(c.oidcIssuerProfile).toStrictEqual({ enabled: true });
    expect(c.securityProfile).toStrictEqual({ workloadIdentity: { enabled: true } });
    expect(c.autoUpgradeProfile).toStrictEqual({ upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' });
    // dnsServiceIP, outboundType, podCidr and serviceCidr are the SDK's own defaults (networkProfile ProvideDefaults).
    expect(c.networkProfile).toStrictEqual({
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkDataplane: 'cilium',
      networkPolicy: 'cilium',
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      outboundType: 'loadBalancer',
    });
  });

  it('gives the cluster one Azure Linux system pool with autoscaling', () => {
    expect(byName('prod-cluster')!.inputs.agentPoolProfiles).toStrictEqual([
      {
        name: 'system',
        mode: 'System',
        type: 'VirtualMachineScaleSets',
        osType: 'Linux',
        osSKU: 'AzureLinux',
        vmSize: 'Standard_D4ds_v5',
        enableAutoScaling: true,
        minCount: 2,
        maxCount: 3,
        count: 2,
        tags: { team: 'agents' },
      },
    ]);
  });

  it('adds the Kata pool: KataVmIsolation, Azure Linux, User mode, autoscaled, our label and no taint', () => {
    expect(byName('prod-sandbox-pool')!.inputs).toStrictEqual({
      resourceGroupName: 'agents-prod-rg',
      resourceName: 'agents-prod',
      agentPoolName: 'kata',
      mode: 'User',
      type: 'VirtualMachineScaleSets',
      osType: 'Linux',
      osSKU: 'AzureLinux',
      workloadRuntime: 'KataVmIsolation',
      vmSize: 'Standard_D8s_v5',
      enableAutoScaling: true,
      minCount: 1,
      maxCount: 10,
      count: 1,
      availabilityZones: ['1', '2'],
      nodeLabels: { 'sandbox.agent-sandbox-infra.io/runtime': 'kata' },
      tags: { team: 'agents' },
    });
  });

  it('exposes the SandboxClusterOutputs', async () => {
    expect(component.platform).toBe('aks');
    expect(component.runtimeClassName).toBe('kata-vm-isolation');
    expect(await resolve(component.clusterName)).toBe('agents-prod');
    expect(await resolve(component.sandboxPoolNames)).toStrictEqual(['kata']);
    expect(component.readyResources).toStrictEqual([component.sandboxPool]);
    expect(await resolve(component.oidcIssuerUrl)).toBe('https://eastus2.oic.prod-aks.azure.com/tenant/created/');
    expect(component.cluster).toBeDefined();
  });

  it('returns the kubeconfig as a secret, with kubelogin switched to azurecli', async () => {
    expect(await isSecret(component.kubeconfig)).toBe(true);
    const kubeconfig = parse(await resolve(component.kubeconfig));
    expect(kubeconfig.users[0].user.exec.args).toStrictEqual([
      'get-token',
      '--login',
      'azurecli',
      '--server-id',
      '6dae42f8-4368-4678-94ff-3960e28e3630',
    ]);
    const listCall = calls.find((c) => c.token === 'azure-native:containerservice:listManagedClusterUserCredentials' && c.inputs.resourceName === 'agents-prod');
    expect(listCall?.inputs).toStrictEqual({ resourceGroupName: 'agents-prod-rg', resourceName: 'agents-prod', format: 'exec' });
  });
});

describe('AksSandboxCluster: create in an existing resource group, without Entra', () => {
  it('creates no resource group, keeps local accounts and warns about the static kubeconfig', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const component = new AksSandboxCluster('plain', {
      name: 'plain',
      resourceGroupName: 'shared-rg',
      network: { networkPolicy: 'calico', podCidr: '192.168.0.0/16' },
      upgradeChannel: 'stable',
    });
    await resolve(component.sandboxPool.urn);
    await resolve(component.kubeconfig);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('cluster.entra is not set: the kubeconfig will carry a static client certificate'), component);
    warn.mockRestore();
    expect(byName('plain-rg')).toBeUndefined();
    const c = byName('plain-cluster')!.inputs;
    expect(c.resourceGroupName).toBe('shared-rg');
    expect(c.aadProfile).toBeUndefined();
    expect(c.disableLocalAccounts).toBe(false);
    expect(c.autoUpgradeProfile.upgradeChannel).toBe('stable');
    expect(c.networkProfile).toStrictEqual({
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkDataplane: 'azure',
      networkPolicy: 'calico',
      podCidr: '192.168.0.0/16',
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      outboundType: 'loadBalancer',
    });
    expect(byName('plain-sandbox-pool')!.inputs.vmSize).toBe('Standard_D4s_v5');
  });
});

describe('AksSandboxCluster: adopt an existing cluster', () => {
  let component: AksSandboxCluster;
  beforeAll(async () => {
    component = new AksSandboxCluster('team', {
      existingCluster: { name: 'team-aks', resourceGroupName: 'team-rg' },
      sandboxPool: { name: 'sandbox', vmSize: 'Standard_E8s_v5', minCount: 0, maxCount: 4 },
      kubeloginMode: 'workloadidentity',
    });
    await resolve(component.sandboxPool.urn);
    await resolve(component.kubeconfig);
  });

  it('reads the cluster instead of creating one, and adds only the Kata pool', () => {
    expect(calls.some((c) => c.token === 'azure-native:containerservice:getManagedCluster' && c.inputs.resourceName === 'team-aks' && c.inputs.resourceGroupName === 'team-rg')).toBe(true);
    expect(registered.filter((r) => r.name.startsWith('team')).map((r) => r.type)).toStrictEqual([
      'agent-sandbox-infra:aks:SandboxCluster',
      'azure-native:containerservice:AgentPool',
    ]);
    expect(component.cluster).toBeUndefined();
  });

  it('targets the existing cluster with the Kata pool settings', () => {
    const pool = byName('team-sandbox-pool')!.inputs;
    expect(pool).toMatchObject({
      resourceGroupName: 'team-rg',
      resourceName: 'team-aks',
      agentPoolName: 'sandbox',
      mode: 'User',
      osSKU: 'AzureLinux',
      workloadRuntime: 'KataVmIsolation',
      vmSize: 'Standard_E8s_v5',
      minCount: 0,
      maxCount: 4,
      count: 0,
    });
    expect(pool.nodeTaints).toBeUndefined();
  });

  it('exposes the adopted cluster and a secret kubeconfig in the chosen login mode', async () => {
    expect(await resolve(component.clusterName)).toBe('team-aks');
    expect(await resolve(component.resourceGroupName)).toBe('team-rg');
    expect(await resolve(component.oidcIssuerUrl)).toBe('https://eastus2.oic.prod-aks.azure.com/tenant/existing/');
    expect(await resolve(component.sandboxPoolNames)).toStrictEqual(['sandbox']);
    expect(await isSecret(component.kubeconfig)).toBe(true);
    expect(parse(await resolve(component.kubeconfig)).users[0].user.exec.args).toContain('workloadidentity');
  });
});

describe('AksSandboxCluster: invalid config', () => {
  it('throws one InputPropertiesError with every problem before registering anything', () => {
    const before = registered.length;
    let error: unknown;
    try {
      new AksSandboxCluster('broken', {
        name: 'broken',
        sandboxPool: { name: 'system', vmSize: 'Standard_B4ms', osSku: 'Ubuntu', workloadRuntime: 'KataMshvVmIsolation', minCount: 3, maxCount: 1 },
      });
    } catch (e) {
      error = e;
    }
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    const err = error as pulumi.InputPropertiesError;
    expect(err.errors.map((e) => e.propertyPath)).toStrictEqual([
      'cluster.sandboxPool.minCount',
      'cluster.sandboxPool.vmSize',
      'cluster.sandboxPool.workloadRuntime',
      'cluster.sandboxPool.osSku',
      'cluster.sandboxPool.name',
    ]);
    expect(err.message).toMatch(/^AKS sandbox cluster "broken": invalid cluster config \(5 problems\):\n {2}cluster\.sandboxPool\.minCount: must be ≤ maxCount 1, got 3\n/);
    expect(err.message).toContain('cluster.sandboxPool.workloadRuntime: "KataMshvVmIsolation" was the preview name of Pod Sandboxing; use "KataVmIsolation"');
    expect(registered.length).toBe(before);
  });
});
