/**
 * Validates a raw configuration document: the schema, then the checks that need several fields or the pinned
 * release. Every problem is reported at once, before anything is synthesized or created.
 */
import { DEFAULT_CONTROLLER_NAMESPACE, propErrors } from '../validation/agent-sandbox-settings';
import { routerSettingsErrors } from '../validation/sandbox-router-settings';
import { platformModules, PLATFORMS, systemNamespaceProblem, type Platform } from '../platforms';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { issueProblems } from '../core/zod-issues';
import { LIMITS } from '../core/limits';
import { unpinnedImageProblem } from '../core/image-reference';
import { currentSandboxPlatformConfig } from './schema';
import type { SandboxPlatformConfig } from './model';
import { deviceClassConfig, tenantConfig, tenantPodProblems, tenantReferenceProblems } from './tenant-schema';
import { distinctProblems, problemAt, problemCount, underPath, problemList, ProblemsError, type Problem } from '../core/diagnostics';

/**
 * A refused input (the sandbox config, a command line, a stack file): every problem, each at the path of its field
 * in that input, listed one per line under `<source> is invalid (N problems):`.
 */
export class ConfigError extends ProblemsError {
  constructor(
    problems: readonly Problem[],
    readonly source = 'config',
  ) {
    super(`${source} is invalid (${problemCount(problems.length)}):${problemList(problems)}`, problems);
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
  // Over the limits nothing else is read: checking 100,000 tenants one by one is the unbounded work they prevent.
  const limits = limitProblems(input);
  if (limits.length) throw new ConfigError(limits, source);
  const schema = currentSandboxPlatformConfig();
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const top = typeof input === 'object' && !Array.isArray(input) ? (input as { tenants?: unknown; deviceClasses?: unknown; agentSandbox?: unknown }) : {};
    throw new ConfigError(
      distinctProblems([
        ...issueProblems(parsed.error.issues, schema),
        ...tenantPodProblems(top.tenants),
        ...tenantReferenceProblems(top.tenants, top.deviceClasses, { replicas: false }),
        ...tenantNamespaceProblems(top.tenants, controllerNamespaceOf(top.agentSandbox), options.platforms),
      ]),
      source,
    );
  }
  const config = parsed.data;
  const problems = crossFieldProblems(config, options);
  if (problems.length) throw new ConfigError(problems, source);
  return config;
}

/** Size limits checked before anything else (tenant count). */
function limitProblems(input: unknown): Problem[] {
  const tenants = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as { tenants?: unknown }).tenants : undefined;
  if (Array.isArray(tenants) && tenants.length > LIMITS.tenants) {
    return [problemAt('tenants', `must list at most ${LIMITS.tenants} tenants (one namespace each), got ${tenants.length}; split them over several configs`, 'limits')];
  }
  return [];
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
export function tenantNamespaceProblems(tenants: unknown, controllerNamespace: string, platforms: readonly string[] = PLATFORMS): Problem[] {
  if (!Array.isArray(tenants)) return [];
  return tenants.flatMap((t, i) => {
    const name = typeof t === 'object' && t !== null ? (t as { name?: unknown }).name : undefined;
    const problem = typeof name === 'string' ? systemNamespaceProblem(name, { platform: platforms, controllerNamespace }) : undefined;
    return problem ? [problemAt(`tenants[${i}].name`, problem, 'systemNamespace')] : [];
  });
}

/**
 * Controller settings that do nothing: when every platform rendered has its controller installed by the platform
 * (GKE's managed add-on: `platforms.<id>.agentSandbox: managed`), no controller of ours is rendered, and every
 * `agentSandbox` setting but `version` (which picks the API version the workloads are written in) configures nothing.
 * When another rendered platform installs ours, they configure that one.
 */
export function managedControllerSettingProblems(config: SandboxPlatformConfig, platforms: readonly Platform[]): Problem[] {
  const managed = platforms.filter((p) => config.platforms?.[p]?.agentSandbox === 'managed');
  if (managed.length === 0 || managed.length < platforms.length) return [];
  const modes = managed.map((p) => `platforms.${p}.agentSandbox: managed`).join(', ');
  return Object.keys(config.agentSandbox ?? {})
    .filter((key) => key !== 'version')
    .map((key) =>
      problemAt(
        `agentSandbox.${key}`,
        `does nothing: GKE's managed add-on installs and configures the controller on ${managed.join(', ')} (${modes}), ` +
          `so no controller of ours is rendered; remove agentSandbox.${key}, or use agentSandbox: self to install ours`,
        'settingDoesNothing',
      ),
    );
}

