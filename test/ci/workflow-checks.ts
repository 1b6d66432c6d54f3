/**
 * Structural checks for .github/workflows/preview.yml. GitHub Actions cannot run here, so the workflow is checked as
 * data: every check is a pure function returning a list of problems (empty = fine), which lets the tests apply it to
 * the real workflow and to deliberately broken copies (proving that each check can fail).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Step = { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, any>; env?: Record<string, any>; [k: string]: any };
export type Job = {
  name?: string;
  'runs-on'?: string;
  'timeout-minutes'?: number;
  permissions?: Record<string, string> | string;
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: { include?: Record<string, any>[]; [k: string]: any }; [k: string]: any };
  outputs?: Record<string, string>;
  env?: Record<string, any>;
  steps?: Step[];
  [k: string]: any;
};
export type Workflow = { name?: string; on?: any; permissions?: Record<string, string> | string; concurrency?: any; env?: Record<string, any>; jobs: Record<string, Job>; [k: string]: any };
/* eslint-enable @typescript-eslint/no-explicit-any */

export const REPO_ROOT = join(__dirname, '..', '..');
export const WORKFLOW_PATH = join(REPO_ROOT, '.github', 'workflows', 'preview.yml');
export const DIFF_MARKER = '<!-- agent-sandbox-infra:manifest-diff -->';

/** GitHub's expression for "the pull request comes from this repository" (a fork gets a read-only token). */
export const SAME_REPO = 'github.event.pull_request.head.repo.full_name == github.repository';
export const FORK = 'github.event.pull_request.head.repo.full_name != github.repository';

export const CLOUD_LOGIN_ACTIONS: Readonly<Record<string, string>> = {
  gcp: 'google-github-actions/auth',
  aws: 'aws-actions/configure-aws-credentials',
  azure: 'azure/login',
};

