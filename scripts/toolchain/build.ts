/**
 * Builds the real components of the integration tier from their Go modules, into the user cache, keyed by module
 * version: `<cache>/toolchain/<id>-<version>/bin/<binary>`. Idempotent: a component whose stamp matches its recipe
 * is not built again. Each component is built inside a generated wrapper module (`go install m@v` refuses modules
 * with `replace` directives, which Kubernetes and etcd have), in a staging folder renamed into place at the end,
 * so an interrupted build leaves nothing half-built.
 *
 * Usage: `npm run toolchain -- [all|cluster|<component-id>…] [--kubernetes 1.36,1.37] [--agent-sandbox v0.5.6,…]`
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { componentDir, toolchainDir } from './paths';
import type { GoComponent } from './versions';

const run = promisify(execFile);

/** Bumped when the build recipe itself changes (flags, layout), so stale builds are rebuilt. */
const RECIPE_VERSION = 1;

export class ToolchainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolchainError';
  }
}

export interface BuildResult {
  readonly component: GoComponent;
  readonly dir: string;
  readonly cached: boolean;
  readonly seconds: number;
}

interface Stamp {
  readonly recipe: string;
  readonly goVersion: string;
  readonly builtAt: string;
  readonly seconds: number;
}

/** The environment every `go` command runs with: the machine's own Go, no toolchain switching, no cgo. */
export function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOWORK: 'off', ...extra };
}

async function go(args: string[], cwd: string, what: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run('go', args, { cwd, env: goEnv(env), maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ToolchainError(`go is not on the PATH: ${what} needs Go ≥ 1.26 and the Go module proxy`);
    const tail = String(e.stderr ?? e.message).trim().split('\n').slice(-15).join('\n  ');
    throw new ToolchainError(`${what} failed (go ${args.join(' ')}):\n  ${tail}`);
  }
}

export async function goVersion(): Promise<string> {
  return (await go(['env', 'GOVERSION'], process.cwd(), 'reading the Go version')).trim();
}

interface ModuleInfo {
  readonly GoMod: string;
  readonly Zip: string;
  readonly Dir: string;
  readonly Origin?: { readonly Hash?: string };
}

/** Downloads `module@version` through the proxy; the error names both when the proxy refuses. */
export async function downloadModule(module: string, version: string): Promise<ModuleInfo> {
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], { env: goEnv(), maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as ModuleInfo;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new ToolchainError(`go is not on the PATH: downloading ${module}@${version} needs Go ≥ 1.26 and the Go module proxy`);
    let reason = String(e.stderr ?? '').trim();
    try {
      reason = (JSON.parse(String(e.stdout)) as { Error?: string }).Error ?? reason;
    } catch {
      // not JSON: keep stderr
    }
    throw new ToolchainError(
      `the Go module proxy (GOPROXY=${process.env.GOPROXY ?? 'go env default'}) refused ${module}@${version}: ${reason || e.message}`,
    );
  }
}

/**
 * The wrapper module's replace lines: each of the component's own local replaces (`m => ./staging/src/m`,
 * `m => ../api`) becomes `m => m <localReplaceVersion>`; replaces to a placeholder folder that forbids a module
 * (etcd's `=> ./FORBIDDEN_DEPENDENCY`) and modules the component does not require are left out; replaces to another
 * module are kept as they are.
 */
export function wrapperReplaces(goMod: string, localReplaceVersion: string | undefined): string[] {
  const required = new Set<string>();
  const lines: string[] = [];
  const body = goMod.replace(/\/\/.*$/gm, '');
  for (const m of body.matchAll(/^\s*(?:require\s+)?([\w.\-/]+)\s+(v[\w.\-+]+)\s*$/gm)) required.add(m[1]);
  // Replace directives in file order: single lines (`replace a => b`) and blocks (`replace (` … `)`).
  const replaceLines: string[] = [];
  let inBlock = false;
  for (const line of body.split('\n').map((l) => l.trim())) {
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line) replaceLines.push(line);
    } else if (/^replace\s*\($/.test(line)) inBlock = true;
    else if (/^replace\s+/.test(line)) replaceLines.push(line.replace(/^replace\s+/, ''));
  }
  for (const raw of replaceLines) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([\w.\-/]+)(?:\s+(v\S+))?\s*=>\s*(\S+)(?:\s+(v\S+))?$/.exec(line);
    if (!m) throw new ToolchainError(`cannot read the replace directive "${line}"`);
    const [, from, fromVersion, to, toVersion] = m;
    if (to.startsWith('.') || to.startsWith('/')) {
      if (/FORBIDDEN/.test(to) || !required.has(from)) continue;
      if (!localReplaceVersion) throw new ToolchainError(`${from} is replaced by the local folder ${to}, and the component names no version for it`);
      lines.push(`\t${from} => ${from} ${localReplaceVersion}`);
    } else {
      lines.push(`\t${from}${fromVersion ? ` ${fromVersion}` : ''} => ${to} ${toVersion ?? ''}`.trimEnd());
    }
  }
  return lines;
}

function recipeOf(c: GoComponent, goVer: string): string {
  return createHash('sha256').update(JSON.stringify({ RECIPE_VERSION, c, goVer })).digest('hex');
}

