/**
 * Pulumi config secrets stay secret (issue 14 item 7), on the real engine: the kubeconfig-only stack with its sandbox
 * config set as a secret (`pulumi config set --secret`) holding a credential-shaped marker in a template's env and a
 * claim's label. Neither `preview --diff` (its structured events and what it prints), `up`, the state
 * (`stack exportStack`) nor a second `preview --diff` after the marker changes carries the marker in plain text,
 * while the objects reach the API server with it. A control: the same config set plain shows the marker in the
 * preview, so the checks here would see a leak. The same program under mocks: test/stacks/program/secret-config.test.ts.
 */
import * as auto from '@pulumi/pulumi/automation';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example';
import type { SandboxPlatformConfig } from '../../config/schema';
import { LocalCluster } from '../../scripts/cluster/control-plane';
import { offlineEngine, type OfflineEngine } from '../../scripts/pulumi/engine';
import { localStack, preparePlatform, stackConfigMap, stepsOf } from '../../scripts/pulumi/local-stack';
import { describeWithPulumiEngine } from './support/pulumi-engine';

const describeReal = describeWithPulumiEngine('a secret sandbox config on the real engine');

const MARKER = 'sk-live-4f1c9e2a7b-secret-marker';
const CHANGED_MARKER = 'sk-live-8d03b6e1c5-rotated-marker';
const MANIFESTS_FOR = 'eks';
const TENANT = 'agents-prod';
const TEMPLATE = 'python-runtime';
const CLAIM = 'smoke-test';

/** The example config with one controller replica, `marker` as a template's env value and as a claim's label. */
function sandboxWith(marker: string): SandboxPlatformConfig {
  const config = structuredClone(EXAMPLE_CONFIG) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  config.agentSandbox = { ...config.agentSandbox, replicas: 1 };
  const tenant = config.tenants.find((t: { name: string }) => t.name === TENANT);
  tenant.templates.find((t: { name: string }) => t.name === TEMPLATE).containers[0].env = [{ name: 'MODEL_API_KEY', value: marker }];
  const claim = tenant.claims.find((c: { name: string }) => c.name === CLAIM);
  claim.additionalPodMetadata.labels['agents.example.com/token'] = marker;
  return config as SandboxPlatformConfig;
}

/** Every place a run shows: its structured events and what the CLI printed. */
interface Seen {
  readonly events: auto.EngineEvent[];
  printed: string;
}
const watch = (): Seen & { opts: { onEvent: (e: auto.EngineEvent) => void; onOutput: (s: string) => void; color: 'never' } } => {
  const seen = { events: [] as auto.EngineEvent[], printed: '' };
  return Object.assign(seen, { opts: { onEvent: (e: auto.EngineEvent) => seen.events.push(e), onOutput: (s: string) => (seen.printed += s), color: 'never' as const } });
};
/** Where a run showed `marker`: each event holding it (its kind, and the URN or message it is about), and the printed text. */
const showing = (s: Seen, marker: string): string[] => [
  ...s.events.flatMap((e) => {
    if (!JSON.stringify(e).includes(marker)) return [];
    const kind = Object.keys(e).find((k) => k.endsWith('Event')) ?? 'event';
    const about = e.resourcePreEvent?.metadata.urn ?? e.resOutputsEvent?.metadata.urn ?? e.diagnosticEvent?.urn ?? e.diagnosticEvent?.message.slice(0, 300) ?? '';
    return [`${kind} ${about}`];
  }),
  ...(s.printed.includes(marker) ? [`printed: …${s.printed.slice(Math.max(0, s.printed.indexOf(marker) - 300), s.printed.indexOf(marker) + 60)}…`] : []),
];

/** Every file under `dir` that holds `text` (the `file://` backend: the stack's state, its backups and history). */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && readFileSync(f).includes(text));
}

