/**
 * `diff --git <ref>`: synthesize the manifests of a git ref into a temp folder, with that ref's own code and
 * config, so a pull request can be compared with its base branch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

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
 * Exports `ref` of the repository containing `cwd` (git archive, no worktree bookkeeping), reuses this checkout's
 * node_modules, builds it and runs its own `synth`. `config` is a path relative to the repository root, or none.
 */
export function synthesizeGitRef(ref: string, options: { cwd?: string; config?: string; platform?: string } = {}): GitBase {
  const cwd = resolve(options.cwd ?? process.cwd());
  let top: string;
  let commit: string;
  try {
    top = git(cwd, ['rev-parse', '--show-toplevel']);
    commit = git(cwd, ['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch (err) {
    throw new Error(`--git ${ref}: not a commit of the repository at ${cwd} (${(err as { stderr?: string }).stderr?.trim() || (err as Error).message})`);
  }
  const work = mkdtempSync(join(tmpdir(), 'asi-git-base-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  try {
    const src = join(work, 'src');
    mkdirSync(src);
    execFileSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${src}"`], { cwd: top, stdio: ['ignore', 'ignore', 'pipe'] });
    const modules = join(top, 'node_modules');
    if (!existsSync(modules)) throw new Error(`--git ${ref}: ${modules} is missing; run npm install first`);
    symlinkSync(modules, join(src, 'node_modules'), 'dir');
    const tsc = join(modules, 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: src, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = join(work, 'out');
    const args = [join(src, 'bin', 'agent-sandbox-infra.js'), 'synth', '--platform', options.platform ?? 'all', '--out', out];
    if (options.config) {
      const rel = relative(top, resolve(cwd, options.config));
      if (!existsSync(join(src, rel))) throw new Error(`--git ${ref}: ${rel} does not exist at ${commit.slice(0, 12)}`);
      args.push('--config', join(src, rel));
    }
    execFileSync(process.execPath, args, { cwd: src, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    return { dir: out, commit, cleanup };
  } catch (err) {
    cleanup();
    const e = err as { stderr?: Buffer | string; message: string };
    const detail = e.stderr ? String(e.stderr).trim() : e.message;
    throw new Error(`--git ${ref}: could not synthesize the base: ${detail}`);
  }
}
