import { problemAt } from '../../../core/diagnostics';
import {
  autoNameProblems,
  contextProblems,
  enforcesNetworkPolicy,
  existingClusterProblems,
  exposureWarnings,
  type ExistingClusterState,
  type GkeClusterContext,
} from '../../../platforms/gke/checks';

const standard = { platform: 'gke-standard', selfManagedAgentSandbox: true, gcpProject: 'acme-agents-prod', gcpLocation: 'us-central1' };
const autopilot = { ...standard, platform: 'gke-autopilot' };

function problems(raw: unknown, context: GkeClusterContext = standard): string[] {
  return contextProblems(raw, context).map((p) => `${p.path}: ${p.message}`);
}

describe('contextProblems', () => {
  test('a default config is fine on both platforms', () => {
    expect(problems({})).toEqual([]);
    expect(problems({}, autopilot)).toEqual([]);
  });

  test('error: node pool settings on Autopilot, one per field', () => {
    expect(problems({ systemPool: {}, sandboxPool: { machineType: 'n2-standard-8' }, gpuPool: { gpuType: 'l4' } }, autopilot)).toEqual(
      ['systemPool', 'sandboxPool', 'gpuPool'].map(
        (f) =>
          `cluster.${f}: Autopilot clusters have no node pools to configure (GKE provisions nodes, and gVisor is built in: pods use runtimeClassName "gvisor"); remove ${f}, or use platform gke-standard`,
      ),
    );
    // The same fields are fine on Standard.
    expect(problems({ systemPool: {}, sandboxPool: {}, gpuPool: { gpuType: 'l4' } })).toEqual([]);
  });

  test('error: the managed add-on together with our own controller', () => {
    expect(problems({ addons: { agentSandbox: true } })).toEqual([
      'cluster.addons.agentSandbox: the managed add-on installs its own agent-sandbox controller and CRDs, but the sandbox config has agentSandbox: self ' +
        '(we install ours; both would own the same CRDs); set agentSandbox: managed in the sandbox config or turn addons.agentSandbox off',
    ]);
  });

  test('error: agentSandbox: managed without the add-on on a cluster we create', () => {
    const managed = { ...autopilot, selfManagedAgentSandbox: false };
    expect(problems({}, managed)).toEqual([
      'cluster.addons.agentSandbox: the sandbox config has agentSandbox: managed, which needs GKE\'s add-on: set addons.agentSandbox: true, got false',
    ]);
    expect(problems({ addons: { agentSandbox: true } }, managed)).toEqual([]);
    // An adopted cluster's add-on is checked at deploy time instead (existingClusterProblems).
    expect(problems({ existingCluster: { name: 'team-a', location: 'us-central1' } }, managed)).toEqual([]);
  });

  test('error: no project or location to fall back on', () => {
    expect(problems({}, { platform: 'gke-standard', selfManagedAgentSandbox: true } as typeof standard)).toEqual([
      'cluster.project: is required when the gcp:project stack config is not set',
      'cluster.location: is required when neither gcp:region nor gcp:zone is set in the stack config',
    ]);
    expect(
      problems({ existingCluster: { name: 'team-a', location: 'europe-west4', project: 'acme-team-a' } }, { platform: 'gke-standard', selfManagedAgentSandbox: true } as typeof standard),
    ).toEqual([]);
  });

  test('error: a platform this component does not handle', () => {
    expect(problems({}, { ...standard, platform: 'eks' })).toEqual(['platform: GkeSandboxCluster handles gke-autopilot, gke-standard, got "eks"']);
  });

  test('error: a node service account on an adopted Autopilot cluster would be unused', () => {
    expect(problems({ existingCluster: { name: 'a', location: 'us-central1' }, nodeServiceAccountEmail: 'n@p.iam.gserviceaccount.com' }, autopilot)).toEqual([
      'cluster.nodeServiceAccountEmail: nothing is created on an existing Autopilot cluster, so the node service account would not be used (remove nodeServiceAccountEmail)',
    ]);
  });
  test("error: minMasterVersion that does not guarantee the sandbox config's gkeVersion (managed add-on)", () => {
    const managed = { ...autopilot, selfManagedAgentSandbox: false, sandboxGkeVersion: '1.37.1-gke.200' };
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1767000' }, managed)).toEqual([
      "cluster.minMasterVersion: the sandbox config's platforms.gke-autopilot.gkeVersion is 1.37.1-gke.200, but minMasterVersion \"1.36.3-gke.1767000\" " +
        'does not guarantee that version (the cluster may come up older, with an add-on that does not serve what the manifests were checked against); ' +
        'set minMasterVersion to "1.37.1-gke.200" or later, or gkeVersion to the version minMasterVersion guarantees',
    ]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.37' }, managed)).toHaveLength(1); // 1.37.0 < 1.37.1-gke.200
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: 'latest' }, managed)).toHaveLength(1);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.37.1-gke.200' }, managed)).toEqual([]);
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.38' }, managed)).toEqual([]);
    // A missing minMasterVersion is reported by parseGkeClusterConfig; an adopted cluster is compared at deploy time.
    expect(problems({ addons: { agentSandbox: true } }, managed)).toEqual([]);
    expect(problems({ existingCluster: { name: 'team-a', location: 'us-central1' } }, managed)).toEqual([]);
    // Without sandboxGkeVersion there is nothing to compare.
    expect(problems({ addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1767000' }, { ...managed, sandboxGkeVersion: undefined })).toEqual([]);
  });
});

