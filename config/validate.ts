/**
 * Validates a raw configuration document: the schema, then the checks that need several fields or the pinned
 * release. Every problem is reported at once, before anything is synthesized or created.
 */
import { propErrors } from '../validation/agent-sandbox-settings';
import { routerSettingsErrors } from '../validation/sandbox-router-settings';
import { platformModules, type Platform } from '../platforms';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { issueLines } from '../core/zod-issues';
import { LIMITS } from '../core/limits';
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

/**
 * Returns the typed config or throws a ConfigError listing every problem (`path: message, got value`). When the
 * schema fails, the tenant name/reference checks and the pod rules still run on the raw input, so a config's
 * problems come in one report, not in rounds.
 */
export function validateConfig(raw: unknown, source = 'config'): SandboxPlatformConfig {
  const input = raw ?? {};
  // Over the limits nothing else is read: checking 100,000 tenants one by one is the unbounded work they prevent.
  const limits = limitProblems(input);
  if (limits.length) throw new ConfigError(limits, source);
  const parsed = currentSandboxPlatformConfig().safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const top = typeof input === 'object' && !Array.isArray(input) ? (input as { tenants?: unknown; deviceClasses?: unknown }) : {};
    throw new ConfigError(
      [
        ...new Set([
          ...issueLines(parsed.error.issues),
          ...tenantPodProblems(top.tenants),
          ...tenantReferenceProblems(top.tenants, top.deviceClasses, { replicas: false }),
        ]),
      ],
      source,
    );
  }
  const config = parsed.data;
  const problems = crossFieldProblems(config);
  if (problems.length) throw new ConfigError(problems, source);
  return config;
}

/** Size limits checked before anything else (tenant count). */
function limitProblems(input: unknown): string[] {
  const tenants = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as { tenants?: unknown }).tenants : undefined;
  if (Array.isArray(tenants) && tenants.length > LIMITS.tenants) {
    return [`tenants: must list at most ${LIMITS.tenants} tenants (one namespace each), got ${tenants.length}; split them over several configs`];
  }
  return [];
}

export function crossFieldProblems(config: SandboxPlatformConfig): string[] {
  const problems: string[] = [];
  const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
  const agentSandbox = config.agentSandbox ?? {};
  problems.push(...propErrors(agentSandbox, release, agentSandbox.replicas ?? 1).map((e) => `agentSandbox.${e}`));
  if (config.router) problems.push(...routerSettingsErrors(config.router, release).map((e) => `router.${e}`));
  for (const m of platformModules()) {
    const settings = config.platforms?.[m.platform as Platform];
    if (settings && m.settingsProblems) problems.push(...m.settingsProblems(settings, release));
  }
  problems.push(...tenantPodProblems(config.tenants), ...tenantReferenceProblems(config.tenants, config.deviceClasses, { kubernetesVersion: config.kubernetesVersion }));
  return [...new Set(problems)];
}
