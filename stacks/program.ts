/**
 * The Pulumi program: one stack = one cloud environment. It reads the stack config, checks all of it at once
 * (sandbox config, cluster config, how the two relate, the manifests they imply, warm-pool capacity) before
 * registering anything, then creates or adopts the cluster with its sandbox pools and deploys the platform's
 * manifests onto it: CRDs first, then the agent-sandbox controller (awaited until ready), then the RuntimeClass, then
 * the tenant workloads.
 *
 * A refused stack throws one {@link StackConfigError}: every problem on its own line, printed by the Pulumi CLI
 * without a stack trace (missing pinned upstream files included, with the command that fetches them).
 */
import * as pulumi from '@pulumi/pulumi';
import { Provider } from '@pulumi/kubernetes/provider';
import { ConfigGroup } from '@pulumi/kubernetes/yaml/v2';
import { ConfigError, validateConfig } from '../config/validate';
import type { SandboxPlatformConfig } from '../config/schema';
import { CRDS_FILE, renderPlatform, type RenderedFile, type RenderedPlatform } from '../constructs/output/render';
import { compareGkeVersions, parseGkeVersion } from '../platforms/gke/addon';
import type { Platform } from '../platforms/platform';
import { MIRROR_ENV, UpstreamError } from '../core/upstream/store';
import { AksSandboxCluster } from './aks/aks-sandbox-cluster';
import { parseAksClusterConfig, type AksClusterConfig } from '../platforms/aks/cluster-config';
import { checkStackCapacity } from './capacity-plan';
import { parseEksClusterConfig } from '../platforms/eks/cluster-config';
import { EksSandboxCluster } from './eks/sandbox-cluster';
import { contextProblems } from '../platforms/gke/checks';
import { parseGkeClusterConfig } from '../platforms/gke/cluster-config';
import { GkeSandboxCluster } from './gke/gke-sandbox-cluster';
import type { SandboxClusterOutputs } from './sandbox-cluster';
import type { InputProblem } from '../core/diagnostics';

/**
 * The program's refusal: an `InputPropertiesError` (every problem as `{propertyPath, reason}`) that the Pulumi
 * CLI's Node.js runner also recognises as a `RunError`, so it prints the message alone instead of a stack trace
 * (`@pulumi/pulumi/cmd/run/run.js`: "Always hide the stack for RunErrors").
 */
export class StackConfigError extends pulumi.InputPropertiesError {
  /** The `RunError` brand (`pulumi.RunError.isInstance`). */
  readonly __pulumiRunError = true;
  constructor(problems: readonly InputProblem[]) {
    super({
      message: `stack config has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was created:\n  ${problems.map((x) => `${x.propertyPath}: ${x.reason}`).join('\n  ')}`,
      errors: problems.map((x) => ({ propertyPath: x.propertyPath, reason: x.reason })),
    });
    this.name = 'StackConfigError';
  }
}

/** The commands that fill the upstream cache, from this folder (the program runs where Pulumi.yaml is). */
export const FETCH_UPSTREAM_COMMANDS = '`npx agent-sandbox-infra fetch-upstream --if-missing` (or `node bin/agent-sandbox-infra.js fetch-upstream --if-missing`)';

/** A missing or altered pinned upstream file as a stack problem that says what to run. */
export function upstreamProblem(err: UpstreamError, env: NodeJS.ProcessEnv = process.env): InputProblem {
  const fix = env[MIRROR_ENV]
    ? `fix the mirror, or unset ${MIRROR_ENV} and run ${FETCH_UPSTREAM_COMMANDS} in this folder`
    : `run ${FETCH_UPSTREAM_COMMANDS} in this folder (it needs network access once), then run pulumi again`;
  return { propertyPath: 'upstream files', reason: `${err.message} To deploy: ${fix}.` };
}

export const STACK_PLATFORMS = ['gke-autopilot', 'gke-standard', 'eks', 'aks'] as const;
export type StackPlatform = (typeof STACK_PLATFORMS)[number];
export const CONFIG_NAMESPACE = 'agent-sandbox-infra';

export interface StackOutputs {
  readonly platform: string;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly runtimeClassName: string;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  readonly agentSandbox: 'self' | 'managed';
  readonly manifests: { readonly objects: number; readonly files: readonly string[] };
}

