/**
 * What the command sets up for its own short-lived process before it loads anything else
 * (bin/agent-sandbox-infra.js calls these; the library and the Pulumi program never do, so nothing here changes a
 * process that only imports the package):
 *
 * - Node's module compile cache (Node ≥ 22.1: `module.enableCompileCache`) in the private cache folder: Node keeps
 *   the bytecode of the ~340 modules a synth loads (2.5 MB of JavaScript) and skips compiling them on the next run.
 *   Node keys each entry by the module's path and checks the source's hash before using it; the folder is the
 *   private one (core/private-cache.ts), because whoever can write cached bytecode chooses the code that runs. On
 *   older Node this is a no-op (see docs/performance.md for why no loader hook stands in for it).
 * - zod without its JIT: zod 4 compiles each object schema to a function (`new Function`) on its first parse, which
 *   pays off only when one schema parses many values; one config parse per process does not (17 ms of the example's
 *   first parse; the 1,000-tenant config parses in the same time either way). Same results: only how zod runs.
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { privateCacheDir } from '../core/private-cache';

/** The part of `node:module` used here (enableCompileCache is Node ≥ 22.1; its result shape is Node's). */
export interface CompileCacheHost {
  readonly enableCompileCache?: (directory: string) => { status: number; message?: string; directory?: string };
  /** Node ≥ 22.10: writes what the cache gathered so far (the CLI ends with process.exit). */
  readonly flushCompileCache?: () => void;
}

export type CompileCacheResult =
  | { readonly enabled: true; readonly directory: string }
  | { readonly enabled: false; readonly reason: string };

/** Folder of Node's compile cache inside the private cache folder. */
export const COMPILE_CACHE_FOLDER = 'node-compile-cache';

/**
 * Turns Node's module compile cache on for the rest of this process, in `<private cache>/node-compile-cache`.
 * Never throws: without the feature, a private cache folder or with Node refusing, modules compile as usual.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's own switch).
 */
export function enableModuleCompileCache(env: NodeJS.ProcessEnv = process.env, host: CompileCacheHost = nodeModule as CompileCacheHost): CompileCacheResult {
  if (typeof host.enableCompileCache !== 'function') return { enabled: false, reason: `Node.js ${process.version} has no module.enableCompileCache (Node ≥ 22.1)` };
  const dir = privateCacheDir(env);
  if (dir === undefined) return { enabled: false, reason: 'no private cache folder' };
  const directory = join(dir, COMPILE_CACHE_FOLDER);
  try {
    const result = host.enableCompileCache(directory);
    // Node's statuses: FAILED 0, ENABLED 1, ALREADY_ENABLED 2, DISABLED 3.
    if (result.status === 1 || result.status === 2) return { enabled: true, directory: result.directory ?? directory };
    return { enabled: false, reason: result.message ?? `module.enableCompileCache returned status ${result.status}` };
  } catch (err) {
    return { enabled: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Writes the compile cache now where Node can (the command exits with process.exit right after). Never throws. */
export function flushModuleCompileCache(host: CompileCacheHost = nodeModule as CompileCacheHost): void {
  try {
    host.flushCompileCache?.();
  } catch {
    // a cache that cannot be written only costs speed
  }
}

/** zod's global settings for a process that parses one config (see the file comment). Loads zod. */
export function configureZodForOneParse(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('zod') as typeof import('zod')).z.config({ jitless: true });
}
