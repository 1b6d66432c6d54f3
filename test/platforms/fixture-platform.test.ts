/**
 * A new platform is one module plus one line in platforms/index.ts: a fixture platform registered from this test
 * (no other file knows it) is validated, synthesized, written and checked like the built-in ones.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { ConfigError, validateConfig } from '../../config/validate';
import { EXAMPLE_CONFIG } from '../../config/example';
import { synth } from '../../cli/synth';
import { SandboxTemplate } from '../../constructs/workloads/sandbox-template';
import { isPlatform, PLATFORMS, registerPlatform, unregisterPlatform, type Platform } from '../../platforms';
import { sandboxedRuntimeClasses } from '../../validation/sandbox/object';
import { firecrackerLab } from './fixtures/firecracker-lab';
import { formatProblem } from '../../core/diagnostics';

const LAB = 'firecracker-lab' as Platform;
type Obj = { kind: string; metadata: { name: string }; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

let out: string;
beforeAll(() => {
  registerPlatform(firecrackerLab);
  out = mkdtempSync(join(tmpdir(), 'asi-lab-'));
});
afterAll(() => {
  unregisterPlatform(LAB);
  rmSync(out, { recursive: true, force: true });
});

const config = (labSettings: unknown) => ({ ...EXAMPLE_CONFIG, platforms: { [LAB]: labSettings } });
const errorOf = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
};

test('registered: a platform id like the others', () => {
  expect(isPlatform(LAB)).toBe(true);
  expect(PLATFORMS.slice(-1)).toStrictEqual([LAB]);
  expect(() => registerPlatform(firecrackerLab)).toThrow('platform "firecracker-lab" is already registered');
});

test('its settings schema and settings problems are the config check of platforms.firecracker-lab', () => {
  expect(validateConfig(config({ labName: 'bench' }), 'test').platforms).toStrictEqual({ [LAB]: { labName: 'bench' } });
  expect(errorOf(() => validateConfig(config({ labName: 'bench', gpus: 2 }), 'test')).problems.map(formatProblem)).toStrictEqual([
    'platforms["firecracker-lab"].gpus: unknown field "gpus"',
  ]);
  expect(errorOf(() => validateConfig(config({ agentSandbox: 'managed' }), 'test')).problems.map(formatProblem)).toStrictEqual([
    'platforms["firecracker-lab"].agentSandbox: must be one of "self", got "managed"',
  ]);
  expect(errorOf(() => validateConfig(config({ labName: 'prod' }), 'test')).problems.map(formatProblem)).toStrictEqual(['platforms.firecracker-lab.labName: "prod" is not a lab']);
});

test('synth writes its manifests: our RuntimeClass on its sandbox nodes, Kata pods with limits, NodeLocal DNS open', () => {
  const [summary] = synth({ platforms: [LAB], config: validateConfig(config({ labName: 'bench' }), 'test'), out });
  expect(summary.platform).toBe(LAB);
  expect(readdirSync(join(out, LAB)).sort()).toStrictEqual([...summary.files].sort());
  const objects = summary.files.flatMap((f) => loadAll(readFileSync(join(out, LAB, f), 'utf8')) as Obj[]);

  expect(objects.filter((o) => o.kind === 'RuntimeClass')).toStrictEqual([
    {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'kata-fc', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': 'kata' } },
      handler: 'kata-fc',
      scheduling: {
        nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'kata-fc' },
        tolerations: [{ key: 'sandbox.agent-sandbox-infra.io/runtime', operator: 'Equal', value: 'kata-fc', effect: 'NoSchedule' }],
      },
    },
  ]);
  const templates = objects.filter((o) => o.kind === 'SandboxTemplate');
  expect(templates.length).toBeGreaterThan(0);
  for (const t of templates) {
    const pod = t.spec.podTemplate.spec;
    expect(pod.runtimeClassName).toBe('kata-fc');
    for (const c of pod.containers) expect(Object.keys(c.resources.limits).sort()).toEqual(expect.arrayContaining(['cpu', 'memory']));
  }
  const dnsPeers = objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((p) => (p.spec.egress ?? []) as { to?: unknown[] }[])
    .flatMap((rule) => rule.to ?? []);
  expect(dnsPeers).toContainEqual({ ipBlock: { cidr: '169.254.20.10/32' } });
});

test('settings name the runtime (as a generic cluster\'s would): the RuntimeClass, its handler and node label, the pods and the checks follow', () => {
  const dir = join(out, 'named');
  const [summary] = synth({ platforms: [LAB], config: validateConfig(config({ runtimeClassName: 'kata-fc-lab2' }), 'test'), out: dir });
  const objects = summary.files.flatMap((f) => loadAll(readFileSync(join(dir, LAB, f), 'utf8')) as Obj[]);
  const runtimeClasses = objects.filter((o) => o.kind === 'RuntimeClass');
  expect(runtimeClasses.map((o) => [o.metadata.name, o.handler, o.scheduling.nodeSelector])).toStrictEqual([
    ['kata-fc-lab2', 'kata-fc-lab2', { 'sandbox.agent-sandbox-infra.io/runtime': 'kata-fc-lab2' }],
  ]);
  const runtimes = new Set(objects.filter((o) => o.kind === 'SandboxTemplate').map((t) => t.spec.podTemplate.spec.runtimeClassName));
  expect([...runtimes]).toStrictEqual(['kata-fc-lab2']);
  // Without the settings, the checks know only the module's default RuntimeClass: the pods would be refused.
  expect(sandboxedRuntimeClasses(LAB)).toStrictEqual(['kata-fc']);
  expect(sandboxedRuntimeClasses(LAB, { runtimeClassName: 'kata-fc-lab2' })).toStrictEqual(['kata-fc-lab2']);
});

test('a template without limits is refused with the platform named (its runtime sizes the VM from limits)', () => {
  const chart = Testing.chart();
  expect(() => new SandboxTemplate(chart, 'tpl', { platform: LAB, namespace: 'agents', containers: [{ name: 'main', image: 'python:3.12-slim' }] })).toThrow(
    'SandboxTemplate agents/tpl is invalid:\n' +
      '  containers[0] (main).resources.limits.cpu: is required on firecracker-lab: kata-fc sizes the pod VM from container limits (requests are ignored)\n' +
      '  containers[0] (main).resources.limits.memory: is required on firecracker-lab: kata-fc sizes the pod VM from container limits (requests are ignored)',
  );
});
