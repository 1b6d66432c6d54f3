import { contextProblems, existingClusterProblems, type ExistingClusterState } from '../../../stacks/gke/checks';

const standard = { platform: 'gke-standard', selfManagedAgentSandbox: true, gcpProject: 'acme-agents-prod', gcpLocation: 'us-central1' };
const autopilot = { ...standard, platform: 'gke-autopilot' };

function problems(raw: unknown, context = standard): string[] {
  return contextProblems(raw, context).map((p) => `${p.propertyPath}: ${p.reason}`);
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
});

describe('existingClusterProblems', () => {
  const healthy: ExistingClusterState = {
    enableAutopilot: false,
    addonsConfigs: [{ agentSandboxConfigs: [{ enabled: false }] }] as ExistingClusterState['addonsConfigs'],
    workloadIdentityConfigs: [{ workloadPool: 'acme-agents-prod.svc.id.goog' }],
    masterVersion: '1.36.3-gke.1767000',
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
});
