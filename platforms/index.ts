/**
 * The platforms: the only list of platform ids. Everything else asks this module (`platformModule(id)`,
 * `PLATFORMS`) instead of naming a platform; a new platform is one module under platforms/ and one line below.
 */
import { aks } from './aks';
import { eks } from './eks';
import { gkeAutopilot, gkeStandard } from './gke';
import { kind } from './kind';
import { ISOLATIONS, type Isolation, type PlatformFacts, type PlatformModule, type PlatformProfile, type RuntimeFacts } from './platform';

const BUILT_IN = [gkeAutopilot, gkeStandard, eks, aks, kind] as const;

export type Platform = (typeof BUILT_IN)[number]['platform'];

const modules = new Map<string, PlatformModule>(BUILT_IN.map((m) => [m.platform, m as PlatformModule]));
/** Bumped by every registration change (schemas built from the list compare it). */
let registryVersion = 0;

export function platformRegistryVersion(): number {
  return registryVersion;
}

/** Every platform id, in order (a live list: {@link registerPlatform} appends). */
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

/** Removes a platform {@link registerPlatform} added (tests clean up after themselves); built-in ones stay. */
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
 * A platform's runtimes and sandbox node: with `settings` (its `platforms.<id>` settings) for a platform that is
 * configured by them, else the module's own.
 */
export function platformFacts(platform: string, settings?: unknown): PlatformFacts {
  const m = platformModule(platform);
  return settings !== undefined && m.configure ? m.configure(settings) : m;
}

/** The runtime facts for an isolation on a platform, or an error naming what the platform supports. */
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

export * from './platform';
export { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from './eks';
export { GKE_GVISOR_NODE_LABEL } from './gke';