/**
 * What is valid but probably not meant, as `path: message` lines: images that are not pinned (no tag or `latest`,
 * without a digest) and settings that do nothing (`replicas` on an autoscaled warm pool). Printed as warnings; with
 * `strict: true` (or `synth --strict`) they are errors.
 */
export function configWarnings(config: SandboxPlatformConfig): Problem[] {
  const warnings: Problem[] = [];
  const warn = (path: string, message: string, code: string) => warnings.push({ severity: 'warning', code, path, message });
  const image = config.agentSandbox?.image;
  if (image?.tag === 'latest' && image.digest === undefined) {
    warn('agentSandbox.image.tag', 'latest changes under you (each node may run another controller); pin a release tag (the default is the pinned release) or add image.digest', 'unpinnedImage');
  }
  (config.tenants ?? []).forEach((t, ti) => {
    const owners = [...(t.templates ?? []).map((x, i) => [`templates[${i}]`, x] as const), ...(t.sandboxes ?? []).map((x, i) => [`sandboxes[${i}]`, x] as const)];
    for (const [path, owner] of owners) {
      for (const list of ['containers', 'initContainers'] as const) {
        (owner[list] ?? []).forEach((c, i) => {
          const problem = unpinnedImageProblem((c as { image?: unknown }).image);
          if (problem) warn(`tenants[${ti}].${path}.${list}[${i}].image`, problem, 'unpinnedImage');
        });
      }
    }
    (t.warmPools ?? []).forEach((p, i) => {
      if (p.autoscaling && p.replicas !== undefined) {
        warn(
          `tenants[${ti}].warmPools[${i}].replicas`,
          `${p.replicas} has no effect: with autoscaling the HorizontalPodAutoscaler owns the pool's replicas ` +
            `(the pool is rendered without spec.replicas and scales within autoscaling.minReplicas ${p.autoscaling.minReplicas} … maxReplicas ${p.autoscaling.maxReplicas}); remove replicas, or set autoscaling.minReplicas`,
          'settingDoesNothing',
        );
      }
    });
  });
  return warnings;
}

/** A config made of the valid parts of another, and where each kept list entry was in the original. */
export interface SalvagedConfig {
  readonly config: SandboxPlatformConfig;
  /** `tenants[1].templates[0]` of the salvaged config → `tenants[3].templates[2]` of the file, for problem lines. */
  readonly originalPath: (path: string) => string;
}

/**
 * The parts of a raw config that are valid on their own, for building what can be built when the config as a whole
 * is not (so the constructs' problems come in the same report as the schema's): the whole config when it parses;
 * else each device class, and each tenant with its valid templates, warm pools, claims, sandboxes and claim
 * templates. Undefined when a part everything depends on (kubernetesVersion, agentSandbox, platforms, router, clusterCidrs, strict) is invalid:
 * their defaults would report problems that are not there; a tenant whose name or namespace settings are invalid is
 * left out for the same reason.
 */