describe('existingClusterProblems', () => {
  const healthy: ExistingClusterState = {
    enableAutopilot: false,
    addonsConfigs: [{ agentSandboxConfigs: [{ enabled: false }] }] as ExistingClusterState['addonsConfigs'],
    workloadIdentityConfigs: [{ workloadPool: 'acme-agents-prod.svc.id.goog' }],
    masterVersion: '1.36.3-gke.1767000',
    datapathProvider: 'ADVANCED_DATAPATH',
    networkPolicies: [],
  };
  const ref = { platform: 'gke-standard' as const, selfManagedAgentSandbox: true, name: 'team-a', location: 'us-central1', project: 'acme-agents-prod' };

  test('a Standard cluster with Workload Identity and no add-on is fine for agentSandbox: self', () => {
    expect(existingClusterProblems(healthy, ref)).toEqual([]);
  });

  test('the cluster mode must match the platform', () => {
    expect(existingClusterProblems({ ...healthy, enableAutopilot: true }, ref)).toEqual([
      'existing cluster acme-agents-prod/us-central1/team-a is an Autopilot cluster, but the platform is gke-standard; set agent-sandbox-infra:platform to gke-autopilot',
    ]);
  });

  test('Standard needs Workload Identity for GKE_METADATA pools, with the gcloud fix', () => {
    expect(existingClusterProblems({ ...healthy, workloadIdentityConfigs: [] }, ref)).toEqual([
      expect.stringContaining('"gcloud container clusters update team-a --location=us-central1 --project=acme-agents-prod --workload-pool=acme-agents-prod.svc.id.goog"'),
    ]);
  });

  test('the add-on state must match the agent-sandbox mode', () => {
    const withAddon = { ...healthy, addonsConfigs: [{ agentSandboxConfigs: [{ enabled: true }] }] as ExistingClusterState['addonsConfigs'] };
    expect(existingClusterProblems(withAddon, ref)).toEqual([expect.stringContaining("runs GKE's managed agent-sandbox add-on, but the sandbox config has agentSandbox: self")]);
    expect(existingClusterProblems(withAddon, { ...ref, selfManagedAgentSandbox: false })).toEqual([]);
    expect(existingClusterProblems(healthy, { ...ref, selfManagedAgentSandbox: false })).toEqual([
      expect.stringContaining('"gcloud beta container clusters update team-a --location=us-central1 --project=acme-agents-prod --enable-agent-sandbox"'),
    ]);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.35.1-gke.1000' }, { ...ref, selfManagedAgentSandbox: false })).toEqual([
      'existing cluster acme-agents-prod/us-central1/team-a runs GKE 1.35.1-gke.1000; the managed agent-sandbox add-on needs ≥ 1.35.2-gke.1269000: upgrade the cluster',
    ]);
  });
  test('managed mode: an add-on that exists but serves only v1alpha1 is refused (we emit v1beta1)', () => {
    const withAddon = { ...healthy, addonsConfigs: [{ agentSandboxConfigs: [{ enabled: true }] }] as ExistingClusterState['addonsConfigs'] };
    const managed = { ...ref, selfManagedAgentSandbox: false };
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.36.1-gke.500' }, managed)).toEqual([
      'existing cluster acme-agents-prod/us-central1/team-a runs GKE 1.36.1-gke.500: the add-on on 1.36.1-gke.500 serves only v1alpha1, ' +
        'but we emit v1beta1 SandboxTemplates/WarmPools/Claims (served by the add-on from 1.36.3-gke.1767000); upgrade the cluster or use agentSandbox: self',
    ]);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.35.2-gke.1269000' }, managed)).toHaveLength(1);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.36.3-gke.1767000' }, managed)).toEqual([]);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.37.0-gke.100' }, managed)).toEqual([]);
    // agentSandbox: self does not care about the add-on's API version.
    expect(existingClusterProblems({ ...healthy, masterVersion: '1.36.1-gke.500' }, ref)).toEqual([]);
  });

  test("managed mode: the cluster must run at least the sandbox config's gkeVersion", () => {
    const withAddon = { ...healthy, addonsConfigs: [{ agentSandboxConfigs: [{ enabled: true }] }] as ExistingClusterState['addonsConfigs'] };
    const managed = { ...ref, selfManagedAgentSandbox: false, sandboxGkeVersion: '1.37.1-gke.200' };
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.36.3-gke.1767000' }, managed)).toEqual([
      "existing cluster acme-agents-prod/us-central1/team-a runs GKE 1.36.3-gke.1767000, older than the sandbox config's platforms.gke-standard.gkeVersion " +
        '1.37.1-gke.200 (the version its manifests were checked against): upgrade the cluster to ≥ 1.37.1-gke.200 or set gkeVersion to 1.36.3-gke.1767000',
    ]);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.37.1-gke.200' }, managed)).toEqual([]);
    expect(existingClusterProblems({ ...withAddon, masterVersion: '1.38.0-gke.1' }, managed)).toEqual([]);
  });

  test('refused: a cluster that enforces no NetworkPolicy (legacy datapath without Calico), with the gcloud fix', () => {
    const legacy = { ...healthy, datapathProvider: 'LEGACY_DATAPATH', networkPolicies: [{ enabled: false, provider: 'PROVIDER_UNSPECIFIED' }] };
    const message =
      'existing cluster acme-agents-prod/us-central1/team-a does not enforce Kubernetes NetworkPolicy (datapathProvider "LEGACY_DATAPATH", ' +
      "network policy enforcement off): the sandbox namespaces' NetworkPolicies (default deny, egress allowlists) would not be enforced, " +
      'so sandboxes could reach every pod and address the nodes can; enable enforcement with ' +
      '"gcloud container clusters update team-a --location=us-central1 --project=acme-agents-prod --update-addons=NetworkPolicy=ENABLED" and then ' +
      '"gcloud container clusters update team-a --location=us-central1 --project=acme-agents-prod --enable-network-policy" (recreates the nodes; ' +
      'https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy), or use a cluster created with Dataplane V2 (--enable-dataplane-v2)';
    expect(existingClusterProblems(legacy, ref)).toEqual([message]);
    // An empty datapathProvider (older clusters) is the legacy datapath too.
    expect(existingClusterProblems({ ...legacy, datapathProvider: '' }, ref)).toEqual([message]);
    // Calico on the legacy datapath enforces NetworkPolicy; so does Dataplane V2.
    expect(existingClusterProblems({ ...legacy, networkPolicies: [{ enabled: true, provider: 'CALICO' }] }, ref)).toEqual([]);
    expect(enforcesNetworkPolicy({ datapathProvider: 'ADVANCED_DATAPATH', networkPolicies: [] })).toBe(true);
    expect(enforcesNetworkPolicy({ datapathProvider: 'LEGACY_DATAPATH', networkPolicies: [] })).toBe(false);
  });
});