interface CheckedStack {
  readonly platform: StackPlatform;
  readonly sandbox: SandboxPlatformConfig;
  readonly cluster: unknown;
  readonly rendered: RenderedPlatform;
  readonly warnings: readonly string[];
}

/** Reads and checks the whole stack config; throws one InputPropertiesError with every problem. */
export function checkStack(): CheckedStack {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const gcp = new pulumi.Config('gcp');
  const problems: InputProblem[] = [];
  const add = (propertyPath: string, reason: string) => problems.push({ propertyPath, reason });

  const platform = config.get('platform');
  if (!platform || !(STACK_PLATFORMS as readonly string[]).includes(platform)) {
    add('platform', `must be one of ${STACK_PLATFORMS.join(', ')}, got ${platform === undefined ? 'nothing' : JSON.stringify(platform)} (kind clusters: use \`agent-sandbox-infra synth --platform kind\`)`);
  }
  let sandbox: SandboxPlatformConfig | undefined;
  const rawSandbox = config.getObject<unknown>('sandbox') ?? {};
  try {
    sandbox = validateConfig(rawSandbox, `${CONFIG_NAMESPACE}:sandbox`);
  } catch (err) {
    if (err instanceof UpstreamError) {
      // Without the pinned schemas the sandbox config cannot be checked; the other problems are still listed.
      problems.push(upstreamProblem(err));
    } else if (err instanceof ConfigError) {
      for (const line of err.problems) {
        const sep = line.indexOf(': ');
        add(`sandbox.${line.slice(0, sep)}`, line.slice(sep + 2));
      }
    } else {
      throw err;
    }
  }
  const cluster = config.getObject<unknown>('cluster');
  const p = platform as StackPlatform;
  if ((STACK_PLATFORMS as readonly string[]).includes(p)) {
    // The sandbox config's platform settings, read from the raw value when another part of it is invalid: the
    // cluster checks still run against them, in the same refusal.
    problems.push(...clusterProblems(p, cluster, gkeSettings(p, sandbox ?? rawSandbox), gcp));
  }

  let rendered: RenderedPlatform | undefined;
  const warnings: string[] = [];
  if (problems.length === 0 && sandbox) {
    try {
      rendered = renderPlatform(p, sandbox);
    } catch (err) {
      if (err instanceof UpstreamError) problems.push(upstreamProblem(err));
      else add('sandbox', (err as Error).message);
    }
    if (rendered) {
      const capacity = checkStackCapacity(p, cluster, rendered.chart, gcp.get('region') ?? gcp.get('zone'));
      for (const f of capacity.errors) add(`cluster (capacity of ${f.pool ?? 'the sandbox pools'})`, f.message);
      warnings.push(...capacity.warnings.map((f) => f.message));
    }
  }
  if (problems.length || !rendered || !sandbox) {
    throw new StackConfigError(problems);
  }
  return { platform: p, sandbox, cluster, rendered, warnings };
}

interface GkeSettings {
  /** `platforms.<platform>.agentSandbox: managed` (GKE's add-on installs the controller and CRDs). */
  readonly managed: boolean;
  /** `platforms.<platform>.gkeVersion` in managed mode: the version the manifests are rendered for. */
  readonly gkeVersion?: string;
}

/** The GKE settings of a sandbox config (validated, or raw: fields of the wrong type count as unset). */
function gkeSettings(platform: StackPlatform, sandbox: unknown): GkeSettings {
  const get = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);
  const settings = get(get(sandbox, 'platforms'), platform);
  const managed = get(settings, 'agentSandbox') === 'managed';
  const gkeVersion = get(settings, 'gkeVersion');
  return { managed, gkeVersion: managed && typeof gkeVersion === 'string' ? gkeVersion : undefined };
}

/**
 * True only when every version `pinned` (a `minMasterVersion`: "latest", "1.36", "1.36.3" or "1.36.3-gke.1767000")
 * can resolve to is ≥ `minimum` (a full GKE version). "latest" and a fuzzy version that shares the minimum's
 * prefix ("1.36" vs 1.36.3-gke.…) cannot be shown to be: false.
 */
export function gkeVersionGuarantees(pinned: string, minimum: string): boolean {
  if (!parseGkeVersion(minimum)) return false;
  if (parseGkeVersion(pinned)) return compareGkeVersions(pinned, minimum) >= 0;
  const fuzzy = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pinned);
  if (!fuzzy) return false;
  const min = parseGkeVersion(minimum)!;
  const parts = fuzzy.slice(1).filter((x) => x !== undefined).map(Number);
  for (let i = 0; i < parts.length; i++) if (parts[i] !== min[i]) return parts[i] > min[i];
  return false;
}

