import { parseGkeClusterConfig } from '../../../platforms/gke/cluster-config';
import { problemAt } from '../../../core/diagnostics';

/** `path: reason` lines, for readable assertions. */
function problems(raw: unknown): string[] {
  return parseGkeClusterConfig(raw).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('parseGkeClusterConfig', () => {
  test('accepts a full Standard config and returns it typed', () => {
    const raw = {
      project: 'acme-agents-prod',
      location: 'us-central1',
      name: 'agents',
      releaseChannel: 'RAPID',
      minMasterVersion: '1.36.3-gke.1767000',
      deletionProtection: false,
      privateNodes: true,
      masterIpv4CidrBlock: '172.16.0.32/28',
      addons: { agentSandbox: true },
      systemPool: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, imageType: 'UBUNTU_CONTAINERD' },
      sandboxPool: { machineType: 'n2-standard-8', minNodes: 2, maxNodes: 20, imageType: 'COS_CONTAINERD', spot: true, nodeLocations: ['us-central1-a'] },
      gpuPool: { gpuType: 'l4', machineType: 'g2-standard-8' },
    };
    const result = parseGkeClusterConfig(raw);
    expect(result.problems).toEqual([]);
    expect(result.value).toEqual(raw);
  });

  test('an empty or missing config is valid (everything has a default)', () => {
    expect(parseGkeClusterConfig(undefined)).toEqual({ value: {}, problems: [] });
    expect(parseGkeClusterConfig({})).toEqual({ value: {}, problems: [] });
  });

  test('typos fail (strict objects) with the full path prefixed by cluster.', () => {
    expect(problems({ sandboxPool: { machinetype: 'n2-standard-8' }, relaseChannel: 'RAPID' })).toEqual([
      'cluster.sandboxPool.machinetype: unknown field "machinetype" (did you mean "machineType"?)',
      'cluster.relaseChannel: unknown field "relaseChannel" (did you mean "releaseChannel"?)',
    ]);
  });

  test('enum and type problems name the field, the allowed values and the value', () => {
    expect(problems({ releaseChannel: 'FAST', sandboxPool: { minNodes: 'two' } })).toEqual([
      'cluster.releaseChannel: must be one of "RAPID", "REGULAR", "STABLE", "EXTENDED", got "FAST"',
      'cluster.sandboxPool.minNodes: must be number, got "two"',
    ]);
  });

  test('error: a sandbox pool with an image other than COS_CONTAINERD', () => {
    expect(problems({ sandboxPool: { imageType: 'UBUNTU_CONTAINERD' }, gpuPool: { gpuType: 't4', imageType: 'COS' } })).toEqual([
      'cluster.sandboxPool.imageType: GKE Sandbox (gVisor) node pools only run on "COS_CONTAINERD" (Container-Optimized OS with containerd), got "UBUNTU_CONTAINERD"',
      'cluster.gpuPool.imageType: GKE Sandbox (gVisor) node pools only run on "COS_CONTAINERD" (Container-Optimized OS with containerd), got "COS"',
    ]);
  });

  test('error: an unsupported GPU type lists the allowed ones', () => {
    expect(problems({ gpuPool: { gpuType: 'v100' } })).toEqual([
      'cluster.gpuPool.gpuType: must be a GPU GKE Sandbox supports: t4 (nvidia-tesla-t4), a100 (nvidia-tesla-a100), ' +
        'a100-80gb (nvidia-a100-80gb), l4 (nvidia-l4), h100-80gb (nvidia-h100-80gb); got "v100"',
    ]);
    // The real accelerator name is not a friendly name either.
    expect(problems({ gpuPool: { gpuType: 'nvidia-l4' } })).toHaveLength(1);
  });

  test('error: a GPU on the wrong machine series, or a count the machine type does not have', () => {
    expect(problems({ gpuPool: { gpuType: 'h100-80gb', machineType: 'a2-highgpu-1g' } })).toEqual([
      'cluster.gpuPool.machineType: gpuType "h100-80gb" (nvidia-h100-80gb) runs on A3 High machine types (a3-highgpu-*), got "a2-highgpu-1g"',
    ]);
    expect(problems({ gpuPool: { gpuType: 'a100', machineType: 'a2-highgpu-2g', gpuCount: 4 } })).toEqual([
      'cluster.gpuPool.gpuCount: a2-highgpu-2g comes with 2 × nvidia-tesla-a100, got gpuCount 4; remove gpuCount or set it to 2',
    ]);
    expect(problems({ gpuPool: { gpuType: 't4', gpuCount: 3 } })).toEqual([
      'cluster.gpuPool.gpuCount: nvidia-tesla-t4 can be attached to N1 machines in counts of 1, 2, 4, got 3',
    ]);
    expect(problems({ gpuPool: { gpuType: 't4', machineType: 'n1-standard-16', gpuCount: 4 } })).toEqual([]);
  });

  test('error: sandboxing the system pool (GKE needs a non-sandboxed pool)', () => {
    expect(problems({ systemPool: { gvisor: true } })).toEqual([
      'cluster.systemPool.gvisor: the system pool cannot be sandboxed, got true: GKE needs at least one non-sandboxed node pool for its system workloads; sandboxes run on cluster.sandboxPool',
    ]);
    expect(problems({ systemPool: { gvisor: false } })).toEqual([]);
  });

  test('error: minNodes above maxNodes', () => {
    expect(problems({ sandboxPool: { minNodes: 5, maxNodes: 2 } })).toEqual(['cluster.sandboxPool.minNodes: must be ≤ maxNodes (2), got 5']);
  });

  test('error: masterIpv4CidrBlock without private nodes', () => {
    expect(problems({ masterIpv4CidrBlock: '172.16.0.32/28' })).toEqual([
      'cluster.masterIpv4CidrBlock: only applies with privateNodes: true, got privateNodes false',
    ]);
  });

  test('error: the add-on with a pinned version below 1.35.2-gke.1269000', () => {
    const below = 'cluster.minMasterVersion: the managed agent-sandbox add-on (addons.agentSandbox) needs GKE ≥ 1.35.2-gke.1269000';
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.35.1-gke.1000' })).toEqual([
      `${below}, got "1.35.1-gke.1000"; raise minMasterVersion or turn the add-on off (agentSandbox: self)`,
    ]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.34' })[0]).toContain(`${below}, got "1.34"`);
    // Without the add-on an old version is fine.
    expect(problems({ minMasterVersion: '1.33' })).toEqual([]);
  });

  test('error: the add-on on a created cluster needs a pinned minMasterVersion that guarantees v1beta1 (≥ 1.36.3-gke.1767000)', () => {
    expect(problems({ addons: { agentSandbox: true } })).toEqual([
      "cluster.minMasterVersion: is required with addons.agentSandbox: true: without a pinned minimum the cluster comes up on the release channel's default " +
        'version, whose agent-sandbox add-on may serve only v1alpha1, while we emit v1beta1 (served by the add-on from GKE 1.36.3-gke.1767000); ' +
        'set minMasterVersion to "1.36.3-gke.1767000" or later (the sandbox config\'s platforms.<platform>.gkeVersion), or turn the add-on off (agentSandbox: self)',
    ]);
    const notGuaranteed = (v: string, latest = '') =>
      'cluster.minMasterVersion: the managed agent-sandbox add-on serves v1beta1 (the API version of the SandboxTemplates, warm pools and claims we emit) ' +
      `only from GKE 1.36.3-gke.1767000, and minMasterVersion "${v}" does not guarantee that${latest}: set minMasterVersion to "1.36.3-gke.1767000" or later, ` +
      'or turn the add-on off (agentSandbox: self)';
    // New enough for the add-on to exist, not for v1beta1 (these passed before: the add-on would reject what we emit).
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.35.2-gke.1269000' })).toEqual([notGuaranteed('1.35.2-gke.1269000')]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1766999' })).toEqual([notGuaranteed('1.36.3-gke.1766999')]);
    // Fuzzy pins guarantee only their lowest version: "1.36" may be 1.36.0, "1.36.3" may be 1.36.3-gke.1.
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36' })).toEqual([notGuaranteed('1.36')]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.3' })).toEqual([notGuaranteed('1.36.3')]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: 'latest' })).toEqual([notGuaranteed('latest', ' ("latest" pins no version)')]);
    // Guaranteed.
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1767000' })).toEqual([]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.4' })).toEqual([]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.37' })).toEqual([]);
    // A malformed version is reported once, by the schema.
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: 'v1.37' })).toEqual([
      'cluster.minMasterVersion: must be "latest" or a GKE version like "1.36" or "1.36.3-gke.1767000", got "v1.37"',
    ]);
  });

  test('masterAuthorizedNetworks: CIDR ranges with optional names; a cluster-creation setting', () => {
    const networks = [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }, { cidrBlock: '198.51.100.7/32' }];
    expect(parseGkeClusterConfig({ masterAuthorizedNetworks: networks })).toEqual({ value: { masterAuthorizedNetworks: networks }, problems: [] });
    expect(problems({ masterAuthorizedNetworks: [{ cidrBlock: '203.0.113.0' }], })).toEqual([
      'cluster.masterAuthorizedNetworks[0].cidrBlock: must be an IPv4 CIDR like "203.0.113.0/24", got "203.0.113.0"',
    ]);
    expect(problems({ existingCluster: { name: 'team-a', location: 'us-central1' }, masterAuthorizedNetworks: networks })).toEqual([
      'cluster.masterAuthorizedNetworks: only applies to a cluster we create; with existingCluster the cluster keeps its own settings (remove masterAuthorizedNetworks)',
    ]);
  });

  test('existingCluster: cluster-level settings would do nothing, so they are errors', () => {
    expect(
      problems({
        existingCluster: { name: 'team-a', location: 'us-central1' },
        releaseChannel: 'STABLE',
        deletionProtection: false,
        systemPool: {},
        sandboxPool: { machineType: 'n2-standard-8' },
      }),
    ).toEqual([
      'cluster.releaseChannel: only applies to a cluster we create; with existingCluster the cluster keeps its own settings (remove releaseChannel)',
      'cluster.deletionProtection: only applies to a cluster we create; with existingCluster the cluster keeps its own settings (remove deletionProtection)',
      'cluster.systemPool: only applies to a cluster we create; with existingCluster the cluster keeps its own settings (remove systemPool)',
    ]);
  });

  test('error: the add-on on an existing cluster explains the gcloud command', () => {
    expect(problems({ existingCluster: { name: 'team-a', location: 'us-central1', project: 'acme-agents-prod' }, addons: { agentSandbox: true } })).toEqual([
      'cluster.addons.agentSandbox: cannot be changed on an existing cluster from here; enable the add-on with ' +
        '"gcloud beta container clusters update team-a --location=us-central1 --project=acme-agents-prod --enable-agent-sandbox" ' +
        '(needs GKE ≥ 1.35.2-gke.1269000) and remove addons.agentSandbox, or drop existingCluster and let us create the cluster',
    ]);
  });

  test('reports schema and cross-field problems together', () => {
    expect(
      problems({
        releaseChannel: 'FAST',
        systemPool: { gvisor: true, minNodes: 'one' },
        sandboxPool: { imageType: 'UBUNTU', minNodes: 4, maxNodes: 1 },
        gpuPool: { gpuType: 'k80' },
      }),
    ).toEqual([
      'cluster.releaseChannel: must be one of "RAPID", "REGULAR", "STABLE", "EXTENDED", got "FAST"',
      'cluster.systemPool.minNodes: must be number, got "one"',
      'cluster.sandboxPool.imageType: GKE Sandbox (gVisor) node pools only run on "COS_CONTAINERD" (Container-Optimized OS with containerd), got "UBUNTU"',
      expect.stringMatching(/^cluster\.gpuPool\.gpuType: must be a GPU GKE Sandbox supports: .*got "k80"$/),
      expect.stringMatching(/^cluster\.systemPool\.gvisor: the system pool cannot be sandboxed/),
      'cluster.sandboxPool.minNodes: must be ≤ maxNodes (1), got 4',
    ]);
    expect(parseGkeClusterConfig({ releaseChannel: 'FAST' }).value).toBeUndefined();
  });

  test('a non-object config is one problem at cluster', () => {
    expect(problems('gke')).toEqual(['cluster: must be object, got "gke"']);
  });
});

