/**
 * The kubeconfig-only stack (`platform: kubernetes`) run for real against the local cluster: the repository's own
 * program (stacks/program.ts `sandboxStack`) as an Automation API inline program, the built CLI and Kubernetes
 * provider (scripts/pulumi/engine.ts, offline, `file://` backend), the cluster's admin kubeconfig as the stack's
 * secret. Used by test/integration/pulumi-stack.test.ts and by the recorder of the CI fixture and the README
 * transcript (scripts/pulumi/record.ts), so both see the same runs.
 *
 * What the local cluster cannot supply for a platform's manifests is supplied the way `cluster deploy` does it: the
 * platform's simulated nodes (labelled and tainted like its node pools) and its stand-in RuntimeClasses, before the
 * stack runs; and the controller Deployment's pod becomes the real agent-sandbox controller process once the
 * scheduler has placed it (kwok makes the pod Ready, which is what the provider's await logic waits for).
 */
import * as auto from '@pulumi/pulumi/automation';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxPlatformConfig } from '../../config/schema';
import type { Platform } from '../../platforms';
import { createNodes } from '../cluster/deploy';
import type { LocalCluster } from '../cluster/control-plane';
import { nodeObjects, simulatedPools } from '../cluster/platform-nodes';
import { runDeploymentPod } from '../cluster/pod-process';
import type { RunningPodProcess } from '../cluster/pod-runner';
import { stopProcesses } from '../cluster/processes';
import { standInRuntimeClasses } from '../cluster/stand-ins';
import { agentSandboxControllerComponent } from '../toolchain/versions';
import { binaryPath } from '../toolchain/paths';
import type { OfflineEngine } from './engine';

export const PROJECT = 'agent-sandbox-infra';
const CONTROLLER = { container: 'agent-sandbox-controller' };

/** The stack config of a run: which platform's manifests, the sandbox config, the kubeconfig (secret). */
export interface LocalStackConfig {
  readonly manifestsFor: Platform;
  readonly sandbox: SandboxPlatformConfig;
  /** The kubeconfig's content or path (default: the cluster's admin kubeconfig file's content). */
  readonly kubeconfig?: string;
  /** Set the sandbox config as a secret (`pulumi config set --secret`). @default false */
  readonly sandboxSecret?: boolean;
}

export function stackConfigMap(cluster: LocalCluster, c: LocalStackConfig): auto.ConfigMap {
  return {
    'agent-sandbox-infra:platform': { value: 'kubernetes' },
    'agent-sandbox-infra:cluster': { value: JSON.stringify({ manifestsFor: c.manifestsFor }) },
    'agent-sandbox-infra:sandbox': { value: JSON.stringify(c.sandbox), ...(c.sandboxSecret ? { secret: true } : {}) },
    'agent-sandbox-infra:kubeconfig': { value: c.kubeconfig ?? readFileSync(cluster.state.kubeconfig, 'utf8'), secret: true },
  };
}

/** `PulumiCommand.run`: the SDK's internal entry every Automation API command goes through (not in its typings). */
type CommandRunner = { run(args: string[], ...rest: unknown[]): Promise<unknown> };

/**
 * A PulumiCommand that adds `--json` to `preview`: what `pulumi preview --json` prints for this very run (stdout of
 * the Automation API's preview), as CI's comment builder reads it. The inline program needs the Automation API's
 * own language host, so the CLI cannot be called with `--json` directly here.
 */
export function withJsonPreview(cmd: auto.PulumiCommand): auto.PulumiCommand {
  const inner = cmd as unknown as CommandRunner;
  if (typeof inner.run !== 'function') throw new Error('@pulumi/pulumi/automation: PulumiCommand.run is gone; withJsonPreview needs another way to pass --json');
  const wrapped = Object.create(cmd) as auto.PulumiCommand & CommandRunner;
  wrapped.run = (args, ...rest) => inner.run.call(cmd, args[0] === 'preview' ? [args[0], '--json', ...args.slice(1)] : args, ...rest);
  return wrapped;
}

/**
 * The stack `stackName` of the repository's program in a fresh workspace folder under `workDir`, on the engine's
 * backend. The program is the one `pulumi up` runs (stacks/program.ts), inline: the CLI's Node.js language host is
 * not built here (scripts/pulumi/engine.ts).
 */
