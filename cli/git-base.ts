/**
 * `diff --git <ref>`: synthesize the manifests of a git ref into a temp folder, with that ref's own code and
 * config, so a pull request can be compared with its base branch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CACHE_ENV, MIRROR_ENV } from '../core/upstream/store';

export interface GitBase {
  /** Folder with `<platform>/*.yaml` of the ref. */
  readonly dir: string;
  readonly commit: string;
  readonly cleanup: () => void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Paths in the environment that the ref's own code resolves against its working directory. The base is synthesized
 * with the working directory in a temp folder, so relative values (`AGENT_SANDBOX_INFRA_MIRROR=../shared/upstream`,
 * as a CI job may set) are made absolute here, against the directory this command runs in.
 */
const PATH_ENV = [MIRROR_ENV, CACHE_ENV, 'XDG_CACHE_HOME'] as const;

export function childEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of PATH_ENV) if (out[name]) out[name] = resolve(cwd, out[name]!);
  return out;
}

/** What a failed child process said: stderr, else stdout (tsc reports type errors on stdout), else the error. */
function childOutput(err: unknown): string {
  const e = err as { stderr?: Buffer | string; stdout?: Buffer | string; message?: string };
  const text = [e.stderr, e.stdout].map((t) => (t === undefined || t === null ? '' : String(t).trim())).find((t) => t !== '');
  // The ref's own CLI prefixes its errors with the command name; this command adds its own.
  return (text ?? e.message ?? String(err)).replace(/^agent-sandbox-infra: /, '');
}

/**
 * Exports `ref` of the repository containing `cwd` (git archive, no worktree bookkeeping), reuses this checkout's
 * node_modules, builds it and runs its own `synth`. `config` is a path relative to `cwd` inside the repository, or none.
 */
export function synthesizeGitRef(ref: string, options: { cwd?: string; config?: string; platform?: string } = {}): GitBase {
  const cwd = resolve(options.cwd ?? process.cwd());
  let top: string;
  let commit: string;
  try {
    top = git(cwd, ['rev-parse', '--show-toplevel']);
    commit = git(cwd, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  } catch (err) {
    throw new Error(`--git ${ref}: not a commit of the repository at ${cwd} (${childOutput(err)})`);
  }
  let configRel: string | undefined;
  if (options.config) {
    // git prints the top level with symlinks resolved: resolve the config path the same way before relating them.
    configRel = relative(top, resolve(realpathSync(cwd), options.config));
    if (configRel.startsWith('..') || isAbsolute(configRel)) {
      throw new Error(`--git ${ref}: --config ${options.config} is outside the repository at ${top}; give a file the ref contains`);
    }
    try {
      git(top, ['cat-file', '-e', `${commit}:${configRel.split(sep).join('/')}`]);
    } catch {
      throw new Error(`--git ${ref}: --config ${configRel} does not exist at ${commit.slice(0, 12)}`);
    }
  }
  const modules = join(top, 'node_modules');
  if (!existsSync(modules)) throw new Error(`--git ${ref}: ${modules} is missing; run npm install first`);
  const work = mkdtempSync(join(tmpdir(), 'asi-git-base-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  let step = 'export';
  try {
    const src = join(work, 'src');
    mkdirSync(src);
    const tar = join(work, 'src.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', tar, commit], { cwd: top, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-xf', tar, '-C', src], { stdio: ['ignore', 'pipe', 'pipe'] });
    rmSync(tar);
    symlinkSync(modules, join(src, 'node_modules'), 'dir');
    step = 'build';
    const tsc = join(modules, 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: src, stdio: ['ignore', 'pipe', 'pipe'] });
    step = 'synthesize the manifests of';
    const out = join(work, 'out');
    const args = [join(src, 'bin', 'agent-sandbox-infra.js'), 'synth', '--platform', options.platform ?? 'all', '--out', out];
    if (configRel !== undefined) args.push('--config', join(src, configRel));
    execFileSync(process.execPath, args, { cwd: src, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    return { dir: out, commit, cleanup };
  } catch (err) {
    cleanup();
    throw new Error(`--git ${ref}: could not ${step} ${commit.slice(0, 12)}: ${childOutput(err)}`);
  }
}
