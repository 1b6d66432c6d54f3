/**
 * One platform's manifests through the whole life of the kubeconfig-only stack, for real, on a fresh local cluster:
 * `preview`, `up`, a config change (a warm pool's replicas, a tenant added) then `preview --diff`, `up` again,
 * `refresh`, `destroy`. Every operation's engine events are recorded, with what the API server holds at each point
 * (our objects, warm pools, the controller Deployment), so test/integration/pulumi-stack.test.ts asserts on them.
 *
 * Runs in its own process (`node scripts/run.js pulumi/lifecycle.ts <platform> --out <file.json>`): the Pulumi
 * Node.js runtime is one per process (an inline program sets process-wide state), so platforms run side by side
 * only as separate processes, each with its own cluster and `file://` backend.
 */
import * as auto from '@pulumi/pulumi/automation';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example';
import type { SandboxPlatformConfig } from '../../config/schema';
import { renderPlatform } from '../../constructs/output/render';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { isPlatform, type Platform } from '../../platforms';
import { LocalCluster } from '../cluster/control-plane';
import { kubectl } from '../cluster/deploy';
import type { KubeObject } from '../cluster/kube-client';
import { forbiddenLines } from '../cluster/pod-process';
import type { RunningPodProcess } from '../cluster/pod-runner';
import { waitFor } from '../cluster/processes';
import { offlineEngine, type OfflineEngine } from './engine';
import { controllerWhenScheduled, localStack, preparePlatform, stackConfigMap, stopController, withJsonPreview } from './local-stack';

export type LifecycleOp = 'preview' | 'up' | 'preview-diff' | 'up-again' | 'refresh' | 'destroy';

export interface OpRecord {
  readonly op: LifecycleOp;
  readonly ms: number;
  readonly changes: Record<string, number>;
  readonly events: auto.EngineEvent[];
  /** What the CLI printed (for the transcript); with `json`, preview's stdout is `pulumi preview --json`. */
  readonly stdout: string;
  /** `up`: the stack outputs, secret ones as `[secret]` (whether the engine kept each one secret). */
  readonly outputs?: Record<string, { readonly secret: boolean; readonly value: unknown }>;
}

/** An object of ours on the API server: `Kind namespace/name` (cluster-scoped: `Kind name`). */
export type ObjectKey = string;

export interface WarmPoolState {
  readonly name: string;
  readonly replicas: number;
  readonly readyReplicas: number;
}

export interface ClusterObservation {
  /** Our objects (those the rendered manifests name) that exist. */
  readonly present: readonly ObjectKey[];
  readonly warmPools: readonly WarmPoolState[];
  /** Every RuntimeClass on the cluster (ours and the platform's). */
  readonly runtimeClasses: readonly string[];
  /** The controller Deployment: replicas wanted and Ready. */
  readonly controller?: { readonly replicas: number; readyReplicas: number };
}

export interface LifecycleRecord {
  readonly platform: Platform;
  readonly stack: string;
  /** The manifests deployed first and after the config change, as object keys. */
  readonly manifests: { readonly before: readonly ObjectKey[]; readonly after: readonly ObjectKey[] };
  readonly ops: readonly OpRecord[];
  readonly observed: {
    readonly afterUp?: ClusterObservation;
    readonly afterUpAgain?: ClusterObservation;
    readonly afterDestroy?: ClusterObservation;
    /** Lines of the controller's log where the API server refused it for lack of permission. */
    readonly controllerForbidden?: readonly string[];
  };
  readonly ms: { readonly clusterUp: number; readonly total: number };
  /** Set when the lifecycle stopped early: the step and the error. */
  readonly error?: string;
}

/** The config change: one warm pool's replicas up by one, and a tenant added. */
export const CHANGE = { warmPool: { tenant: 'research', name: 'node-warm' }, addedTenant: 'team-c' } as const;

export function changedConfig(base: SandboxPlatformConfig): SandboxPlatformConfig {
  const config = structuredClone(base) as SandboxPlatformConfig & { tenants: { name: string; warmPools?: { name: string; replicas?: number }[] }[] };
  const pool = config.tenants.find((t) => t.name === CHANGE.warmPool.tenant)!.warmPools!.find((w) => w.name === CHANGE.warmPool.name)!;
  pool.replicas = (pool.replicas ?? 0) + 1;
  config.tenants.push({
    name: CHANGE.addedTenant,
    templates: [
      {
        name: 'py',
        containers: [{ name: 'py', image: 'python:3.12-slim', resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } } }],
      },
    ],
    warmPools: [{ name: 'py-warm', template: 'py', replicas: 1 }],
  } as never);
  return config;
}

export const keyOf = (o: KubeObject): ObjectKey => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The rendered manifests of `platform` for `config`, written to `dir` (kubectl reads them to find our objects). */
function render(platform: Platform, config: SandboxPlatformConfig, dir: string): KubeObject[] {
  const rendered = renderPlatform(platform, config);
  mkdirSync(dir, { recursive: true });
  for (const f of rendered.files) writeFileSync(join(dir, f.name), f.text);
  return rendered.files.flatMap((f) => f.objects as KubeObject[]);
}

