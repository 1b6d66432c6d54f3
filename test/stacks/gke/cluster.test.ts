/**
 * GkeSandboxCluster under Pulumi mocks: the resources it registers and their inputs. Nothing is deployed.
 */
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { GkeSandboxCluster } from '../../../stacks/gke/cluster';
import { mockPulumi, type Registered } from '../../support/pulumi-mocks';

/** What the mocked `container.getCluster` returns for an adopted cluster (tests change it). */
let existingState: Record<string, any> = {};
const HEALTHY_STANDARD = {
  enableAutopilot: false,
  endpoint: '10.0.0.2',
  masterAuths: [{ clusterCaCertificate: 'RVhJU1RJTkctQ0E=' }],
  addonsConfigs: [{ agentSandboxConfigs: [{ enabled: false }] }],
  workloadIdentityConfigs: [{ workloadPool: 'acme-team-a.svc.id.goog' }],
  masterVersion: '1.36.3-gke.1767000',
  datapathProvider: 'ADVANCED_DATAPATH',
  networkPolicies: [],
};

const { registered, calls } = mockPulumi({
  state: (type, name, inputs) => {
    const state: Record<string, any> = { name: inputs.name ?? `${name}-abc1234` };
    if (type === 'gcp:container/cluster:Cluster') {
      state.endpoint = '34.118.0.10';
      state.masterAuth = { clusterCaCertificate: 'Q0xVU1RFUi1DQQ==' };
    }
    if (type === 'gcp:serviceaccount/account:Account') {
      state.email = `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`;
      state.member = `serviceAccount:${state.email}`;
    }
    return state;
  },
  call: (token, inputs) => {
    if (token === 'gcp:container/getCluster:getCluster') {
      return { name: inputs.name, location: inputs.location, project: inputs.project, ...existingState };
    }
    throw new Error(`unexpected call ${token}`);
  },
});

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every child is registered (node pools depend on the IAM members, the cluster on them too). */
async function settle(c: GkeSandboxCluster): Promise<void> {
  await Promise.all([value(c.urn), value(c.clusterName), value(c.kubeconfig), value(c.sandboxPoolNames), ...[c.cluster, ...c.nodePools].filter(Boolean).map((r) => value(r!.urn))]);
}

function children(component: string): Registered[] {
  return registered.filter((r) => r.name.startsWith(`${component}-`));
}
function one(component: string, type: string): Registered {
  const found = children(component).filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0];
}
function pool(component: string, role: string): Registered {
  const found = registered.find((r) => r.type === 'gcp:container/nodePool:NodePool' && r.name === `${component}-${role}`);
  if (!found) throw new Error(`no ${role} pool for ${component}`);
  return found;
}

const SANDBOX_NODE_CONFIG_SECURITY = {
  workloadMetadataConfig: { mode: 'GKE_METADATA' },
  shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
  oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
};

