/**
 * The real Pulumi engine on the kubeconfig-only stack (`platform: kubernetes`), against the local cluster: the
 * repository's program, the CLI and the Kubernetes provider built from their Go modules, offline, a `file://`
 * backend, the cluster's admin kubeconfig as the stack's secret. Assertions read the engine's structured events and
 * the API server's objects, never printed text.
 *
 * 1. Every platform's manifests (`cluster.manifestsFor`) through the whole life of a stack: preview, up, a config
 *    change then preview --diff, up again, refresh, destroy (scripts/pulumi/lifecycle.ts; one process and one fresh
 *    cluster per platform, three at a time: an inline program holds process-wide state).
 * 2. The policy pack for real (`--policy-pack` through scripts/pulumi/engine.ts's launcher), agreeing with `diff`'s
 *    policy review; a RuntimeClass the manifests only reference, read from the cluster and refused when it runs
 *    pods on the host kernel.
 * The cloud half of each cloud stack (clusters, node pools) has no local counterpart and stays under mocks
 * (test/stacks/); its Kubernetes half is this code path (stacks/program.ts → deployManifests).
 */
import * as auto from '@pulumi/pulumi/automation';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example';
import type { SandboxPlatformConfig } from '../../config/schema';
import { renderPlatform } from '../../constructs/output/render';
import { diffManifests, loadManifests } from '../../cli/diff';
import { reviewPolicies } from '../../cli/diff/policy-review';
import { platformFacts, PLATFORMS, type Platform } from '../../platforms';
import { LocalCluster } from '../../scripts/cluster/control-plane';
import { offlineEngine, policyPackLauncher, type OfflineEngine } from '../../scripts/pulumi/engine';
import { CHANGE, readRecord, type LifecycleRecord, type OpRecord } from '../../scripts/pulumi/lifecycle';
import { localStack, policyFindings, preparePlatform, stackConfigMap, stepsOf, type Step } from '../../scripts/pulumi/local-stack';
import { REPO_ROOT } from '../support/upstream';
import { controllerReplicasPolicy } from '../../policy/rules/controller-replicas';
import { kubernetesSandboxSecurityPolicy } from '../../policy/rules/kubernetes-sandbox-security';
import { describeWithPulumiEngine } from './support/pulumi-engine';

const describeReal = describeWithPulumiEngine('the kubeconfig-only stack on the real engine');
const real = describeReal === describe;

const CONCURRENCY = 3;
const CONFIG = EXAMPLE_CONFIG as SandboxPlatformConfig;

/** A step's object, as `Kind namespace/name` (the ConfigGroup child's name is `<group>:<namespace>/<name>`). */
const objectOf = (s: Pick<Step, 'type' | 'name' | 'urn'>): string | undefined =>
  s.urn.includes('kubernetes:yaml/v2:ConfigGroup$') ? `${s.type.split(':').pop()} ${s.name.slice(s.name.indexOf(':') + 1)}` : undefined;
const isCrd = (s: Step) => s.type === 'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition';
/** Custom resources of the agent-sandbox CRDs (what must wait for them). */
const isCustom = (s: Step) => /^kubernetes:(extensions\.)?agents\.x-k8s\.io\//.test(s.type);
const opOf = (r: LifecycleRecord, op: OpRecord['op']): OpRecord => {
  const found = r.ops.find((o) => o.op === op);
  if (!found) throw new Error(`${r.platform}: no ${op} (${r.error ?? 'lifecycle stopped early'})`);
  return found;
};
/** Per object, the last op of the step's outputs event (what the engine did). */
const outcomes = (o: OpRecord) => stepsOf(o.events, 'outputs');