async function observe(cluster: LocalCluster, dir: string): Promise<ClusterObservation> {
  const { stdout } = await kubectl(cluster, ['get', '-f', dir, '-o', 'json', '--ignore-not-found']);
  const list = stdout.trim() ? (JSON.parse(stdout) as KubeObject) : { items: [] };
  const items = ((list.items ?? [list]) as KubeObject[]).filter((o) => o.kind);
  const deployment = items.find((o) => o.kind === 'Deployment' && o.metadata.name === 'agent-sandbox-controller');
  const runtimeClasses = (await cluster.client.list('/apis/node.k8s.io/v1/runtimeclasses')).map((r) => r.metadata.name as string).sort();
  return {
    present: items.map(keyOf).sort(),
    runtimeClasses,
    warmPools: items
      .filter((o) => o.kind === 'SandboxWarmPool')
      .map((o) => ({ name: `${o.metadata.namespace}/${o.metadata.name}`, replicas: o.spec.replicas, readyReplicas: o.status?.readyReplicas ?? 0 })),
    ...(deployment ? { controller: { replicas: deployment.spec.replicas, readyReplicas: deployment.status?.readyReplicas ?? 0 } } : {}),
  };
}

/** Waits until every warm pool of the manifests is at its replicas (the HPA-driven one at its minReplicas), Ready. */
async function warmPoolsSettled(cluster: LocalCluster, objects: readonly KubeObject[]): Promise<void> {
  for (const pool of objects.filter((o) => o.kind === 'SandboxWarmPool')) {
    const ns = pool.metadata.namespace as string;
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.namespace === ns && o.spec.scaleTargetRef.name === pool.metadata.name);
    const want: number = pool.spec.replicas ?? hpa?.spec.minReplicas;
    const path = `/apis/extensions.agents.x-k8s.io/${pool.apiVersion.split('/')[1]}/namespaces/${ns}/sandboxwarmpools/${pool.metadata.name}`;
    await waitFor(`warm pool ${ns}/${pool.metadata.name} at ${want} Ready sandboxes`, async () => (await cluster.client.get(path))?.status?.readyReplicas === want, {
      timeoutMs: 90_000,
      describe: async () => JSON.stringify((await cluster.client.get(path))?.status ?? {}),
    });
  }
}

/** Stops the controller's process once no pod of its Deployment is left undeleted (the kubelet's part). */
async function stopWithPod(cluster: LocalCluster, deployment: KubeObject, controller: RunningPodProcess): Promise<void> {
  const ns = deployment.metadata.namespace as string;
  const selector = Object.entries(deployment.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  await waitFor(
    `the controller's pods deleted by destroy`,
    async () => (await cluster.client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: selector })).every((p) => p.metadata.deletionTimestamp),
    { timeoutMs: 10 * 60_000, intervalMs: 200 },
  );
  await stopController(controller);
}

export interface LifecycleOptions {
  readonly platform: Platform;
  readonly stack?: string;
  /** Base sandbox config. @default the built-in example */
  readonly config?: SandboxPlatformConfig;
  /** Stop after these operations (the recorder needs only the first ones). @default all */
  readonly until?: LifecycleOp;
  /** preview with `--json` (its stdout is then `pulumi preview --json`). */
  readonly jsonPreview?: boolean;
  /** Policy packs (launchers) and their config files for the previews. */
  readonly policy?: { readonly packs: readonly string[]; readonly configs?: readonly string[] };
  readonly log?: (line: string) => void;
  /** Called before destroy, with the cluster (e.g. to read more state). */
  readonly engine?: OfflineEngine;
}