export async function localStack(opts: {
  engine: OfflineEngine;
  pulumiCommand: auto.PulumiCommand;
  stackName: string;
  workDir: string;
}): Promise<auto.Stack> {
  mkdirSync(opts.workDir, { recursive: true });
  const program: auto.PulumiFn = async () => {
    // Loaded when the engine runs the program, as `pulumi up` loads stacks/index.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sandboxStack } = require('../../stacks/program') as typeof import('../../stacks/program');
    return sandboxStack(opts.stackName) as unknown as Record<string, unknown>;
  };
  return auto.LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, projectName: PROJECT, program },
    {
      workDir: opts.workDir,
      pulumiCommand: opts.pulumiCommand,
      envVars: opts.engine.env,
      projectSettings: { name: PROJECT, runtime: 'nodejs', backend: { url: opts.engine.backendUrl } },
    },
  );
}

/** The cluster side a platform's manifests need: its simulated nodes and the RuntimeClasses it owns (stand-ins). */
export interface PreparedPlatform {
  readonly platform: Platform;
  readonly nodes: readonly string[];
  readonly standIns: readonly string[];
}

export async function preparePlatform(cluster: LocalCluster, platform: Platform, settings: unknown): Promise<PreparedPlatform> {
  const pools = simulatedPools(platform, settings);
  await createNodes(cluster, pools);
  const standIns = standInRuntimeClasses(platform, settings);
  for (const rc of standIns) await cluster.client.create('/apis/node.k8s.io/v1/runtimeclasses', rc);
  return { platform, nodes: pools.flatMap(nodeObjects).map((n) => n.metadata.name as string), standIns: standIns.map((r) => r.metadata.name as string) };
}

/** Removes what {@link preparePlatform} created (another platform's nodes come next). */
export async function unpreparePlatform(cluster: LocalCluster, prepared: PreparedPlatform): Promise<void> {
  for (const name of prepared.standIns) await cluster.client.delete(`/apis/node.k8s.io/v1/runtimeclasses/${name}`);
  for (const name of prepared.nodes) await cluster.client.delete(`/api/v1/nodes/${name}`);
}

/**
 * Starts the real controller for the Deployment's pod as soon as the scheduler has placed it and kwok runs it (while
 * `pulumi up` is still creating the tenants). Resolves with the running process.
 */
export function controllerWhenScheduled(cluster: LocalCluster, deployment: { namespace: string; name: string }, release: string): Promise<RunningPodProcess> {
  return runDeploymentPod(
    cluster,
    { ...deployment, container: CONTROLLER.container },
    binaryPath(agentSandboxControllerComponent(release), 'agent-sandbox-controller'),
    'attached',
  );
}

export async function stopController(running: RunningPodProcess | undefined): Promise<void> {
  if (running) await stopProcesses(running.processes);
}

/** A step of a run, from the engine's structured events (resourcePreEvent per step, in the engine's order). */
export interface Step {
  readonly op: string;
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Changed top-level input keys of an update (`diffs`). */
  readonly diffs: readonly string[];
}

export function stepsOf(events: readonly auto.EngineEvent[], kind: 'pre' | 'outputs' = 'pre'): Step[] {
  return events.flatMap((e) => {
    const m = kind === 'pre' ? e.resourcePreEvent?.metadata : e.resOutputsEvent?.metadata;
    if (!m) return [];
    return [{ op: m.op, type: m.type, name: m.urn.split('::').pop()!, urn: m.urn, diffs: m.diffs ?? [] }];
  });
}

/** A policy violation of a run (one policyEvent each). */
export interface PolicyFinding {
  readonly level: string;
  readonly policy: string;
  /** The violation as the pack reported it (`[rule] Kind namespace/name: path: message`). */
  readonly message: string;
  /** The policy's description, which the engine puts before the violation in the event's message. */
  readonly description: string;
  readonly urn?: string;
}

export function policyFindings(events: readonly auto.EngineEvent[]): PolicyFinding[] {
  return events.flatMap((e) => {
    const p = e.policyEvent;
    if (!p) return [];
    const cut = p.message.indexOf('\n');
    return [{ level: p.enforcementLevel, policy: p.policyName, description: cut < 0 ? '' : p.message.slice(0, cut), message: (cut < 0 ? p.message : p.message.slice(cut + 1)).trim(), urn: p.resourceUrn }];
  });
}

export function diagnosticsOf(events: readonly auto.EngineEvent[], severity?: string): string[] {
  return events.flatMap((e) => (e.diagnosticEvent && (!severity || e.diagnosticEvent.severity === severity) ? [e.diagnosticEvent.message.trim()] : []));
}

export function workspaceDir(base: string, name: string): string {
  return join(base, name);
}
