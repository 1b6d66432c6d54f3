/**
 * Config errors: GkeSandboxCluster throws one InputPropertiesError listing every problem, before it (or anything)
 * is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { GkeSandboxCluster, type GkeSandboxClusterArgs } from '../../../stacks/gke/cluster';
import { mockPulumi } from '../../support/pulumi-mocks';

// No data-source call is expected: validation comes first.
const mocks = mockPulumi({ state: () => ({ endpoint: '34.118.0.10', masterAuth: { clusterCaCertificate: 'Q0E=' }, email: 'n@acme-agents-prod.iam.gserviceaccount.com' }) });
const registeredNames = () => mocks.registered.map((r) => r.name);

const BASE = { project: 'acme-agents-prod', location: 'us-central1' };

/** Constructs the component and returns the thrown error (fails the test when nothing is thrown). */
function failure(name: string, args: GkeSandboxClusterArgs): pulumi.InputPropertiesError {
  try {
    new GkeSandboxCluster(name, args);
  } catch (e) {
    expect(pulumi.InputPropertiesError.isInstance(e)).toBe(true);
    return e as pulumi.InputPropertiesError;
  }
  throw new Error(`GkeSandboxCluster "${name}" accepted an invalid config`);
}

/** Registration is asynchronous: give it time, then check that nothing with this name was registered. */
async function expectNothingRegistered(name: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  expect(registeredNames().filter((n) => n === name || n.startsWith(`${name}-`))).toEqual([]);
}

const standard = (cluster: unknown, selfManagedAgentSandbox = true): GkeSandboxClusterArgs => ({ platform: 'gke-standard', selfManagedAgentSandbox, cluster });
const autopilot = (cluster: unknown, selfManagedAgentSandbox = true): GkeSandboxClusterArgs => ({ platform: 'gke-autopilot', selfManagedAgentSandbox, cluster });

let tableRow = 0;

