/**
 * What the command sets up for its own short-lived process before it loads anything else
 * (bin/agent-sandbox-infra.js calls these; the library and the Pulumi program never do, so nothing here changes a
 * process that only imports the package):
 *
 * - A compile cache for the ~340 modules a synth loads (2.5 MB of JavaScript), in the private cache folder, so that
 *   the next run skips parsing and compiling them: Node's own (`module.enableCompileCache`, Node ≥ 22.1) where it
 *   exists, otherwise our V8 code cache of the same modules (cli/module-code-cache.ts). Both key each entry by the
 *   module's path and check the source's hash before using it; the folder is the private one
 *   (core/private-cache.ts), because whoever can write cached bytecode chooses the code that runs.
 *   `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch) turns either off.
 * - zod without its JIT: zod 4 compiles each object schema to a function (`new Function`) on its first parse, which
 *   pays off only when one schema parses many values; one config parse per process does not (17 ms of the example's
 *   first parse; the 1,000-tenant config parses in the same time either way). Same results: only how zod runs.
 */
import * as nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { privateCacheDir } from '../core/private-cache';
import { enableModuleCodeCache, flushModuleCodeCache, moduleCodeCacheRefusal } from './module-code-cache';

/** The part of `node:module` used here (enableCompileCache is Node ≥ 22.1; its result shape is Node's). */
export interface CompileCacheHost {
  readonly enableCompileCache?: (directory: string) => { status: number; message?: string; directory?: string };
  /** Node ≥ 22.10: writes what the cache gathered so far (the CLI ends with process.exit). */
  readonly flushCompileCache?: () => void;
}

/** Which cache runs: Node's own, or our code cache of the modules where Node has none (returns its file). */
export type CompileCacheKind = 'node' | 'module-code-cache';

/** Installs the module code cache with its file in the given private folder; returns the file. */
export type ModuleCodeCacheInstaller = (privateDir: string) => string;

/** The Node options of this process, as moduleCodeCacheRefusal reads them. */
export interface NodeOptionsSeen {
  readonly execArgv: readonly string[];
  readonly sourceMapsEnabled?: boolean;
}

const thisProcess = (): NodeOptionsSeen => ({ execArgv: process.execArgv, sourceMapsEnabled: (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled });

export type CompileCacheResult =
  | { readonly enabled: true; readonly kind: CompileCacheKind; readonly directory: string }
  | { readonly enabled: false; readonly reason: string };

/** Folder of Node's compile cache inside the private cache folder. */
export const COMPILE_CACHE_FOLDER = 'node-compile-cache';

/** This installation of the package (its compiled cli/ folder), so that two copies never share bytecode. */
const installModuleCodeCache: ModuleCodeCacheInstaller = (privateDir) => enableModuleCodeCache(privateDir, __dirname);

/**
 * Turns a module compile cache on for the rest of this process: Node's in `<private cache>/node-compile-cache`, or
 * where Node has none, our module code cache in `<private cache>/module-code-cache`. Never throws: without a private
 * cache folder, with Node refusing or the switch off, modules compile as usual.
 */
export function enableModuleCompileCache(
  env: NodeJS.ProcessEnv = process.env,
  host: CompileCacheHost = nodeModule as CompileCacheHost,
  installCodeCache: ModuleCodeCacheInstaller = installModuleCodeCache,
  node: NodeOptionsSeen = thisProcess(),
): CompileCacheResult {
  const nodeHasOne = typeof host.enableCompileCache === 'function';
  if (!nodeHasOne && env.NODE_DISABLE_COMPILE_CACHE) return { enabled: false, reason: 'NODE_DISABLE_COMPILE_CACHE is set' };
  const refusal = nodeHasOne ? undefined : moduleCodeCacheRefusal(node.execArgv, env.NODE_OPTIONS, node.sourceMapsEnabled);
  if (refusal !== undefined) return { enabled: false, reason: refusal };
  const dir = privateCacheDir(env);
  if (dir === undefined) return { enabled: false, reason: 'no private cache folder' };
  try {
    if (!nodeHasOne) return { enabled: true, kind: 'module-code-cache', directory: dirname(installCodeCache(dir)) };
    const directory = join(dir, COMPILE_CACHE_FOLDER);
    const result = host.enableCompileCache!(directory);
    // Node's statuses: FAILED 0, ENABLED 1, ALREADY_ENABLED 2, DISABLED 3.
    if (result.status === 1 || result.status === 2) return { enabled: true, kind: 'node', directory: result.directory ?? directory };
    return { enabled: false, reason: result.message ?? `module.enableCompileCache returned status ${result.status}` };
  } catch (err) {
    return { enabled: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Writes the compile cache now where Node can (the command exits with process.exit right after). Never throws. */
export function flushModuleCompileCache(host: CompileCacheHost = nodeModule as CompileCacheHost): void {
  flushModuleCodeCache();
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
