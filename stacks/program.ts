/**
 * The Pulumi program: one stack = one cloud environment. It reads the stack config, checks all of it at once
 * (sandbox config, cluster config, the manifests it implies, warm-pool capacity) before registering anything, then
 * creates or adopts the cluster with its sandbox pools and deploys the platform's manifests onto it:
 * CRDs first, then the agent-sandbox controller (awaited until ready), then runtimes and tenant workloads.
 */
import * as pulumi from '@pulumi/pulumi';
import { Provider } from '@pulumi/kubernetes/provider';
import { ConfigGroup } from '@pulumi/kubernetes/yaml/v2';
import { ConfigError, validateConfig } from '../constructs/config/validate-config';
import type { SandboxPlatformConfig } from '../constructs/config/schema';
import { CRDS_FILE, renderPlatform, type RenderedPlatform } from '../constructs/output/render';
import type { Platform } from '../constructs/platform/profiles';
import { AksSandboxCluster } from './aks/aks-sandbox-cluster';
import { parseAksClusterConfig, type AksClusterConfig } from './aks/cluster-config';
import { checkStackCapacity } from './capacity-plan';
import { parseEksClusterConfig } from './eks/cluster-config';
import { EksSandboxCluster } from './eks/sandbox-cluster';
import { contextProblems } from './gke/checks';
import { parseGkeClusterConfig } from './gke/cluster-config';
import { GkeSandboxCluster } from './gke/gke-sandbox-cluster';
import type { InputProblem, SandboxClusterOutputs } from './sandbox-cluster';

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
  try {
    sandbox = validateConfig(config.getObject<unknown>('sandbox') ?? {}, `${CONFIG_NAMESPACE}:sandbox`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const line of err.problems) {
      const sep = line.indexOf(': ');
      add(`sandbox.${line.slice(0, sep)}`, line.slice(sep + 2));
    }
  }
  const cluster = config.getObject<unknown>('cluster');
  const p = platform as StackPlatform;
  if ((STACK_PLATFORMS as readonly string[]).includes(p)) {
    problems.push(...clusterProblems(p, cluster, sandbox, gcp));
  }

  let rendered: RenderedPlatform | undefined;
  const warnings: string[] = [];
  if (problems.length === 0 && sandbox) {
    try {
      rendered = renderPlatform(p, sandbox);
    } catch (err) {
      add('sandbox', (err as Error).message);
    }
    if (rendered) {
      const capacity = checkStackCapacity(p, cluster, rendered.chart, gcp.get('region') ?? gcp.get('zone'));
      for (const f of capacity.errors) add(`cluster (capacity of ${f.pool ?? 'the sandbox pools'})`, f.message);
      warnings.push(...capacity.warnings.map((f) => f.message));
    }
  }
  if (problems.length || !rendered || !sandbox) {
    throw new pulumi.InputPropertiesError({
      message: `stack config has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was created:\n  ${problems.map((x) => `${x.propertyPath}: ${x.reason}`).join('\n  ')}`,
      errors: problems,
    });
  }
  return { platform: p, sandbox, cluster, rendered, warnings };
}

function clusterProblems(platform: StackPlatform, cluster: unknown, sandbox: SandboxPlatformConfig | undefined, gcp: pulumi.Config): InputProblem[] {
  switch (platform) {
    case 'gke-autopilot':
    case 'gke-standard':
      return [
        ...parseGkeClusterConfig(cluster).problems,
        ...contextProblems(cluster, {
          platform,
          selfManagedAgentSandbox: sandbox?.platforms?.[platform]?.agentSandbox !== 'managed',
          gcpProject: gcp.get('project'),
          gcpLocation: gcp.get('region') ?? gcp.get('zone'),
        }),
      ];
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
    case 'gke-standard':
      return new GkeSandboxCluster(name, {
        platform: stack.platform,
        cluster: stack.cluster,
        selfManagedAgentSandbox: stack.sandbox.platforms?.[stack.platform]?.agentSandbox !== 'managed',
      });
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

/**
 * CRDs in their own group first; the controller group next (ConfigGroup waits for its Deployment to be ready, so
 * the conversion webhook answers before any custom resource is written); runtimes and tenants last, after the
 * sandbox node pools exist (a warm pool would otherwise sit at 0).
 */
function deployManifests(name: string, rendered: RenderedPlatform, provider: Provider, cluster: SandboxClusterOutputs & pulumi.Resource): string[] {
  const byName = new Map(rendered.files.map((f) => [f.name, f]));
  const group = (id: string, files: string[], dependsOn: pulumi.Resource[]) => {
    const yaml = files.map((f) => byName.get(f)!.text).join('---\n');
    return new ConfigGroup(`${name}-${id}`, { yaml }, { provider, dependsOn });
  };
  const created: pulumi.Resource[] = [];
  const crds = byName.has(CRDS_FILE) ? group('crds', [CRDS_FILE], [cluster]) : undefined;
  const controllerFile = rendered.files.find((f) => f.name.endsWith('-agent-sandbox.yaml'))?.name;
  const controller = controllerFile ? group('agent-sandbox', [controllerFile], [...(crds ? [crds] : []), ...cluster.readyResources]) : undefined;
  for (const r of [crds, controller]) if (r) created.push(r);
  const rest = rendered.files.map((f) => f.name).filter((f) => f !== CRDS_FILE && f !== controllerFile);
  if (rest.length) group('workloads', rest, [...created, ...cluster.readyResources, cluster]);
  return rendered.files.map((f) => f.name);
}

export type { Platform };
