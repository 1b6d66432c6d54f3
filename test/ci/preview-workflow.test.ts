/**
 * .github/workflows/preview.yml cannot run here: it is parsed and checked as data (workflow-checks.ts), its diff shell
 * snippet runs under bash with a stand-in `node`, and its comment script runs against a mocked GitHub client. The
 * "each check can fail" block feeds every check a broken copy of the workflow, so none of them passes vacuously.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realComponentsPresent } from '../support/real-components';
import {
  checkActionPins,
  checkChecksJob,
  checkCliCommands,
  checkCloudLogins,
  checkConcurrency,
  checkDiffExitHandling,
  checkForkGuards,
  checkIdTokenWrite,
  checkManifestDiffJob,
  checkNoNpmCi,
  checkNoPolicyInstall,
  checkNoOtherWrites,
  checkNpmScripts,
  checkPullRequestsWrite,
  checkPolicyPackConfig,
  checkPulumiPreviewJob,
  checkStacks,
  checkTimeouts,
  checkTopLevelPermissions,
  checkTriggers,
  cliCommandsUsed,
  clone,
  cloudAuthJobs,
  commentingJobs,
  commentStep,
  DIFF_MARKER,
  diffStep,
  isPreviewStep,
  loadWorkflow,
  matrixStacks,
  npmScriptsUsed,
  parseHelpCommands,
  REPO_ROOT,
  stackFiles,
  type Step,
  type Workflow,
} from './workflow-checks';

const wf = loadWorkflow();
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const CLI_BUILD = join(REPO_ROOT, 'build', 'cli', 'main.js');
const KNOWN_COMMANDS = ['synth', 'validate', 'fetch-upstream', 'diff', 'node-bootstrap'];

const stepOf = (w: Workflow, job: string, pred: (s: Step) => boolean): Step => {
  const s = w.jobs[job].steps!.find(pred);
  if (!s) throw new Error(`test setup: no such step in ${job}`);
  return s;
};
const named = (name: string) => (s: Step) => s.name === name;
const previewRun = (w: Workflow): Step => stepOf(w, 'pulumi-preview', isPreviewStep);
const usesPrefix = (prefix: string) => (s: Step) => String(s.uses).startsWith(prefix);

describe('preview workflow: structure', () => {
  test('triggers on pull_request (and never pull_request_target)', () => {
    expect(checkTriggers(wf)).toEqual([]);
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['pull_request', 'workflow_dispatch']));
  });

  test('top-level permissions are read-only', () => {
    expect(checkTopLevelPermissions(wf)).toEqual([]);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  test('one run per pull request (concurrency)', () => {
    expect(checkConcurrency(wf)).toEqual([]);
  });

  test('pull-requests: write only on the jobs that comment', () => {
    expect(commentingJobs(wf)).toEqual(['manifest-diff', 'pulumi-preview']);
    expect(checkPullRequestsWrite(wf)).toEqual([]);
  });

  test('id-token: write only where a cloud login happens', () => {
    expect(cloudAuthJobs(wf)).toEqual(['pulumi-preview']);
    expect(checkIdTokenWrite(wf)).toEqual([]);
    expect(checkNoOtherWrites(wf)).toEqual([]);
  });

  test('actions are pinned, jobs have timeouts', () => {
    expect(checkActionPins(wf)).toEqual([]);
    expect(checkTimeouts(wf)).toEqual([]);
  });

  test('jobs exist with the expected steps in order', () => {
    expect(Object.keys(wf.jobs).sort()).toEqual(['checks', 'manifest-diff', 'preview-gate', 'pulumi-preview']);
    expect(checkChecksJob(wf)).toEqual([]);
    expect(checkManifestDiffJob(wf)).toEqual([]);
    expect(checkPulumiPreviewJob(wf)).toEqual([]);
  });

  test('every npm script the workflow runs exists in package.json; npm ci is never used', () => {
    expect(npmScriptsUsed(wf)).toEqual(expect.arrayContaining(['typecheck', 'test']));
    expect(checkNpmScripts(wf, pkg.scripts)).toEqual([]);
    expect(checkNoNpmCi(wf)).toEqual([]);
  });

  test('nothing is installed inside policy/ (the pack uses the root install; policy/package.json has no dependencies)', () => {
    expect(checkNoPolicyInstall(wf)).toEqual([]);
    const install = stepOf(wf, 'pulumi-preview', named('Install dependencies'));
    expect(install.run).toBe('npm install');
  });

  (realComponentsPresent('the workflow\'s CLI commands against --help (test/ci/preview-workflow.test.ts)', [
    !existsSync(CLI_BUILD) && 'build/cli/main.js is missing (run `npm install`: prepare builds it)',
  ])
    ? test
    : test.skip)(
    'every agent-sandbox-infra command the workflow runs is a real CLI command (from --help)',
    () => {
      const help = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'agent-sandbox-infra.js'), '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
      const known = parseHelpCommands(help);
      expect(known).toEqual(expect.arrayContaining(['synth', 'diff', 'fetch-upstream']));
      expect(cliCommandsUsed(wf)).toEqual(['diff', 'fetch-upstream', 'synth']);
      expect(checkCliCommands(wf, known)).toEqual([]);
    },
  );

  test('the preview matrix covers exactly the example stack files Pulumi.<stack>.yaml', () => {
    expect(matrixStacks(wf).sort()).toEqual(['aks', 'eks', 'eks-karpenter', 'gke-autopilot', 'gke-standard', 'kubernetes']);
    expect(stackFiles()).toEqual(['aks', 'eks', 'eks-karpenter', 'gke-autopilot', 'gke-standard', 'kubernetes']);
    expect(checkStacks(wf)).toEqual([]);
  });

  test('the policy pack checks each stack against its platform, as the manifest diff checks each platform folder', () => {
    expect(checkPolicyPackConfig(wf)).toEqual([]);
  });

  test('each stack logs in to its own cloud with OIDC', () => {
    expect(checkCloudLogins(wf)).toEqual([]);
  });

  test('fork pull requests: comment steps are guarded, forks write to the job summary, previews are skipped', () => {
    expect(checkForkGuards(wf)).toEqual([]);
  });

  test('the diff step treats exit code 2 as success and 1 as failure (static reading)', () => {
    expect(checkDiffExitHandling(diffStep(wf))).toEqual([]);
  });

  // `--policy-pack policy` needs policy/PulumiPolicy.yaml. Checked once the pack is committed (while it is being
  // written, untracked, the check is skipped rather than failing on work in progress).
  const policyCommitted = spawnSync('git', ['ls-files', '--', 'policy'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() !== '';
  (policyCommitted ? test : test.skip)(
    policyCommitted ? 'the policy pack the previews use (policy/) is a Pulumi policy pack' : 'the policy pack is a Pulumi policy pack — SKIPPED: policy/ is not committed yet',
    () => {
      expect(existsSync(join(REPO_ROOT, 'policy', 'PulumiPolicy.yaml'))).toBe(true);
    },
  );
});

describe('preview workflow: each check can fail', () => {
  type Case = [string, (w: Workflow) => void, (w: Workflow) => string[]];
  const cases: Case[] = [
    ['trigger: push only', (w) => (w.on = { push: null }), checkTriggers],
    ['trigger: pull_request_target', (w) => (w.on.pull_request_target = null), checkTriggers],
    ['top-level permissions: missing', (w) => delete w.permissions, checkTopLevelPermissions],
    ['top-level permissions: write-all', (w) => (w.permissions = 'write-all'), checkTopLevelPermissions],
    ['top-level permissions: pull-requests write', (w) => ((w.permissions as Record<string, string>)['pull-requests'] = 'write'), checkTopLevelPermissions],
    ['concurrency: global group', (w) => (w.concurrency = { group: 'preview', 'cancel-in-progress': true }), checkConcurrency],
    ['pull-requests: write on checks', (w) => (w.jobs.checks.permissions = { contents: 'read', 'pull-requests': 'write' }), checkPullRequestsWrite],
    ['pull-requests: write dropped from manifest-diff', (w) => delete (w.jobs['manifest-diff'].permissions as Record<string, string>)['pull-requests'], checkPullRequestsWrite],
    ['id-token: write on manifest-diff', (w) => ((w.jobs['manifest-diff'].permissions as Record<string, string>)['id-token'] = 'write'), checkIdTokenWrite],
    ['id-token: write dropped from pulumi-preview', (w) => delete (w.jobs['pulumi-preview'].permissions as Record<string, string>)['id-token'], checkIdTokenWrite],
    ['contents: write on a job', (w) => (w.jobs.checks.permissions = { contents: 'write' }), checkNoOtherWrites],
    ['action on a branch', (w) => (stepOf(w, 'checks', usesPrefix('actions/checkout')).uses = 'actions/checkout@main'), checkActionPins],
    ['job without timeout', (w) => delete w.jobs.checks['timeout-minutes'], checkTimeouts],
    ['npm run of a missing script', (w) => (stepOf(w, 'checks', named('Typecheck')).run = 'npm run lint'), (w) => checkNpmScripts(w, pkg.scripts)],
    ['npm run bench (script whose file may not exist is fine, but a renamed one is not)', (w) => (stepOf(w, 'checks', named('Test')).run = 'npm run tests'), (w) => checkNpmScripts(w, pkg.scripts)],
    ['npm ci', (w) => (stepOf(w, 'checks', named('Install dependencies')).run = 'npm ci'), checkNoNpmCi],
    [
      'npm install --prefix policy',
      (w) => (stepOf(w, 'pulumi-preview', named('Install dependencies')).run = 'npm install\nif [ -f policy/package.json ]; then npm install --prefix policy; fi\n'),
      checkNoPolicyInstall,
    ],
    ['cd policy && npm install', (w) => (stepOf(w, 'pulumi-preview', named('Install dependencies')).run = 'npm install\ncd policy && npm install\n'), checkNoPolicyInstall],
    ['npm --prefix=policy ci', (w) => (stepOf(w, 'checks', named('Install dependencies')).run = 'npm --prefix=policy ci'), checkNoPolicyInstall],
    ['unknown CLI command', (w) => (stepOf(w, 'checks', named('Fetch pinned upstream files')).run = 'node bin/agent-sandbox-infra.js fetch'), (w) => checkCliCommands(w, KNOWN_COMMANDS)],
    ['unknown CLI command via npx', (w) => (stepOf(w, 'checks', named('Fetch pinned upstream files')).run = 'npx agent-sandbox-infra upstream-fetch'), (w) => checkCliCommands(w, KNOWN_COMMANDS)],
    ['checks: no apt-get install', (w) => (stepOf(w, 'checks', named('Install runsc and containerd')).run = 'sudo apt-get update'), checkChecksJob],
    ['checks: test before fetch-upstream', (w) => {
      const list = w.jobs.checks.steps!;
      const i = list.findIndex(named('Fetch pinned upstream files'));
      list.push(list.splice(i, 1)[0]);
    }, checkChecksJob],
    ['checks: cache keyed on package.json', (w) => (stepOf(w, 'checks', usesPrefix('actions/cache')).with!.key = "x-${{ hashFiles('package.json') }}"), checkChecksJob],
    ['checks: node 18', (w) => (stepOf(w, 'checks', usesPrefix('actions/setup-node')).with!['node-version'] = 18), checkChecksJob],
    ['manifest-diff: shallow checkout', (w) => (stepOf(w, 'manifest-diff', usesPrefix('actions/checkout')).with = {}), checkManifestDiffJob],
    ['manifest-diff: diff without --format markdown', (w) => {
      const s = diffStep(w)!;
      s.run = s.run!.replace(' --format markdown', '');
    }, checkManifestDiffJob],
    ['manifest-diff: comment without marker', (w) => {
      const s = commentStep(w)!;
      s.with!.script = String(s.with!.script).split(DIFF_MARKER).join('<!-- other -->');
    }, checkManifestDiffJob],
    ['manifest-diff: no job summary', (w) => {
      w.jobs['manifest-diff'].steps = w.jobs['manifest-diff'].steps!.filter((s) => !/cat diff\.md/.test(String(s.run)));
    }, checkManifestDiffJob],
    ['manifest-diff: job summary only on success', (w) => delete stepOf(w, 'manifest-diff', (s) => /cat diff\.md/.test(String(s.run))).if, checkManifestDiffJob],
    ['pulumi: the action runs a command', (w) => (stepOf(w, 'pulumi-preview', usesPrefix('pulumi/actions')).with = { command: 'preview' }), checkPulumiPreviewJob],
    ['pulumi: unpinned major', (w) => (stepOf(w, 'pulumi-preview', usesPrefix('pulumi/actions')).uses = 'pulumi/actions@v5'), checkPulumiPreviewJob],
    ['pulumi: up instead of preview', (w) => (previewRun(w).run = previewRun(w).run!.replace('pulumi preview', 'pulumi up --yes')), checkPulumiPreviewJob],
    ['pulumi: no --diff', (w) => (previewRun(w).run = previewRun(w).run!.replace(' --diff', '')), checkPulumiPreviewJob],
    ['pulumi: no --json', (w) => (previewRun(w).run = previewRun(w).run!.replace(' --json', '')), checkPulumiPreviewJob],
    ['pulumi: no event log (the policy findings are only there)', (w) => (previewRun(w).run = previewRun(w).run!.replace(' --event-log preview-events.jsonl', '')), checkPulumiPreviewJob],
    ['pulumi: no policy pack', (w) => (previewRun(w).run = previewRun(w).run!.replace(' --policy-pack policy', '')), checkPulumiPreviewJob],
    ['pulumi: one stack name for all', (w) => (previewRun(w).env!.STACK = 'dev'), checkPulumiPreviewJob],
    ['pulumi: set -e aborts before the comment', (w) => (previewRun(w).run = previewRun(w).run!.replace(/^\s*set \+e\s*$/m, '')), checkPulumiPreviewJob],
    ['pulumi: no self-managed backend', (w) => delete previewRun(w).env!.PULUMI_BACKEND_URL, checkPulumiPreviewJob],
    ['pulumi: token not from secrets', (w) => (w.jobs['pulumi-preview'].env!.PULUMI_ACCESS_TOKEN = 'pul-123'), checkPulumiPreviewJob],
    ['pulumi: no comment builder', (w) => (w.jobs['pulumi-preview'].steps = w.jobs['pulumi-preview'].steps!.filter((st) => !String(st.run ?? '').includes('preview-comment.ts'))), checkPulumiPreviewJob],
    ['pulumi: the job never fails', (w) => (w.jobs['pulumi-preview'].steps = w.jobs['pulumi-preview'].steps!.filter((st) => st.name !== 'Fail when the preview failed')), checkPulumiPreviewJob],
    ['matrix: a stack without a stack file', (w) => w.jobs['pulumi-preview'].strategy!.matrix!.include!.push({ stack: 'gke-prod', cloud: 'gcp' }), checkStacks],
    ['matrix: a stack file not previewed', (w) => w.jobs['pulumi-preview'].strategy!.matrix!.include!.pop(), checkStacks],
    ['policy config: a stack previewed as another platform', (w) => (w.jobs['pulumi-preview'].strategy!.matrix!.include!.find((e) => e.stack === 'eks')!.platform = 'aks'), checkPolicyPackConfig],
    ['policy config: not passed to the preview', (w) => (previewRun(w).run = previewRun(w).run!.replace(' --policy-pack-config policy-config.json', '')), checkPolicyPackConfig],
    ['policy config: written for another policy', (w) => {
      const s = stepOf(w, 'pulumi-preview', named("Policy pack config for this stack's platform"));
      s.run = s.run!.replace('kubernetes-sandbox-secure-profile', 'kubernetes-sandbox-profile');
    }, checkPolicyPackConfig],
    ['policy config: platform not from the matrix', (w) => (stepOf(w, 'pulumi-preview', named("Policy pack config for this stack's platform")).env!.PLATFORM = 'eks'), checkPolicyPackConfig],
    ['matrix: eks on gcp', (w) => (w.jobs['pulumi-preview'].strategy!.matrix!.include!.find((e) => e.stack === 'eks')!.cloud = 'gcp'), checkCloudLogins],
    ['cloud login: AWS for every stack', (w) => delete stepOf(w, 'pulumi-preview', usesPrefix('aws-actions/')).if, checkCloudLogins],
    ['cloud login: GCP key file', (w) => (stepOf(w, 'pulumi-preview', usesPrefix('google-github-actions/auth')).with = { credentials_json: '${{ secrets.GCP_KEY }}' }), checkCloudLogins],
    ['fork guard: comment step unguarded', (w) => (commentStep(w)!.if = "steps.diff.outcome == 'success'"), checkForkGuards],
    ['fork guard: no summary note for forks', (w) => {
      w.jobs['manifest-diff'].steps = w.jobs['manifest-diff'].steps!.filter((s) => s.name !== 'Note for fork pull requests');
    }, checkForkGuards],
    ['fork guard: previews not gated', (w) => delete w.jobs['pulumi-preview'].if, checkForkGuards],
    ['fork guard: gate ignores forks', (w) => delete stepOf(w, 'preview-gate', (s) => s.id === 'gate').env!.IS_FORK, checkForkGuards],
    ['fork guard: pulumi comments on fork PRs', (w) => (stepOf(w, 'pulumi-preview', named('Post or update the preview comment')).if = "always() && github.event_name == 'pull_request'"), checkForkGuards],
    ['diff: set -e aborts on exit 2', (w) => {
      const s = diffStep(w)!;
      s.run = s.run!.replace(/^\s*set \+e\s*$/m, '');
    }, (w) => checkDiffExitHandling(diffStep(w))],
    ['diff: exit 1 accepted', (w) => {
      const s = diffStep(w)!;
      s.run = s.run!.replace(/^(\s*)\*\).*$/m, '$1*) echo "changed=true" >> "$GITHUB_OUTPUT" ;;');
    }, (w) => checkDiffExitHandling(diffStep(w))],
  ];

  test.each(cases)('%s', (_name, mutate, check) => {
    expect(check(wf)).toEqual([]);
    const broken = clone(wf);
    mutate(broken);
    expect(check(broken).length).toBeGreaterThan(0);
  });
});

describe('preview workflow: the diff step under bash', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-ci-diff-'));
    // A stand-in `node` that records its arguments and exits with $FAKE_EXIT, like `agent-sandbox-infra diff` would.
    mkdirSync(join(dir, 'fakebin'));
    writeFileSync(join(dir, 'fakebin', 'node'), '#!/bin/sh\necho "$*" > "$ARGS_FILE"\necho "### Manifest diff (fake)"\nexit "$FAKE_EXIT"\n');
    chmodSync(join(dir, 'fakebin', 'node'), 0o755);
    writeFileSync(join(dir, 'step.sh'), diffStep(wf)!.run!);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runStep(exit: number) {
    const out = join(dir, `output-${exit}`);
    const argsFile = join(dir, `args-${exit}`);
    writeFileSync(out, '');
    // What GitHub runs for `shell: bash`.
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${join(dir, 'fakebin')}:${process.env.PATH}`, FAKE_EXIT: String(exit), ARGS_FILE: argsFile, GITHUB_OUTPUT: out, BASE_REF: 'main' },
    });
    return { status: r.status, output: readFileSync(out, 'utf8'), args: readFileSync(argsFile, 'utf8').trim(), md: readFileSync(join(dir, 'diff.md'), 'utf8'), stdout: r.stdout };
  }

  test('calls diff --git origin/<base> dist --format markdown, writing diff.md', () => {
    const r = runStep(0);
    expect(r.args).toBe('bin/agent-sandbox-infra.js diff --git origin/main dist --format markdown');
    expect(r.md).toContain('### Manifest diff (fake)');
  });

  test.each([
    [0, 0, 'changed=false'],
    [2, 0, 'changed=true'],
  ])('exit code %i → step succeeds', (exit, status, output) => {
    const r = runStep(exit);
    expect(r.status).toBe(status);
    expect(r.output.trim()).toBe(output);
  });

  test.each([1, 3, 127])('exit code %i → step fails', (exit) => {
    const r = runStep(exit);
    expect(r.status).toBe(1);
    expect(r.output).toBe('');
    expect(r.stdout).toContain(`::error::agent-sandbox-infra diff failed with exit code ${exit}`);
  });
});

describe('preview workflow: the comment script (actions/github-script) against a mocked GitHub API', () => {
  const script = String(commentStep(wf)!.with!.script);
  const diffText = '### Manifest diff\n\n| kind | added |\n';
  // github-script runs the script as the body of an async function with these (and more) arguments.
  // eslint-disable-next-line @typescript-eslint/no-empty-function
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
  const fn = new AsyncFunction('require', 'github', 'context', 'core', script);

  type Comment = { id: number; body: string; user: { type: string; login: string } };
  function setup(existing: Comment[], opts: { createError?: { status: number } } = {}) {
    const issues = {
      listComments: jest.fn(),
      updateComment: jest.fn(async () => ({ data: {} })),
      createComment: jest.fn(async () => {
        if (opts.createError) throw Object.assign(new Error('denied'), opts.createError);
        return { data: { id: 99 } };
      }),
    };
    const github = { paginate: jest.fn(async (method: unknown) => (method === issues.listComments ? existing : [])), rest: { issues } };
    type Summary = { addRaw: jest.Mock<Summary, [string]>; write: jest.Mock<Promise<Summary>, []> };
    const summary: Summary = { addRaw: jest.fn((_text: string) => summary), write: jest.fn(async () => summary) };
    const core = { info: jest.fn(), warning: jest.fn(), summary };
    const context = { repo: { owner: 'acme', repo: 'infra' }, issue: { number: 7 } };
    const fakeRequire = (m: string) => {
      if (m === 'fs') return { readFileSync: () => diffText };
      throw new Error(`unexpected require(${m})`);
    };
    return { github, issues, core, summary, run: () => fn(fakeRequire, github, context, core) };
  }

  const bot = { type: 'Bot', login: 'github-actions[bot]' };
  const human = { type: 'User', login: 'octocat' };
  const saved = process.env.DIFF_CHANGED;
  afterEach(() => {
    if (saved === undefined) delete process.env.DIFF_CHANGED;
    else process.env.DIFF_CHANGED = saved;
  });

  test('updates the earlier comment in place (found by the marker)', async () => {
    process.env.DIFF_CHANGED = 'true';
    const m = setup([{ id: 1, body: 'hello', user: human }, { id: 2, body: `${DIFF_MARKER}\nold`, user: bot }]);
    await m.run();
    expect(m.issues.updateComment).toHaveBeenCalledWith({ owner: 'acme', repo: 'infra', comment_id: 2, body: `${DIFF_MARKER}\n${diffText}` });
    expect(m.issues.createComment).not.toHaveBeenCalled();
  });

  test('creates one comment when there is none and manifests changed', async () => {
    process.env.DIFF_CHANGED = 'true';
    const m = setup([{ id: 1, body: 'hello', user: human }]);
    await m.run();
    expect(m.issues.createComment).toHaveBeenCalledTimes(1);
    expect(m.issues.createComment).toHaveBeenCalledWith({ owner: 'acme', repo: 'infra', issue_number: 7, body: `${DIFF_MARKER}\n${diffText}` });
    expect(m.issues.updateComment).not.toHaveBeenCalled();
  });

  test('no changes and no earlier comment: posts nothing; an earlier comment is still updated', async () => {
    process.env.DIFF_CHANGED = 'false';
    const none = setup([]);
    await none.run();
    expect(none.issues.createComment).not.toHaveBeenCalled();
    expect(none.issues.updateComment).not.toHaveBeenCalled();
    const earlier = setup([{ id: 5, body: `${DIFF_MARKER}\nold`, user: bot }]);
    await earlier.run();
    expect(earlier.issues.updateComment).toHaveBeenCalledWith(expect.objectContaining({ comment_id: 5 }));
  });

  test('a human comment quoting the marker is not edited', async () => {
    process.env.DIFF_CHANGED = 'true';
    const m = setup([{ id: 3, body: `look: ${DIFF_MARKER}`, user: human }]);
    await m.run();
    expect(m.issues.updateComment).not.toHaveBeenCalled();
    expect(m.issues.createComment).toHaveBeenCalledTimes(1);
  });

  test('a read-only token (403) does not fail the step: it notes it in the summary', async () => {
    process.env.DIFF_CHANGED = 'true';
    const m = setup([], { createError: { status: 403 } });
    await expect(m.run()).resolves.toBeUndefined();
    expect(m.core.warning).toHaveBeenCalled();
    expect(m.summary.addRaw).toHaveBeenCalledWith(expect.stringContaining('could not be posted'));
    expect(m.summary.write).toHaveBeenCalled();
  });

  test('other API errors fail the step', async () => {
    process.env.DIFF_CHANGED = 'true';
    const m = setup([], { createError: { status: 500 } });
    await expect(m.run()).rejects.toThrow('denied');
  });
});
