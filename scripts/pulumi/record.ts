/**
 * `npm run pulumi:record`: records, from real runs of the kubeconfig-only stack against the local cluster, what the
 * repository shows of the real engine, so none of it is written by hand:
 *
 * - test/fixtures/pulumi/preview-changed.{json,events.jsonl}: what `pulumi preview --diff --json --event-log <file>
 *   --policy-pack policy` prints and logs after a config change (a warm pool resized, a tenant added) on a deployed
 *   production stack (an advisory finding). The JSON digest carries no policy findings (CLI 3.277): they are only
 *   in the event log, so CI keeps both;
 * - test/fixtures/pulumi/preview-blocked.{json,events.jsonl}: the same preview with the pack told the cluster is GKE
 *   (mandatory findings: the preview fails, and `--json` prints nothing).
 * The event logs leave out each step's old and new state (`old`/`new` of resourcePreEvent and resOutputsEvent): they
 * hold the pinned upstream CRDs, which are never committed, and the comment builder does not read them.
 * - docs/pulumi-local-run.md: the trimmed transcript of `pulumi preview` and `pulumi up` of that stack.
 *
 * The CI comment builder (scripts/ci/preview-comment.ts) is tested on the two fixtures. The stack's kubeconfig is
 * the cluster's admin kubeconfig with its bearer token, as a secret: the fixtures must not contain it (the test
 * checks), and neither must a comment built from them.
 */
import * as auto from '@pulumi/pulumi/automation';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example';
import type { SandboxPlatformConfig } from '../../config/schema';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { LocalCluster } from '../cluster/control-plane';
import { offlineEngine, policyPackLauncher } from './engine';
import { changedConfig } from './lifecycle';
import { controllerWhenScheduled, localStack, preparePlatform, stackConfigMap, stopController, withJsonPreview } from './local-stack';
import type { RunningPodProcess } from '../cluster/pod-runner';
import { PULUMI_CLI, PULUMI_KUBERNETES_PLUGIN_VERSION } from '../toolchain/versions';

const REPO_ROOT = resolve(__dirname, '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'pulumi');
export const TRANSCRIPT = join(REPO_ROOT, 'docs', 'pulumi-local-run.md');
/** The recorded stack: a production stack name, so the pack's production advisory applies. */
export const RECORDED_STACK = 'agents-prod';
/** One controller replica: what the production advisory flags. */
export const RECORDED_CONFIG: SandboxPlatformConfig = { ...(EXAMPLE_CONFIG as SandboxPlatformConfig), agentSandbox: { ...EXAMPLE_CONFIG.agentSandbox, replicas: 1 } };

/** An event without its step's old and new state (see the file comment); every other field as the engine logged it. */
export function withoutStates(e: auto.EngineEvent): auto.EngineEvent {
  const strip = (m: { old?: unknown; new?: unknown }) => {
    const { old: _old, new: _new, ...rest } = m;
    return rest;
  };
  if (e.resourcePreEvent) return { ...e, resourcePreEvent: { ...e.resourcePreEvent, metadata: strip(e.resourcePreEvent.metadata) as never } };
  if (e.resOutputsEvent) return { ...e, resOutputsEvent: { ...e.resOutputsEvent, metadata: strip(e.resOutputsEvent.metadata) as never } };
  return e;
}

/** Writes `text` to `file` through a temp file and a rename (nothing half-written). */
function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * The CLI's display of an operation, trimmed for reading: its progress lines (`@ previewing update....`) are left
 * out, and the resource lines of each ConfigGroup beyond the first few are summarised as one line (`… N more lines of
 * <group>`); everything else (the summary, policies, outputs, durations) is kept as printed.
 */
export function trimTranscript(text: string, keepPerGroup = 3): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  let skipped: { group: string; n: number } | undefined;
  const flush = () => {
    if (skipped) out.push(`    … ${skipped.n} more lines of ${skipped.group}`);
    skipped = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^@ \w+ \w+\.*$/.test(line)) continue;
    // ` +  kubernetes:core/v1:Namespace local-workloads:team-c create` — the group is the name before `:`.
    const m = /^ [+~\-= ] +kubernetes:[^ ]+ ([\w-]+):/.exec(line);
    if (!m) {
      flush();
      out.push(line);
      continue;
    }
    const n = (counts.get(m[1]) ?? 0) + 1;
    counts.set(m[1], n);
    if (n <= keepPerGroup) {
      flush();
      out.push(line);
    } else if (skipped && skipped.group === m[1]) skipped.n++;
    else {
      flush();
      skipped = { group: m[1], n: 1 };
    }
  }
  flush();
  return `${out.join('\n').trimEnd()}\n`;
}