describe('GkeSandboxCluster: Autopilot, created', () => {
  let c: GkeSandboxCluster;
  beforeAll(async () => {
    c = new GkeSandboxCluster('ap', {
      platform: 'gke-autopilot',
      selfManagedAgentSandbox: false,
      cluster: {
        project: 'acme-agents-prod',
        location: 'us-central1',
        privateNodes: true,
        // The add-on serves v1beta1 (what we emit) from this version: a created cluster must pin it.
        minMasterVersion: '1.36.3-gke.1767000',
        addons: { agentSandbox: true },
      },
    });
    await settle(c);
  });

  test('registers the component type with cluster, node service account and its roles as children', () => {
    expect(registered.find((r) => r.name === 'ap')).toMatchObject({ type: 'agent-sandbox-infra:gke:SandboxCluster', custom: false });
    expect(children('ap').map((r) => r.type).sort()).toEqual([
      'gcp:container/cluster:Cluster',
      ...Array(2).fill('gcp:projects/iAMMember:IAMMember'),
      'gcp:serviceaccount/account:Account',
    ]);
  });

  test('the cluster is Autopilot with Workload Identity, REGULAR channel, deletion protection and the add-ons', () => {
    const cluster = one('ap', 'gcp:container/cluster:Cluster').inputs;
    expect(cluster).toMatchObject({
      project: 'acme-agents-prod',
      location: 'us-central1',
      enableAutopilot: true,
      releaseChannel: { channel: 'REGULAR' },
      deletionProtection: true,
      workloadIdentityConfig: { workloadPool: 'acme-agents-prod.svc.id.goog' },
      privateClusterConfig: { enablePrivateNodes: true },
      addonsConfig: { agentSandboxConfig: { enabled: true } },
      minMasterVersion: '1.36.3-gke.1767000',
    });
    expect(cluster.removeDefaultNodePool).toBeUndefined();
    expect(cluster.nodeConfig).toBeUndefined();
    // Autopilot runs Dataplane V2 (NetworkPolicy enforced) without being asked.
    expect(cluster.datapathProvider).toBeUndefined();
  });

  test('Autopilot nodes run as the least-privilege service account', async () => {
    const cluster = one('ap', 'gcp:container/cluster:Cluster').inputs;
    const email = await value(c.nodeServiceAccountEmail!);
    expect(email).toMatch(/^ap-[0-9a-f]{6}@acme-agents-prod\.iam\.gserviceaccount\.com$/);
    expect(cluster.clusterAutoscaling).toEqual({
      autoProvisioningDefaults: { serviceAccount: email, oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'] },
    });
    const roles = children('ap')
      .filter((r) => r.type === 'gcp:projects/iAMMember:IAMMember')
      .map((r) => ({ role: r.inputs.role, member: r.inputs.member, project: r.inputs.project }));
    expect(roles).toEqual(
      // GKE's minimum node role (it covers logging and monitoring), and image pulls from Artifact Registry.
      ['roles/container.defaultNodeServiceAccount', 'roles/artifactregistry.reader'].map((role) => ({ role, member: `serviceAccount:${email}`, project: 'acme-agents-prod' })),
    );
  });

  test('outputs: gvisor, no sandbox pools, a secret exec-plugin kubeconfig', async () => {
    expect(c.platform).toBe('gke-autopilot');
    expect(c.runtimeClassName).toBe('gvisor');
    expect(await value(c.sandboxPoolNames)).toEqual([]);
    expect(c.readyResources).toEqual([c.cluster]);
    expect(await pulumi.isSecret(c.kubeconfig)).toBe(true);
    const kubeconfig = parse(await value(c.kubeconfig));
    expect(kubeconfig.clusters[0].cluster).toEqual({ server: 'https://34.118.0.10', 'certificate-authority-data': 'Q0xVU1RFUi1DQQ==' });
    expect(kubeconfig.users[0].user.exec).toMatchObject({ command: 'gke-gcloud-auth-plugin', provideClusterInfo: true });
    expect(await value(c.clusterName)).toBe('ap-cluster-abc1234');
  });
});

describe('GkeSandboxCluster: Standard, created', () => {
  let c: GkeSandboxCluster;
  beforeAll(async () => {
    c = new GkeSandboxCluster('std', {
      platform: 'gke-standard',
      selfManagedAgentSandbox: true,
      cluster: {
        project: 'acme-agents-prod',
        location: 'us-central1',
        name: 'agents',
        releaseChannel: 'STABLE',
        deletionProtection: false,
        sandboxPool: { machineType: 'n2-standard-8', minNodes: 2, maxNodes: 12, spot: true },
        gpuPool: { gpuType: 'a100-80gb', machineType: 'a2-ultragpu-2g', maxNodes: 4 },
      },
    });
    await settle(c);
  });

  test('the cluster drops its default pool and has Workload Identity, shielded nodes, no add-on', () => {
    const cluster = one('std', 'gcp:container/cluster:Cluster').inputs;
    expect(cluster).toMatchObject({
      name: 'agents',
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      enableShieldedNodes: true,
      releaseChannel: { channel: 'STABLE' },
      deletionProtection: false,
      workloadIdentityConfig: { workloadPool: 'acme-agents-prod.svc.id.goog' },
      addonsConfig: { agentSandboxConfig: { enabled: false } },
    });
    expect(cluster.enableAutopilot).toBeUndefined();
    expect(cluster.privateClusterConfig).toBeUndefined();
    expect(cluster.masterAuthorizedNetworksConfig).toBeUndefined();
  });

  test('Dataplane V2, so the tenant namespaces\' NetworkPolicies are enforced', () => {
    expect(one('std', 'gcp:container/cluster:Cluster').inputs.datapathProvider).toBe('ADVANCED_DATAPATH');
  });

  test('even the temporary default pool runs as the least-privilege account with GKE_METADATA and shielded nodes', async () => {
    const email = await value(c.nodeServiceAccountEmail!);
    expect(one('std', 'gcp:container/cluster:Cluster').inputs.nodeConfig).toEqual({ serviceAccount: email, ...SANDBOX_NODE_CONFIG_SECURITY });
  });

  test('a non-sandboxed system pool with autoscaling, auto-repair/upgrade, shielded nodes and GKE_METADATA', async () => {
    const email = await value(c.nodeServiceAccountEmail!);
    const system = pool('std', 'system').inputs;
    expect(system).toMatchObject({
      cluster: 'agents',
      location: 'us-central1',
      project: 'acme-agents-prod',
      autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: { machineType: 'e2-standard-4', imageType: 'COS_CONTAINERD', serviceAccount: email, ...SANDBOX_NODE_CONFIG_SECURITY },
    });
    expect(system.nodeConfig.sandboxConfig).toBeUndefined();
  });

  test('the gVisor sandbox pool: sandboxConfig.type GVISOR (not sandboxType), COS_CONTAINERD, hardened', async () => {
    const email = await value(c.nodeServiceAccountEmail!);
    const sandbox = pool('std', 'sandbox').inputs;
    expect(sandbox).toMatchObject({
      cluster: 'agents',
      initialNodeCount: 2,
      autoscaling: { minNodeCount: 2, maxNodeCount: 12 },
      management: { autoRepair: true, autoUpgrade: true },
    });
    expect(sandbox.nodeConfig).toEqual({
      machineType: 'n2-standard-8',
      imageType: 'COS_CONTAINERD',
      diskSizeGb: 100,
      diskType: 'pd-balanced',
      spot: true,
      serviceAccount: email,
      metadata: { 'disable-legacy-endpoints': 'true' },
      sandboxConfig: { type: 'GVISOR' },
      ...SANDBOX_NODE_CONFIG_SECURITY,
    });
  });

  test('the GPU pool is gVisor too, with the real accelerator type, machine count and LATEST driver', () => {
    const gpu = pool('std', 'gpu').inputs;
    expect(gpu.autoscaling).toEqual({ minNodeCount: 0, maxNodeCount: 4 });
    expect(gpu.nodeConfig).toMatchObject({ machineType: 'a2-ultragpu-2g', imageType: 'COS_CONTAINERD', sandboxConfig: { type: 'GVISOR' }, ...SANDBOX_NODE_CONFIG_SECURITY });
    expect(gpu.nodeConfig.guestAccelerators).toEqual([{ type: 'nvidia-a100-80gb', count: 2, gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' } }]);
  });

  test('outputs: both gVisor pools are sandbox pools; all pools are ready resources', async () => {
    expect(c.platform).toBe('gke-standard');
    expect(c.runtimeClassName).toBe('gvisor');
    expect(await value(c.sandboxPoolNames)).toEqual(['std-sandbox-abc1234', 'std-gpu-abc1234']);
    expect(c.readyResources).toEqual(c.nodePools);
    expect(c.nodePools).toHaveLength(3);
    expect(await value(c.clusterName)).toBe('agents');
    expect(parse(await value(c.kubeconfig))['current-context']).toBe('gke_acme-agents-prod_us-central1_agents');
  });
});

describe('GkeSandboxCluster: Standard with the sandbox config\'s ComputeClass', () => {
  beforeAll(async () => {
    const c = new GkeSandboxCluster('ccc', {
      platform: 'gke-standard',
      selfManagedAgentSandbox: true,
      computeClassName: 'agent-sandbox',
      cluster: { project: 'acme-agents-prod', location: 'us-central1', name: 'ccc', deletionProtection: false, gpuPool: { gpuType: 'l4' } },
    });
    await settle(c);
  });

  test('the gVisor pools join the class: its node label and a NoSchedule taint of the same key', () => {
    for (const role of ['sandbox', 'gpu']) {
      const nodeConfig = pool('ccc', role).inputs.nodeConfig;
      expect(nodeConfig.labels).toEqual({ 'cloud.google.com/compute-class': 'agent-sandbox' });
      expect(nodeConfig.taints).toEqual([{ key: 'cloud.google.com/compute-class', value: 'agent-sandbox', effect: 'NO_SCHEDULE' }]);
      expect(nodeConfig.sandboxConfig).toEqual({ type: 'GVISOR' });
    }
  });

  test('the system pool stays out of the class (no label, no taint): GKE\'s own pods keep running there', () => {
    const nodeConfig = pool('ccc', 'system').inputs.nodeConfig;
    expect(nodeConfig.labels).toBeUndefined();
    expect(nodeConfig.taints).toBeUndefined();
  });
});

describe('GkeSandboxCluster: resource options and warnings', () => {
  test('Standard: later diffs of the default-pool nodeConfig are ignored; the gVisor pools wait for the system pool', async () => {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const c = new GkeSandboxCluster(
      'opts',
      { platform: 'gke-standard', selfManagedAgentSandbox: true, cluster: { project: 'acme-agents-prod', location: 'us-central1', gpuPool: { gpuType: 'l4' } } },
      { transformations: [(a) => (options.set(a.name, a.opts), undefined)] },
    );
    await settle(c);
    expect(options.get('opts-cluster')?.ignoreChanges).toEqual(['nodeConfig']);
    const [system, sandbox, gpu] = c.nodePools;
    expect(options.get('opts-system')?.dependsOn).not.toContain(system);
    for (const [poolName, pool] of [['opts-sandbox', sandbox], ['opts-gpu', gpu]] as const) {
      expect(options.get(poolName)?.dependsOn).toContain(system);
      expect(pool).toBeDefined();
    }
    expect(options.get('opts-system')?.ignoreChanges).toEqual(['initialNodeCount']);
  });

  test('Autopilot: no ignored fields on the cluster (it has no nodeConfig)', async () => {
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const c = new GkeSandboxCluster(
      'opts-ap',
      { platform: 'gke-autopilot', selfManagedAgentSandbox: true, cluster: { project: 'acme-agents-prod', location: 'us-central1' } },
      { transformations: [(a) => (options.set(a.name, a.opts), undefined)] },
    );
    await settle(c);
    expect(options.get('opts-ap-cluster')?.ignoreChanges).toBeUndefined();
  });

  test('a created cluster with public nodes and an open control-plane endpoint warns about both; authorized networks reach the cluster', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const open = new GkeSandboxCluster('open', { platform: 'gke-standard', selfManagedAgentSandbox: true, cluster: { project: 'acme-agents-prod', location: 'us-central1' } });
      await settle(open);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^cluster\.privateNodes: the cluster's nodes get public IP addresses/), open);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^cluster\.masterAuthorizedNetworks: the control-plane endpoint accepts connections from any IP address/), open);
      warn.mockClear();

      const closed = new GkeSandboxCluster('closed', {
        platform: 'gke-standard',
        selfManagedAgentSandbox: true,
        cluster: { project: 'acme-agents-prod', location: 'us-central1', privateNodes: true, masterAuthorizedNetworks: [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }] },
      });
      await settle(closed);
      expect(warn.mock.calls.filter(([, r]) => r === closed)).toEqual([]);
      expect(one('closed', 'gcp:container/cluster:Cluster').inputs.masterAuthorizedNetworksConfig).toEqual({
        cidrBlocks: [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }],
      });
    } finally {
      warn.mockRestore();
    }
  });
});