/**
 * Managed agent-sandbox (GKE add-on): we render for the sandbox config's `gkeVersion` (it decides which API version
 * the add-on serves), so a cluster we create must be guaranteed at least that version: `cluster.minMasterVersion`
 * set and ≥ it. (An adopted cluster is compared at deploy time by the GKE component, from its running version.)
 * A problem the cluster checks already reported for `cluster.minMasterVersion` naming that version is not repeated.
 */
export function managedVersionProblems(cluster: unknown, gkeVersion: string | undefined, platform: string, reported: readonly InputProblem[]): InputProblem[] {
  const path = 'cluster.minMasterVersion';
  if (gkeVersion === undefined || !parseGkeVersion(gkeVersion)) return []; // the sandbox config check reports it
  // Already said by the cluster checks (the GKE component's context checks compare the same two versions).
  if (reported.some((x) => x.propertyPath === path && x.reason.includes(gkeVersion))) return [];
  const config = typeof cluster === 'object' && cluster !== null && !Array.isArray(cluster) ? (cluster as Record<string, unknown>) : {};
  if (config.existingCluster !== undefined) return [];
  const pinned = config.minMasterVersion;
  const field = `sandbox.platforms.${platform}.gkeVersion`;
  if (pinned === undefined) {
    return [
      {
        propertyPath: path,
        reason:
          `is required with agentSandbox: managed: the manifests are rendered for ${field} ${gkeVersion} (the add-on's API version depends on it), ` +
          `and without minMasterVersion GKE picks its channel's default, which may be older; set minMasterVersion to "${gkeVersion}" or later`,
      },
    ];
  }
  if (typeof pinned !== 'string' || gkeVersionGuarantees(pinned, gkeVersion)) return [];
  return [
    {
      propertyPath: path,
      reason:
        `must guarantee at least ${field} ${gkeVersion} (what the manifests are rendered for), got "${pinned}"` +
        `${parseGkeVersion(pinned) ? '' : ', which may resolve to an older version'}; set minMasterVersion to "${gkeVersion}" or later, or lower gkeVersion to the cluster's version`,
    },
  ];
}

function clusterProblems(platform: StackPlatform, cluster: unknown, gke: GkeSettings, gcp: pulumi.Config): InputProblem[] {
  switch (platform) {
    case 'gke-autopilot':
    case 'gke-standard': {
      const context = {
        platform,
        selfManagedAgentSandbox: !gke.managed,
        gcpProject: gcp.get('project'),
        gcpLocation: gcp.get('region') ?? gcp.get('zone'),
        sandboxGkeVersion: gke.gkeVersion,
      };
      const problems = [...parseGkeClusterConfig(cluster).problems, ...contextProblems(cluster, context)];
      return [...problems, ...managedVersionProblems(cluster, context.sandboxGkeVersion, platform, problems)];
    }
    case 'eks':
      return parseEksClusterConfig(cluster).problems;
    case 'aks':
      return parseAksClusterConfig(cluster).problems;
    default: {
      const never: never = platform;
      throw new Error(`unknown platform ${String(never)}`);
    }
  }
}

function createCluster(name: string, stack: CheckedStack): SandboxClusterOutputs & pulumi.Resource {
  switch (stack.platform) {
    case 'gke-autopilot':
    case 'gke-standard': {
      const gke = gkeSettings(stack.platform, stack.sandbox);
      const args = {
        platform: stack.platform,
        cluster: stack.cluster,
        selfManagedAgentSandbox: !gke.managed,
        // An adopted cluster's running version is compared with it at deploy time.
        sandboxGkeVersion: gke.gkeVersion,
      };
      return new GkeSandboxCluster(name, args);
    }
    case 'eks':
      return new EksSandboxCluster(name, { cluster: stack.cluster });
    case 'aks':
      return new AksSandboxCluster(name, stack.cluster as AksClusterConfig);
    default: {
      const never: never = stack.platform;
      throw new Error(`unknown platform ${String(never)}`);
    }
  }
}

