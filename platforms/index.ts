/**
 * The platforms: the only list of platform ids. Everything else asks this module (`platformModule(id)`,
 * `PLATFORMS`) instead of naming a platform; a new platform is one module under platforms/ and one line below.
 */
import { aks } from './aks';
import { eks } from './eks';
import { gkeAutopilot, gkeStandard } from './gke';
import { kind } from './kind';
import { kubernetes } from './kubernetes';
import {
  ISOLATIONS,
  KUBERNETES_RESERVED_NAMESPACES,
  type Isolation,
  type PlatformFacts,
  type PlatformModule,
  type PlatformProfile,
  type ReservedNamespaces,
  type RuntimeFacts,
} from './platform';
import { problemList, ProblemsError } from '../core/diagnostics';
import { issueProblems } from '../core/zod-issues';

/** The built-in platform ids (a registered test or team platform adds its own at run time: registerPlatform). */
export type Platform = 'gke-autopilot' | 'gke-standard' | 'eks' | 'aks' | 'kind' | 'kubernetes';

const BUILT_IN = [gkeAutopilot, gkeStandard, eks, aks, kind, kubernetes] as const;
// The id list above and the modules say the same (a module added without its id, or the reverse, fails the type check).
const BUILT_IN_IDS: [Platform] extends [(typeof BUILT_IN)[number]['platform']] ? ([(typeof BUILT_IN)[number]['platform']] extends [Platform] ? true : never) : never = true;
void BUILT_IN_IDS;

const modules = new Map<string, PlatformModule>(BUILT_IN.map((m) => [m.platform, m as PlatformModule]));
/** Bumped by every registration change (schemas built from the list compare it). */
let registryVersion = 0;

export function platformRegistryVersion(): number {
  return registryVersion;
}

/** Every platform id, in order (a live list: registerPlatform appends). */
export const PLATFORMS: readonly Platform[] = BUILT_IN.map((m) => m.platform);

/** The facts of each platform by id (a live table, like {@link PLATFORMS}). */
export const PLATFORM_PROFILES: Readonly<Record<Platform, PlatformProfile>> = Object.fromEntries(BUILT_IN.map((m) => [m.platform, m])) as unknown as Record<Platform, PlatformProfile>;

/**
 * Adds a platform at run time: a test's fixture platform, or a team's own module, before anything is synthesized
 * or validated. Its id must be new.
 */
export function registerPlatform<S>(platform: PlatformModule<S>): void {
  const module = platform as unknown as PlatformModule;
  if (modules.has(module.platform)) throw new Error(`platform "${module.platform}" is already registered`);
  modules.set(module.platform, module);
  registryVersion++;
  (PLATFORMS as string[]).push(module.platform);
  (PLATFORM_PROFILES as Record<string, PlatformProfile>)[module.platform] = module;
}

/** Removes a platform registerPlatform added (tests clean up after themselves); built-in ones stay. */
export function unregisterPlatform(id: string): void {
  if ((BUILT_IN as readonly PlatformModule[]).some((m) => m.platform === id)) throw new Error(`platform "${id}" is built in`);
  if (!modules.delete(id)) return;
  registryVersion++;
  (PLATFORMS as string[]).splice((PLATFORMS as string[]).indexOf(id), 1);
  delete (PLATFORM_PROFILES as Record<string, PlatformProfile>)[id];
}

export function platformModules(): readonly PlatformModule[] {
  return [...modules.values()];
}

export function isPlatform(value: string): value is Platform {
  return modules.has(value);
}

/** The module of a platform id (an error naming the allowed ids otherwise). */
export function platformModule(platform: string): PlatformModule {
  const m = modules.get(platform);
  if (!m) throw new Error(`platform "${platform}" is unknown; allowed: ${PLATFORMS.join(', ')}`);
  return m;
}

/**
 * The runtimes and sandbox nodes of a platform under its `platforms.<id>` settings (undefined: the defaults). A
 * platform without `configure` has the same facts whatever the settings. Settings its schema refuses throw a
 * ProblemsError listing every problem (`platforms.<id>.<field>: …`): facts never come from invalid settings.
 */
export function platformFacts(platform: string, settings?: unknown): PlatformFacts {
  const m = platformModule(platform);
  if (!m.configure) return { runtimes: m.runtimes, sandboxNode: m.sandboxNode, warnings: [] };
  const parsed = m.settings.safeParse(settings ?? {}, { reportInput: true });
  if (!parsed.success) {
    // The settings schemas are zod schemas (config/schema.ts composes them), so their issues are zod's.
    const problems = issueProblems(parsed.error.issues as unknown as Parameters<typeof issueProblems>[0], undefined, ['platforms', platform]);
    throw new ProblemsError(`platforms.${platform} is invalid:${problemList(problems)}`, problems);
  }
  return m.configure(parsed.data);
}

/** The runtime facts for an isolation on a platform (under its settings), or an error naming what it supports. */
export function runtimeFor(platform: Platform, isolation: Isolation, settings?: unknown): RuntimeFacts {
  const facts = platformFacts(platform, settings).runtimes[isolation];
  if (!facts) {
    throw new Error(
      `isolation "${isolation}" is not available on ${platform}; ${platform} supports: ${supportedIsolations(platform, settings).join(', ')}`,
    );
  }
  return facts;
}

export function supportedIsolations(platform: Platform, settings?: unknown): Isolation[] {
  const { runtimes } = platformFacts(platform, settings);
  return ISOLATIONS.filter((i) => runtimes[i] !== undefined);
}

/**
 * Why `namespace` can never be a tenant's (sandbox objects, a SandboxNamespace), or undefined: Kubernetes' own
 * namespaces, the agent-sandbox controller's namespace, and the namespaces the given platform(s) manage. Without
 * `platform`, every platform's reserved namespaces count (validate without --platform).
 */
export function systemNamespaceProblem(
  namespace: string,
  options: { readonly platform?: string | readonly string[]; readonly controllerNamespace?: string } = {},
): string | undefined {
  if (options.controllerNamespace !== undefined && namespace === options.controllerNamespace) {
    return `"${namespace}" is the agent-sandbox controller's namespace (agentSandbox.namespace); a tenant there would share it with the controller and its credentials — choose another name`;
  }
  // Platforms that share one list (GKE Autopilot and Standard) are named together.
  const owners = new Map<ReservedNamespaces, string[]>([[KUBERNETES_RESERVED_NAMESPACES, []]]);
  // An unknown platform id is its own error elsewhere; here it reserves nothing.
  const ids = options.platform === undefined ? undefined : typeof options.platform === 'string' ? [options.platform] : options.platform;
  const platforms = ids === undefined ? platformModules() : ids.filter(isPlatform).map(platformModule);
  for (const m of platforms) for (const r of m.reservedNamespaces ?? []) owners.set(r, [...(owners.get(r) ?? []), m.platform]);
  for (const [reserved, who] of owners) {
    const byName = reserved.names?.includes(namespace);
    const prefix = reserved.prefixes?.find((p) => namespace.startsWith(p));
    if (!byName && prefix === undefined) continue;
    const what = byName ? `"${namespace}" is a system namespace` : `"${namespace}" has the reserved prefix ${prefix}`;
    return `${what}${who.length ? ` on ${who.join(', ')}` : ''}: ${reserved.why} (${reserved.source}); sandboxes never run there, choose another name`;
  }
  return undefined;
}

export * from './platform';
export { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from './eks';
export { GKE_GVISOR_NODE_LABEL } from './gke';
