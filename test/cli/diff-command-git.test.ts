/**
 * `agent-sandbox-infra diff --git <ref> <head>` for real: a clone of this repository's HEAD (with this checkout's
 * diff command) gets one commit that changes the example config (controller replicas 2 → 3); the clone's own compiled CLI then synthesizes the parent
 * commit (git archive + build + synth, in a temp folder) and compares it with the synth of the new commit.
 * Slow (two TypeScript builds), so it is one test. The other tests here drive the same base synthesis on a tiny
 * fixture repository whose "CLI" records how it was called: fast, and they pin the error and path handling.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { synthesizeGitRef } from '../../cli/git-base';
import { command, realComponentsPresent } from '../support/real-components';

const REPO = resolve(__dirname, '../..');
/** The files whose working-tree version the clone gets (the rest of the clone is the committed HEAD). */
const UNDER_TEST = ['cli/diff-command.ts', 'cli/git-base.ts', 'cli/diff'];
const hasGit = realComponentsPresent('diff --git (test/cli/diff-command-git.test.ts)', [command('git', 'apt-get install -y git').missing]);

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=diff test', '-c', 'user.email=diff-test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

(hasGit ? test : test.skip)(
  '--git HEAD~1: synthesizes the parent commit with its own code and shows the replicas change (exit 2)',
  () => {
    const scratch = mkdtempSync(join(tmpdir(), 'asi-diff-git-'));
    try {
      const clone = join(scratch, 'repo');
      // The committed HEAD: other uncommitted work in this checkout must not leak into either side…
      git(scratch, ['clone', '--quiet', '--no-hardlinks', REPO, clone]);
      symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
      // …except the code under test, the diff command as it is in this checkout.
      for (const file of UNDER_TEST) cpSync(join(REPO, file), join(clone, file), { recursive: true });
      if (git(clone, ['status', '--porcelain', '--', ...UNDER_TEST]) !== '') git(clone, ['commit', '--quiet', '-m', 'diff command under test', '--', ...UNDER_TEST]);

      const exampleFile = join(clone, 'config/example.ts');
      const before = readFileSync(exampleFile, 'utf8');
      const after = before.replace(/(agentSandbox: \{[^}]*?\n\s+replicas:) 2,/, '$1 3,');
      expect(after).not.toBe(before);
      writeFileSync(exampleFile, after);
      git(clone, ['commit', '--quiet', '-am', 'controller replicas 2 -> 3']);
      const parent = git(clone, ['rev-parse', 'HEAD~1']);

      // The mirror given relative to the working directory (as a CI job would, e.g. ../shared/upstream) is resolved
      // from this test's directory and handed to the clone relative to the clone: the base's synth, which runs
      // elsewhere, must still reach it.
      const cloneEnv: NodeJS.ProcessEnv = { ...process.env };
      if (process.env.AGENT_SANDBOX_INFRA_MIRROR) cloneEnv.AGENT_SANDBOX_INFRA_MIRROR = relative(clone, resolve(process.env.AGENT_SANDBOX_INFRA_MIRROR));
      const node = (args: string[], env: NodeJS.ProcessEnv = cloneEnv) =>
        spawnSync(process.execPath, args, { cwd: clone, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
      const build = node(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
      expect(build.stdout + build.stderr).toBe('');
      expect(build.status).toBe(0);

      const head = join(scratch, 'head');
      const synth = node(['bin/agent-sandbox-infra.js', 'synth', '--out', head]);
      expect(synth.stderr).toBe('');
      expect(synth.status).toBe(0);

      // A private TMPDIR shows that the base's temp folder (sources, build, synth output) is removed afterwards.
      const tmp = join(scratch, 'tmp');
      mkdirSync(tmp);
      const env: NodeJS.ProcessEnv = { ...cloneEnv, TMPDIR: tmp };
      const diff = node(['bin/agent-sandbox-infra.js', 'diff', '--git', 'HEAD~1', head, '--format', 'markdown'], env);
      expect(diff.stderr).toBe('');
      expect(diff.status).toBe(2);
      const lines = diff.stdout.split('\n');
      expect(lines[0]).toBe(`### Manifest diff (HEAD~1 @ ${parent.slice(0, 12)} → ${head})`);
      // One change, made on every platform the example renders.
      expect(lines[2]).toMatch(/^\*\*1 changed, 0 added, 0 removed\*\* \(6 objects on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes\), \d+ unchanged$/);
      expect(lines.slice(6, 8)).toStrictEqual(['| Deployment | 0 | 0 | 1 | 6 |', '| **total** | **0** | **0** | **1** | **6** |']);
      expect(diff.stdout).toContain('<b>Deployment agent-sandbox-system/agent-sandbox-controller</b>: <code>replicas</code> 2 → 3 (all 6 platforms)</summary>');
      // Base = the parent commit's code and config (2), head = the clone's working tree (3).
      expect(diff.stdout).toMatch(/^-\s+replicas: 2\n\+\s+replicas: 3$/m);
      expect(readdirSync(tmp)).toStrictEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
  300_000,
);

/**
 * A repository with a tiny TypeScript build and a stand-in `bin/agent-sandbox-infra.js` that writes its arguments,
 * working directory, mirror variable and the --config file's content to `<out>/call.json`.
 */
function fixtureRepo(scratch: string): string {
  const repo = join(scratch, 'fixture');
  mkdirSync(join(repo, 'bin'), { recursive: true });
  mkdirSync(join(repo, 'config'));
  writeFileSync(join(repo, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { outDir: 'build', strict: true, types: [] }, include: ['x.ts'] }));
  writeFileSync(join(repo, 'x.ts'), 'export const n: number = 1;\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\nbuild\n');
  writeFileSync(join(repo, 'config', 'c.yaml'), 'replicas: 2\n');
  writeFileSync(
    join(repo, 'bin', 'agent-sandbox-infra.js'),
    `const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
const out = args[args.indexOf('--out') + 1];
const config = args.includes('--config') ? fs.readFileSync(args[args.indexOf('--config') + 1], 'utf8') : null;
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'call.json'), JSON.stringify({ args, cwd: process.cwd(), mirror: process.env.AGENT_SANDBOX_INFRA_MIRROR, config }));
`,
  );
  git(scratch, ['init', '--quiet', repo]);
  git(repo, ['add', '.']);
  git(repo, ['commit', '--quiet', '-m', 'fixture']);
  symlinkSync(join(REPO, 'node_modules'), join(repo, 'node_modules'), 'dir');
  return repo;
}

(hasGit ? describe : describe.skip)('--git base synthesis (fixture repository)', () => {
  let scratch: string;
  let repo: string;
  let tmp: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-git-fixture-'));
    repo = fixtureRepo(scratch);
    // The base's temp folder goes here, so the tests see that it is removed.
    tmp = join(scratch, 'tmp');
    mkdirSync(tmp);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, not an import copy
    jest.spyOn(require('node:os') as typeof import('node:os'), 'tmpdir').mockReturnValue(tmp);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(scratch, { recursive: true, force: true });
  });

  test("the ref's committed config, found from a symlinked working directory; a relative mirror made absolute", () => {
    writeFileSync(join(repo, 'config', 'c.yaml'), 'replicas: 99 # uncommitted\n');
    const link = join(scratch, 'link');
    symlinkSync(repo, link, 'dir');
    const mirror = join(scratch, 'mirror'); // only passed on: the stand-in CLI records it
    const savedMirror = process.env.AGENT_SANDBOX_INFRA_MIRROR;
    process.env.AGENT_SANDBOX_INFRA_MIRROR = relative(process.cwd(), mirror);
    let base: ReturnType<typeof synthesizeGitRef>;
    try {
      base = synthesizeGitRef('HEAD', { cwd: join(link, 'config'), config: 'c.yaml', platform: 'eks' });
    } finally {
      if (savedMirror === undefined) delete process.env.AGENT_SANDBOX_INFRA_MIRROR;
      else process.env.AGENT_SANDBOX_INFRA_MIRROR = savedMirror;
    }
    try {
      const call = JSON.parse(readFileSync(join(base.dir, 'call.json'), 'utf8'));
      expect(call.config).toBe('replicas: 2\n');
      expect(call.args.slice(0, 3)).toStrictEqual(['synth', '--platform', 'eks']);
      expect(call.mirror).toBe(mirror);
      expect(base.commit).toBe(git(repo, ['rev-parse', 'HEAD']));
      expect(readdirSync(tmp)).toHaveLength(1);
    } finally {
      base.cleanup();
    }
    expect(readdirSync(tmp)).toStrictEqual([]);
  });

  test('a config outside the repository or missing in the ref is refused by name, before anything is built', () => {
    expect(() => synthesizeGitRef('HEAD', { cwd: repo, config: '../elsewhere.yaml' })).toThrow(
      `--git HEAD: --config ../elsewhere.yaml is outside the repository at ${git(repo, ['rev-parse', '--show-toplevel'])}; give a file the ref contains`,
    );
    writeFileSync(join(repo, 'config', 'new.yaml'), 'replicas: 3\n'); // in the working tree, not in HEAD
    expect(() => synthesizeGitRef('HEAD', { cwd: repo, config: 'config/new.yaml' })).toThrow(
      /^--git HEAD: --config config\/new\.yaml does not exist at [0-9a-f]{12}$/,
    );
    expect(readdirSync(tmp)).toStrictEqual([]);
  });

  test("a ref that does not compile: the error carries the compiler's message (tsc reports on stdout)", () => {
    writeFileSync(join(repo, 'x.ts'), "export const n: number = 'one';\n");
    git(repo, ['commit', '--quiet', '-am', 'broken']);
    let message = '';
    try {
      synthesizeGitRef('HEAD', { cwd: repo });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^--git HEAD: could not build [0-9a-f]{12}: x\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\./);
    expect(readdirSync(tmp)).toStrictEqual([]);
  });

  test('a ref that is no commit, or looks like an option, is refused before anything is built', () => {
    expect(() => synthesizeGitRef('no-such-branch', { cwd: repo })).toThrow(/^--git no-such-branch: not a commit of the repository at /);
    expect(() => synthesizeGitRef('--output=/tmp/x', { cwd: repo })).toThrow(/^--git --output=\/tmp\/x: not a commit of the repository at /);
    expect(readdirSync(tmp)).toStrictEqual([]);
  });
});