export function loadWorkflow(path = WORKFLOW_PATH): Workflow {
  return parse(readFileSync(path, 'utf8')) as Workflow;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const steps = (job: Job | undefined): Step[] => job?.steps ?? [];
const actionName = (step: Step): string | undefined => step.uses?.split('@')[0];
const uses = (step: Step, action: string): boolean => actionName(step) === action;
/** Whitespace- and quote-insensitive view of an `if:` expression. */
const expr = (value: unknown): string => String(value ?? '').replace(/\s+/g, ' ').replace(/"/g, "'");
const containsExpr = (value: unknown, needle: string): boolean => expr(value).includes(expr(needle));

/** Every `run:` script of every job, with where it is. */
export function runScripts(wf: Workflow): { job: string; step: string; run: string }[] {
  return Object.entries(wf.jobs ?? {}).flatMap(([job, j]) =>
    steps(j)
      .filter((s) => typeof s.run === 'string')
      .map((s, i) => ({ job, step: s.name ?? s.id ?? `#${i}`, run: s.run as string })),
  );
}

/** Shell text with `\`-continued lines joined and comments removed. */
function shellLines(run: string): string[] {
  return run
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------------
// triggers, permissions, concurrency, pins, timeouts

export function checkTriggers(wf: Workflow): string[] {
  const on = wf.on;
  const events = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  const problems: string[] = [];
  if (!events.includes('pull_request')) problems.push(`on: must include pull_request, got [${events.join(', ')}]`);
  if (events.includes('pull_request_target')) {
    problems.push('on: pull_request_target runs fork code with a write token and secrets; use pull_request');
  }
  return problems;
}

/** Top-level permissions: an explicit map of read/none scopes (never write, never the write-all/read-all shorthands). */
export function checkTopLevelPermissions(wf: Workflow): string[] {
  const p = wf.permissions;
  if (p === undefined) return ['permissions: missing at the top level (the default token may be read-write)'];
  if (typeof p === 'string') return [`permissions: "${p}" shorthand; use an explicit map like {contents: read}`];
  const problems = Object.entries(p)
    .filter(([, v]) => v !== 'read' && v !== 'none')
    .map(([k, v]) => `permissions.${k}: top level must be read or none, got ${v}`);
  if (p.contents !== 'read') problems.push(`permissions.contents: must be read, got ${p.contents ?? 'unset'}`);
  return problems;
}

export function checkConcurrency(wf: Workflow): string[] {
  const c = wf.concurrency;
  const group = typeof c === 'string' ? c : c?.group;
  if (!group) return ['concurrency: missing'];
  if (!String(group).includes('github.event.pull_request.number')) return [`concurrency.group must be per pull request, got ${group}`];
  if (typeof c === 'object' && c['cancel-in-progress'] !== true) return ['concurrency.cancel-in-progress: should be true'];
  return [];
}

/** Jobs that post to the pull request: a github-script comment step or pulumi/actions with comment-on-pr. */
export function commentingJobs(wf: Workflow): string[] {
  return Object.entries(wf.jobs ?? {})
    .filter(([, j]) => steps(j).some((s) => isCommentStep(s)))
    .map(([name]) => name)
    .sort();
}

export function isCommentStep(step: Step): boolean {
  if (uses(step, 'actions/github-script')) return /\b(createComment|updateComment)\b/.test(String(step.with?.script ?? ''));
  if (uses(step, 'pulumi/actions')) {
    const c = step.with?.['comment-on-pr'];
    return c !== undefined && c !== false && c !== 'false';
  }
  return false;
}

export function cloudAuthJobs(wf: Workflow): string[] {
  const logins = Object.values(CLOUD_LOGIN_ACTIONS);
  return Object.entries(wf.jobs ?? {})
    .filter(([, j]) => steps(j).some((s) => logins.some((a) => uses(s, a))))
    .map(([name]) => name)
    .sort();
}

const jobsWithPermission = (wf: Workflow, scope: string, level: string): string[] =>
  Object.entries(wf.jobs ?? {})
    .filter(([, j]) => (typeof j.permissions === 'string' ? j.permissions === `${level}-all` : j.permissions?.[scope] === level))
    .map(([name]) => name)
    .sort();

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function checkPullRequestsWrite(wf: Workflow): string[] {
  const have = jobsWithPermission(wf, 'pull-requests', 'write');
  const need = commentingJobs(wf);
  const problems: string[] = [];
  if (need.length === 0) problems.push('no job comments on the pull request');
  if (!sameSet(have, need)) problems.push(`pull-requests: write on [${have.join(', ')}], but the commenting jobs are [${need.join(', ')}]`);
  return problems;
}

export function checkIdTokenWrite(wf: Workflow): string[] {
  const have = jobsWithPermission(wf, 'id-token', 'write');
  const need = cloudAuthJobs(wf);
  if (need.length === 0) return ['no job logs in to a cloud'];
  return sameSet(have, need) ? [] : [`id-token: write on [${have.join(', ')}], but the jobs with cloud logins are [${need.join(', ')}]`];
}

/** No job asks for more than these write scopes, and job permission maps are explicit. */
export function checkNoOtherWrites(wf: Workflow): string[] {
  const allowed = new Set(['pull-requests', 'id-token']);
  return Object.entries(wf.jobs ?? {}).flatMap(([name, j]) => {
    if (typeof j.permissions === 'string') return [`jobs.${name}.permissions: "${j.permissions}" shorthand`];
    return Object.entries(j.permissions ?? {})
      .filter(([scope, level]) => level === 'write' && !allowed.has(scope))
      .map(([scope]) => `jobs.${name}.permissions.${scope}: write is not needed`);
  });
}

/** `uses:` pinned to a major version (`@v4`) or a full commit SHA; never a branch. */
export function checkActionPins(wf: Workflow): string[] {
  return Object.entries(wf.jobs ?? {}).flatMap(([name, j]) =>
    steps(j)
      .filter((s) => s.uses !== undefined)
      .filter((s) => !/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(String(s.uses)))
      .map((s) => `jobs.${name}: ${s.uses} is not pinned to a major version or a commit SHA`),
  );
}

export function checkTimeouts(wf: Workflow): string[] {
  return Object.entries(wf.jobs ?? {})
    .filter(([, j]) => !(typeof j['timeout-minutes'] === 'number' && j['timeout-minutes'] > 0 && j['timeout-minutes'] <= 60))
    .map(([name, j]) => `jobs.${name}.timeout-minutes: must be set (1..60), got ${j['timeout-minutes'] ?? 'unset'}`);
}

// ---------------------------------------------------------------------------------------------------------------
// npm scripts and CLI commands

/** `npm run X`, `npm run-script X`, `npm test|start|stop|restart` → script names. */
export function npmScriptsUsed(wf: Workflow): string[] {
  const found = new Set<string>();
  for (const { run } of runScripts(wf)) {
    for (const line of shellLines(run)) {
      for (const m of line.matchAll(/\bnpm\s+(?:--?[\w-]+(?:=\S+)?\s+)*(?:run|run-script|rum|urn)\s+([^\s;&|)]+)/g)) found.add(m[1]);
      for (const m of line.matchAll(/\bnpm\s+(?:--?[\w-]+(?:=\S+)?\s+)*(test|t|start|stop|restart)\b/g)) found.add(m[1] === 't' ? 'test' : m[1]);
    }
  }
  return [...found].sort();
}

export function checkNpmScripts(wf: Workflow, scripts: Record<string, string>): string[] {
  const used = npmScriptsUsed(wf);
  const problems = used.filter((s) => !(s in scripts)).map((s) => `npm script "${s}" is used in the workflow but package.json has no such script`);
  if (!used.includes('typecheck')) problems.push('the workflow never runs `npm run typecheck`');
  if (!used.includes('test')) problems.push('the workflow never runs `npm test`');
  return problems;
}

/** `npm ci` breaks on lockfiles written by the npm used here (DESIGN.md): the workflow must use `npm install`. */
export function checkNoNpmCi(wf: Workflow): string[] {
  return runScripts(wf)
    .filter(({ run }) => shellLines(run).some((l) => /\bnpm\s+(ci|clean-install|install-clean|isntall-clean|ic)\b/.test(l)))
    .map(({ job, step }) => `jobs.${job} step "${step}": uses npm ci; use npm install (npm ci rejects this npm's lockfiles)`);
}

/**
 * No `npm install` (or `npm ci`) for the policy pack: policy/package.json has no dependencies and says to install
 * only at the root (the pack resolves @pulumi/policy and the rest from the root node_modules; a node_modules inside
 * policy/ would shadow them with a second copy). Catches `--prefix policy`, `-C policy` and `cd policy && npm i`.
 */
export function checkNoPolicyInstall(wf: Workflow): string[] {
  const inPolicy = /(?:--prefix(?:=|\s+)|-C\s+)(?:\.\/)?policy\/?(?=[\s;&|)]|$)/;
  const npmInstall = /\bnpm\s+(?:\S+\s+)*?(?:i|install|add|ci|clean-install)(?=[\s;&|)]|$)/;
  return runScripts(wf)
    .filter(({ run }) =>
      shellLines(run).some((l) => (npmInstall.test(l) && inPolicy.test(l)) || /\bcd\s+(?:\.\/)?policy\/?\s*(?:&&|;)\s*npm\s+(?:i|install|ci)\b/.test(l)),
    )
    .map(({ job, step }) => `jobs.${job} step "${step}": installs packages inside policy/; the pack uses the root install (policy/package.json: no dependencies of its own)`);
}

