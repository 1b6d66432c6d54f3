/**
 * Validates a raw configuration document: the schema, then the checks that need several fields or the pinned
 * release. Every problem is reported at once, before anything is synthesized or created.
 */
import { DEFAULT_CONTROLLER_NAMESPACE, propErrors } from '../validation/agent-sandbox-settings';
import { platformModules, PLATFORMS, systemNamespaceProblem, type Platform } from '../platforms';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { issueLines } from '../core/zod-issues';
import { currentSandboxPlatformConfig, type SandboxPlatformConfig } from './schema';
import { tenantPodProblems, tenantReferenceProblems } from './tenant-schema';

export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source = 'config',
  ) {
    super(`${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface ValidateConfigOptions {
  /** The platforms the config is rendered for (their reserved namespaces count). @default every platform */
  readonly platforms?: readonly Platform[];
}

/**
 * Returns the typed config or throws a ConfigError listing every problem (`path: message, got value`). When the
 * schema fails, the tenant name/reference checks and the pod rules still run on the raw input, so a config's
 * problems come in one report, not in rounds.
 */
export function validateConfig(raw: unknown, source = 'config', options: ValidateConfigOptions = {}): SandboxPlatformConfig {
  const input = raw ?? {};
  const parsed = currentSandboxPlatformConfig().safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const top = typeof input === 'object' && !Array.isArray(input) ? (input as { tenants?: unknown; deviceClasses?: unknown; agentSandbox?: unknown }) : {};
    throw new ConfigError(
      [
        ...new Set([
          ...issueLines(parsed.error.issues),
          ...tenantPodProblems(top.tenants),
          ...tenantReferenceProblems(top.tenants, top.deviceClasses, { replicas: false }),
          ...tenantNamespaceProblems(top.tenants, controllerNamespaceOf(top.agentSandbox), options.platforms),
        ]),
      ],
      source,
    );
  }
  const config = parsed.data;
  const problems = crossFieldProblems(config, options);
  if (problems.length) throw new ConfigError(problems, source);
  return config;
}

/** `agentSandbox.namespace` of a raw or typed config, else the controller's default namespace. */
function controllerNamespaceOf(agentSandbox: unknown): string {
  const ns = typeof agentSandbox === 'object' && agentSandbox !== null ? (agentSandbox as { namespace?: unknown }).namespace : undefined;
  return typeof ns === 'string' ? ns : DEFAULT_CONTROLLER_NAMESPACE;
}

/**
 * Tenants are never system namespaces: Kubernetes' own (`kube-system`, `default`…), the controller's, and those the
 * platforms being rendered manage (`gke-`, `amazon-`, `aks-`…). Reads raw input defensively.
 */
export function tenantNamespaceProblems(tenants: unknown, controllerNamespace: string, platforms: readonly string[] = PLATFORMS): string[] {
  if (!Array.isArray(tenants)) return [];
  return tenants.flatMap((t, i) => {
    const name = typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined;
    const problem = typeof name === 'string' ? systemNamespaceProblem(name, { platform: platforms, controllerNamespace }) : undefined;
    return problem ? [`tenants[${i}].name: ${problem}`] : [];
  });
}

export function crossFieldProblems(config: SandboxPlatformConfig, options: ValidateConfigOptions = {}): string[] {
  const problems: string[] = [];
  const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
  const agentSandbox = config.agentSandbox ?? {};
  problems.push(...propErrors(agentSandbox, release, agentSandbox.replicas ?? 1).map((e) => `agentSandbox.${e}`));
  for (const m of platformModules()) {
    const settings = config.platforms?.[m.platform as Platform];
    if (settings && m.settingsProblems) problems.push(...m.settingsProblems(settings, release));
  }
  problems.push(
    ...tenantPodProblems(config.tenants),
    ...tenantReferenceProblems(config.tenants, config.deviceClasses),
    ...tenantNamespaceProblems(config.tenants, controllerNamespaceOf(config.agentSandbox), options.platforms),
  );
  return [...new Set(problems)];
}
