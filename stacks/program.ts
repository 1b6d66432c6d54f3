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
import { ConfigError, configWarnings, validateConfig } from '../config/validate';
import type { SandboxPlatformConfig } from '../config/schema';
import { renderPlatform, type RenderedPlatform } from '../constructs/output/render';
import { isPlatform, platformModule, PLATFORMS, type Platform } from '../platforms';
import { isProductionStack } from '../platforms/environment';
import { formatProblem, joinPaths, problemAt, ProblemsError, type Problem } from '../core/diagnostics';
import { ROOT_PATH } from '../core/zod-issues';
import { UpstreamError } from '../core/upstream/store';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { stackCapacity } from './capacity-plan';
import { CLUSTER_COMPONENTS, CONFIG_NAMESPACE, isStackPlatform, STACK_PLATFORMS, type StackPlatform } from './components';
import { deployManifests } from './deploy-manifests';
import { readConfigObject, redactorFor, secretWhen } from './secret-config';
import { StackConfigError, upstreamProblem } from './stack-error';

export { CONFIG_NAMESPACE };

/** What the stack exports. Those derived from the sandbox config are secret Outputs when that config is secret. */
export interface StackOutputs {
  readonly platform: string;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly runtimeClassName: pulumi.Input<string>;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  readonly agentSandbox: pulumi.Input<'self' | 'managed'>;
  /** `platform`: whose manifests were deployed (the stack's own, or the kubeconfig-only stack's `cluster.manifestsFor`). */
  readonly manifests: pulumi.Input<{ readonly platform: Platform; readonly objects: number; readonly files: readonly string[] }>;
}

interface CheckedStack {
  readonly platform: StackPlatform;
  /** The platform whose manifests the stack deploys (its own, unless the platform's `manifestsFor` names another). */
  readonly manifestsFor: Platform;
  readonly sandbox: SandboxPlatformConfig;
  /** The sandbox config is a secret (or holds one): the manifests and what else derives from it stay secret. */
  readonly sandboxSecret: boolean;
  readonly cluster: unknown;
  readonly rendered: RenderedPlatform;
  readonly warnings: readonly string[];
}

/** Reads and checks the whole stack config; throws one InputPropertiesError with every problem. */
export function checkStack(): CheckedStack {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  // Provider settings (`gcp:project`, `gcp:region`, …) as the platforms' checks read them.
  const providerConfig = (namespace: string, key: string): string | undefined => new pulumi.Config(namespace).get(key);
  // Presence only: a secret's value stays an Output (the kubeconfig-only stack's kubeconfig).
  const secretConfigured = (key: string): boolean => config.getSecret(key) !== undefined;
  const problems: Problem[] = [];
  const add = (path: string, message: string, code = 'stackConfig') => problems.push(problemAt(path, message, code));
  /**
   * The sandbox config's problems, each at its path under the stack setting `sandbox` (the config as a whole: at
   * `sandbox`), with their code (a line names the stack setting, so a construct problem's object is left out).
   */
  const addSandbox = (found: readonly Problem[]) => {
    for (const p of found) add(joinPaths('sandbox', p.path === ROOT_PATH ? '' : p.path), p.message, p.code);
  };

  const platform = config.get('platform');
  if (!isStackPlatform(platform)) {
    add('platform', `must be one of ${STACK_PLATFORMS.join(', ')}, got ${platform === undefined ? 'nothing' : JSON.stringify(platform)} (a cluster you already run, kind included: kubernetes, with its kubeconfig)`);
  }
  let sandbox: SandboxPlatformConfig | undefined;
  const sandboxConfig = readConfigObject(CONFIG_NAMESPACE, 'sandbox');
  const rawSandbox = sandboxConfig?.value ?? {};
  if (sandboxConfig?.problem) add('sandbox', sandboxConfig.problem);
  try {
    sandbox = validateConfig(rawSandbox, `${CONFIG_NAMESPACE}:sandbox`, isStackPlatform(platform) ? { platforms: [platform] } : {});
  } catch (err) {
    if (err instanceof UpstreamError) {
      // Without the pinned schemas the sandbox config cannot be checked; the other problems are still listed.
      problems.push(upstreamProblem(err));
    } else if (err instanceof ConfigError) {
      addSandbox(err.problems);
    } else {
      throw err;
    }
  }
  const clusterConfig = readConfigObject(CONFIG_NAMESPACE, 'cluster');
  const cluster = clusterConfig?.value;
  if (clusterConfig?.problem) add('cluster', clusterConfig.problem);
  if (clusterConfig?.secret) {
    // Its values become cloud resources' names, sizes and networks and the clusters' own fields, which the cloud
    // components register in plain text: refused rather than leaked.
    add(
      'cluster',
      `is set as a secret (\`pulumi config set --secret\`, or one of its fields with --path); its values name and size cloud resources, which Pulumi would store and show in plain text: set it without --secret (the kubeconfig goes in ${CONFIG_NAMESPACE}:kubeconfig, secret values of the workloads in ${CONFIG_NAMESPACE}:sandbox)`,
    );
  }
  const p = platform as StackPlatform;
  let manifestsFor: Platform = p;
  if (isStackPlatform(platform)) {
    // The sandbox config's platform settings, read from the raw value when another part of it is invalid: the
    // cluster checks still run against them, in the same refusal.
    const settings = field(field(sandbox ?? rawSandbox, 'platforms'), platform);
    problems.push(...(platformModule(platform).clusterProblems?.(cluster, { settings, providerConfig, secretConfigured }) ?? []));
    const named = platformModule(platform).manifestsFor?.(cluster);
    if (named !== undefined && isPlatform(named)) manifestsFor = named;
    else if (named !== undefined) add('cluster.manifestsFor', `must be one of ${PLATFORMS.join(', ')}, got ${JSON.stringify(named)}`);
  }

  let rendered: RenderedPlatform | undefined;
  const warnings: string[] = [];
  const deprecation = sandbox && agentSandboxRelease(sandbox.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION).deprecation;
  if (deprecation) warnings.push(`${CONFIG_NAMESPACE}:sandbox.agentSandbox.version: ${deprecation}`);
  if (problems.length === 0 && sandbox) {
    try {
      rendered = renderPlatform(manifestsFor, sandbox);
    } catch (err) {
      if (err instanceof UpstreamError) problems.push(upstreamProblem(err));
      // What the constructs found, each at its config path under `sandbox.`.
      else if (err instanceof ProblemsError) addSandbox(err.problems);
      else add('sandbox', (err as Error).message);
    }
    if (rendered) {
      // Valid but probably not meant (unpinned images, settings that do nothing): warnings, errors with strict: true.
      for (const w of configWarnings(sandbox)) {
        if (sandbox.strict) addSandbox([{ ...w, message: `${w.message} [strict]` }]);
        else warnings.push(`${CONFIG_NAMESPACE}:sandbox.${formatProblem(w)}`);
      }
      warnings.push(...rendered.chart.warnings.map((w) => `${CONFIG_NAMESPACE}:sandbox.${w}`));
      const capacity = stackCapacity(p, cluster, rendered.chart, providerConfig);
      for (const f of capacity.errors) add(`cluster (capacity of ${f.pool ?? 'the sandbox pools'})`, f.message, 'capacity');
      warnings.push(...capacity.warnings.map((f) => f.message));
    }
  }
  // A secret sandbox config's values stay out of what the engine prints.
  const redact = redactorFor(sandboxConfig);
  if (problems.length || !rendered || !sandbox) {
    throw new StackConfigError(problems.map((x) => ({ ...x, message: redact(x.message) })));
  }
  return { platform: p, manifestsFor, sandbox, sandboxSecret: sandboxConfig?.secret ?? false, cluster, rendered, warnings: warnings.map(redact) };
}