export async function runLifecycle(opts: LifecycleOptions): Promise<LifecycleRecord> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const platform = opts.platform;
  const stackName = opts.stack ?? `local-${platform}`;
  const base = opts.config ?? (EXAMPLE_CONFIG as SandboxPlatformConfig);
  const changed = changedConfig(base);
  const work = mkdtempSync(join(tmpdir(), `agent-sandbox-infra-lifecycle-${platform}-`));
  const before = render(platform, base, join(work, 'before'));
  const after = render(platform, changed, join(work, 'after'));
  const ops: OpRecord[] = [];
  const observed: { -readonly [K in keyof LifecycleRecord['observed']]: LifecycleRecord['observed'][K] } = {};
  let clusterUp = 0;
  let error: string | undefined;
  const cluster = await LocalCluster.up({ lifetime: 'attached' });
  clusterUp = Date.now() - started;
  log(`${platform}: cluster up in ${(clusterUp / 1000).toFixed(1)} s`);
  const engine = opts.engine ?? (await offlineEngine());
  let controller: RunningPodProcess | undefined;
  try {
    const cmd = await auto.PulumiCommand.get({ root: engine.root });
    const stack = await localStack({ engine, pulumiCommand: opts.jsonPreview ? withJsonPreview(cmd) : cmd, stackName, workDir: join(work, 'workspace') });
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: platform, sandbox: base }));
    await preparePlatform(cluster, platform, base.platforms?.[platform]);
    const policy = opts.policy ? { policyPacks: [...opts.policy.packs], policyPackConfigs: [...(opts.policy.configs ?? [])] } : {};
    type Result = { stdout: string; changes: Record<string, number>; outputs?: OpRecord['outputs'] };
    const run = async (op: LifecycleOp, f: (common: { onEvent: (e: auto.EngineEvent) => void; onOutput: (s: string) => void; color: 'never' }) => Promise<Result>) => {
      const events: auto.EngineEvent[] = [];
      const t = Date.now();
      let printed = '';
      const result = await f({ onEvent: (e) => events.push(e), onOutput: (s) => (printed += s), color: 'never' });
      ops.push({ op, ms: Date.now() - t, changes: result.changes, events, stdout: opts.jsonPreview && op.startsWith('preview') ? result.stdout : printed, ...(result.outputs ? { outputs: result.outputs } : {}) });
      log(`${platform}: ${op} in ${((Date.now() - t) / 1000).toFixed(1)} s ${JSON.stringify(result.changes)}`);
      return opts.until === op;
    };
    const preview = (op: LifecycleOp) =>
      run(op, async (c) => {
        const r = await stack.preview({ ...c, ...policy, diff: true });
        return { stdout: r.stdout, changes: r.changeSummary as Record<string, number> };
      });
    const up = (op: LifecycleOp) =>
      run(op, async (c) => {
        const r = await stack.up({ ...c, ...policy });
        const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, o]) => [k, { secret: o.secret, value: o.secret ? '[secret]' : o.value }]));
        return { stdout: r.stdout, changes: (r.summary.resourceChanges ?? {}) as Record<string, number>, outputs };
      });

    if (await preview('preview')) return finish();
    const deployment = before.find((o) => o.kind === 'Deployment')!;
    const release = agentSandboxRelease(base.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION).version;
    // Started before `up` returns: the scheduler places the pod once the provider has created the Deployment.
    const controllerStarted = controllerWhenScheduled(cluster, { namespace: deployment.metadata.namespace, name: deployment.metadata.name }, release);
    controllerStarted.catch(() => undefined);
    const upDone = await up('up');
    controller = await controllerStarted;
    await warmPoolsSettled(cluster, before);
    observed.afterUp = await observe(cluster, join(work, 'before'));
    if (upDone) return finish();

    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: platform, sandbox: changed }));
    if (await preview('preview-diff')) return finish();
    if (await up('up-again')) return finish();
    await warmPoolsSettled(cluster, after);
    observed.afterUpAgain = await observe(cluster, join(work, 'after'));
    if (await run('refresh', async (c) => {
      const r = await stack.refresh(c);
      return { stdout: r.stdout, changes: (r.summary.resourceChanges ?? {}) as Record<string, number> };
    })) return finish();
    // What the controller logged while the stack was up (destroy then removes its RBAC before its pod is gone).
    observed.controllerForbidden = forbiddenLines(controller.main.logFile);
    // As a kubelet would, stop the controller's process once destroy has deleted its pod.
    const podDeleted = stopWithPod(cluster, deployment, controller);
    await run('destroy', async (c) => {
      const r = await stack.destroy(c);
      return { stdout: r.stdout, changes: (r.summary.resourceChanges ?? {}) as Record<string, number> };
    });
    await podDeleted;
    observed.afterDestroy = await observe(cluster, join(work, 'after'));
    return finish();
  } catch (err) {
    error = `${ops.length ? `after ${ops[ops.length - 1].op}` : 'before the first operation'}: ${(err as Error).stack ?? String(err)}`;
    log(`${platform}: ${error}`);
    return finish();
  } finally {
    if (controller && !observed.controllerForbidden) observed.controllerForbidden = forbiddenLines(controller.main.logFile);
    await stopController(controller).catch(() => undefined);
    await cluster.down();
    if (!opts.engine) engine.dispose();
    rmSync(work, { recursive: true, force: true });
  }

  function finish(): LifecycleRecord {
    return {
      platform,
      stack: stackName,
      manifests: { before: before.map(keyOf).sort(), after: after.map(keyOf).sort() },
      ops,
      observed,
      ms: { clusterUp, total: Date.now() - started },
      ...(error ? { error } : {}),
    };
  }
}

/** `lifecycle.ts <platform> --out <file.json>`: one platform's record as JSON (exit 0 even when a step failed: the record says so). */
export async function main(args: string[]): Promise<number> {
  const platform = args[0];
  const out = args[args.indexOf('--out') + 1];
  if (!platform || !isPlatform(platform) || !args.includes('--out') || !out) {
    process.stderr.write('usage: lifecycle.ts <platform> --out <file.json>\n');
    return 2;
  }
  const record = await runLifecycle({ platform, log: (l) => process.stderr.write(`${l}\n`) });
  writeFileSync(out, JSON.stringify(record));
  return 0;
}

/** A record written by {@link main}. */
export function readRecord(file: string): LifecycleRecord {
  return JSON.parse(readFileSync(file, 'utf8')) as LifecycleRecord;
}
