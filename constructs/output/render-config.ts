/**
 * A configuration document to every requested platform's manifests, with ONE report of everything wrong: the
 * schema and cross-field problems, plus what the constructs find building each platform (a CIDR with host bits, GPUs
 * where the platform has none, a pod that does not fit its namespace quota…), each at its config path. When the
 * schema fails, the parts that are valid on their own are still built, so their problems are not left for a second
 * round. A problem that is the same on several platforms is listed once, naming them.
 */
import { ConfigError, configWarnings, salvageConfig, validateConfig } from '../../config/validate';
import type { SandboxPlatformConfig } from '../../config/model';
import { formatProblem, ProblemsError, type Problem } from '../../core/diagnostics';
import type { Platform } from '../../platforms';
import { renderPlatformSharing, type RenderedPlatform } from './render';
import { SharedYamlTexts } from '../../core/yaml/emit';

export interface RenderConfigOptions {
  readonly platforms: readonly Platform[];
  /** Where the config came from, for the error (`config.yaml`). @default 'config' */
  readonly source?: string;
  /** Warnings are errors (as `strict: true` in the config). @default the config's `strict` */
  readonly strict?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RenderedConfig {
  readonly config: SandboxPlatformConfig;
  readonly rendered: RenderedPlatform[];
  /** What is valid but probably not meant (configWarnings); empty in strict mode, where they are errors. */
  readonly warnings: readonly Problem[];
}

/** Every platform rendered, or one ConfigError listing every problem of every platform (warnings too, when strict). */
export function renderConfig(raw: unknown, options: RenderConfigOptions): RenderedConfig {
  const source = options.source ?? 'config';
  let config: SandboxPlatformConfig | undefined;
  let configProblems: readonly Problem[] = [];
  // What is built: the valid config, else its valid parts (with the file's list indices for their problems).
  let buildable: { readonly config: SandboxPlatformConfig; readonly remap: (problem: Problem) => Problem } | undefined;
  try {
    config = validateConfig(raw, source, { platforms: options.platforms });
    buildable = { config, remap: (problem) => problem };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configProblems = err.problems;
    const salvaged = salvageConfig(raw);
    buildable = salvaged && { config: salvaged.config, remap: (problem) => ({ ...problem, path: salvaged.originalPath(problem.path) }) };
  }
  const perPlatform = new Map<Platform, Problem[]>();
  const rendered: RenderedPlatform[] = [];
  // Platforms share most objects: each distinct one is emitted once.
  const shared = options.platforms.length > 1 ? new SharedYamlTexts() : undefined;
  for (const platform of buildable ? options.platforms : []) {
    try {
      rendered.push(renderPlatformSharing(platform, buildable!.config, options.env, shared));
    } catch (err) {
      if (!(err instanceof ProblemsError)) throw err; // missing pinned files and the like: not a config problem
      perPlatform.set(platform, err.problems.map(buildable!.remap));
    }
  }
  const warnings = buildable ? configWarnings(buildable.config).map(buildable.remap) : [];
  const strict = options.strict ?? (buildable?.config.strict === true || (typeof raw === 'object' && raw !== null && (raw as { strict?: unknown }).strict === true));
  const problems = inConfigOrder([
    ...configProblems,
    ...mergePlatformProblems(perPlatform, options.platforms, configProblems),
    ...(strict ? warnings.map((w): Problem => ({ ...w, severity: 'error', message: `${w.message} [strict]` })) : []),
  ]);
  if (problems.length) throw new ConfigError(problems, source);
  return { config: config!, rendered, warnings: strict ? [] : warnings };
}

/**
 * Per-platform problems → one list: a problem every platform has as it is; one that only some have with the
 * platforms named — in the problem where it names its platform (`"kata" is not available on eks, kind (…)`), else
 * after it (`… (on eks, aks)`). A problem at a path the config checks already reported is left out (the same mistake
 * in other words). Problems come in config order.
 */
export function mergePlatformProblems(perPlatform: ReadonlyMap<Platform, readonly Problem[]>, platforms: readonly Platform[], reported: readonly Problem[] = []): Problem[] {
  const reportedPaths = new Set(reported.map((p) => p.path).filter(Boolean));
  const PLACEHOLDER = '\u0000platform\u0000';
  const groups = new Map<string, { readonly problem: Problem; readonly where: Platform[] }>();
  for (const platform of platforms) {
    const named = new RegExp(`(?<![\\w-])${platform.replace(/[-.]/g, '\\$&')}(?![\\w-])`, 'g');
    const seen = new Set<string>();
    for (const problem of perPlatform.get(platform) ?? []) {
      if (reportedPaths.has(problem.path)) continue;
      // The problem with this platform's name taken out, so the same problem on another platform finds it.
      const general = { ...problem, path: problem.path.replace(named, PLACEHOLDER), message: problem.message.replace(named, PLACEHOLDER) };
      const key = formatProblem(general);
      if (seen.has(key)) continue;
      seen.add(key);
      const group = groups.get(key);
      if (group) group.where.push(platform);
      else groups.set(key, { problem: general, where: [platform] });
    }
  }
  return [...groups.values()].map(({ problem, where }) => {
    const names = where.join(', ');
    if (problem.path.includes(PLACEHOLDER) || problem.message.includes(PLACEHOLDER)) {
      return { ...problem, path: problem.path.split(PLACEHOLDER).join(names), message: problem.message.split(PLACEHOLDER).join(names) };
    }
    return where.length === platforms.length ? problem : { ...problem, message: `${problem.message} (on ${names})` };
  });
}

/** Top-level keys in the order the schema (and the README) lists them. */
const TOP_LEVEL = ['kubernetesVersion', 'agentSandbox', 'platforms', 'deviceClasses', 'tenants'];

/**
 * Problems grouped the way the config reads: by top-level key, then by list entry (`tenants[2]` before
 * `tenants[10]`); within one entry they keep their order (the config checks', then the constructs').
 */
export function inConfigOrder(problems: readonly Problem[]): Problem[] {
  const rank = (p: Problem): [number, number] => {
    const m = /^([A-Za-z]+)(?:\[(\d+)\])?/.exec(p.path);
    const top = m ? TOP_LEVEL.indexOf(m[1]) : -1;
    return [top < 0 ? TOP_LEVEL.length : top, m?.[2] !== undefined ? Number(m[2]) : -1];
  };
  return [...problems].map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i).map((x) => x.p);
}