/** `value[key]` of a raw config value (undefined when it is not an object). */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The whole stack. `name` prefixes every resource (default: the project's stack name). A refused config throws here,
 * before anything is registered; the outputs resolve once the manifests are registered, after the cluster's live
 * checks where it has them (a failed check registers no manifest and logs the reason as an error: the run fails).
 */
export function sandboxStack(name = pulumi.getStack()): Promise<StackOutputs> {
  const stack = checkStack();
  for (const w of stack.warnings) pulumi.log.warn(w);
  const production = isProductionStack(pulumi.getStack(), new pulumi.Config(CONFIG_NAMESPACE).get('environment'));
  const cluster = CLUSTER_COMPONENTS[stack.platform]({ name, cluster: stack.cluster, sandbox: stack.sandbox, production, manifestsFor: stack.manifestsFor });
  // Not parented to the cluster component: the ConfigGroups depend on that component (all of its children), and a
  // child of it would then wait for itself.
  const provider = new Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfig, ...(cluster.kubeContext ? { context: cluster.kubeContext } : {}), enableServerSideApply: true });
  // Derived from the sandbox config: secret when it is (file names carry tenant names, the runtime class its settings).
  const derived = <T>(value: T) => secretWhen(stack.sandboxSecret, value);
  const outputs = (files: readonly string[]): StackOutputs => ({
    platform: stack.platform,
    clusterName: cluster.clusterName,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    runtimeClassName: derived(cluster.runtimeClassName),
    sandboxPoolNames: cluster.sandboxPoolNames,
    agentSandbox: derived(stack.sandbox.platforms?.[stack.manifestsFor]?.agentSandbox ?? 'self'),
    manifests: derived({ platform: stack.manifestsFor, objects: files.length ? stack.rendered.objects : 0, files }),
  });
  const deploy = () => deployManifests(name, stack.rendered, provider, cluster, { secret: stack.sandboxSecret });
  const live = cluster.checkLiveCluster?.(provider);
  if (!live) return Promise.resolve(outputs(deploy()));
  return live.then((problems) => {
    for (const p of problems) pulumi.log.error(`${p}; no manifest was deployed`, cluster);
    return outputs(problems.length ? [] : deploy());
  });
}

export type { Platform, StackPlatform };