describe('GkeSandboxCluster: defaults from the gcp stack config and a given node service account', () => {
  test('uses gcp:project / gcp:region, and creates no service account when one is given', async () => {
    const saved = pulumi.runtime.allConfig();
    pulumi.runtime.setConfig('gcp:project', 'acme-agents-dev');
    pulumi.runtime.setConfig('gcp:region', 'europe-west4');
    try {
      const c = new GkeSandboxCluster('byo', {
        platform: 'gke-standard',
        selfManagedAgentSandbox: true,
        cluster: { nodeServiceAccountEmail: 'gke-nodes@acme-agents-dev.iam.gserviceaccount.com' },
      });
      await settle(c);
      expect(c.project).toBe('acme-agents-dev');
      expect(c.location).toBe('europe-west4');
      expect(children('byo').filter((r) => r.type.startsWith('gcp:serviceaccount') || r.type.startsWith('gcp:projects'))).toEqual([]);
      expect(pool('byo', 'sandbox').inputs.nodeConfig.serviceAccount).toBe('gke-nodes@acme-agents-dev.iam.gserviceaccount.com');
      expect(pool('byo', 'sandbox').inputs).toMatchObject({ location: 'europe-west4', project: 'acme-agents-dev', autoscaling: { minNodeCount: 1, maxNodeCount: 10 } });
      expect(pool('byo', 'sandbox').inputs.nodeConfig.machineType).toBe('n2-standard-4');
      expect(one('byo', 'gcp:container/cluster:Cluster').inputs.releaseChannel).toEqual({ channel: 'REGULAR' });
    } finally {
      pulumi.runtime.setAllConfig(saved);
    }
  });
});