export function salvageConfig(raw: unknown): SalvagedConfig | undefined {
  const schema = currentSandboxPlatformConfig();
  const full = schema.safeParse(raw ?? {});
  if (full.success) return { config: full.data, originalPath: (path) => path };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const input = raw as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const key of ['kubernetesVersion', 'agentSandbox', 'platforms', 'router', 'clusterCidrs', 'strict'] as const) {
    if (input[key] === undefined) continue;
    const parsed = schema.shape[key].safeParse(input[key]);
    if (!parsed.success) return undefined;
    config[key] = parsed.data;
  }
  const moved = new Map<string, string>();
  /** The entries of `list` that `parse` accepts, recording where each one was. */
  const keep = <T>(list: unknown, at: string, from: string, parse: (entry: unknown) => T | undefined): T[] => {
    const out: T[] = [];
    (Array.isArray(list) ? list : []).forEach((entry, i) => {
      const parsed = parse(entry);
      if (parsed === undefined) return;
      moved.set(`${at}[${out.length}]`, `${from}[${i}]`);
      out.push(parsed);
    });
    return out;
  };
  const valid = <T>(item: { safeParse: (v: unknown) => { success: boolean; data?: T } }) => (entry: unknown) => {
    const parsed = item.safeParse(entry);
    return parsed.success ? (parsed.data as T) : undefined;
  };
  config.deviceClasses = keep(input.deviceClasses, 'deviceClasses', 'deviceClasses', valid(deviceClassConfig));
  const tenantShape = tenantConfig.shape;
  const tenants: unknown[] = [];
  (Array.isArray(input.tenants) ? input.tenants : []).forEach((entry, i) => {
    const whole = tenantConfig.safeParse(entry);
    const at = `tenants[${tenants.length}]`;
    const from = `tenants[${i}]`;
    if (whole.success) {
      moved.set(at, from);
      tenants.push(whole.data);
      return;
    }
    const t = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const name = tenantShape.name.safeParse(t.name);
    const namespace = tenantShape.namespace.safeParse(t.namespace);
    if (!name.success || !namespace.success) return;
    moved.set(at, from);
    const lists = ['templates', 'warmPools', 'claims', 'sandboxes', 'claimTemplates'] as const;
    const tenant: Record<string, unknown> = { name: name.data, ...(namespace.data ? { namespace: namespace.data } : {}) };
    // A warm pool whose template was left out cannot be built either, nor a claim of such a pool: they go too.
    const names = (list: unknown) => new Set((Array.isArray(list) ? list : []).map((x: { name?: unknown }) => x.name));
    const dependsOn: Partial<Record<(typeof lists)[number], (entry: Record<string, unknown>) => boolean>> = {
      warmPools: (p) => names(tenant.templates).has(p.template),
      claims: (c) => names(tenant.warmPools).has(c.warmPool),
    };
    for (const list of lists) {
      const item = (tenantShape[list] as unknown as { unwrap(): { element: { safeParse: (v: unknown) => { success: boolean; data?: unknown } } } }).unwrap().element;
      const ok = dependsOn[list];
      tenant[list] = keep(t[list], `${at}.${list}`, `${from}.${list}`, (entry) => {
        const parsed = valid(item)(entry) as Record<string, unknown> | undefined;
        return parsed && (!ok || ok(parsed)) ? parsed : undefined;
      });
    }
    tenants.push(tenant);
  });
  config.tenants = tenants;
  const originalPath = (path: string): string => {
    // Longest recorded prefix first: `tenants[0].templates[1]` before `tenants[0]`.
    const m = /^((tenants|deviceClasses)\[\d+\](?:\.(templates|warmPools|claims|sandboxes|claimTemplates)\[\d+\])?)/.exec(path);
    if (!m) return path;
    const inner = moved.get(m[1]);
    if (inner !== undefined) return inner + path.slice(m[1].length);
    const outer = /^(tenants\[\d+\])/.exec(path)![1];
    return (moved.get(outer) ?? outer) + path.slice(outer.length);
  };
  return { config: config as SandboxPlatformConfig, originalPath };
}

export function crossFieldProblems(config: SandboxPlatformConfig, options: ValidateConfigOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
  const agentSandbox = config.agentSandbox ?? {};
  problems.push(...underPath('agentSandbox', propErrors(agentSandbox, release, agentSandbox.replicas ?? 1)));
  problems.push(...managedControllerSettingProblems(config, options.platforms ?? PLATFORMS));
  if (config.router) problems.push(...underPath('router', routerSettingsErrors(config.router, release)));
  for (const m of platformModules()) {
    const settings = config.platforms?.[m.platform as Platform];
    if (settings && m.settingsProblems) problems.push(...m.settingsProblems(settings, release));
  }
  problems.push(
    ...tenantPodProblems(config.tenants),
    ...tenantReferenceProblems(config.tenants, config.deviceClasses, { kubernetesVersion: config.kubernetesVersion }),
    ...tenantNamespaceProblems(config.tenants, controllerNamespaceOf(config.agentSandbox), options.platforms),
  );
  return distinctProblems(problems);
}