describe('Pod Snapshots and boot disks', () => {
  test('addons.podSnapshots is refused with the reason and where to set snapshots up', () => {
    const { problems } = parseGkeClusterConfig({ addons: { podSnapshots: true } });
    expect(problems).toEqual([
      problemAt(
        'cluster.addons.podSnapshots',
        expect.stringMatching(/^is not supported by this stack: the add-on alone gives no working snapshots .*--enable-pod-snapshots/),
        'clusterConfig',
      ),
    ]);
  });

  test('Persistent Disk on a Hyperdisk-only series is refused; the default follows the series', () => {
    expect(parseGkeClusterConfig({ sandboxPool: { machineType: 'n4-standard-8', diskType: 'pd-balanced' } }).problems).toEqual([
      problemAt(
        'cluster.sandboxPool.diskType',
        '"pd-balanced" cannot be attached to n4-standard-8: the N4 series takes Hyperdisk only; use "hyperdisk-balanced" (or leave diskType unset: it follows the machine series)',
        'clusterConfig',
      ),
    ]);
    expect(parseGkeClusterConfig({ sandboxPool: { machineType: 'c4a-standard-8', diskType: 'hyperdisk-balanced' } }).problems).toEqual([]);
    expect(parseGkeClusterConfig({ systemPool: { diskType: 'hyperdisk-balanced' } }).problems).toEqual([
      problemAt('cluster.systemPool.diskType', '"hyperdisk-balanced" cannot be attached to e2-standard-4: the E2 series takes Persistent Disk; use "pd-balanced"', 'clusterConfig'),
    ]);
  });
});
