/**
 * Where a construct built from the configuration file sits in it (`tenants[0].templates[1]`), so every problem a
 * config user sees names a config path, never a construct path like `eks/Tenant-team-a/Template-py`.
 */
import type { IConstruct } from 'constructs';
import { joinPaths, type Problem } from '../core/diagnostics';

const paths = new WeakMap<IConstruct, string>();

export function setConfigPath(construct: IConstruct, path: string): void {
  paths.set(construct, path);
}

/** The config path of the construct or its nearest scope that has one. */
export function configPathOf(construct: IConstruct): string | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const path = paths.get(scope);
    if (path !== undefined) return path;
  }
  return undefined;
}

/** How a construct's own paths read in the config: object paths (`podTemplate.spec.containers`) → config keys. */
const OBJECT_PATHS: readonly (readonly [RegExp, string])[] = [
  [/^podTemplate\.spec\./, ''],
  [/^spec\.podTemplate\.spec\./, ''],
  [/^spec\.spec\.devices\.requests/, 'requests'],
  [/^spec\.selectors/, 'selectors'],
  [/^spec\.extendedResourceName/, 'extendedResourceName'],
  [/^metadata\.name$/, 'name'],
];

/**
 * A construct's problem (its path in the terms of its props or its object) under the config path `base`:
 * `containers[0] (main).resources.limits.cpu` under `tenants[0].templates[1]` reads
 * `tenants[0].templates[1].containers[0].resources.limits.cpu`. `rename` maps a first path segment to a config path
 * of its own (a SandboxNamespace's `name` is the tenant's `name`). A problem without a path is placed at `base`.
 */
export function toConfigProblem(base: string, problem: Problem, rename: Readonly<Record<string, string>> = {}): Problem {
  // The container names shown after list entries (`containers[0] (main)`) are for readers of the construct's errors.
  let path = problem.path.replace(/ \([^()]*\)/g, '');
  for (const [re, to] of OBJECT_PATHS) path = path.replace(re, to);
  const head = /^[A-Za-z_$][\w$-]*/.exec(path)?.[0];
  if (head !== undefined && rename[head] !== undefined) return { ...problem, path: `${rename[head]}${path.slice(head.length)}` };
  return { ...problem, path: joinPaths(base, path) };
}