/** Runs scripts/pulumi/lifecycle.ts for each platform, `CONCURRENCY` at a time; resolves with every record. */
function runLifecycles(platforms: readonly Platform[], dir: string, children: Set<ChildProcess>): Promise<Map<Platform, LifecycleRecord>> {
  const records = new Map<Platform, LifecycleRecord>();
  const queue = [...platforms];
  const one = (platform: Platform) =>
    new Promise<void>((resolve) => {
      const out = join(dir, `${platform}.json`);
      const log = join(dir, `${platform}.log`);
      const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'run.js'), 'pulumi/lifecycle.ts', platform, '--out', out], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
      children.add(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => {
        children.delete(child);
        writeFileSync(log, stderr);
        if (existsSync(out)) records.set(platform, readRecord(out));
        else records.set(platform, { platform, stack: '', manifests: { before: [], after: [] }, ops: [], observed: {}, ms: { clusterUp: 0, total: 0 }, error: `lifecycle process exited ${code}:\n${stderr.slice(-4000)}` });
        resolve();
      });
    });
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await one(p);
  };
  return Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => records);
}

// The lifecycles run in child processes while the policy tests below use this one: started first, awaited last.
const children = new Set<ChildProcess>();
let lifecycleDir: string | undefined;
let lifecycles: Promise<Map<Platform, LifecycleRecord>> | undefined;
const started = Date.now();
if (real) {
  beforeAll(() => {
    lifecycleDir = mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-lifecycles-'));
    lifecycles = runLifecycles(PLATFORMS, lifecycleDir, children);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await lifecycles?.catch(() => undefined);
    if (lifecycleDir) rmSync(lifecycleDir, { recursive: true, force: true });
  });
}

