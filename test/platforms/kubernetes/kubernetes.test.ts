/**
 * The generic `kubernetes` platform: a cluster we did not create, whose sandboxed RuntimeClass and sandbox nodes the
 * user names in `platforms.kubernetes`. What synth emits for each kind of settings, what validate checks under them,
 * and every refusal (all at once, each naming the field, the value and what is allowed).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { validateConfig } from '../../../config/validate';
import { EXAMPLE_CONFIG } from '../../../config/example';
import { synth } from '../../../cli/synth';
import { SandboxTemplate } from '../../../constructs/workloads/sandbox-template';
import { SandboxPlatformChart } from '../../../constructs/sandbox-platform-chart';
import { platformFacts, runtimeFor } from '../../../platforms';
import { handlerIsolation, kubernetes } from '../../../platforms/kubernetes';
import { ProblemsError, formatProblem } from '../../../core/diagnostics';
import { runCli } from '../../support/cli';
import { configProblems } from '../../support/problems';

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'asi-kubernetes-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const withSettings = (settings: unknown) => ({ ...EXAMPLE_CONFIG, platforms: { kubernetes: settings } });
const problemsOf = (settings: unknown): readonly string[] => configProblems(withSettings(settings), 'test');

function synthObjects(settings: unknown, dir: string): Obj[] {
  const [summary] = synth({ platforms: ['kubernetes'], config: validateConfig(withSettings(settings), 'test'), out: join(out, dir) });
  return summary.files.flatMap((f) => loadAll(readFileSync(join(out, dir, 'kubernetes', f), 'utf8')) as Obj[]);
}

const podsOf = (objects: Obj[]) => objects.filter((o) => o.kind === 'SandboxTemplate').map((t) => t.spec.podTemplate.spec);

describe('defaults: gVisor that we create, on labelled and tainted sandbox nodes', () => {
  test('the module\'s facts are the default settings\' facts', () => {
    const facts = platformFacts('kubernetes');
    expect(facts.runtimes).toStrictEqual({
      gvisor: {
        runtimeClassName: 'gvisor',
        owner: 'us',
        handler: 'runsc',
        runtimeClassScheduling: {
          nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' },
          tolerations: [{ key: 'sandbox.agent-sandbox-infra.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
        },
        podPlacement: { nodeSelector: {}, tolerations: [] },
        limitsSizeTheSandbox: false,
        podOverheadMiB: 0,
        source: 'https://gvisor.dev/docs/user_guide/containerd/quick_start/',
      },
    });
    expect(facts.warnings).toStrictEqual([]);
    expect(kubernetes.runtimes).toStrictEqual(facts.runtimes);
    expect(kubernetes.sandboxNode).toStrictEqual(facts.sandboxNode);
  });

  test('synth emits our gvisor RuntimeClass selecting and tolerating the sandbox nodes; pods carry no placement of their own', () => {
    const objects = synthObjects({}, 'defaults');
    expect(objects.filter((o) => o.kind === 'RuntimeClass')).toStrictEqual([
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'gvisor', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': 'gvisor' } },
        handler: 'runsc',
        scheduling: {
          nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' },
          tolerations: [{ key: 'sandbox.agent-sandbox-infra.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
        },
      },
    ]);
    for (const pod of podsOf(objects)) {
      expect(pod.runtimeClassName).toBe('gvisor');
      expect(pod.tolerations).toBeUndefined();
      expect(pod.nodeSelector).toBeUndefined();
    }
  });
});

test('the built-in example names its own label and taint: our RuntimeClass selects the label and tolerates the taint', () => {
  const [summary] = synth({ platforms: ['kubernetes'], config: validateConfig(EXAMPLE_CONFIG, 'example'), out: join(out, 'example') });
  const rc = loadAll(readFileSync(join(out, 'example', 'kubernetes', '20-runtime.yaml'), 'utf8')) as Obj[];
  expect(summary.warnings).toStrictEqual([]);
  expect(rc.map((o) => [o.metadata.name, o.handler, o.scheduling])).toStrictEqual([
    [
      'gvisor',
      'runsc',
      {
        nodeSelector: { 'node.example.com/sandbox-runtime': 'gvisor' },
        tolerations: [{ key: 'node.example.com/dedicated', operator: 'Equal', value: 'agent-sandboxes', effect: 'NoSchedule' }],
      },
    ],
  ]);
});

test('a Kata handler we create: the class is named after it, and limits are required (they size the pod VM)', () => {
  const objects = synthObjects({ runtimeClass: { handler: 'kata-qemu' }, sandboxNodes: { taint: false } }, 'kata');
  expect(objects.filter((o) => o.kind === 'RuntimeClass').map((o) => [o.metadata.name, o.handler, o.metadata.labels?.['agent-sandbox-infra.io/isolation'], o.scheduling])).toStrictEqual([
    ['kata-qemu', 'kata-qemu', 'kata', { nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'kata' } }],
  ]);
  for (const pod of podsOf(objects)) expect(pod.runtimeClassName).toBe('kata-qemu');
  // Untainted sandbox nodes: the controller keeps off them by their label (a required node affinity).
  const controller = objects.find((o) => o.kind === 'Deployment')!;
  expect(JSON.stringify(controller.spec.template.spec.affinity)).toContain('"key":"sandbox.agent-sandbox-infra.io/runtime","operator":"DoesNotExist"');
  const chart = Testing.chart();
  expect(() =>
    new SandboxTemplate(chart, 'tpl', { platform: 'kubernetes', platformSettings: { runtimeClass: { handler: 'kata-clh' } }, namespace: 'agents', containers: [{ name: 'main', image: 'python:3.12-slim' }] }),
  ).toThrow('containers[0] (main).resources.limits.cpu: is required on kubernetes: kata-clh sizes the pod VM from container limits');
});

describe('an existing RuntimeClass we only reference', () => {
  const settings = {
    runtimeClass: { name: 'kata-qemu', existing: true, isolation: 'kata' },
    sandboxNodes: { label: { key: 'katacontainers.io/kata-runtime', value: 'true' }, taint: { key: 'sandbox', effect: 'NoExecute' } },
  };

  test('is never emitted; every sandbox pod carries the nodeSelector and toleration itself; synth warns that its handler is unverified', () => {
    const objects = synthObjects(settings, 'existing');
    expect(objects.filter((o) => o.kind === 'RuntimeClass')).toStrictEqual([]);
    expect(readdirSync(join(out, 'existing', 'kubernetes'))).not.toContain('20-runtime.yaml');
    const pods = podsOf(objects);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      expect(pod.runtimeClassName).toBe('kata-qemu');
      expect(pod.nodeSelector).toStrictEqual({ 'katacontainers.io/kata-runtime': 'true' });
      expect(pod.tolerations).toStrictEqual([{ key: 'sandbox', operator: 'Equal', value: '', effect: 'NoExecute' }]);
    }
    expect(platformFacts('kubernetes', settings).warnings).toStrictEqual([
      'platforms.kubernetes.runtimeClass: "kata-qemu" is an existing RuntimeClass that we reference but do not create, so its handler is not verified here; ' +
        "check that `kubectl get runtimeclass kata-qemu -o jsonpath='{.handler}'` is runsc (gVisor), or a Kata handler: kata, kata-qemu, kata-clh, kata-fc, kata-dragonball " +
        '(the kubeconfig-only Pulumi stack reads it and refuses a host-kernel one)',
    ]);
  });

  test('synth prints the warning; validate --config checks pods against the settings (placement written into each pod)', async () => {
    const config = join(out, 'existing.json');
    writeFileSync(config, JSON.stringify(withSettings(settings)));
    const run = await runCli(['synth', '--platform', 'kubernetes', '--config', config, '--out', join(out, 'existing-cli')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: platforms.kubernetes.runtimeClass: "kata-qemu" is an existing RuntimeClass');

    const dir = join(out, 'existing-cli', 'kubernetes');
    const ok = await runCli(['validate', dir, '--platform', 'kubernetes', '--config', config]);
    expect([ok.code, ok.stdout]).toStrictEqual([0, '']);
    expect(ok.stderr).toContain('warning: platforms.kubernetes.runtimeClass: "kata-qemu"');
    // Without the settings, the same pods name a RuntimeClass the default kubernetes platform does not have.
    const defaults = await runCli(['validate', dir, '--platform', 'kubernetes']);
    expect(defaults.code).toBe(1);
    expect(defaults.stdout).toContain('spec.podTemplate.spec.runtimeClassName: must name a sandboxed RuntimeClass (gvisor on kubernetes)');

    // A pod that drops the toleration the settings require.
    const tenant = readdirSync(dir).find((f) => f.includes('agents-prod'))!;
    const objects = loadAll(readFileSync(join(dir, tenant), 'utf8')) as Obj[];
    const template = objects.find((o) => o.kind === 'SandboxTemplate')!;
    delete template.spec.podTemplate.spec.tolerations;
    const file = join(out, 'no-toleration.yaml');
    writeFileSync(file, JSON.stringify(template));
    const missing = await runCli(['validate', file, '--platform', 'kubernetes', '--config', config]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      `SandboxTemplate ${template.metadata.namespace}/${template.metadata.name}: spec.podTemplate.spec.tolerations: must include {key: sandbox, operator: Equal, value: , effect: NoExecute}`,
    );
  });

  test('validate --config without --platform is refused, naming both', async () => {
    const run = await runCli(['validate', out, '--config', join(out, 'existing.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--config: needs --platform');
  });
});

test('validate --platform kubernetes --config: our RuntimeClass must select the configured label and tolerate the configured taint', async () => {
  const config = join(out, 'example.json');
  writeFileSync(config, JSON.stringify(EXAMPLE_CONFIG));
  const file = join(out, 'runtime.yaml');
  writeFileSync(file, JSON.stringify({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', scheduling: { nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' } } }));
  const run = await runCli(['validate', file, '--platform', 'kubernetes', '--config', config]);
  expect(run.code).toBe(1);
  expect(run.stdout.trim().split('\n')).toStrictEqual([
    expect.stringContaining('RuntimeClass gvisor: scheduling.nodeSelector["node.example.com/sandbox-runtime"]: must be "gvisor" (kubernetes has runsc only on its sandbox nodes'),
    expect.stringContaining('RuntimeClass gvisor: scheduling.tolerations: must tolerate the sandbox node taint {key: node.example.com/dedicated, value: agent-sandboxes, effect: NoSchedule}'),
  ]);
  writeFileSync(file, JSON.stringify({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runc' }));
  expect((await runCli(['validate', file, '--platform', 'kubernetes', '--config', config])).stdout).toContain('RuntimeClass gvisor: handler: must be "runsc"');
});

describe('refused settings: every problem at once, naming the field, the value and what is allowed', () => {
  test('host-kernel and unknown handlers', () => {
    expect(problemsOf({ runtimeClass: { handler: 'runc' } })).toStrictEqual([
      'platforms.kubernetes.runtimeClass.handler: must be runsc (gVisor), or a Kata handler: kata, kata-qemu, kata-clh, kata-fc, kata-dragonball, …, got "runc": it runs sandbox pods on the host kernel',
    ]);
    expect(problemsOf({ runtimeClass: { name: 'sandboxed', handler: 'crun' } })[0]).toMatch(/got "crun": it runs sandbox pods on the host kernel$/);
    expect(problemsOf({ runtimeClass: { handler: 'nvidia' } })[0]).toMatch(/got "nvidia" \(not a sandboxed runtime we know\)$/);
  });

  test('an existing class: no handler of ours, a name that is not a host-kernel runtime, and its isolation', () => {
    expect(problemsOf({ runtimeClass: { existing: true, handler: 'runsc' } })).toStrictEqual([
      'platforms.kubernetes.runtimeClass.handler: must not be set with existing: true (an existing RuntimeClass keeps its own handler, got "runsc"); remove handler, or remove existing to have it created',
      'platforms.kubernetes.runtimeClass.name: is required with existing: true (the RuntimeClass the cluster has)',
      'platforms.kubernetes.runtimeClass.isolation: is required with existing: true: gvisor or kata (what the RuntimeClass runs; Kata sizes each pod VM from its limits)',
    ]);
    expect(problemsOf({ runtimeClass: { existing: true, name: 'runc', isolation: 'gvisor' } })).toStrictEqual([
      'platforms.kubernetes.runtimeClass.name: must name a sandboxed RuntimeClass, got "runc" (a host-kernel runtime: runc, crun, youki)',
    ]);
  });

  test('a handler and an isolation that disagree; label and taint syntax; a taint that does not keep pods off', () => {
    expect(
      problemsOf({
        runtimeClass: { handler: 'runsc', isolation: 'kata' },
        sandboxNodes: { label: { key: 'bad key!', value: 'x' }, taint: { key: 'sandbox', value: 'a b', effect: 'PreferNoSchedule' } },
        nodes: 3,
      }),
    ).toStrictEqual([
      expect.stringMatching(/^platforms\.kubernetes\.sandboxNodes\.label\.key: key "bad key!" is not a qualified name/),
      'platforms.kubernetes.sandboxNodes.taint.value: must be a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit), got "a b"',
      'platforms.kubernetes.sandboxNodes.taint.effect: must be one of "NoSchedule", "NoExecute", got "PreferNoSchedule"',
      'platforms.kubernetes.nodes: unknown field "nodes"',
    ]);
    expect(problemsOf({ sandboxNodes: { taint: 'yes' } })).toStrictEqual([
      'platforms.kubernetes.sandboxNodes.taint: must be a taint {key, value, effect} or false (untainted sandbox nodes), got "yes"',
    ]);
    expect(problemsOf({ runtimeClass: { handler: 'runsc', isolation: 'kata' } })).toStrictEqual([
      'platforms.kubernetes.runtimeClass.isolation: must be "gvisor" for handler "runsc" (or leave it out), got "kata"',
    ]);
  });

  test('facts never come from invalid settings: platformFacts throws the same lines', () => {
    let err: unknown;
    try {
      runtimeFor('kubernetes', 'gvisor', { runtimeClass: { handler: 'runc' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemsError);
    expect((err as ProblemsError).problems.map(formatProblem)).toStrictEqual([expect.stringMatching(/^platforms\.kubernetes\.runtimeClass\.handler: must be runsc/)]);
    expect(() => new SandboxPlatformChart(Testing.app(), 'k', { platform: 'kubernetes', config: { platforms: { kubernetes: { runtimeClass: { handler: 'runc' } } } } as never })).toThrow(
      'platforms.kubernetes.runtimeClass.handler: must be runsc',
    );
  });
});

test('handler names: runsc and its variants are gVisor, kata-deploy\'s are Kata, nothing else is a sandbox', () => {
  expect(['runsc', 'runsc-kvm', 'kata', 'kata-qemu', 'kata-qemu-snp', 'runc', 'crun', 'youki', 'runsc_', 'katana'].map((h) => [h, handlerIsolation(h)])).toStrictEqual([
    ['runsc', 'gvisor'],
    ['runsc-kvm', 'gvisor'],
    ['kata', 'kata'],
    ['kata-qemu', 'kata'],
    ['kata-qemu-snp', 'kata'],
    ['runc', undefined],
    ['crun', undefined],
    ['youki', undefined],
    ['runsc_', undefined],
    ['katana', undefined],
  ]);
});
