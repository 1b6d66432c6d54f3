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
import { ConfigError, validateConfig } from '../config/validate';
import type { SandboxPlatformConfig } from '../config/schema';
import { renderPlatform, type RenderedPlatform } from '../constructs/output/render';
import { platformModule, type Platform } from '../platforms';
import type { InputProblem } from '../core/diagnostics';
import { UpstreamError } from '../core/upstream/store';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { stackCapacity } from './capacity-plan';
import { CLUSTER_COMPONENTS, isStackPlatform, STACK_PLATFORMS, type StackPlatform } from './components';
import { deployManifests } from './deploy-manifests';
import { StackConfigError, upstreamProblem } from './stack-error';

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
  // Provider settings (`gcp:project`, `gcp:region`, …) as the platforms' checks read them.
  const providerConfig = (namespace: string, key: string): string | undefined => new pulumi.Config(namespace).get(key);
  const problems: InputProblem[] = [];
  const add = (propertyPath: string, reason: string) => problems.push({ propertyPath, reason });

  const platform = config.get('platform');
  if (!isStackPlatform(platform)) {
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
  if (isStackPlatform(platform)) {
    // The sandbox config's platform settings, read from the raw value when another part of it is invalid: the
    // cluster checks still run against them, in the same refusal.
    const settings = field(field(sandbox ?? rawSandbox, 'platforms'), platform);
    problems.push(...(platformModule(platform).clusterProblems?.(cluster, { settings, providerConfig }) ?? []));
  }

  let rendered: RenderedPlatform | undefined;
  const warnings: string[] = [];
  const deprecation = sandbox && agentSandboxRelease(sandbox.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION).deprecation;
  if (deprecation) warnings.push(`${CONFIG_NAMESPACE}:sandbox.agentSandbox.version: ${deprecation}`);
  if (problems.length === 0 && sandbox) {
    try {
      rendered = renderPlatform(p, sandbox);
    } catch (err) {
      if (err instanceof UpstreamError) problems.push(upstreamProblem(err));
      else add('sandbox', (err as Error).message);
    }
    if (rendered) {
      const capacity = stackCapacity(p, cluster, rendered.chart, providerConfig);
      for (const f of capacity.errors) add(`cluster (capacity of ${f.pool ?? 'the sandbox pools'})`, f.message);
      warnings.push(...capacity.warnings.map((f) => f.message));
    }
  }
  if (problems.length || !rendered || !sandbox) {
    throw new StackConfigError(problems);
  }
  return { platform: p, sandbox, cluster, rendered, warnings };
}

/** `value[key]` of a raw config value (undefined when it is not an object). */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The whole stack. `name` prefixes every resource (default: the project's stack name). */
export function sandboxStack(name = pulumi.getStack()): StackOutputs {
  const stack = checkStack();
  for (const w of stack.warnings) pulumi.log.warn(w);
  const cluster = CLUSTER_COMPONENTS[stack.platform]({ name, cluster: stack.cluster, sandbox: stack.sandbox });
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

export type { Platform, StackPlatform };