/** `node bin/agent-sandbox-infra.js <cmd>`, `npx [--no-install] agent-sandbox-infra <cmd>` → commands. */
export function cliCommandsUsed(wf: Workflow): string[] {
  const found = new Set<string>();
  for (const { run } of runScripts(wf)) {
    for (const line of shellLines(run)) {
      for (const m of line.matchAll(/(?:\bnode\s+(?:\.\/)?bin\/agent-sandbox-infra(?:\.js)?|\bnpx\s+(?:--?[\w-]+\s+)*agent-sandbox-infra)\s+([^\s;&|)]+)/g)) {
        found.add(m[1]);
      }
    }
  }
  return [...found].sort();
}

/** Parses the "Commands:" section of `agent-sandbox-infra --help` (commander). */
export function parseHelpCommands(help: string): string[] {
  const section = help.split(/^Commands:\s*$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
}

export function checkCliCommands(wf: Workflow, known: readonly string[]): string[] {
  const used = cliCommandsUsed(wf);
  const problems = used.filter((c) => !known.includes(c)).map((c) => `agent-sandbox-infra ${c}: not a CLI command (known: ${known.join(', ')})`);
  for (const needed of ['fetch-upstream', 'synth', 'diff']) {
    if (!used.includes(needed)) problems.push(`the workflow never runs agent-sandbox-infra ${needed}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// jobs and their steps

type StepPredicate = { what: string; test: (s: Step) => boolean };

const runs = (re: RegExp, what = `run ${re}`): StepPredicate => ({ what, test: (s) => typeof s.run === 'string' && shellLines(s.run).some((l) => re.test(l)) });
const usesAction = (action: string, check: (w: Record<string, unknown>) => boolean = () => true, what = `uses ${action}`): StepPredicate => ({
  what,
  test: (s) => uses(s, action) && check(s.with ?? {}),
});

const CHECKOUT = usesAction('actions/checkout');
const SETUP_NODE_20 = usesAction('actions/setup-node', (w) => String(w['node-version']) === '20' && w.cache === 'npm', 'setup-node 20 with npm cache');
/** The Pulumi job: @pulumi/pulumi declares Node >=22. */
const SETUP_NODE_22 = usesAction('actions/setup-node', (w) => String(w['node-version']) === '22' && w.cache === 'npm', 'setup-node 22 with npm cache');
const NPM_INSTALL = runs(/^npm install(\s|$)/, 'npm install');
const UPSTREAM_CACHE = usesAction(
  'actions/cache',
  (w) => String(w.path).includes('~/.cache/agent-sandbox-infra') && /hashFiles\(\s*'core\/upstream\/pins\.ts'\s*\)/.test(String(w.key)),
  'actions/cache of ~/.cache/agent-sandbox-infra keyed on core/upstream/pins.ts',
);
const FETCH_UPSTREAM = runs(/^node bin\/agent-sandbox-infra\.js fetch-upstream\b/, 'fetch-upstream');

/** In order: each predicate must match a step after the one matched by the previous predicate. */
function expectOrderedSteps(wf: Workflow, jobName: string, preds: StepPredicate[]): string[] {
  const job = wf.jobs?.[jobName];
  if (!job) return [`jobs.${jobName}: missing`];
  const list = steps(job);
  const problems: string[] = [];
  let from = 0;
  for (const p of preds) {
    const i = list.findIndex((s, idx) => idx >= from && p.test(s));
    if (i < 0) {
      problems.push(list.some((s) => p.test(s)) ? `jobs.${jobName}: step "${p.what}" is out of order` : `jobs.${jobName}: no step "${p.what}"`);
      continue;
    }
    from = i + 1;
  }
  return problems;
}

export function checkChecksJob(wf: Workflow): string[] {
  return expectOrderedSteps(wf, 'checks', [
    CHECKOUT,
    SETUP_NODE_20,
    NPM_INSTALL,
    {
      what: 'sudo apt-get update, then apt-get install -y runsc containerd',
      test: (s) => {
        const lines = typeof s.run === 'string' ? shellLines(s.run) : [];
        const update = lines.findIndex((l) => /^sudo apt-get update\b/.test(l));
        const install = lines.findIndex((l) => /^sudo\b.*\bapt-get install -y\b.*\brunsc\b.*\bcontainerd\b/.test(l));
        return update >= 0 && install > update;
      },
    },
    UPSTREAM_CACHE,
    FETCH_UPSTREAM,
    runs(/^npm run typecheck$/, 'npm run typecheck'),
    runs(/^npm test$/, 'npm test'),
  ]);
}

export function diffStep(wf: Workflow): Step | undefined {
  return steps(wf.jobs?.['manifest-diff']).find((s) => typeof s.run === 'string' && /agent-sandbox-infra(\.js)? diff\b/.test(s.run));
}

export function commentStep(wf: Workflow): Step | undefined {
  return steps(wf.jobs?.['manifest-diff']).find((s) => uses(s, 'actions/github-script') && isCommentStep(s));
}

export function checkManifestDiffJob(wf: Workflow): string[] {
  const problems = expectOrderedSteps(wf, 'manifest-diff', [
    usesAction('actions/checkout', (w) => w['fetch-depth'] === 0, 'checkout with fetch-depth: 0'),
    SETUP_NODE_20,
    NPM_INSTALL,
    UPSTREAM_CACHE,
    FETCH_UPSTREAM,
    runs(/^node bin\/agent-sandbox-infra\.js synth\b.*--out dist\b/, 'synth head into dist'),
    runs(/^node bin\/agent-sandbox-infra\.js diff --git "?origin\/\$\{?BASE_REF\}?"? dist --format markdown > diff\.md$/, 'diff --git origin/<base> dist --format markdown > diff.md'),
    { what: 'post or update the diff comment (github-script)', test: (s) => uses(s, 'actions/github-script') && isCommentStep(s) },
  ]);
  const job = wf.jobs?.['manifest-diff'];
  const base = String(job?.env?.BASE_REF ?? '');
  if (!base.includes('github.base_ref')) problems.push(`jobs.manifest-diff.env.BASE_REF must come from github.base_ref, got "${base}"`);
  const diff = diffStep(wf);
  if (diff && !diff.id) problems.push('jobs.manifest-diff: the diff step needs an id (later steps read its outcome/outputs)');
  const script = String(commentStep(wf)?.with?.script ?? '');
  if (script && !script.includes(DIFF_MARKER)) problems.push(`jobs.manifest-diff: the comment script does not use the marker ${DIFF_MARKER}`);
  if (script && !/\bpaginate\b/.test(script)) problems.push('jobs.manifest-diff: the comment script must page through all comments to find its own');
  // The diff always goes to the job summary, whatever happened to the comment.
  const summary = steps(job).find((s) => typeof s.run === 'string' && /cat diff\.md >> "?\$GITHUB_STEP_SUMMARY"?/.test(s.run));
  if (!summary) problems.push('jobs.manifest-diff: no step appends diff.md to $GITHUB_STEP_SUMMARY');
  else if (!containsExpr(summary.if, 'always()')) problems.push('jobs.manifest-diff: the summary step must run always()');
  return problems;
}

/** The diff step's shell: exit code 0 and 2 succeed, anything else fails (static reading; see also the run test). */
export function checkDiffExitHandling(step: Step | undefined): string[] {
  if (!step || typeof step.run !== 'string') return ['no diff step'];
  const run = step.run;
  const problems: string[] = [];
  if (run.includes('${{')) problems.push('the diff step must not interpolate ${{ }} into the shell (use env)');
  if (!/^\s*set \+e\s*$/m.test(run) && !/\|\|\s*code=\$\?/.test(run)) problems.push('the diff step must not let `set -e` abort on exit code 2 (set +e, or `|| code=$?`)');
  if (!/code=\$\?/.test(run)) problems.push('the diff step must capture the exit code ($?)');
  if (!/^\s*0\)/m.test(run) || !/^\s*2\)/m.test(run)) problems.push('the diff step must handle exit codes 0 and 2 explicitly');
  if (!/^\s*\*\).*exit 1/m.test(run)) problems.push('the diff step must exit 1 on any other code');
  return problems;
}

export function checkForkGuards(wf: Workflow): string[] {
  const problems: string[] = [];
  // manifest-diff: comment only for same-repository PRs; forks get a summary note.
  const job = wf.jobs?.['manifest-diff'];
  for (const s of steps(job).filter((st) => isCommentStep(st))) {
    if (!containsExpr(s.if, SAME_REPO)) problems.push(`jobs.manifest-diff step "${s.name ?? s.uses}": missing fork guard (if: ... ${SAME_REPO})`);
  }
  const forkNote = steps(job).find((s) => containsExpr(s.if, FORK) && typeof s.run === 'string' && s.run.includes('$GITHUB_STEP_SUMMARY'));
  if (!forkNote) problems.push('jobs.manifest-diff: no step writes a fork note to $GITHUB_STEP_SUMMARY');
  else if (!containsExpr(forkNote.if, 'always()')) problems.push('jobs.manifest-diff: the fork note must run always()');

  // pulumi-preview: skipped for forks through a gate job that writes the reason to the summary; its own comments
  // are guarded too (comment-on-pr is the same-repository condition).
  const preview = wf.jobs?.['pulumi-preview'];
  if (!preview) return [...problems, 'jobs.pulumi-preview: missing'];
  const needs = ([] as string[]).concat(preview.needs ?? []);
  const gateName = needs.find((n) => containsExpr(preview.if, `needs.${n}.outputs.`));
  if (!gateName) problems.push('jobs.pulumi-preview: must be skipped for forks (if: needs.<gate>.outputs.run == ...)');
  else {
    const gate = wf.jobs[gateName];
    const gateStep = steps(gate).find((s) => s.run?.includes('$GITHUB_STEP_SUMMARY') && Object.values(s.env ?? {}).some((v) => containsExpr(v, FORK)));
    if (!gateStep) problems.push(`jobs.${gateName}: no step detects forks (${FORK}) and writes the skip note to $GITHUB_STEP_SUMMARY`);
    if (gate && gate.permissions && Object.values(gate.permissions).includes('write')) problems.push(`jobs.${gateName}: needs no write permission`);
  }
  for (const s of steps(preview).filter((st) => isCommentStep(st))) {
    if (!containsExpr(s.with?.['comment-on-pr'], SAME_REPO) && !containsExpr(s.if, SAME_REPO)) {
      problems.push(`jobs.pulumi-preview step "${s.name ?? s.uses}": comment-on-pr without a fork guard`);
    }
  }
  return problems;
}

/** Stacks in the preview matrix. */
export function matrixStacks(wf: Workflow): string[] {
  const matrix = wf.jobs?.['pulumi-preview']?.strategy?.matrix;
  const include = (matrix?.include ?? []).map((e) => e.stack).filter((s): s is string => typeof s === 'string');
  const plain = Array.isArray(matrix?.stack) ? (matrix.stack as string[]) : [];
  return [...include, ...plain];
}

/** Example stack files at the repository root: `Pulumi.<stack>.yaml` (not the project file Pulumi.yaml). */
export function stackFiles(root = REPO_ROOT): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** `none`: the kubeconfig-only stack reaches its cluster through the kubeconfig in its own (secret) config. */
const PLATFORM_CLOUD: Readonly<Record<string, string>> = { 'gke-autopilot': 'gcp', 'gke-standard': 'gcp', eks: 'aws', aks: 'azure', kubernetes: 'none' };
const NO_CLOUD = 'none';

export function checkStacks(wf: Workflow, root = REPO_ROOT): string[] {
  const stacks = matrixStacks(wf);
  const problems: string[] = [];
  if (stacks.length === 0) problems.push('jobs.pulumi-preview: the matrix lists no stacks');
  for (const s of stacks) {
    if (!existsSync(join(root, `Pulumi.${s}.yaml`))) problems.push(`matrix stack ${s}: no Pulumi.${s}.yaml at the repository root`);
  }
  for (const s of stackFiles(root)) {
    if (!stacks.includes(s)) problems.push(`Pulumi.${s}.yaml is not previewed (add it to the pulumi-preview matrix)`);
  }
  if (new Set(stacks).size !== stacks.length) problems.push(`matrix stacks repeat: ${stacks.join(', ')}`);
  return problems;
}

/** Each matrix entry's cloud matches its stack file's platform, and that cloud has a login step for it. */
export function checkCloudLogins(wf: Workflow, root = REPO_ROOT): string[] {
  const job = wf.jobs?.['pulumi-preview'];
  const problems: string[] = [];
  for (const entry of job?.strategy?.matrix?.include ?? []) {
    const file = join(root, `Pulumi.${entry.stack}.yaml`);
    if (existsSync(file)) {
      const platform = (parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> })?.config?.['agent-sandbox-infra:platform'];
      const cloud = PLATFORM_CLOUD[String(platform)];
      if (cloud !== entry.cloud) problems.push(`matrix ${entry.stack}: cloud ${entry.cloud}, but its stack file's platform ${platform} runs on ${cloud}`);
    }
    if (entry.cloud === NO_CLOUD) continue; // no login: every login step runs only for its own matrix.cloud
    const action = CLOUD_LOGIN_ACTIONS[String(entry.cloud)];
    if (!action) {
      problems.push(`matrix ${entry.stack}: unknown cloud ${entry.cloud}`);
      continue;
    }
    const login = steps(job).find((s) => uses(s, action));
    if (!login) problems.push(`jobs.pulumi-preview: no ${action} step for cloud ${entry.cloud}`);
    else if (!containsExpr(login.if, `matrix.cloud == '${entry.cloud}'`)) problems.push(`jobs.pulumi-preview: ${action} must run only for matrix.cloud == '${entry.cloud}'`);
  }
  // OIDC, never static keys
  const gcp = steps(job).find((s) => uses(s, CLOUD_LOGIN_ACTIONS.gcp));
  if (gcp && !gcp.with?.workload_identity_provider) problems.push('google-github-actions/auth: use workload_identity_provider (workload identity federation)');
  if (gcp?.with?.credentials_json) problems.push('google-github-actions/auth: no service account keys (credentials_json)');
  const aws = steps(job).find((s) => uses(s, CLOUD_LOGIN_ACTIONS.aws));
  if (aws && !aws.with?.['role-to-assume']) problems.push('aws-actions/configure-aws-credentials: use role-to-assume (OIDC)');
  if (aws?.with?.['aws-secret-access-key']) problems.push('aws-actions/configure-aws-credentials: no static access keys');
  const az = steps(job).find((s) => uses(s, CLOUD_LOGIN_ACTIONS.azure));
  if (az && !(az.with?.['client-id'] && az.with?.['tenant-id'] && az.with?.['subscription-id'])) problems.push('azure/login: OIDC needs client-id, tenant-id, subscription-id');
  if (az?.with?.creds) problems.push('azure/login: no client secrets (creds)');
  return problems;
}

/** The policy config file the preview hands the pack (`policyPackConfigs`). */
export const POLICY_CONFIG_FILE = 'policy-config.json';

/**
 * The pack gets each stack's platform, as the manifest diff uses each folder's: every matrix entry's `platform` is its
 * stack file's, and a step before the preview writes `policy-config.json` from it. That step's shell runs here under
 * bash for every matrix platform; the file must be exactly `{"kubernetes-sandbox-secure-profile": {"platform": …}}`.
 */
export function checkPolicyPackConfig(wf: Workflow, root = REPO_ROOT): string[] {
  const job = wf.jobs?.['pulumi-preview'];
  const problems: string[] = [];
  const all = steps(job);
  const previewAt = all.findIndex(isPreviewStep);
  if (previewAt < 0) return ['jobs.pulumi-preview: no step runs pulumi preview'];
  if (!previewCommand(all[previewAt]).includes(`--policy-pack-config ${POLICY_CONFIG_FILE}`)) {
    problems.push(`pulumi preview: must pass --policy-pack-config ${POLICY_CONFIG_FILE} (the stack's platform for the pack)`);
  }
  const writer = all.slice(0, previewAt).find((s) => String(s.run ?? '').includes(POLICY_CONFIG_FILE));
  if (!writer) return [...problems, `jobs.pulumi-preview: no step before the preview writes ${POLICY_CONFIG_FILE}`];
  if (!containsExpr(writer.env?.PLATFORM, 'matrix.platform')) problems.push(`jobs.pulumi-preview: the ${POLICY_CONFIG_FILE} step must take PLATFORM from matrix.platform`);
  for (const entry of job?.strategy?.matrix?.include ?? []) {
    const file = join(root, `Pulumi.${entry.stack}.yaml`);
    const platform = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> })?.config?.['agent-sandbox-infra:platform'] : undefined;
    if (entry.platform !== platform) problems.push(`matrix ${entry.stack}: platform ${entry.platform}, but its stack file's platform is ${platform}`);
    const dir = mkdtempSync(join(tmpdir(), 'asi-policy-config-'));
    try {
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(writer.run)], { cwd: dir, env: { PATH: process.env.PATH, PLATFORM: String(entry.platform) }, encoding: 'utf8' });
      const out = join(dir, POLICY_CONFIG_FILE);
      const written = r.status === 0 && existsSync(out) ? readFileSync(out, 'utf8') : undefined;
      let config: unknown;
      try {
        config = written === undefined ? undefined : JSON.parse(written);
      } catch {
        config = written;
      }
      const expected = { 'kubernetes-sandbox-secure-profile': { platform: entry.platform } };
      if (JSON.stringify(config) !== JSON.stringify(expected)) {
        problems.push(`matrix ${entry.stack}: the ${POLICY_CONFIG_FILE} step wrote ${JSON.stringify(written ?? r.stderr)}, expected ${JSON.stringify(expected)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return problems;
}

/** The shell line of a step that runs `pulumi preview` ('' when none). */
function previewCommand(step: Step): string {
  return typeof step.run === 'string' ? (shellLines(step.run).find((l) => /^pulumi preview\b/.test(l)) ?? '') : '';
}
export const isPreviewStep = (step: Step): boolean => previewCommand(step) !== '';
/** The file the preview writes and the comment is built from. */
export const PREVIEW_JSON = 'preview.json';
/** The event log the preview writes: the policy findings are only there. */
export const PREVIEW_EVENTS = 'preview-events.jsonl';
export const PREVIEW_COMMENT_SCRIPT = 'ci/preview-comment.ts';

/**
 * The preview job: the CLI installed (pulumi/actions without a command), `pulumi preview --stack <matrix stack> --diff
 * --json --policy-pack policy` into preview.json with its exit code captured (not aborted by `set -e`), the comment
 * built from that JSON by scripts/ci/preview-comment.ts, posted by github-script, and the job failed afterwards when
 * the preview failed. The backend comes from secrets.
 */
export function checkPulumiPreviewJob(wf: Workflow): string[] {
  const job = wf.jobs?.['pulumi-preview'];
  if (!job) return ['jobs.pulumi-preview: missing'];
  const problems = expectOrderedSteps(wf, 'pulumi-preview', [
    CHECKOUT,
    SETUP_NODE_22,
    NPM_INSTALL,
    UPSTREAM_CACHE,
    FETCH_UPSTREAM,
    usesAction('pulumi/actions', (w) => w.command === undefined, 'pulumi/actions without a command (installs the CLI)'),
    { what: 'pulumi preview --json', test: isPreviewStep },
    runs(new RegExp(`^node scripts/run\\.js ${PREVIEW_COMMENT_SCRIPT.replace('.', '\\.')}\\b`), `node scripts/run.js ${PREVIEW_COMMENT_SCRIPT}`),
    { what: 'post or update the preview comment (github-script)', test: (s) => uses(s, 'actions/github-script') && isCommentStep(s) },
    runs(/^exit 1$/, 'fail the job when the preview failed'),
  ]);
  const install = steps(job).find((s) => uses(s, 'pulumi/actions'));
  if (install && !/^pulumi\/actions@v6$/.test(String(install.uses))) problems.push(`pulumi/actions: pin v6, got ${install.uses}`);
  const preview = steps(job).find(isPreviewStep);
  if (preview) {
    const line = previewCommand(preview);
    for (const flag of ['--diff', '--json', `--event-log ${PREVIEW_EVENTS}`, '--policy-pack policy']) if (!new RegExp(`(^|\\s)${flag}(\\s|$)`).test(line)) problems.push(`pulumi preview: ${flag} missing`);
    if (!/--stack "\$STACK"/.test(line) || !containsExpr(preview.env?.STACK, 'matrix.stack')) problems.push('pulumi preview: --stack "$STACK" with STACK from matrix.stack');
    if (!line.includes(`> ${PREVIEW_JSON}`)) problems.push(`pulumi preview: its JSON must go to ${PREVIEW_JSON}`);
    const run = String(preview.run);
    if (!/^\s*set \+e\s*$/m.test(run) || !/code=\$\?/.test(run) || !/exit-code=\$code.*GITHUB_OUTPUT/.test(run)) {
      problems.push('pulumi preview: capture the exit code (set +e; code=$?; exit-code=$code >> $GITHUB_OUTPUT) so the comment is posted before the job fails');
    }
    if (run.includes('${{')) problems.push('pulumi preview: no ${{ }} in the shell (use env)');
    if (!String(preview.env?.PULUMI_BACKEND_URL ?? '').includes('secrets.PULUMI_BACKEND_URL')) problems.push('pulumi preview: PULUMI_BACKEND_URL must come from secrets (self-managed backends)');
  }
  const builder = steps(job).find((s) => typeof s.run === 'string' && s.run.includes(PREVIEW_COMMENT_SCRIPT));
  if (builder && (!String(builder.run).includes(`--preview ${PREVIEW_JSON}`) || !String(builder.run).includes(`--events ${PREVIEW_EVENTS}`) || !containsExpr(builder.env?.PREVIEW_EXIT, 'steps.preview.outputs.exit-code'))) {
    problems.push(`the comment builder must read ${PREVIEW_JSON}, ${PREVIEW_EVENTS} and the preview's exit code`);
  }
  const env = job.env ?? {};
  if (!String(env.PULUMI_ACCESS_TOKEN ?? '').includes('secrets.PULUMI_ACCESS_TOKEN')) problems.push('pulumi-preview: PULUMI_ACCESS_TOKEN must come from secrets');
  if (job.strategy?.['fail-fast'] !== false) problems.push('pulumi-preview: fail-fast: false (one broken stack must not hide the others)');
  return problems;
}