describeReal('a secret sandbox config on the real engine: preview --diff, up, state, a second preview --diff', () => {
  let cluster: LocalCluster;
  let engine: OfflineEngine;
  let work: string;
  let pulumiCommand: auto.PulumiCommand;
  let stack: auto.Stack;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ lifetime: 'attached' });
    engine = await offlineEngine();
    work = mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-secret-config-'));
    pulumiCommand = await auto.PulumiCommand.get({ root: engine.root });
    await preparePlatform(cluster, MANIFESTS_FOR, EXAMPLE_CONFIG.platforms?.[MANIFESTS_FOR]);
    stack = await localStack({ engine, pulumiCommand, stackName: 'secret-sandbox', workDir: join(work, 'secret-sandbox') });
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: MANIFESTS_FOR, sandbox: sandboxWith(MARKER), sandboxSecret: true }));
  }, 5 * 60 * 1000);

  afterAll(async () => {
    await cluster?.down();
    engine?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the config is stored encrypted: the stack config lists it as secret, its plaintext nowhere in the stack file', async () => {
    const config = await stack.getAllConfig();
    expect(config['agent-sandbox-infra:sandbox'].secret).toBe(true);
    expect(config['agent-sandbox-infra:sandbox'].value).toContain(MARKER); // the CLI decrypts it for us on request
    // The workspace's stack settings file holds the config, encrypted.
    expect(filesHolding(join(work, 'secret-sandbox'), 'agent-sandbox-infra:sandbox')).toStrictEqual([join(work, 'secret-sandbox', 'Pulumi.secret-sandbox.yaml')]);
    expect(filesHolding(join(work, 'secret-sandbox'), MARKER)).toStrictEqual([]);
  });

  test('preview --diff plans every object and shows none of the secret: its fields print as [secret]', async () => {
    const seen = watch();
    const result = await stack.preview({ ...seen.opts, diff: true });
    const planned = stepsOf(seen.events).filter((s) => s.op === 'create');
    expect(planned.map((s) => s.name)).toEqual(expect.arrayContaining([`secret-sandbox-workloads:${TENANT}/${TEMPLATE}`, `secret-sandbox-workloads:${TENANT}/${CLAIM}`]));
    expect(result.changeSummary.create).toBeGreaterThan(30);
    expect(showing(seen, MARKER)).toStrictEqual([]);
    expect(seen.printed).toContain('[secret]');
  });

  test('up creates the objects with the value on the API server; neither its events, its output nor the state hold it', async () => {
    const seen = watch();
    const result = await stack.up(seen.opts);
    expect(result.summary.result).toBe('succeeded');
    expect(showing(seen, MARKER)).toStrictEqual([]);
    // The state as the backend stores it (the stack file, its backups and history): the marker in none of it.
    expect(filesHolding(engine.stateDir, 'secret-sandbox-workloads').length).toBeGreaterThan(0);
    expect(filesHolding(engine.stateDir, MARKER)).toStrictEqual([]);
    // `stack export` (the Automation API's exportStack shows secrets decrypted, as `plaintext`): each object's
    // metadata and spec are secrets, inputs and outputs, and the marker is inside one of them.
    const resources = (await stack.exportStack()).deployment.resources as { urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[];
    const template = resources.find((r) => r.urn.endsWith(`::secret-sandbox-workloads:${TENANT}/${TEMPLATE}`))!;
    expect(Object.keys(template.inputs!).sort()).toStrictEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const secretField = expect.objectContaining({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', plaintext: expect.any(String) });
    for (const where of [template.inputs!, template.outputs!, template.outputs!.__inputs as Record<string, unknown>]) {
      for (const key of ['metadata', 'spec']) expect([key, where[key]]).toStrictEqual([key, secretField]);
    }
    expect((template.inputs!.spec as { plaintext: string }).plaintext).toContain(MARKER);
    // The outputs derived from the config are secret.
    expect([result.outputs.manifests.secret, result.outputs.runtimeClassName.secret, result.outputs.agentSandbox.secret, result.outputs.platform.secret]).toStrictEqual([true, true, true, false]);

    const onServer = await cluster.client.get(`/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/${TENANT}/sandboxtemplates/${TEMPLATE}`);
    expect(onServer?.spec.podTemplate.spec.containers[0].env).toStrictEqual([{ name: 'MODEL_API_KEY', value: MARKER }]);
    const claim = await cluster.client.get(`/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/${TENANT}/sandboxclaims/${CLAIM}`);
    expect(claim?.spec.additionalPodMetadata.labels['agents.example.com/token']).toBe(MARKER);
  });

  test('after the value changes, preview --diff plans the update of exactly those objects and shows neither value', async () => {
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: MANIFESTS_FOR, sandbox: sandboxWith(CHANGED_MARKER), sandboxSecret: true }));
    const seen = watch();
    await stack.preview({ ...seen.opts, diff: true });
    const changed = stepsOf(seen.events).filter((s) => s.op !== 'same' && s.urn.includes('kubernetes:yaml/v2:ConfigGroup$'));
    expect(changed.map((s) => `${s.op} ${s.name}`).sort()).toStrictEqual([`update secret-sandbox-workloads:${TENANT}/${TEMPLATE}`, `update secret-sandbox-workloads:${TENANT}/${CLAIM}`].sort());
    for (const marker of [MARKER, CHANGED_MARKER]) expect(showing(seen, marker)).toStrictEqual([]);
  });

  test('control: the same config set plain shows the value in preview --diff (the checks above would see a leak)', async () => {
    const plain = await localStack({ engine, pulumiCommand, stackName: 'plain-sandbox', workDir: join(work, 'plain-sandbox') });
    await plain.setAllConfig(stackConfigMap(cluster, { manifestsFor: MANIFESTS_FOR, sandbox: sandboxWith(MARKER) }));
    const seen = watch();
    await plain.preview({ ...seen.opts, diff: true });
    expect(JSON.stringify(seen.events)).toContain(MARKER);
    expect(seen.printed).toContain(MARKER);
  });
});