describe('autoNameProblems: names Pulumi generates must fit GKE (≤ 40 characters, [a-z][-a-z0-9]*)', () => {
  test('short component names pass; cluster.name avoids the generated cluster name', () => {
    expect(autoNameProblems('gke-standard', { gpuPool: { gpuType: 'l4' } }, 'gke-standard')).toEqual([]);
    expect(autoNameProblems('a'.repeat(24), {}, 'gke-standard')).toEqual([]); // a…a-sandbox-xxxxxxx = 40
    expect(autoNameProblems('a'.repeat(30), { name: 'agents' }, 'gke-autopilot')).toEqual([]);
  });

  test('a long stack name: the cluster and every pool that would not fit, each with the limit and the fix', () => {
    const name = 'agents-production-europe-west';
    expect(autoNameProblems(name, { gpuPool: { gpuType: 'l4' } }, 'gke-standard')).toEqual([
      problemAt(
        'cluster.name',
        'the cluster is auto-named "agents-production-europe-west-cluster-<7 random characters>" from the component name "agents-production-europe-west" ' +
          '(the stack name): 45 characters, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; ' +
          'set cluster.name, or use a stack (component) name of at most 24 such characters',
        'autoName',
      ),
      problemAt(
        'cluster.systemPool',
        'the system node pool is auto-named "agents-production-europe-west-system-<7 random characters>" from the component name "agents-production-europe-west" ' +
          '(the stack name): 44 characters, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; ' +
          'use a stack (component) name of at most 25 such characters',
        'autoName',
      ),
      problemAt(
        'cluster.sandboxPool',
        'the sandbox node pool is auto-named "agents-production-europe-west-sandbox-<7 random characters>" from the component name "agents-production-europe-west" ' +
          '(the stack name): 45 characters, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; ' +
          'use a stack (component) name of at most 24 such characters',
        'autoName',
      ),
      problemAt(
        'cluster.gpuPool',
        'the gpu node pool is auto-named "agents-production-europe-west-gpu-<7 random characters>" from the component name "agents-production-europe-west" ' +
          '(the stack name): 41 characters, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; ' +
          'use a stack (component) name of at most 28 such characters',
        'autoName',
      ),
    ]);
    // 28 characters: "<name>-gpu-xxxxxxx" is exactly 40 and fits; the others do not.
    expect(autoNameProblems(name.slice(0, 28), { gpuPool: { gpuType: 'l4' } }, 'gke-standard').map((p) => p.path)).toEqual([
      'cluster.name',
      'cluster.systemPool',
      'cluster.sandboxPool',
    ]);
  });

  test('characters GKE does not allow (uppercase, "_", a leading digit) are named', () => {
    expect(autoNameProblems('Prod_EU', { name: 'agents' }, 'gke-standard')[0]).toEqual(problemAt(
      'cluster.systemPool',
      'the system node pool is auto-named "Prod_EU-system-<7 random characters>" from the component name "Prod_EU" (the stack name): ' +
        '22 characters, with characters GKE does not allow, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; ' +
        'use a stack (component) name of at most 25 such characters',
      'autoName',
    ));
    expect(autoNameProblems('1prod', {}, 'gke-autopilot').map((p) => p.path)).toEqual(['cluster.name']);
  });

  test('adopted clusters: no cluster or system pool is created, so only the sandbox (and GPU) pools count; Autopilot: nothing', () => {
    const name = 'a'.repeat(26);
    expect(autoNameProblems(name, { existingCluster: { name: 'team-a', location: 'us-central1' } }, 'gke-standard').map((p) => p.path)).toEqual([
      'cluster.sandboxPool',
    ]);
    expect(autoNameProblems(name, { existingCluster: { name: 'team-a', location: 'us-central1' } }, 'gke-autopilot')).toEqual([]);
  });
});

describe('exposureWarnings: created clusters reachable from the internet are loud', () => {
  test('defaults: public node IPs and an unrestricted control-plane endpoint', () => {
    expect(exposureWarnings({})).toEqual([
      'cluster.privateNodes: the cluster\'s nodes get public IP addresses (privateNodes is false); set privateNodes: true (nodes get internal IPs only; ' +
        'add Cloud NAT to the subnetwork so nodes can still pull images from outside Google) (https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters)',
      'cluster.masterAuthorizedNetworks: the control-plane endpoint accepts connections from any IP address (no authorized networks); ' +
        'set masterAuthorizedNetworks to your admin and CI ranges, e.g. [{ cidrBlock: "203.0.113.0/24", displayName: "office" }] ' +
        '(https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks)',
    ]);
  });

  test('private nodes and authorized networks silence them; adopted clusters are not ours to judge', () => {
    expect(exposureWarnings({ privateNodes: true, masterAuthorizedNetworks: [{ cidrBlock: '203.0.113.0/24' }] })).toEqual([]);
    expect(exposureWarnings({ privateNodes: true })).toHaveLength(1);
    expect(exposureWarnings({ existingCluster: { name: 'team-a', location: 'us-central1' } })).toEqual([]);
  });
});