describe('GkeSandboxCluster: adopting an existing cluster', () => {
  test('Standard: reads the cluster, creates no cluster and no system pool, adds the sandbox pool to it', async () => {
    existingState = HEALTHY_STANDARD;
    const c = new GkeSandboxCluster('adopt', {
      platform: 'gke-standard',
      selfManagedAgentSandbox: true,
      cluster: { existingCluster: { name: 'team-a', location: 'us-east1', project: 'acme-team-a' }, sandboxPool: { machineType: 'n2-standard-16' } },
    });
    await settle(c);
    expect(calls).toContainEqual({ token: 'gcp:container/getCluster:getCluster', inputs: { name: 'team-a', location: 'us-east1', project: 'acme-team-a' } });
    expect(c.cluster).toBeUndefined();
    expect(children('adopt').filter((r) => r.type === 'gcp:container/cluster:Cluster')).toEqual([]);
    expect(children('adopt').filter((r) => r.type === 'gcp:container/nodePool:NodePool').map((r) => r.name)).toEqual(['adopt-sandbox']);
    expect(pool('adopt', 'sandbox').inputs).toMatchObject({
      cluster: 'team-a',
      location: 'us-east1',
      project: 'acme-team-a',
      nodeConfig: { machineType: 'n2-standard-16', sandboxConfig: { type: 'GVISOR' }, imageType: 'COS_CONTAINERD' },
    });
    // The node service account is created in the cluster's project.
    expect(one('adopt', 'gcp:serviceaccount/account:Account').inputs.project).toBe('acme-team-a');
    expect(await value(c.clusterName)).toBe('team-a');
    expect(await value(c.sandboxPoolNames)).toEqual(['adopt-sandbox-abc1234']);
    const kubeconfig = parse(await value(c.kubeconfig));
    expect(kubeconfig.clusters[0]).toEqual({
      name: 'gke_acme-team-a_us-east1_team-a',
      cluster: { server: 'https://10.0.0.2', 'certificate-authority-data': 'RVhJU1RJTkctQ0E=' },
    });
    expect(await pulumi.isSecret(c.kubeconfig)).toBe(true);
  });

  test('Autopilot: nothing is created, outputs come from the existing cluster', async () => {
    existingState = { ...HEALTHY_STANDARD, enableAutopilot: true, addonsConfigs: [{ agentSandboxConfigs: [{ enabled: true }] }] };
    const c = new GkeSandboxCluster('adopt-ap', {
      platform: 'gke-autopilot',
      selfManagedAgentSandbox: false,
      cluster: { existingCluster: { name: 'team-b', location: 'us-central1', project: 'acme-team-b' } },
    });
    await settle(c);
    expect(children('adopt-ap')).toEqual([]);
    expect(c.nodeServiceAccountEmail).toBeUndefined();
    expect(c.readyResources).toEqual([]);
    expect(await value(c.sandboxPoolNames)).toEqual([]);
    expect(await value(c.clusterName)).toBe('team-b');
    expect(parse(await value(c.kubeconfig)).users[0].user.exec.command).toBe('gke-gcloud-auth-plugin');
  });
});