export async function main(): Promise<number> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const cluster = await LocalCluster.up({ lifetime: 'attached' });
  const engine = await offlineEngine({ log });
  const work = mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-record-'));
  let controller: RunningPodProcess | undefined;
  try {
    const launcher = policyPackLauncher(join(REPO_ROOT, 'policy'), join(work, 'launcher'));
    const packConfig = (name: string, platform: string) => {
      const file = join(work, `${name}.json`);
      writeFileSync(file, JSON.stringify({ 'kubernetes-sandbox-secure-profile': { platform } }));
      return file;
    };
    const cmd = await auto.PulumiCommand.get({ root: engine.root });
    const stack = await localStack({ engine, pulumiCommand: cmd, stackName: RECORDED_STACK, workDir: join(work, 'workspace') });
    const jsonStack = await localStack({ engine, pulumiCommand: withJsonPreview(cmd), stackName: RECORDED_STACK, workDir: join(work, 'workspace') });
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: 'kubernetes', sandbox: RECORDED_CONFIG }));
    await preparePlatform(cluster, 'kubernetes', RECORDED_CONFIG.platforms?.kubernetes);
    const policy = { policyPacks: [launcher], policyPackConfigs: [packConfig('kubernetes', 'kubernetes')] };

    log('record: pulumi preview --policy-pack policy');
    const started = Date.now();
    const preview = await stack.preview({ ...policy, color: 'never' });
    const previewSeconds = (Date.now() - started) / 1000;
    log('record: pulumi up --policy-pack policy');
    const release = agentSandboxRelease(RECORDED_CONFIG.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION).version;
    const controllerStarted = controllerWhenScheduled(cluster, { namespace: 'agent-sandbox-system', name: 'agent-sandbox-controller' }, release);
    controllerStarted.catch(() => undefined);
    const upStarted = Date.now();
    const up = await stack.up({ ...policy, color: 'never' });
    const upSeconds = (Date.now() - upStarted) / 1000;
    controller = await controllerStarted;

    log('record: config change, then pulumi preview --diff --json --policy-pack policy');
    await stack.setAllConfig(stackConfigMap(cluster, { manifestsFor: 'kubernetes', sandbox: changedConfig(RECORDED_CONFIG) }));
    // The event log: the engine's events, one JSON object a line, as `--event-log` writes them (the Automation API
    // passes --event-log itself and hands each line over parsed).
    const changedEvents: auto.EngineEvent[] = [];
    const changed = await jsonStack.preview({ ...policy, diff: true, color: 'never', onEvent: (e) => changedEvents.push(e) });
    const blockedEvents: auto.EngineEvent[] = [];
    log('record: the same preview with the pack told the cluster is GKE (mandatory findings)');
    const blocked = await jsonStack.preview({ policyPacks: [launcher], policyPackConfigs: [packConfig('gke', 'gke-standard')], diff: true, color: 'never', onEvent: (e) => blockedEvents.push(e) }).then(
      () => {
        throw new Error('the preview with mandatory findings passed');
      },
      (err: unknown) => {
        if (!(err instanceof auto.CommandError)) throw err;
        // `pulumi preview --json` prints its JSON even when a mandatory policy fails the preview; the CLI's output is
        // on the error (`commandResult`, private in the SDK's typings).
        return (err as unknown as { commandResult: { stdout: string; code: number } }).commandResult;
      },
    );
    const destroyStarted = Date.now();
    await stack.destroy({ color: 'never' });
    const destroySeconds = (Date.now() - destroyStarted) / 1000;

    const jsonl = (events: auto.EngineEvent[]) => events.map((e) => JSON.stringify(withoutStates(e))).join('\n') + '\n';
    writeAtomically(join(FIXTURES, 'preview-changed.json'), changed.stdout);
    writeAtomically(join(FIXTURES, 'preview-changed.events.jsonl'), jsonl(changedEvents));
    writeAtomically(join(FIXTURES, 'preview-blocked.json'), blocked.stdout);
    writeAtomically(join(FIXTURES, 'preview-blocked.events.jsonl'), jsonl(blockedEvents));
    writeAtomically(
      TRANSCRIPT,
      [
        '# `pulumi preview` and `pulumi up` on a local cluster (recorded)',
        '',
        '<!-- Generated by `npm run pulumi:record` (scripts/pulumi/record.ts) from a real run; do not edit. -->',
        '',
        `The kubeconfig-only stack \`${RECORDED_STACK}\` (\`Pulumi.kubernetes.yaml\`'s shape: \`platform: kubernetes\`, the built-in`,
        'example sandbox config with one controller replica) against the local control plane of `npm run cluster`, with the',
        `Pulumi CLI ${PULUMI_CLI.version} and the Kubernetes provider ${PULUMI_KUBERNETES_PLUGIN_VERSION} built from their Go modules, the`,
        "repository's policy pack, and a `file://` backend. The resource lines of each ConfigGroup are trimmed to their first",
        `three; everything else is as printed. This run: preview ${previewSeconds.toFixed(0)} s, up ${upSeconds.toFixed(0)} s, destroy ${destroySeconds.toFixed(0)} s.`,
        '',
        '## `pulumi preview --policy-pack policy`',
        '',
        '```text',
        trimTranscript(preview.stdout).trimEnd(),
        '```',
        '',
        '## `pulumi up --policy-pack policy`',
        '',
        '```text',
        trimTranscript(up.stdout).trimEnd(),
        '```',
        '',
      ].join('\n'),
    );
    log(`record: wrote ${FIXTURES}/preview-{changed,blocked}.{json,events.jsonl} and ${TRANSCRIPT}`);
    return 0;
  } finally {
    await stopController(controller).catch(() => undefined);
    await cluster.down();
    engine.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