describe('GkeSandboxCluster config errors', () => {
  test.each<[string, GkeSandboxClusterArgs, string, string]>([
    [
      'sandboxing the system pool',
      standard({ ...BASE, systemPool: { gvisor: true } }),
      'cluster.systemPool.gvisor',
      'the system pool cannot be sandboxed, got true: GKE needs at least one non-sandboxed node pool for its system workloads; sandboxes run on cluster.sandboxPool',
    ],
    [
      'a sandbox pool image other than COS_CONTAINERD',
      standard({ ...BASE, sandboxPool: { imageType: 'UBUNTU_CONTAINERD' } }),
      'cluster.sandboxPool.imageType',
      'GKE Sandbox (gVisor) node pools only run on "COS_CONTAINERD" (Container-Optimized OS with containerd), got "UBUNTU_CONTAINERD"',
    ],
    [
      'an unsupported GPU type',
      standard({ ...BASE, gpuPool: { gpuType: 'v100' } }),
      'cluster.gpuPool.gpuType',
      'must be a GPU GKE Sandbox supports: t4 (nvidia-tesla-t4), a100 (nvidia-tesla-a100), a100-80gb (nvidia-a100-80gb), l4 (nvidia-l4), h100-80gb (nvidia-h100-80gb); got "v100"',
    ],
    [
      'node pool settings on Autopilot',
      autopilot({ ...BASE, sandboxPool: { machineType: 'n2-standard-8' } }),
      'cluster.sandboxPool',
      'Autopilot clusters have no node pools to configure (GKE provisions nodes, and gVisor is built in: pods use runtimeClassName "gvisor"); remove sandboxPool, or use platform gke-standard',
    ],
    [
      'the managed add-on together with our own controller',
      autopilot({ ...BASE, addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1767000' }, true),
      'cluster.addons.agentSandbox',
      'the managed add-on installs its own agent-sandbox controller and CRDs, but the sandbox config has agentSandbox: self (we install ours; both would own the same CRDs); ' +
        'set agentSandbox: managed in the sandbox config or turn addons.agentSandbox off',
    ],
    [
      'agentSandbox: managed without the add-on',
      standard({ ...BASE }, false),
      'cluster.addons.agentSandbox',
      "the sandbox config has agentSandbox: managed, which needs GKE's add-on: set addons.agentSandbox: true, got false",
    ],
    [
      'the add-on on a pinned version that cannot have it',
      autopilot({ ...BASE, addons: { agentSandbox: true }, minMasterVersion: '1.34.5-gke.1000' }, false),
      'cluster.minMasterVersion',
      'the managed agent-sandbox add-on (addons.agentSandbox) needs GKE ≥ 1.35.2-gke.1269000, got "1.34.5-gke.1000"; raise minMasterVersion or turn the add-on off (agentSandbox: self)',
    ],
    [
      'the add-on on an existing cluster',
      standard({ existingCluster: { name: 'team-a', location: 'us-east1', project: 'acme-team-a' }, addons: { agentSandbox: true } }, false),
      'cluster.addons.agentSandbox',
      'cannot be changed on an existing cluster from here; enable the add-on with ' +
        '"gcloud beta container clusters update team-a --location=us-east1 --project=acme-team-a --enable-agent-sandbox" (needs GKE ≥ 1.35.2-gke.1269000) ' +
        'and remove addons.agentSandbox, or drop existingCluster and let us create the cluster',
    ],
    [
      'the add-on on a created cluster without a pinned minMasterVersion (the channel default may serve only v1alpha1)',
      autopilot({ ...BASE, addons: { agentSandbox: true } }, false),
      'cluster.minMasterVersion',
      "is required with addons.agentSandbox: true: without a pinned minimum the cluster comes up on the release channel's default version, " +
        'whose agent-sandbox add-on may serve only v1alpha1, while we emit v1beta1 (served by the add-on from GKE 1.36.3-gke.1767000); ' +
        'set minMasterVersion to "1.36.3-gke.1767000" or later (the sandbox config\'s platforms.<platform>.gkeVersion), or turn the add-on off (agentSandbox: self)',
    ],
    [
      'the add-on on a version that has it but serves only v1alpha1',
      autopilot({ ...BASE, addons: { agentSandbox: true }, minMasterVersion: '1.36.1-gke.500' }, false),
      'cluster.minMasterVersion',
      'the managed agent-sandbox add-on serves v1beta1 (the API version of the SandboxTemplates, warm pools and claims we emit) only from GKE ' +
        '1.36.3-gke.1767000, and minMasterVersion "1.36.1-gke.500" does not guarantee that: set minMasterVersion to "1.36.3-gke.1767000" or later, ' +
        'or turn the add-on off (agentSandbox: self)',
    ],
    [
      "a minMasterVersion below the sandbox config's gkeVersion",
      { ...autopilot({ ...BASE, addons: { agentSandbox: true }, minMasterVersion: '1.36.3-gke.1767000' }, false), sandboxGkeVersion: '1.37.0-gke.100' },
      'cluster.minMasterVersion',
      "the sandbox config's platforms.gke-autopilot.gkeVersion is 1.37.0-gke.100, but minMasterVersion \"1.36.3-gke.1767000\" does not guarantee that version " +
        '(the cluster may come up older, with an add-on that does not serve what the manifests were checked against); ' +
        'set minMasterVersion to "1.37.0-gke.100" or later, or gkeVersion to the version minMasterVersion guarantees',
    ],
  ])('%s', async (_, args, propertyPath, reason) => {
    // Short names: the component name also names the cluster and pools Pulumi generates (checked separately below).
    const name = `bad-${++tableRow}`;
    const error = failure(name, args);
    expect(error.errors).toEqual([{ propertyPath, reason }]);
    expect(error.message).toBe(`agent-sandbox-infra:gke:SandboxCluster "${name}": 1 problem in the stack config:\n  ${propertyPath}: ${reason}`);
    await expectNothingRegistered(name);
  });

  test('every problem is reported at once, in one error', async () => {
    const error = failure(
      'many',
      autopilot({ releaseChanel: 'RAPID', location: 'us central', addons: { agentSandbox: true }, systemPool: { gvisor: true }, gpuPool: { gpuType: 'k80' } }, true),
    );
    expect(error.errors.map((e) => e.propertyPath)).toEqual([
      'cluster.location',
      'cluster.gpuPool.gpuType',
      'cluster.releaseChanel',
      'cluster.systemPool.gvisor',
      'cluster.minMasterVersion', // the add-on on a created cluster without a pinned minimum
      'cluster.systemPool',
      'cluster.gpuPool',
      'cluster.addons.agentSandbox',
      'cluster.project', // no cluster.project and no gcp:project stack config
    ]);
    expect(error.message).toMatch(/^agent-sandbox-infra:gke:SandboxCluster "many": 9 problems in the stack config:\n {2}cluster\.location: must be a region/);
    await expectNothingRegistered('many');
  });

  test('a component (stack) name too long for the names GKE accepts is refused up front, nothing registered', async () => {
    const name = 'agents-production-europe-west';
    const error = failure(name, standard({ ...BASE, name: 'agents' }));
    expect(error.errors.map((e) => e.propertyPath)).toEqual(['cluster.systemPool', 'cluster.sandboxPool']);
    expect(error.message).toContain(
      `cluster.sandboxPool: the sandbox node pool is auto-named "${name}-sandbox-<7 random characters>" from the component name "${name}" (the stack name): ` +
        '45 characters, but GKE names are at most 40 lowercase letters, digits and "-", starting with a letter; use a stack (component) name of at most 24 such characters',
    );
    await expectNothingRegistered(name);
  });

  test('a valid config constructs (the table above fails for its own reason only)', async () => {
    const c = new GkeSandboxCluster('fine', standard({ ...BASE }));
    await Promise.all([c.urn, c.kubeconfig, c.sandboxPoolNames, ...c.nodePools.map((p) => p.urn)].map((o) => new Promise((resolve) => (o as pulumi.Output<unknown>).apply(resolve))));
    expect(registeredNames()).toEqual(expect.arrayContaining(['fine', 'fine-cluster', 'fine-system', 'fine-sandbox']));
  });
});