describeReal('the policy pack and the live RuntimeClass check, for real', () => {
  let cluster: LocalCluster;
  let engine: OfflineEngine;
  let work: string;
  let pulumiCommand: auto.PulumiCommand;
  let launcher: string;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ lifetime: 'attached' });
    engine = await offlineEngine();
    work = mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-policy-'));
    pulumiCommand = await auto.PulumiCommand.get({ root: engine.root });
    launcher = policyPackLauncher(join(REPO_ROOT, 'policy'), join(work, 'launcher'));
  }, 5 * 60 * 1000);

  afterAll(async () => {
    await cluster?.down();
    engine?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const policyConfig = (name: string, config: object) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  /** EKS manifests with one controller replica, on the production stack `agents-prod`. */
  const SANDBOX = { ...CONFIG, agentSandbox: { ...CONFIG.agentSandbox, replicas: 1 } } as SandboxPlatformConfig;
  const stackFor = async (name: string, sandbox: SandboxPlatformConfig, manifestsFor: Platform) => {
    const stack = await localStack({ engine, pulumiCommand, stackName: name, workDir: join(work, name) });
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor, sandbox }));
    return stack;
  };

  test('a clean stack passes the pack; its advisory rule prints as a warning and does not block', async () => {
    const stack = await stackFor('agents-prod', SANDBOX, 'eks');
    const events: auto.EngineEvent[] = [];
    const result = await stack.preview({ onEvent: (e) => events.push(e), color: 'never', policyPacks: [launcher], policyPackConfigs: [policyConfig('eks', { 'kubernetes-sandbox-secure-profile': { platform: 'eks' } })] });
    expect(result.changeSummary.create).toBeGreaterThan(30);
    expect(policyFindings(events)).toStrictEqual([
      {
        level: 'advisory',
        policy: 'agent-sandbox-controller-replicas-production',
        description: controllerReplicasPolicy.description,
        message: expect.stringContaining('[controllerReplicas] Deployment agent-sandbox-system/agent-sandbox-controller: spec.replicas: should be ≥ 2 in production stack "agents-prod"'),
        urn: expect.stringContaining('kubernetes:apps/v1:Deployment::agents-prod-agent-sandbox:agent-sandbox-system/agent-sandbox-controller'),
      },
    ]);
    // The CLI's summary lists it as advisory (a warning): the preview succeeded.
    expect(result.stdout).toMatch(/Policies:\n[\s\S]*- \[advisory\] +agent-sandbox-controller-replicas-production +\(kubernetes:apps\/v1:Deployment: agents-prod-agent-sandbox:agent-sandbox-system\/agent-sandbox-controller\)/);
  });

  test('EKS manifests on a stack the pack is told is GKE: preview fails with the mandatory rule\'s id and message, the same findings as diff\'s policy review', async () => {
    const stack = await stackFor('agents-prod', SANDBOX, 'eks');
    const events: auto.EngineEvent[] = [];
    const failed = await stack
      .preview({ onEvent: (e) => events.push(e), color: 'never', policyPacks: [launcher], policyPackConfigs: [policyConfig('gke', { 'kubernetes-sandbox-secure-profile': { platform: 'gke-standard' } })] })
      .then(() => undefined, (err: unknown) => err);
    expect(failed).toBeInstanceOf(auto.CommandError);
    const mandatory = policyFindings(events).filter((f) => f.level === 'mandatory');
    expect(new Set(mandatory.map((f) => f.policy))).toStrictEqual(new Set(['kubernetes-sandbox-secure-profile']));
    expect(mandatory.length).toBeGreaterThan(0);
    for (const f of mandatory) {
      expect(f.description).toBe(kubernetesSandboxSecurityPolicy.description);
      expect(f.message).toMatch(/^\[sandboxPlacement\] (SandboxTemplate|Sandbox) [\w-]+\/[\w-]+: spec\.podTemplate\.spec\.(nodeSelector\["sandbox\.gke\.io\/runtime"\]|tolerations): must /);
    }

    // diff's policy review of the same manifests in a gke-standard/ folder says "blocks" for exactly these.
    const folder = join(work, 'diff', 'gke-standard');
    mkdirSync(folder, { recursive: true });
    for (const f of renderPlatform('eks', SANDBOX).files) writeFileSync(join(folder, f.name), f.text);
    const head = loadManifests(folder);
    const review = reviewPolicies(head, diffManifests([], head), { platform: 'gke-standard' });
    const blocks = review.findings
      .filter((f) => f.verdict === 'mandatory')
      .map((f) => `[${f.rule}] ${f.key.kind} ${f.key.namespace ? `${f.key.namespace}/` : ''}${f.key.name}: ${f.path}: ${f.message}`);
    expect(mandatory.map((f) => f.message).sort()).toStrictEqual(blocks.sort());
    // The refusal created nothing.
    expect(await cluster.client.get('/api/v1/namespaces/agent-sandbox-system')).toBeUndefined();
  });

  test('an existing RuntimeClass whose live handler is runc: up fails with the reason and deploys nothing', async () => {
    const settings = { runtimeClass: { name: 'kata-qemu', existing: true, isolation: 'kata' } };
    const sandbox = { ...CONFIG, platforms: { ...CONFIG.platforms, kubernetes: settings } } as SandboxPlatformConfig;
    await preparePlatform(cluster, 'kubernetes', settings);
    // The stand-in an operator got wrong: the name promises Kata, the handler is the host kernel's runc.
    await cluster.client.patch('/apis/node.k8s.io/v1/runtimeclasses/kata-qemu', { handler: 'runc' }, 'merge').catch(async () => {
      await cluster.client.delete('/apis/node.k8s.io/v1/runtimeclasses/kata-qemu');
      await cluster.client.create('/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata-qemu' }, handler: 'runc' });
    });
    expect((await cluster.client.get('/apis/node.k8s.io/v1/runtimeclasses/kata-qemu'))?.handler).toBe('runc');
    const stack = await stackFor('existing-runtime-class', sandbox, 'kubernetes');
    const events: auto.EngineEvent[] = [];
    const failed = await stack.up({ onEvent: (e) => events.push(e), color: 'never' }).then(() => undefined, (err: unknown) => err as Error);
    expect(failed).toBeInstanceOf(auto.CommandError);
    const errors = events.flatMap((e) => (e.diagnosticEvent?.severity === 'error' ? [e.diagnosticEvent.message] : []));
    expect(errors.join('\n')).toContain('RuntimeClass "kata-qemu" has handler "runc", a host-kernel runtime (runc, crun, youki)');
    expect(stepsOf(events, 'outputs').filter((s) => s.op === 'create' && objectOf(s))).toStrictEqual([]);
    expect(await cluster.client.get('/api/v1/namespaces/agent-sandbox-system')).toBeUndefined();
  });
});

