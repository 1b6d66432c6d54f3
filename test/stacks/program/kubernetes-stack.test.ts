/**
 * Pulumi.kubernetes.yaml, the kubeconfig-only stack, under mocks: a secret kubeconfig (and a context) is all it
 * needs; it deploys the manifests of `cluster.manifestsFor` through a provider made from it, and for a RuntimeClass
 * the manifests only reference it reads the cluster's own and refuses a host-kernel one. The same stack runs for real
 * against the local cluster in test/integration/pulumi-stack.test.ts.
 */
import { load } from 'js-yaml';
import { LIVE_OBJECTS, ofType, refusedStack, runStack, stackFileConfig, type StackRun } from '../../support/pulumi-stack';
import { hostKernelHandlerProblem } from '../../../stacks/kubernetes/cluster';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: QUJD}\n  name: c\nusers:\n- name: u\n  user: {token: s3cr3t-t0ken}\n';
const SECRET = ['agent-sandbox-infra:kubeconfig'];

function config(overrides: { cluster?: unknown; sandbox?: unknown; kubeconfig?: string | null } = {}): Record<string, string> {
  const base = stackFileConfig('kubernetes');
  const out: Record<string, string> = { ...base };
  if (overrides.cluster !== undefined) out['agent-sandbox-infra:cluster'] = JSON.stringify(overrides.cluster);
  if (overrides.sandbox !== undefined) out['agent-sandbox-infra:sandbox'] = JSON.stringify(overrides.sandbox);
  if (overrides.kubeconfig !== null) out['agent-sandbox-infra:kubeconfig'] = overrides.kubeconfig ?? KUBECONFIG;
  return out;
}

const sandboxOf = () => JSON.parse(stackFileConfig('kubernetes')['agent-sandbox-infra:sandbox']) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const kindsIn = (yaml: unknown) => String(yaml).split(/^---$/m).map((d) => (load(d) as { kind: string }).kind);

describe('Pulumi.kubernetes.yaml with its kubeconfig secret', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('kubernetes', config(), {}, SECRET);
  });

  test('creates no cloud resource: one provider from the kubeconfig and context, and the ConfigGroups in order', () => {
    expect(run.resources.map((r) => r.type).filter((t) => !t.startsWith('kubernetes:') && !t.startsWith('pulumi:'))).toStrictEqual([
      'agent-sandbox-infra:kubernetes:SandboxCluster',
    ]);
    const [provider] = ofType(run, 'pulumi:providers:kubernetes');
    // A secret end to end: the provider gets it in the engine's secret envelope (sdk `specialSigKey`/`specialSecretSig`).
    expect(provider.inputs.kubeconfig).toStrictEqual({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: KUBECONFIG });
    expect(provider.inputs.context).toBe('sandbox-cluster');
    expect(ofType(run, 'kubernetes:yaml/v2:ConfigGroup').map((g) => g.name)).toStrictEqual(['kubernetes-crds', 'kubernetes-agent-sandbox-access', 'kubernetes-agent-sandbox', 'kubernetes-runtime', 'kubernetes-workloads']);
    expect(run.dependsOn['kubernetes-runtime']).toEqual(expect.arrayContaining(['kubernetes-crds', 'kubernetes-agent-sandbox']));
    // Our RuntimeClass: nothing to read from the cluster.
    expect(ofType(run, 'kubernetes:node.k8s.io/v1:RuntimeClass')).toStrictEqual([]);
  });

  test('deploys the RuntimeClass its settings name: selecting their label, tolerating their taint', () => {
    const runtime = ofType(run, 'kubernetes:yaml/v2:ConfigGroup').find((g) => g.name === 'kubernetes-runtime')!;
    const [rc] = String(runtime.inputs.yaml).split(/^---$/m).map((d) => load(d) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([rc.metadata.name, rc.handler, rc.scheduling]).toStrictEqual([
      'gvisor',
      'runsc',
      {
        nodeSelector: { 'node.example.com/sandbox-runtime': 'gvisor' },
        tolerations: [{ key: 'node.example.com/dedicated', operator: 'Equal', value: 'agent-sandboxes', effect: 'NoSchedule' }],
      },
    ]);
  });

  // (That the kubeconfig output stays a secret is checked on the real engine: test/integration/pulumi-stack.test.ts.)
  test('outputs: the kubeconfig it was given; the manifests are the kubernetes platform\'s; no node pools of ours', () => {
    const out = run.outputs as Record<string, unknown>;
    expect(out.platform).toBe('kubernetes');
    expect(out.runtimeClassName).toBe('gvisor');
    expect(out.kubeconfig).toBe(KUBECONFIG);
    expect(out.clusterName).toBe('sandbox-cluster');
    expect(out.manifests).toMatchObject({ platform: 'kubernetes', files: ['00-crds.yaml', '10-agent-sandbox.yaml', '20-runtime.yaml', '30-tenant-agents-prod.yaml'] });
    expect(out.sandboxPoolNames).toStrictEqual([]);
  });
});

