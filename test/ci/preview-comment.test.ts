/**
 * The preview workflow's comment, built by scripts/ci/preview-comment.ts from what real `pulumi preview --diff --json
 * --event-log … --policy-pack policy` runs wrote (test/fixtures/pulumi/, recorded against the local cluster by
 * `npm run pulumi:record`, never edited by hand): per stack, the verdict, the changed resources, the policy findings,
 * the outputs with secrets masked. Then the workflow's own steps: the builder step under bash, the comment script
 * against a mocked GitHub API.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPlatform } from '../../constructs/output/render';
import { changedConfig } from '../../scripts/pulumi/lifecycle';
import { RECORDED_CONFIG, RECORDED_STACK } from '../../scripts/pulumi/record';
import { commentMarker, previewComment } from '../../scripts/ci/preview-comment';
import { loadWorkflow, REPO_ROOT, type Step } from './workflow-checks';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'pulumi');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const CHANGED = { preview: fixture('preview-changed.json'), events: fixture('preview-changed.events.jsonl') };
const BLOCKED = { preview: fixture('preview-blocked.json'), events: fixture('preview-blocked.events.jsonl') };

/** The table rows under a heading (or the first table), cells trimmed. */
function rows(markdown: string, after = ''): string[][] {
  const from = after ? markdown.indexOf(after) : 0;
  const lines = markdown.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const table = lines.slice(start, lines.findIndex((l, i) => i > start && !l.startsWith('|')));
  return table.slice(2).map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

/** What the recorded change adds: the new tenant's objects, as `Kind namespace/name`. */
function addedObjects(): string[] {
  const key = (o: Record<string, any>) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`; // eslint-disable-line @typescript-eslint/no-explicit-any
  const before = new Set(renderPlatform('kubernetes', RECORDED_CONFIG).files.flatMap((f) => f.objects).map(key));
  return renderPlatform('kubernetes', changedConfig(RECORDED_CONFIG)).files.flatMap((f) => f.objects).map(key).filter((k) => !before.has(k)).sort();
}

describe('the recorded previews', () => {
  test('are what the recorder\'s run produced: the JSON digest has the steps but no policy finding; the event log has them', () => {
    const digest = JSON.parse(CHANGED.preview) as Record<string, unknown>;
    expect(Object.keys(digest).sort()).toStrictEqual(['changeSummary', 'config', 'duration', 'steps']);
    expect(CHANGED.events).toContain('"policyEvent"');
    // A preview a mandatory policy fails prints no JSON; its event log has the findings.
    expect(BLOCKED.preview).toBe('');
    expect(BLOCKED.events).toContain('"enforcementLevel":"mandatory"');
  });

  test('carry the kubeconfig only as [secret], and no upstream CRD (the states are left out of the event log)', () => {
    const digest = JSON.parse(CHANGED.preview) as { config: Record<string, string> };
    expect(digest.config['agent-sandbox-infra:kubeconfig']).toBe('[secret]');
    for (const text of [CHANGED.preview, CHANGED.events, BLOCKED.events]) {
      expect(text).not.toMatch(/"token":|client-key-data|certificate-authority-data|BEGIN [A-Z ]*PRIVATE KEY|"current-context":/);
      expect(text).not.toContain('openAPIV3Schema');
    }
  });
});

describe('the comment of a preview that passed (a warm pool resized, a tenant added, one advisory finding)', () => {
  const md = previewComment({ stack: RECORDED_STACK, ...CHANGED, exitCode: 0 });

  test('is one comment per stack: its marker, its stack, the verdict and the counts', () => {
    expect(md.startsWith(`${commentMarker(RECORDED_STACK)}\n### Pulumi preview: \`${RECORDED_STACK}\` — ✅ passed\n`)).toBe(true);
    const { changeSummary } = JSON.parse(CHANGED.preview) as { changeSummary: Record<string, number> };
    expect(md).toContain(`**${changeSummary.create} to create · ${changeSummary.update} to update · ${changeSummary.same} unchanged**`);
  });

  test('lists exactly the changed resources: the warm pool with the field that changes, and the new tenant\'s objects', () => {
    const changed = rows(md, '| | kind |').map(([op, kind, resource, changes]) => `${op} ${kind} ${resource} ${changes}`.trim());
    expect(changed.sort()).toStrictEqual(
      ['~ update SandboxWarmPool research/node-warm `spec.replicas`', ...addedObjects().map((k) => `+ create ${k}`)].sort(),
    );
  });

  test('shows the advisory finding with its policy, resource and message, and nothing as blocking', () => {
    expect(rows(md, '#### Policy pack')).toStrictEqual([
      [
        '⚠️ advisory',
        '`agent-sandbox-controller-replicas-production`',
        'Deployment agent-sandbox-system/agent-sandbox-controller',
        expect.stringMatching(/^\[controllerReplicas\] Deployment agent-sandbox-system\/agent-sandbox-controller: spec\.replicas: should be ≥ 2 in production stack "agents-prod"/),
      ],
    ]);
    expect(md).not.toContain('⛔');
  });

  test('masks secrets: the kubeconfig output stays [secret]', () => {
    expect(rows(md, '| output | value |').find(([k]) => k === '`kubeconfig`')).toStrictEqual(['`kubeconfig`', '`[secret]`']);
  });
});

