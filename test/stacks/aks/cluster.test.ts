import { agentSandboxExtensionProblem } from '../../../platforms/aks/api-server';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import {
  AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
  AksSandboxCluster,
  deployerPrincipalType,
  networkPolicyWarning,
} from '../../../stacks/aks/cluster';
import { mockPulumi } from '../../support/pulumi-mocks';

/** The adopted cluster's network profile (tests change it). */
let adoptedNetworkProfile: Record<string, unknown> | undefined = { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium' };
/** The identity running `pulumi up`, as `authorization.getClientConfig` reports it. */
const DEPLOYER = {
  tenantId: '00000000-0000-0000-0000-0000000000aa',
  subscriptionId: '00000000-0000-0000-0000-0000000000bb',
  clientId: '00000000-0000-0000-0000-0000000000cc', // a service principal's own app id
  objectId: '00000000-0000-0000-0000-0000000000dd',
};
/** The adopted cluster's ARM properties in the preview API (tests turn the Agent Sandbox extension on). */
let adoptedPreviewProperties: Record<string, unknown> = { agentSandboxProfile: { enabled: false } };
/** The clientId getClientConfig reports (tests change it). */
let deployerClientId = DEPLOYER.clientId;

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

const { registered, calls } = mockPulumi({
  state: (type, _name, inputs) => {
    if (type === 'azure-native:containerservice:ManagedCluster') {
      return { name: inputs.resourceName, oidcIssuerProfile: { enabled: true, issuerURL: 'https://eastus2.oic.prod-aks.azure.com/tenant/created/' } };
    }
    return type === 'azure-native:resources:ResourceGroup' ? { name: inputs.resourceGroupName } : {};
  },
  call: (token, inputs) => {
    switch (token) {
      case 'azure-native:containerservice:getManagedCluster':
        return {
          name: inputs.resourceName,
          aadProfile: { managed: true, enableAzureRBAC: true },
          agentPoolProfiles: [{ name: 'nodepool1', mode: 'System' }],
          oidcIssuerProfile: { enabled: true, issuerURL: 'https://eastus2.oic.prod-aks.azure.com/tenant/existing/' },
          networkProfile: adoptedNetworkProfile,
        };
      case 'azure-native:resources:getResource':
        // The preview API's view of the managed cluster (agentSandboxProfile).
        return { id: `${inputs.resourceName}_id`, azureApiVersion: inputs.apiVersion, properties: adoptedPreviewProperties };
      case 'azure-native:authorization:getClientConfig':
        return { ...DEPLOYER, clientId: deployerClientId };
      case 'azure-native:containerservice:listManagedClusterUserCredentials':
        return { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(EXEC_KUBECONFIG).toString('base64') }] };
      default:
        throw new Error(`unexpected call ${token}`);
    }
  },
});

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
    // The role assignment and the pool both wait on the cluster: their order is not fixed.
    expect(registered.filter((r) => r.name.startsWith('prod')).map((r) => [r.type, r.name]).sort()).toStrictEqual([
      ['agent-sandbox-infra:aks:SandboxCluster', 'prod'],
      ['azure-native:authorization:RoleAssignment', 'prod-deployer-cluster-admin'],
      ['azure-native:containerservice:AgentPool', 'prod-sandbox-pool'],
      ['azure-native:containerservice:ManagedCluster', 'prod-cluster'],
      ['azure-native:resources:ResourceGroup', 'prod-rg'],
    ]);
  });

  it('gives the deploying identity "AKS RBAC Cluster Admin" on the cluster (Azure RBAC: nothing else would let it apply manifests)', () => {
    expect(AKS_RBAC_CLUSTER_ADMIN_ROLE_ID).toBe('b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b');
    expect(byName('prod-deployer-cluster-admin')?.inputs).toStrictEqual({
      principalId: DEPLOYER.objectId,
      // Not azure-native's default "User": this deployer is a service principal (Azure would refuse the mismatch).
      principalType: 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${DEPLOYER.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b`,
      scope: 'prod-cluster_id',
      description: 'Lets the identity that deploys agents-prod (agent-sandbox-infra) apply its Kubernetes manifests',
    });
    expect(component.deployerRoleAssignment).toBeDefined();
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
        upgradeSettings: { maxSurge: '33%' },
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
      upgradeSettings: { maxSurge: '33%' },
      tags: { team: 'agents' },
    });
  });

  it('exposes the SandboxClusterOutputs', async () => {
    expect(component.platform).toBe('aks');
    expect(component.runtimeClassName).toBe('kata-vm-isolation');
    expect(await resolve(component.clusterName)).toBe('agents-prod');
    expect(await resolve(component.sandboxPoolNames)).toStrictEqual(['kata']);
    expect(component.readyResources).toStrictEqual([component.sandboxPool, component.deployerRoleAssignment]);
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
    // No Entra, no Azure RBAC: no role assignment.
    expect(registered.filter((r) => r.name.startsWith('plain') && r.type === 'azure-native:authorization:RoleAssignment')).toStrictEqual([]);
    expect(component.readyResources).toStrictEqual([component.sandboxPool]);
  });
});

describe('AksSandboxCluster: the deployer role assignment follows Azure RBAC and can be turned off', () => {
  it('a person signed in through the Azure CLI gets principalType User; a configured type wins', async () => {
    deployerClientId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
    try {
      const user = new AksSandboxCluster('cliuser', { name: 'cliuser', entra: {} });
      await resolve(user.sandboxPool.urn);
      await resolve(user.deployerRoleAssignment!.urn);
      expect(byName('cliuser-deployer-cluster-admin')?.inputs.principalType).toBe('User');
      const forced = new AksSandboxCluster('forced', { name: 'forced', entra: { deployerPrincipalType: 'ServicePrincipal' } });
      await resolve(forced.deployerRoleAssignment!.urn);
      expect(byName('forced-deployer-cluster-admin')?.inputs.principalType).toBe('ServicePrincipal');
    } finally {
      deployerClientId = DEPLOYER.clientId;
    }
  });

  it('deployerPrincipalType: Azure CLI and Azure PowerShell sign-ins are users, anything else a service principal', () => {
    expect(deployerPrincipalType('04b07795-8ddb-461a-bbee-02f9e1bf7b46')).toBe('User');
    expect(deployerPrincipalType('1950A258-227B-4E31-A9CF-717495945FC2')).toBe('User');
    expect(deployerPrincipalType('00000000-0000-0000-0000-0000000000cc')).toBe('ServicePrincipal');
    expect(deployerPrincipalType('04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'ServicePrincipal')).toBe('ServicePrincipal');
  });

  it.each([
    ['Kubernetes RBAC (azureRbac: false)', { azureRbac: false }],
    ['turned off (deployerClusterAdmin: false)', { deployerClusterAdmin: false }],
  ])('%s: no role assignment', async (_, entra) => {
    const name = `norole${Object.keys(entra)[0].length}`;
    const component = new AksSandboxCluster(name, { name, entra: { adminGroupObjectIds: ['00000000-0000-0000-0000-000000000001'], ...entra } });
    await resolve(component.sandboxPool.urn);
    await resolve(component.kubeconfig);
    expect(registered.filter((r) => r.name.startsWith(name) && r.type === 'azure-native:authorization:RoleAssignment')).toStrictEqual([]);
    expect(component.deployerRoleAssignment).toBeUndefined();
    expect(component.readyResources).toStrictEqual([component.sandboxPool]);
  });
});

describe('AksSandboxCluster: NetworkPolicy enforcement', () => {
  it('a created cluster with networkPolicy none warns that the tenant NetworkPolicies would not be enforced', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const component = new AksSandboxCluster('nopol', { name: 'nopol', network: { networkPolicy: 'none' }, entra: {} });
      await resolve(component.sandboxPool.urn);
      expect(warn).toHaveBeenCalledWith(
        "AKS cluster nopol has no NetworkPolicy engine (networkProfile.networkPolicy none): the sandbox namespaces' NetworkPolicies (default deny, " +
          'egress allowlists) would not be enforced; set cluster.network.networkPolicy to cilium (the default), calico or azure ' +
          '(https://learn.microsoft.com/azure/aks/use-network-policies)',
        component,
      );
      expect(byName('nopol-cluster')!.inputs.networkProfile.networkPolicy).toBe('none');
    } finally {
      warn.mockRestore();
    }
  });

  it('an adopted cluster without an engine is warned about with the az command; nothing about it is changed', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    adoptedNetworkProfile = { networkPlugin: 'azure', networkPluginMode: 'overlay' };
    try {
      const component = new AksSandboxCluster('nopol-adopt', { existingCluster: { name: 'legacy-aks', resourceGroupName: 'legacy-rg' } });
      await resolve(component.sandboxPool.urn);
      expect(warn).toHaveBeenCalledWith(
        "AKS cluster legacy-aks has no NetworkPolicy engine (networkProfile.networkPolicy unset): the sandbox namespaces' NetworkPolicies (default deny, " +
          'egress allowlists) would not be enforced; enable an engine with "az aks update --resource-group legacy-rg --name legacy-aks --network-policy cilium" ' +
          '(or azure, calico) (https://learn.microsoft.com/azure/aks/use-network-policies)',
        component,
      );
      expect(registered.filter((r) => r.name.startsWith('nopol-adopt')).map((r) => r.type)).toStrictEqual([
        'agent-sandbox-infra:aks:SandboxCluster',
        'azure-native:containerservice:AgentPool',
      ]);
    } finally {
      adoptedNetworkProfile = { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium' };
      warn.mockRestore();
    }
  });

  it('networkPolicyWarning: any engine is fine; bring-your-own CNI cannot be checked', () => {
    for (const networkPolicy of ['cilium', 'calico', 'azure']) expect(networkPolicyWarning('c', { networkPlugin: 'azure', networkPolicy })).toBeUndefined();
    expect(networkPolicyWarning('c', { networkPlugin: 'none' })).toBe(
      "AKS cluster c brings its own CNI (networkPlugin none), so NetworkPolicy enforcement cannot be checked: unless that CNI enforces NetworkPolicy, the sandbox namespaces' NetworkPolicies (default deny, egress allowlists) would not be enforced",
    );
    expect(networkPolicyWarning('c', undefined)).toMatch(/^AKS cluster c has no NetworkPolicy engine \(networkProfile\.networkPolicy unset\)/);
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

describe('AksSandboxCluster: deletion protection (a CanNotDelete lock on the cluster)', () => {
  it('locks a production stack\'s cluster by default; deletionProtection decides otherwise; none for a non-production stack', async () => {
    const prod = new AksSandboxCluster('lockprod', { name: 'lockprod', resourceGroupName: 'shared-rg' }, undefined, { production: true });
    await resolve(prod.sandboxPool.urn);
    await resolve(prod.deletionLock!.urn);
    expect(byName('lockprod-delete-lock')!.inputs).toMatchObject({ level: 'CanNotDelete', lockName: 'lockprod-delete-lock', scope: expect.stringContaining('lockprod') });
    const dev = new AksSandboxCluster('lockdev', { name: 'lockdev', resourceGroupName: 'shared-rg' });
    await resolve(dev.sandboxPool.urn);
    expect(dev.deletionLock).toBeUndefined();
    const asked = new AksSandboxCluster('lockasked', { name: 'lockasked', resourceGroupName: 'shared-rg', deletionProtection: true });
    await resolve(asked.sandboxPool.urn);
    expect(asked.deletionLock).toBeDefined();
    const off = new AksSandboxCluster('lockoff', { name: 'lockoff', resourceGroupName: 'shared-rg', deletionProtection: false }, undefined, { production: true });
    await resolve(off.sandboxPool.urn);
    expect(off.deletionLock).toBeUndefined();
  });
});

describe('AksSandboxCluster: the AKS-managed Agent Sandbox extension on an adopted cluster', () => {
  afterEach(() => {
    adoptedPreviewProperties = { agentSandboxProfile: { enabled: false } };
  });

  it('is read through the preview API for an adopted cluster (off: the pool is added)', async () => {
    const component = new AksSandboxCluster('ext', { existingCluster: { name: 'ext-aks', resourceGroupName: 'ext-rg' } });
    await resolve(component.sandboxPool.urn);
    const read = calls.find((c) => c.token === 'azure-native:resources:getResource' && c.inputs.resourceName === 'ext-aks');
    expect(read?.inputs).toMatchObject({ resourceProviderNamespace: 'Microsoft.ContainerService', resourceType: 'managedClusters', apiVersion: '2026-05-02-preview' });
    expect(byName('ext-sandbox-pool')).toBeDefined();
  });

  it('on: refused with the reason and the fix (the pool name resolves only after this check, so the pool is never sent)', () => {
    expect(agentSandboxExtensionProblem('ext-aks', 'ext-rg', { agentSandboxProfile: { enabled: true } })).toMatch(
      /^AKS cluster ext-aks runs the AKS-managed Agent Sandbox extension \(agentSandboxProfile\.enabled\).*two controllers on the same CRDs.*--disable-agent-sandbox/,
    );
    expect(agentSandboxExtensionProblem('ext-aks', 'ext-rg', { agentSandboxProfile: { enabled: false } })).toBeUndefined();
    expect(agentSandboxExtensionProblem('ext-aks', 'ext-rg', {})).toBeUndefined();
  });
});

describe('AksSandboxCluster: API server exposure', () => {
  it('a created public cluster without authorized ranges is warned about; ranges or a private cluster reach apiServerAccessProfile', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const open = new AksSandboxCluster('open', { name: 'open', resourceGroupName: 'rg' });
      await resolve(open.sandboxPool.urn);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^AKS cluster open: the API server is public and accepts connections from any IP address/), open);
      expect(byName('open-cluster')!.inputs.apiServerAccessProfile).toBeUndefined();
      warn.mockClear();
      const ranged = new AksSandboxCluster('ranged', { name: 'ranged', resourceGroupName: 'rg', apiServer: { authorizedIpRanges: ['203.0.113.0/24'] } });
      const priv = new AksSandboxCluster('priv', { name: 'priv', resourceGroupName: 'rg', apiServer: { private: true } });
      await resolve(ranged.sandboxPool.urn);
      await resolve(priv.sandboxPool.urn);
      expect(byName('ranged-cluster')!.inputs.apiServerAccessProfile).toStrictEqual({ authorizedIPRanges: ['203.0.113.0/24'] });
      expect(byName('priv-cluster')!.inputs.apiServerAccessProfile).toStrictEqual({ enablePrivateCluster: true });
      expect(warn.mock.calls.filter(([m]) => String(m).includes('API server is public'))).toStrictEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  it('authorized ranges with a private cluster are refused (they apply to a public API server only)', () => {
    expect(() => new AksSandboxCluster('both', { name: 'both', apiServer: { private: true, authorizedIpRanges: ['203.0.113.0/24'] } })).toThrow(
      /cluster\.apiServer\.authorizedIpRanges: cannot be used with apiServer\.private: true/,
    );
  });
});

describe('AksSandboxCluster: a Spot Kata pool', () => {
  it('sends priority Spot, eviction Delete, the max price (default -1), AKS\'s Spot label and taint, and no maxSurge; warns about evictions', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const component = new AksSandboxCluster('spot', {
      existingCluster: { name: 'team-aks', resourceGroupName: 'team-rg' },
      sandboxPool: { priority: 'Spot', spotMaxPrice: 0.25, maxCount: 6 },
    });
    await resolve(component.sandboxPool.urn);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^cluster\.sandboxPool\.priority Spot: Azure can evict the Kata nodes at any time .*eviction policy Delete/), component);
    warn.mockRestore();
    expect(byName('spot-sandbox-pool')!.inputs).toStrictEqual({
      resourceGroupName: 'team-rg',
      resourceName: 'team-aks',
      agentPoolName: 'kata',
      mode: 'User',
      type: 'VirtualMachineScaleSets',
      osType: 'Linux',
      osSKU: 'AzureLinux',
      workloadRuntime: 'KataVmIsolation',
      vmSize: 'Standard_D4s_v5',
      enableAutoScaling: true,
      minCount: 1,
      maxCount: 6,
      count: 1,
      nodeLabels: { 'sandbox.agent-sandbox-infra.io/runtime': 'kata', 'kubernetes.azure.com/scalesetpriority': 'spot' },
      scaleSetPriority: 'Spot',
      scaleSetEvictionPolicy: 'Delete',
      spotMaxPrice: 0.25,
      nodeTaints: ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule'],
    });

    const created = new AksSandboxCluster('spot2', { name: 'spot2', sandboxPool: { priority: 'Spot' } });
    await resolve(created.sandboxPool.urn);
    const pool = byName('spot2-sandbox-pool')!.inputs;
    expect([pool.scaleSetPriority, pool.scaleSetEvictionPolicy, pool.spotMaxPrice, pool.upgradeSettings]).toStrictEqual(['Spot', 'Delete', -1, undefined]);
    // The system pool stays Regular (a Spot pool cannot be the system pool) and keeps its surge.
    const system = byName('spot2-cluster')!.inputs.agentPoolProfiles[0];
    expect([system.scaleSetPriority, system.upgradeSettings]).toStrictEqual([undefined, { maxSurge: '33%' }]);
  });

  it('a Regular pool (the default) sends none of the Spot fields', () => {
    const pool = byName('prod-sandbox-pool')!.inputs;
    expect([pool.scaleSetPriority, pool.scaleSetEvictionPolicy, pool.spotMaxPrice, pool.nodeTaints]).toStrictEqual([undefined, undefined, undefined, undefined]);
  });
});