describe('manifestsFor: another platform\'s manifests onto a cluster its own tools created', () => {
  afterEach(() => LIVE_OBJECTS.clear());

  test('eks: its gvisor RuntimeClass (our EKS node label and taint) and no read of the cluster', async () => {
    const run = await runStack('kubernetes', config({ cluster: { manifestsFor: 'eks' } }), {}, SECRET);
    const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toStrictEqual(['kubernetes-crds', 'kubernetes-agent-sandbox-access', 'kubernetes-agent-sandbox', 'kubernetes-runtime', 'kubernetes-workloads']);
    expect(String(groups[3].inputs.yaml)).toContain('sandbox.agent-sandbox-infra.io/runtime: gvisor');
    expect(run.outputs.manifests).toMatchObject({ platform: 'eks' });
  });

  test('aks: the platform\'s kata-vm-isolation is read from the cluster first; its manifests carry no RuntimeClass', async () => {
    LIVE_OBJECTS.set('kubernetes:node.k8s.io/v1:RuntimeClass kata-vm-isolation', { handler: 'kata' });
    const run = await runStack('kubernetes', config({ cluster: { manifestsFor: 'aks' } }), {}, SECRET);
    expect(ofType(run, 'kubernetes:node.k8s.io/v1:RuntimeClass').map((r) => r.name)).toStrictEqual(['kubernetes-runtimeclass-kata-vm-isolation']);
    const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toStrictEqual(['kubernetes-crds', 'kubernetes-agent-sandbox-access', 'kubernetes-agent-sandbox', 'kubernetes-workloads']);
    expect(kindsIn(groups[3].inputs.yaml)).not.toContain('RuntimeClass');
    expect(run.outputs.runtimeClassName).toBe('kata-vm-isolation');
  });

  test('an existing RuntimeClass whose live handler is runc: no manifest is registered and the reason is logged as an error (the run fails)', async () => {
    LIVE_OBJECTS.set('kubernetes:node.k8s.io/v1:RuntimeClass kata-qemu', { handler: 'runc' });
    const sandbox = sandboxOf();
    sandbox.platforms.kubernetes.runtimeClass = { name: 'kata-qemu', existing: true, isolation: 'kata' };
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const run = await runStack('kubernetes', config({ sandbox }), {}, SECRET);
      expect(ofType(run, 'kubernetes:yaml/v2:ConfigGroup')).toStrictEqual([]);
      expect(run.outputs.manifests).toStrictEqual({ platform: 'kubernetes', objects: 0, files: [] });
      expect(logged.mock.calls.map((c) => String(c[0]))).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'RuntimeClass "kata-qemu" has handler "runc", a host-kernel runtime (runc, crun, youki): sandbox pods naming it would run untrusted code on the node\'s kernel; point platforms.kubernetes.runtimeClass at a gVisor (runsc) or Kata class; no manifest was deployed',
          ),
        ]),
      );
    } finally {
      logged.mockRestore();
    }
    // The same stack with a sandboxed handler registers its ConfigGroups: the check is the difference.
    LIVE_OBJECTS.set('kubernetes:node.k8s.io/v1:RuntimeClass kata-qemu', { handler: 'kata-qemu' });
    const registered = ofType(await runStack('kubernetes', config({ sandbox }), {}, SECRET), 'kubernetes:yaml/v2:ConfigGroup').map((g) => g.name);
    expect(registered).toStrictEqual(['kubernetes-crds', 'kubernetes-agent-sandbox-access', 'kubernetes-agent-sandbox', 'kubernetes-workloads']);
  });
});

describe('refused before anything is registered', () => {
  test('without the kubeconfig secret, with an unknown manifestsFor and an unknown cluster key: every problem at once', async () => {
    const { error, registered } = await refusedStack('kubernetes', config({ kubeconfig: null, cluster: { manifestsFor: 'openshift', server: 'https://x' } }));
    expect(registered).toStrictEqual([]);
    expect((error as Error).message).toBe(
      'stack config has 3 problems; nothing was created:\n' +
        '  cluster.server: unknown field "server"\n' +
        '  kubeconfig: is required: the cluster to deploy to, as a secret — `pulumi config set --secret agent-sandbox-infra:kubeconfig "$(cat kubeconfig)"`, or the path of a kubeconfig file (with cluster.context to pick one of its contexts); this stack never falls back to whatever cluster your current kubectl context points at\n' +
        '  cluster.manifestsFor: must be one of gke-autopilot, gke-standard, eks, aks, kind, kubernetes, got "openshift"',
    );
  });

  test('settings that name a host-kernel handler are a sandbox config problem', async () => {
    const sandbox = sandboxOf();
    sandbox.platforms.kubernetes.runtimeClass = { handler: 'runc' };
    const { error } = await refusedStack('kubernetes', config({ sandbox }));
    expect((error as Error).message).toContain('sandbox.platforms.kubernetes.runtimeClass.handler: must be runsc (gVisor), or a Kata handler');
  });

  test('an existing RuntimeClass: the stack logs that synth could not verify it (the live read does)', () => {
    expect(hostKernelHandlerProblem('kata-qemu', 'kata-qemu')).toBeUndefined();
    expect(hostKernelHandlerProblem('gvisor', 'crun')).toMatch(/^RuntimeClass "gvisor" has handler "crun", a host-kernel runtime/);
    expect(hostKernelHandlerProblem('gvisor', '')).toBe('RuntimeClass "gvisor" has no handler');
  });
});