describe('the comment of a preview the policy pack blocked', () => {
  const md = previewComment({ stack: RECORDED_STACK, ...BLOCKED, exitCode: 255 });

  test('says blocked and why: every mandatory finding first, then the advisory one; the error the CLI logged', () => {
    const findings = rows(md, '#### Policy pack');
    const mandatory = findings.filter(([v]) => v === '⛔ mandatory');
    expect(md).toContain(`— ⛔ blocked by the policy pack (${mandatory.length} mandatory findings)`);
    expect(mandatory.length).toBeGreaterThan(0);
    for (const [, policy, resource, message] of mandatory) {
      expect(policy).toBe('`kubernetes-sandbox-secure-profile`');
      expect(message).toMatch(new RegExp(`^\\[sandboxPlacement\\] ${resource.replace(/[/.]/g, '\\$&')}: spec\\.podTemplate\\.spec\\.(nodeSelector\\["sandbox\\.gke\\.io/runtime"\\]|tolerations): must `));
    }
    expect(findings.slice(mandatory.length).map(([v]) => v)).toStrictEqual(['⚠️ advisory']);
    expect(md).toMatch(/#### Errors\n\n- preview failed\n/);
  });

  test('still lists the planned changes (from the event log: the failed preview printed no JSON)', () => {
    expect(rows(md, '| | kind |').map(([op, kind, resource]) => `${op} ${kind} ${resource}`)).toContain('~ update SandboxWarmPool research/node-warm');
  });
});

describe('secrets never reach the comment', () => {
  const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://10.0.0.1:6443"}\n  name: c\ncontexts: []\nusers:\n- name: admin\n  user:\n    token: 5f1c0ffee5f1c0ffee5f1c0ffee\n';
  const TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';

  test('a kubeconfig or a token in an output, a policy message or an error is redacted, never printed', () => {
    // The real preview, with the secrets an output or a message could leak (in memory; the fixture is not touched).
    const digest = JSON.parse(CHANGED.preview) as { steps: { urn: string; oldState?: { outputs?: Record<string, unknown> }; newState?: { outputs?: Record<string, unknown> } }[] };
    const stack = digest.steps.find((s) => s.urn.includes('pulumi:pulumi:Stack'))!;
    for (const state of [stack.oldState, stack.newState]) if (state?.outputs) Object.assign(state.outputs, { kubeconfig: KUBECONFIG, apiToken: TOKEN, note: `use ${TOKEN}` });
    const events = CHANGED.events.replace(/"message":"(In production stacks[^"]*?)\\n/, `"message":"$1\\n${TOKEN} `) + JSON.stringify({ diagnosticEvent: { message: `failed with kubeconfig ${KUBECONFIG}`, severity: 'error' } }) + '\n';
    const md = previewComment({ stack: RECORDED_STACK, preview: JSON.stringify(digest), events, exitCode: 1 });
    expect(md).not.toContain('5f1c0ffee');
    expect(md).not.toContain(TOKEN);
    const outputs = Object.fromEntries(rows(md, '| output | value |').map(([k, v]) => [k, v]));
    expect([outputs['`kubeconfig`'], outputs['`apiToken`'], outputs['`note`']]).toStrictEqual(['`<redacted>`', '`<redacted>`', '`<redacted>`']);
    expect(rows(md, '#### Policy pack')[0][3]).toBe('<redacted>');
    expect(md).toContain('- <redacted>');
  });

  test('nothing readable: one line that says so', () => {
    expect(previewComment({ stack: 'eks', preview: '', events: '', exitCode: 1 })).toBe(
      `${commentMarker('eks')}\n### Pulumi preview: \`eks\` — ❌ failed\n\n\`pulumi preview\` left neither JSON nor an event log (exit code 1); see the job log.\n`,
    );
  });
});

