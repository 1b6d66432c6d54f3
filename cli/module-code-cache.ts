/**
 * A V8 code cache for the CommonJS modules the command loads, for Node.js without `module.enableCompileCache`
 * (Node < 22.1; on newer Node, cli/start-up.ts turns on Node's own cache instead). Without it every run parses and
 * compiles the ~340 modules of a synth again (2.5 MB of JavaScript, about a sixth of the run's CPU time).
 *
 * How: `Module.prototype._compile` is replaced, as `v8-compile-cache` does, by one that compiles the same wrapped
 * source as a `vm.Script` with the cached bytecode, then runs it with the same arguments Node passes. Unlike that
 * package, the bytecode is taken after the command ran (`script.createCachedData()` in flushModuleCodeCache), so it
 * holds the functions V8 compiled lazily while the command ran, which are most of the work. Anything this hook does
 * not handle the way Node does goes to Node's own `_compile`, so its behaviour and its errors are Node's: an ES
 * module, a source that does not compile as a script, and a source that may call `import()` (a script run from
 * cached data has no dynamic-import callback in Node 20). Node options whose work happens in Node's own `_compile`
 * (policy manifests, source maps) keep the hook from being installed at all (moduleCodeCacheRefusal).
 *
 * Bytecode is code, so the cache follows the private cache's rules (core/private-cache.ts): a per-user 0700 folder,
 * one file with a header line carrying its key and the sha256 of the rest. The key covers the format, the Node.js
 * version, the architecture and this installation's path; each entry also carries the sha256 of its module's source,
 * so bytecode is only ever offered to the exact text it was made from. V8 refuses data made by another V8 or with
 * other flags (the module is then compiled from source and the cache written again).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import * as nodeModule from 'node:module';
import { readPrivateBytes, verifiedCacheBytes, withCacheHeaderBytes, writePrivateFile } from '../core/private-cache';
import { sha256Hex } from '../core/upstream/store';

/** Bump when the layout of the cache file changes. */
const FORMAT = 1;
const HEADER_PREFIX = `# agent-sandbox-infra module code cache v${FORMAT}`;

/** Folder of the module code cache inside the private cache folder. */
export const MODULE_CODE_CACHE_FOLDER = 'module-code-cache';

/** A CommonJS module as `_compile` sees it (the parts used here). */
interface CommonJsModule {
  exports: unknown;
  require(id: string): unknown;
}

type Compile = (this: CommonJsModule, content: string, filename: string, format?: string) => unknown;

/** The undocumented but long-stable parts of Node's CommonJS loader that the hook uses (as v8-compile-cache does). */
export interface CommonJsLoader {
  readonly prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CommonJsModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: CommonJsModule): string[] | null;
  readonly _extensions: unknown;
  readonly _cache: unknown;
}

/** One module's bytecode in the cache file: [file, sha256 of its source, offset, length]. */
type Entry = readonly [string, string, number, number];

interface Compiled {
  readonly filename: string;
  readonly sourceHash: string;
  readonly script: Script;
}

interface State {
  readonly loader: CommonJsLoader;
  readonly original: Compile;
  readonly file: string;
  readonly key: string;
  readonly entries: ReadonlyMap<string, Entry>;
  readonly bytes: Buffer | undefined;
  readonly compiled: Compiled[];
  /** Files run with cached bytecode, and files compiled from source (no entry, a changed source, V8 refused it). */
  readonly fromCache: string[];
  readonly fromSource: string[];
  /** A module was compiled from source since the cache file was last written. */
  changed: boolean;
}

let state: State | undefined;

