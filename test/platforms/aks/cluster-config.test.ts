import { existingPoolProblem, parseAksClusterConfig } from '../../../platforms/aks/cluster-config';
import { problemAt } from '../../../core/diagnostics';

const FAMILIES = 'Dsv3, Dsv4, Ddsv4, Dsv5, Ddsv5, Dasv5, Dadsv5, Esv3, Esv4, Esv5, Edsv5, Easv5, Fsv2, Dsv6, Dasv6, Dsv7';

describe('parseAksClusterConfig: valid configs', () => {
  it('accepts a minimal create config and returns it unchanged (defaults are applied by the component)', () => {
    expect(parseAksClusterConfig({ name: 'agents' })).toStrictEqual({ value: { name: 'agents' }, problems: [] });
  });

  it('accepts a minimal adopt config', () => {
    const raw = { existingCluster: { name: 'team-aks', resourceGroupName: 'team-rg' }, sandboxPool: { vmSize: 'Standard_D8s_v5' } };
    expect(parseAksClusterConfig(raw)).toStrictEqual({ value: raw, problems: [] });
  });
});

describe('parseAksClusterConfig: errors (one test per message)', () => {
  const problemsOf = (raw: unknown) => parseAksClusterConfig(raw).problems;

  it('deployerClusterAdmin: true needs Azure RBAC (the role grants Kubernetes rights only through it)', () => {
    expect(problemsOf({ name: 'a', entra: { azureRbac: false, deployerClusterAdmin: true } })).toStrictEqual([
      problemAt(
        'cluster.entra.deployerClusterAdmin',
        'true requires entra.azureRbac: the role assignment grants Kubernetes rights only through Azure RBAC, got azureRbac: false',
        'clusterConfig',
      ),
    ]);
    expect(problemsOf({ name: 'a', entra: { deployerClusterAdmin: false } })).toStrictEqual([]);
    expect(problemsOf({ name: 'a', entra: { azureRbac: false, deployerClusterAdmin: false } })).toStrictEqual([]);
  });

  it('deployerPrincipalType: User or ServicePrincipal, and only while the role assignment is made', () => {
    expect(problemsOf({ name: 'a', entra: { deployerPrincipalType: 'ServicePrincipal' } })).toStrictEqual([]);
    expect(problemsOf({ name: 'a', entra: { deployerClusterAdmin: false, deployerPrincipalType: 'User' } })).toStrictEqual([
      problemAt('cluster.entra.deployerPrincipalType', "only applies to the deployer's role assignment, which is off (deployerClusterAdmin: false); remove it", 'clusterConfig'),
    ]);
    expect(problemsOf({ name: 'a', entra: { azureRbac: false, deployerPrincipalType: 'User' } })).toStrictEqual([
      problemAt('cluster.entra.deployerPrincipalType', "only applies to the deployer's role assignment, which is off (azureRbac: false); remove it", 'clusterConfig'),
    ]);
    expect(problemsOf({ name: 'a', entra: { deployerPrincipalType: 'Group' } }).map((p) => p.path)).toStrictEqual(['cluster.entra.deployerPrincipalType']);
  });

  it('unsupported sandbox vmSize lists the allowed families', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { vmSize: 'Standard_B4ms' } })).toStrictEqual([
      problemAt(
        'cluster.sandboxPool.vmSize',
        `"Standard_B4ms" is not a Generation 2 VM size with nested virtualization known to run Pod Sandboxing; allowed families: ${FAMILIES} (e.g. Standard_D4s_v5)`,
        'clusterConfig',
      ),
    ]);
  });

  it('KataMshvVmIsolation points to KataVmIsolation', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { workloadRuntime: 'KataMshvVmIsolation' } })).toStrictEqual([
      problemAt(
        'cluster.sandboxPool.workloadRuntime',
        '"KataMshvVmIsolation" was the preview name of Pod Sandboxing; use "KataVmIsolation"',
        'clusterConfig',
      ),
    ]);
  });

  it('any other workload runtime is refused', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { workloadRuntime: 'OCIContainer' } })).toStrictEqual([
      problemAt('cluster.sandboxPool.workloadRuntime', 'must be "KataVmIsolation" (the sandbox pool runs Kata), got "OCIContainer"', 'clusterConfig'),
    ]);
  });

  it('an OS SKU other than AzureLinux is refused', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { osSku: 'Ubuntu' } })).toStrictEqual([
      problemAt(
        'cluster.sandboxPool.osSku',
        'must be "AzureLinux": Pod Sandboxing runs only on Azure Linux nodes (https://learn.microsoft.com/azure/aks/use-pod-sandboxing), got "Ubuntu"',
        'clusterConfig',
      ),
    ]);
  });

  it('minCount > maxCount', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { minCount: 5, maxCount: 2 } })).toStrictEqual([
      problemAt('cluster.sandboxPool.minCount', 'must be ≤ maxCount 2, got 5', 'clusterConfig'),
    ]);
  });

  it('minCount above the default maxCount says which value is the default', () => {
    expect(problemsOf({ name: 'a', systemPool: { minCount: 4 } })).toStrictEqual([
      problemAt('cluster.systemPool.minCount', 'must be ≤ maxCount 3 (default), got 4', 'clusterConfig'),
    ]);
  });

  it('sandbox pool named like the system pool', () => {
    expect(problemsOf({ name: 'a', systemPool: { name: 'pool1' }, sandboxPool: { name: 'pool1' } })).toStrictEqual([
      problemAt('cluster.sandboxPool.name', 'must differ from the system pool\'s name, both are "pool1"', 'clusterConfig'),
    ]);
    expect(problemsOf({ name: 'a', sandboxPool: { name: 'system' } })).toStrictEqual([
      problemAt('cluster.sandboxPool.name', 'must differ from the system pool\'s name, both are "system"', 'clusterConfig'),
    ]);
  });

  it.each(['Kata', 'kata-pool', '1kata', 'sandboxpool13'])('AKS Linux pool-name rules refuse %j', (name) => {
    expect(problemsOf({ name: 'a', sandboxPool: { name } })).toStrictEqual([
      problemAt(
        'cluster.sandboxPool.name',
        `must be 1-12 lowercase letters or digits starting with a letter (AKS Linux node pool name), got ${JSON.stringify(name)}`,
        'schema',
      ),
    ]);
  });

  it('accepts a 12-character pool name', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { name: 'sandboxpool1' } })).toStrictEqual([]);
  });

  it('name is required to create a cluster', () => {
    expect(problemsOf({})).toStrictEqual([
      problemAt(
        'cluster.name',
        'is required to create a cluster (or set existingCluster to add the sandbox pool to a cluster you run)',
        'clusterConfig',
      ),
    ]);
  });

  it('create-only fields are refused next to existingCluster', () => {
    const raw = { existingCluster: { name: 'x', resourceGroupName: 'rg' }, systemPool: { minCount: 1 }, entra: {}, kubernetesVersion: '1.34' };
    const reason = 'only applies when creating a cluster; remove it, or remove existingCluster to create one';
    expect(problemsOf(raw)).toStrictEqual([
      problemAt('cluster.kubernetesVersion', reason, 'clusterConfig'),
      problemAt('cluster.systemPool', reason, 'clusterConfig'),
      problemAt('cluster.entra', reason, 'clusterConfig'),
    ]);
  });

  it('disableLocalAccounts needs Entra', () => {
    expect(problemsOf({ name: 'a', disableLocalAccounts: true })).toStrictEqual([
      problemAt(
        'cluster.disableLocalAccounts',
        'true requires cluster.entra: AKS only disables local accounts on Microsoft Entra ID integrated clusters',
        'clusterConfig',
      ),
    ]);
  });

  it('typos fail (strict objects)', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { vmsize: 'Standard_D8s_v5' } })).toStrictEqual([
      problemAt('cluster.sandboxPool.vmsize', 'unknown field "vmsize" (did you mean "vmSize"?)', 'schema'),
    ]);
  });

  it('a non-object is one problem at cluster', () => {
    expect(problemsOf('aks')).toStrictEqual([problemAt('cluster', 'must be object, got "aks"', 'schema')]);
  });

  it('reports every problem at once: schema problems and the cross-field checks on the fields that passed', () => {
    const { value, problems } = parseAksClusterConfig({
      name: 'bad_name',
      kubeloginMode: 'devicecodez',
      disableLocalAccounts: true,
      systemPool: { name: 'kata', minCount: 0 },
      sandboxPool: { name: 'kata', vmSize: 'Standard_D4_v5', osSku: 'Ubuntu', workloadRuntime: 'KataMshvVmIsolation', minCount: 4, maxCount: 3 },
    });
    expect(value).toBeUndefined();
    expect(problems.map((p) => p.path)).toStrictEqual([
      'cluster.name',
      'cluster.systemPool.minCount',
      'cluster.kubeloginMode',
      'cluster.disableLocalAccounts',
      'cluster.sandboxPool.minCount',
      'cluster.sandboxPool.vmSize',
      'cluster.sandboxPool.workloadRuntime',
      'cluster.sandboxPool.osSku',
      'cluster.sandboxPool.name',
    ]);
    expect(problems[0].message).toBe('must be 1-54 letters, digits or "-", starting and ending with a letter or digit, got "bad_name"');
    expect(problems[1].message).toBe('must be ≥ 1, got 0');
    expect(problems[2].message).toBe('must be one of "azurecli", "workloadidentity", "msi", "devicecode", got "devicecodez"');
  });
});

describe('existingPoolProblem', () => {
  it('is undefined when the name is free', () => {
    expect(existingPoolProblem('kata', 'team-aks', [{ name: 'nodepool1' }])).toBeUndefined();
    expect(existingPoolProblem('kata', 'team-aks', undefined)).toBeUndefined();
  });

  it('names the clash and the existing pools', () => {
    expect(existingPoolProblem('kata', 'team-aks', [{ name: 'nodepool1' }, { name: 'kata' }])).toStrictEqual(
      problemAt(
        'cluster.sandboxPool.name',
        '"kata" is already a node pool of cluster "team-aks" (pools: nodepool1, kata); choose another name, or `pulumi import` that pool',
        'existingPool',
      ),
    );
  });
});