describeReal('every platform\'s manifests through the kubeconfig-only stack, for real: preview, up, change, preview --diff, up, refresh, destroy', () => {
  let records: Map<Platform, LifecycleRecord>;

  beforeAll(async () => {
    records = await lifecycles!;
    // eslint-disable-next-line no-console
    console.log(
      `lifecycles of ${PLATFORMS.length} platforms in ${((Date.now() - started) / 1000).toFixed(0)} s (${CONCURRENCY} at a time):\n` +
        [...records.values()].map((r) => `  ${r.platform}: ${r.ops.map((o) => `${o.op} ${(o.ms / 1000).toFixed(1)} s`).join(', ')}${r.error ? ` — FAILED ${r.error.split('\n')[0]}` : ''}`).join('\n'),
    );
  }, 15 * 60 * 1000);

  describe.each(PLATFORMS.map((p) => [p]))('%s manifests', (platform: Platform) => {
    const record = () => {
      const r = records.get(platform)!;
      if (r.error) throw new Error(`${platform}: ${r.error}`);
      return r;
    };
    const platformOwned = Object.values(platformFacts(platform, CONFIG.platforms?.[platform]).runtimes)
      .filter((rt) => rt.owner === 'platform')
      .map((rt) => rt.runtimeClassName);

    test('preview plans every object of the manifests, nothing else of Kubernetes, and the CRDs before the objects that use them', () => {
      const r = record();
      const steps = stepsOf(opOf(r, 'preview').events);
      const planned = steps.filter((s) => objectOf(s));
      expect(planned.every((s) => s.op === 'create')).toBe(true);
      expect(planned.map((s) => objectOf(s)!).sort()).toStrictEqual([...r.manifests.before]);
      const lastCrd = Math.max(...planned.flatMap((s, i) => (isCrd(s) ? [i] : [])));
      const firstCustom = planned.findIndex(isCustom);
      expect(firstCustom).toBeGreaterThan(lastCrd);
      // A RuntimeClass the manifests only reference is read from the cluster, never planned for creation.
      expect(steps.filter((s) => s.op === 'read').map((s) => s.name)).toStrictEqual(platformOwned.map((n) => `${r.stack}-runtimeclass-${n}`));
      expect(planned.filter((s) => s.type.endsWith(':RuntimeClass')).map((s) => s.name.split(':')[1])).toStrictEqual(
        platformOwned.length ? [] : Object.values(platformFacts(platform, CONFIG.platforms?.[platform]).runtimes).map((rt) => rt.runtimeClassName),
      );
    });

    test('up creates every object; the engine creates CRDs first and awaits the controller Deployment until Ready; the warm pools fill', () => {
      const r = record();
      const up = opOf(r, 'up');
      const created = outcomes(up).filter((s) => objectOf(s));
      expect(created.every((s) => s.op === 'create')).toBe(true);
      expect(created.map((s) => objectOf(s)!).sort()).toStrictEqual([...r.manifests.before]);
      const lastCrd = Math.max(...created.flatMap((s, i) => (isCrd(s) ? [i] : [])));
      expect(created.findIndex(isCustom)).toBeGreaterThan(lastCrd);
      // The provider's await logic, as its status events report it: not Ready (which of its waiting messages it prints
      // depends on which Deployment condition it saw first), then initialization complete.
      const deployment = created.find((s) => s.type === 'kubernetes:apps/v1:Deployment')!;
      const status = up.events.flatMap((e) => (e.diagnosticEvent?.urn === deployment.urn ? [e.diagnosticEvent.message.trim()] : []));
      const complete = status.indexOf('Deployment initialization complete');
      const firstWaiting = status.findIndex((m) => /^Waiting for app ReplicaSet to be available|^\[MinimumReplicasUnavailable\]/.test(m));
      expect({ complete: complete >= 0, waitedFirst: firstWaiting >= 0 && firstWaiting < complete }).toStrictEqual({ complete: true, waitedFirst: true });
      const after = r.observed.afterUp!;
      expect(after.present).toStrictEqual([...r.manifests.before]);
      expect(after.controller).toStrictEqual({ replicas: 2, readyReplicas: 2 });
      for (const pool of after.warmPools) expect([pool.name, pool.readyReplicas]).toStrictEqual([pool.name, pool.replicas]);
      expect(r.observed.controllerForbidden).toStrictEqual([]);
      // The kubeconfig went in as a secret and comes out as one.
      expect(up.outputs?.kubeconfig).toStrictEqual({ secret: true, value: '[secret]' });
      expect(up.outputs?.manifests.value).toMatchObject({ platform });
    });

    test('after the config change, preview --diff changes exactly the warm pool (spec.replicas) and creates exactly the new tenant', () => {
      const r = record();
      const diff = stepsOf(opOf(r, 'preview-diff').events);
      const changed = diff.filter((s) => objectOf(s) && s.op !== 'same');
      const added = r.manifests.after.filter((k) => !r.manifests.before.includes(k));
      expect(added.every((k) => k.includes(CHANGE.addedTenant))).toBe(true);
      expect(changed.map((s) => `${s.op} ${objectOf(s)}`).sort()).toStrictEqual(
        [`update SandboxWarmPool ${CHANGE.warmPool.tenant}/${CHANGE.warmPool.name}`, ...added.map((k) => `create ${k}`)].sort(),
      );
      const update = opOf(r, 'preview-diff').events.find((e) => e.resourcePreEvent?.metadata.op === 'update')!.resourcePreEvent!.metadata;
      expect(Object.keys(update.detailedDiff ?? {})).toStrictEqual(['spec.replicas']);
    });

    test('up again applies that change and nothing else; the pools reach their new sizes; refresh finds no drift', () => {
      const r = record();
      const again = outcomes(opOf(r, 'up-again')).filter((s) => objectOf(s) && s.op !== 'same');
      const added = r.manifests.after.filter((k) => !r.manifests.before.includes(k));
      expect(again.map((s) => `${s.op} ${objectOf(s)}`).sort()).toStrictEqual(
        [`update SandboxWarmPool ${CHANGE.warmPool.tenant}/${CHANGE.warmPool.name}`, ...added.map((k) => `create ${k}`)].sort(),
      );
      const after = r.observed.afterUpAgain!;
      expect(after.present).toStrictEqual([...r.manifests.after]);
      for (const pool of after.warmPools) expect([pool.name, pool.readyReplicas]).toStrictEqual([pool.name, pool.replicas]);
      expect(after.warmPools.find((p) => p.name === `${CHANGE.warmPool.tenant}/${CHANGE.warmPool.name}`)?.replicas).toBe(3);
      // Everything the stack manages is unchanged on the server (status written by controllers is not drift). The
      // platform's own RuntimeClass is read state, re-read by every refresh.
      const refreshed = outcomes(opOf(r, 'refresh'));
      expect(refreshed.filter((s) => s.op !== 'same').map((s) => s.name)).toStrictEqual(platformOwned.map((n) => `${r.stack}-runtimeclass-${n}`));
    });

    test('destroy deletes every object of ours, the CRDs last, and leaves the platform\'s RuntimeClass alone', () => {
      const r = record();
      const destroy = outcomes(opOf(r, 'destroy'));
      const deleted = destroy.filter((s) => objectOf(s));
      expect(deleted.every((s) => s.op === 'delete')).toBe(true);
      expect(deleted.map((s) => objectOf(s)!).sort()).toStrictEqual([...r.manifests.after]);
      const firstCrd = deleted.findIndex(isCrd);
      expect(deleted.slice(firstCrd).every(isCrd)).toBe(true);
      expect(destroy.filter((s) => s.op === 'discard').map((s) => s.name)).toStrictEqual(platformOwned.map((n) => `${r.stack}-runtimeclass-${n}`));
      expect(r.observed.afterDestroy!.present).toStrictEqual([]);
      expect(r.observed.afterDestroy!.runtimeClasses).toStrictEqual(platformOwned);
    });
  });
});