/** `import(` anywhere in a source (comments included: two of the ~340 modules of a synth; they go to Node). */
const MAY_IMPORT = /\bimport\s*\(/;

/**
 * Why the hook must not be installed in a process started with these Node options, or undefined: policy manifests
 * (`--experimental-policy`, `--policy-integrity`: Node checks a module's integrity in its own `_compile`) and source
 * maps (`--enable-source-maps`: Node reads a module's map there). `sourceMapsEnabled` is `process.sourceMapsEnabled`.
 */
export function moduleCodeCacheRefusal(execArgv: readonly string[], nodeOptions: string | undefined, sourceMapsEnabled: boolean | undefined): string | undefined {
  const options = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  const found = options.find((o) => /^--(experimental-policy|policy-integrity|enable-source-maps)(=|$)/.test(o));
  if (found) return `Node runs with ${found.split('=')[0]}, which Node's own module loader carries out`;
  if (sourceMapsEnabled === true) return "Node runs with source maps on, which Node's own module loader reads";
  return undefined;
}

/** The modules this process ran with cached bytecode and those it compiled from source (for tests and profiles). */
export function moduleCodeCacheReport(): { readonly fromCache: readonly string[]; readonly fromSource: readonly string[] } {
  return { fromCache: [...(state?.fromCache ?? [])], fromSource: [...(state?.fromSource ?? [])] };
}

/**
 * Installs the hook for the rest of this process, with its cache file in `<privateDir>/module-code-cache`; returns
 * the file. `installation` names what is running (the path of this package), so that two copies never share bytecode.
 * Installing twice keeps the first.
 */
export function enableModuleCodeCache(privateDir: string, installation: string, loader: CommonJsLoader = nodeModule.Module as unknown as CommonJsLoader): string {
  if (state !== undefined) return state.file;
  const folder = join(privateDir, MODULE_CODE_CACHE_FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const key = sha256Hex(`${FORMAT}\n${process.version}\n${process.arch}\n${installation}`);
  const file = join(folder, `${key}.v8`);
  const { entries, bytes } = readCacheFile(file, key);
  const original = loader.prototype._compile;
  const current: State = { loader, original, file, key, entries, bytes, compiled: [], fromCache: [], fromSource: [], changed: false };
  state = current;
  loader.prototype._compile = function compileWithModuleCodeCache(this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    if (format === 'module') return original.call(this, content, filename, format);
    const ran = runWithCodeCache(current, this, content, filename);
    return ran === undefined ? original.call(this, content, filename, format) : ran.result;
  };
  return file;
}

/** The entries of a verified cache file, or none (a missing, foreign, truncated or edited file is rebuilt). */
function readCacheFile(file: string, key: string): { entries: ReadonlyMap<string, Entry>; bytes: Buffer | undefined } {
  const data = readPrivateBytes(file);
  const body = data === undefined ? undefined : verifiedCacheBytes(data, HEADER_PREFIX, key);
  const newline = body?.indexOf(0x0a) ?? -1;
  if (body === undefined || newline < 0) return { entries: new Map(), bytes: undefined };
  try {
    const list = JSON.parse(body.subarray(0, newline).toString('utf8')) as Entry[];
    const bytes = body.subarray(newline + 1);
    const valid = list.filter((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string' && Number.isInteger(e[2]) && Number.isInteger(e[3]) && e[2] >= 0 && e[3] > 0 && e[2] + e[3] <= bytes.length);
    return { entries: new Map(valid.map((e) => [e[0], e])), bytes };
  } catch {
    return { entries: new Map(), bytes: undefined };
  }
}

/**
 * Compiles and runs one module as Node's `_compile` does, with its cached bytecode when the cache holds bytecode of
 * exactly this source; undefined (nothing ran) when the source does not compile as a script, so that Node's own
 * `_compile` handles it and reports its error.
 */
function runWithCodeCache(current: State, mod: CommonJsModule, content: string, filename: string): { readonly result: unknown } | undefined {
  if (MAY_IMPORT.test(content)) return undefined;
  const sourceHash = sha256Hex(content);
  const entry = current.entries.get(filename);
  const cachedData = entry !== undefined && entry[1] === sourceHash && current.bytes !== undefined ? current.bytes.subarray(entry[2], entry[2] + entry[3]) : undefined;
  let script: Script;
  try {
    script = new Script(current.loader.wrap(content), { filename, cachedData });
  } catch {
    return undefined;
  }
  if (cachedData !== undefined && script.cachedDataRejected !== true) current.fromCache.push(filename);
  else {
    current.fromSource.push(filename);
    current.changed = true;
  }
  current.compiled.push({ filename, sourceHash, script });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  const { loader } = current;
  const requireFn = Object.assign((id: string) => mod.require(id), {
    resolve: Object.assign((request: string, options?: { paths?: string[] }) => loader._resolveFilename(request, mod, false, options), {
      paths: (request: string) => loader._resolveLookupPaths(request, mod),
    }),
    main: process.mainModule,
    extensions: loader._extensions,
    cache: loader._cache,
  });
  return { result: wrapper.call(mod.exports, mod.exports, requireFn, mod, filename, dirname(filename)) };
}

/**
 * Writes the cache file when a module of this run was compiled from source: every module of this run with the
 * bytecode V8 holds for it now (what ran compiled lazily included), and the earlier entries of modules this run did
 * not load whose source is unchanged (a file changed or gone is dropped). Never throws: a cache only costs speed.
 */
export function flushModuleCodeCache(): void {
  const current = state;
  if (current === undefined || !current.changed) return;
  try {
    const seen = new Set<string>();
    const parts: Buffer[] = [];
    const list: Entry[] = [];
    let offset = 0;
    const add = (filename: string, sourceHash: string, data: Buffer) => {
      if (seen.has(filename) || data.length === 0) return;
      seen.add(filename);
      list.push([filename, sourceHash, offset, data.length]);
      parts.push(data);
      offset += data.length;
    };
    for (const { filename, sourceHash, script } of current.compiled) add(filename, sourceHash, script.createCachedData());
    for (const [filename, sourceHash, start, length] of current.entries.values()) {
      if (seen.has(filename) || current.bytes === undefined || !sourceUnchanged(filename, sourceHash)) continue;
      add(filename, sourceHash, current.bytes.subarray(start, start + length));
    }
    const body = Buffer.concat([Buffer.from(`${JSON.stringify(list)}\n`), ...parts]);
    writePrivateFile(current.file, withCacheHeaderBytes(HEADER_PREFIX, current.key, body));
    current.changed = false;
  } catch {
    // a cache that cannot be written only costs speed
  }
}

function sourceUnchanged(filename: string, sourceHash: string): boolean {
  try {
    return sha256Hex(readFileSync(filename, 'utf8')) === sourceHash;
  } catch {
    return false;
  }
}