/** The whole stack. `name` prefixes every resource (default: the project's stack name). */
export function sandboxStack(name = pulumi.getStack()): StackOutputs {
  const stack = checkStack();
  for (const w of stack.warnings) pulumi.log.warn(w);
  const cluster = createCluster(name, stack);
  // Not parented to the cluster component: the ConfigGroups depend on that component (all of its children), and a
  // child of it would then wait for itself.
  const provider = new Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
  const deployed = deployManifests(name, stack.rendered, provider, cluster);
  return {
    platform: stack.platform,
    clusterName: cluster.clusterName,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    runtimeClassName: cluster.runtimeClassName,
    sandboxPoolNames: cluster.sandboxPoolNames,
    agentSandbox: stack.sandbox.platforms?.[stack.platform]?.agentSandbox ?? 'self',
    manifests: { objects: stack.rendered.objects, files: deployed },
  };
}

/** One ConfigGroup of the deployment: its id (`<stack>-<id>`), files, and the groups it waits for. */
export interface ManifestGroup {
  readonly id: 'crds' | 'agent-sandbox' | 'runtime' | 'workloads';
  readonly files: readonly string[];
  /** Ids of earlier groups this one depends on. */
  readonly after: readonly ManifestGroup['id'][];
  /** Also waits for the sandbox node pools (`readyResources`). */
  readonly afterNodePools: boolean;
}

/** A file of RuntimeClasses only (`20-runtime.yaml` where we own the RuntimeClass: EKS, kind). */
function isRuntimeFile(f: RenderedFile): boolean {
  return f.objects.length > 0 && f.objects.every((o) => o.kind === 'RuntimeClass' && String(o.apiVersion).startsWith('node.k8s.io/'));
}

/**
 * The ConfigGroups, in order. yaml/v2 orders only CRDs and Namespaces ahead of the rest inside one group, so
 * anything that must exist before something else gets its own group:
 * - CRDs first;
 * - the controller next (ConfigGroup waits for its Deployment to be ready, so the conversion webhook answers before
 *   any custom resource is written);
 * - the RuntimeClass next, where we own it (EKS: `gvisor`; GKE and AKS ship theirs, so no group): a warm pool's pods
 *   are refused while their RuntimeClass does not exist;
 * - tenants last, after the sandbox node pools exist (a warm pool would otherwise sit at 0).
 */
export function planManifestGroups(files: readonly RenderedFile[]): ManifestGroup[] {
  const groups: ManifestGroup[] = [];
  const ids = () => groups.map((g) => g.id);
  const crds = files.some((f) => f.name === CRDS_FILE);
  if (crds) groups.push({ id: 'crds', files: [CRDS_FILE], after: [], afterNodePools: false });
  const controllerFile = files.find((f) => f.name.endsWith('-agent-sandbox.yaml'))?.name;
  if (controllerFile) groups.push({ id: 'agent-sandbox', files: [controllerFile], after: ids(), afterNodePools: true });
  const runtimeFiles = files.filter((f) => f.name !== CRDS_FILE && f.name !== controllerFile && isRuntimeFile(f)).map((f) => f.name);
  if (runtimeFiles.length) groups.push({ id: 'runtime', files: runtimeFiles, after: ids(), afterNodePools: false });
  const placed = new Set(groups.flatMap((g) => g.files));
  const rest = files.map((f) => f.name).filter((f) => !placed.has(f));
  if (rest.length) groups.push({ id: 'workloads', files: rest, after: ids(), afterNodePools: true });
  return groups;
}

/** Creates the ConfigGroups of {@link planManifestGroups}, each depending on the cluster and the groups before it. */
function deployManifests(name: string, rendered: RenderedPlatform, provider: Provider, cluster: SandboxClusterOutputs & pulumi.Resource): string[] {
  const byName = new Map(rendered.files.map((f) => [f.name, f]));
  const created = new Map<string, ConfigGroup>();
  for (const g of planManifestGroups(rendered.files)) {
    const yaml = g.files.map((f) => byName.get(f)!.text).join('---\n');
    const dependsOn: pulumi.Resource[] = [cluster, ...g.after.map((id) => created.get(id)!), ...(g.afterNodePools ? cluster.readyResources : [])];
    created.set(g.id, new ConfigGroup(`${name}-${g.id}`, { yaml }, { provider, dependsOn }));
  }
  return rendered.files.map((f) => f.name);
}

export type { Platform };