function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** True when the component is built for this recipe (used by the tests' skip check without running `go`). */
export function isBuilt(c: GoComponent, goVer?: string): boolean {
  const dir = componentDir(c);
  const stamp = readStamp(dir);
  if (!stamp || (goVer !== undefined && stamp.recipe !== recipeOf(c, goVer))) return false;
  return Object.keys(c.binaries).every((b) => existsSync(join(dir, 'bin', b)));
}

/**
 * Copies a main package's folder from the module into the wrapper module and runs its own `go generate` there (the
 * module cache is read-only, and the generated files are not in the module zip). Returns the package to build.
 */
async function generateMainPackage(
  c: GoComponent,
  moduleDir: string,
  src: string,
  generated: { readonly dir: string; readonly env?: Readonly<Record<string, string>> },
): Promise<string> {
  const from = join(moduleDir, generated.dir);
  if (!existsSync(from)) throw new ToolchainError(`${c.module}@${c.version} has no folder ${generated.dir}`);
  const to = join(src, generated.dir);
  cpSync(from, to, { recursive: true });
  chmodSync(to, 0o755);
  chmodTree(to);
  await go(['generate', `./${generated.dir}`], src, `generating ${generated.dir} of ${c.module}@${c.version}`, { ...generated.env });
  return `./${generated.dir}`;
}

/** Module cache files are read-only: the copy must be writable for the generator and for the staging clean-up. */
function chmodTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    chmodSync(path, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) chmodTree(path);
  }
}

/** Builds one component unless its cached build matches the recipe. Prints one progress line at start and end. */
export async function buildComponent(c: GoComponent, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BuildResult> {
  const goVer = await goVersion();
  const dir = componentDir(c);
  const label = `${c.id} ${c.version} (${Object.keys(c.binaries).join(', ')})`;
  if (isBuilt(c, goVer)) {
    log(`toolchain: ${label}: cached in ${dir}`);
    return { component: c, dir, cached: true, seconds: 0 };
  }
  const started = Date.now();
  log(`toolchain: ${label}: building from ${c.module}@${c.version} (a cold build takes minutes; later runs use the cache)`);
  const info = await downloadModule(c.module, c.version);
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const src = join(staging, 'src');
  mkdirSync(join(staging, 'bin'), { recursive: true });
  mkdirSync(src, { recursive: true });
  try {
    const replaces = wrapperReplaces(readFileSync(info.GoMod, 'utf8'), c.localReplaceVersion);
    const goLine = /^go\s+(\S+)/m.exec(readFileSync(info.GoMod, 'utf8'))?.[1] ?? '1.26.0';
    writeFileSync(
      join(src, 'go.mod'),
      `// Generated by scripts/toolchain/build.ts: builds ${c.module}@${c.version} with its local replaces resolved.\n` +
        `module local.invalid/toolchain/${c.id}\n\ngo ${goLine}\n\nrequire ${c.module} ${c.version}\n` +
        (replaces.length ? `\nreplace (\n${replaces.join('\n')}\n)\n` : ''),
    );
    writeFileSync(
      join(src, 'tools.go'),
      `//go:build tools\n\npackage tools\n\nimport (\n${Object.values(c.binaries).map((p) => `\t_ "${p}"`).join('\n')}\n)\n`,
    );
    await go(['mod', 'tidy'], src, `resolving the modules of ${c.module}@${c.version}`);
    const ldflags = ['-s', '-w', ...(c.ldflags ?? [])];
    if (info.Origin?.Hash && c.id === 'kubernetes') ldflags.push(`-X k8s.io/component-base/version.gitCommit=${info.Origin.Hash}`);
    for (const [name, pkg] of Object.entries(c.binaries)) {
      const t = Date.now();
      const generated = c.generate?.[name];
      const target = generated ? await generateMainPackage(c, info.Dir, src, generated) : pkg;
      await go(['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', join(staging, 'bin', name), target], src, `building ${name} from ${c.module}@${c.version}`);
      log(`toolchain:   ${name} built in ${Math.round((Date.now() - t) / 1000)} s`);
    }
    for (const file of c.moduleFiles ?? []) {
      const from = join(info.Dir, file);
      if (!existsSync(from)) throw new ToolchainError(`${c.module}@${c.version} has no ${file}`);
      const to = join(staging, 'files', file);
      mkdirSync(join(to, '..'), { recursive: true });
      writeFileSync(to, readFileSync(from));
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(join(staging, 'build.json'), `${JSON.stringify({ recipe: recipeOf(c, goVer), goVersion: goVer, builtAt: new Date().toISOString(), seconds } satisfies Stamp, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`toolchain: ${label}: done in ${seconds} s`);
    return { component: c, dir, cached: false, seconds };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Builds the components in order (one at a time: a Go build already uses every core). */
export async function buildAll(components: readonly GoComponent[], log?: (line: string) => void): Promise<BuildResult[]> {
  mkdirSync(toolchainDir(), { recursive: true });
  const results: BuildResult[] = [];
  for (const c of components) results.push(await buildComponent(c, log));
  return results;
}