describe('the workflow\'s steps with the recorded preview', () => {
  const wf = loadWorkflow();
  const step = (name: string): Step => wf.jobs['pulumi-preview'].steps!.find((s) => s.name === name)!;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-ci-preview-'));
    symlinkSync(join(REPO_ROOT, 'scripts'), join(dir, 'scripts'), 'dir');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    copyFileSync(join(FIXTURES, 'preview-blocked.json'), join(dir, 'preview.json'));
    copyFileSync(join(FIXTURES, 'preview-blocked.events.jsonl'), join(dir, 'preview-events.jsonl'));
    writeFileSync(join(dir, 'summary.md'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('"Build the preview comment" under bash writes the comment the builder makes, and the job summary', () => {
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(step('Build the preview comment').run)], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, STACK: RECORDED_STACK, PREVIEW_EXIT: '255', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
    });
    expect([r.status, r.stderr]).toStrictEqual([0, '']);
    const expected = previewComment({ stack: RECORDED_STACK, ...BLOCKED, exitCode: 255 });
    expect(readFileSync(join(dir, 'preview-comment.md'), 'utf8')).toBe(expected);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(expected);
  }, 60_000);

  test('the comment script edits the stack\'s own comment (found by the builder\'s marker) or creates one', async () => {
    const script = String(step('Post or update the preview comment').with!.script);
    // eslint-disable-next-line @typescript-eslint/no-empty-function
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
    const run = async (existing: { id: number; body: string; user: { type: string } }[]) => {
      const issues = { listComments: jest.fn(), updateComment: jest.fn(async () => ({ data: {} })), createComment: jest.fn(async () => ({ data: { id: 9 } })) };
      const github = { paginate: jest.fn(async () => existing), rest: { issues } };
      const body = previewComment({ stack: RECORDED_STACK, ...CHANGED, exitCode: 0 });
      const fakeRequire = (m: string) => (m === 'fs' ? { readFileSync: () => body } : undefined);
      const saved = process.env.STACK;
      process.env.STACK = RECORDED_STACK;
      try {
        await new AsyncFunction('require', 'github', 'context', 'core', script)(fakeRequire, github, { repo: { owner: 'acme', repo: 'infra' }, issue: { number: 7 } }, { info: jest.fn(), warning: jest.fn() });
      } finally {
        process.env.STACK = saved;
      }
      return { issues, body };
    };
    const mine = { id: 3, body: `${commentMarker(RECORDED_STACK)}\nold`, user: { type: 'Bot' } };
    const other = { id: 4, body: `${commentMarker('eks')}\nold`, user: { type: 'Bot' } };
    const updated = await run([other, mine]);
    expect(updated.issues.updateComment).toHaveBeenCalledWith({ owner: 'acme', repo: 'infra', comment_id: 3, body: updated.body });
    expect(updated.issues.createComment).not.toHaveBeenCalled();
    const created = await run([other]);
    expect(created.issues.createComment).toHaveBeenCalledWith({ owner: 'acme', repo: 'infra', issue_number: 7, body: created.body });
  });
});
