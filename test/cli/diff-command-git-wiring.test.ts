/**
 * How `diff --git` uses the synthesized base, with the (slow, separately tested) git synthesis replaced by a copy of
 * a synth output: what part of the base is compared with the head, fail-fast on a bad head, cleanup, the title.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../cli/diff';
import { synthesizeGitRef } from '../../cli/git-base';
import { clearUpstreamMemo } from '../../core/upstream/store';
import { runCli } from '../support/cli';

jest.mock('../../cli/git-base', () => ({ synthesizeGitRef: jest.fn() }));
const synthesize = synthesizeGitRef as jest.MockedFunction<typeof synthesizeGitRef>;
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const ALL = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kind'];

let scratch: string;
let synthOut: string;
let baseDir: string;
let cleanup: jest.Mock;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-diff-git-wiring-'));
  synthOut = join(scratch, 'synth');
  clearUpstreamMemo();
  const run = await runCli(['synth', '--out', synthOut]);
  if (run.code !== 0) throw new Error(run.stderr);
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
beforeEach(() => {
  baseDir = join(scratch, `base-${++n}`);
  // The synth output is a link to its generation folder: copy what it points to.
  cpSync(synthOut, baseDir, { recursive: true, dereference: true });
  cleanup = jest.fn();
  synthesize.mockReset();
  synthesize.mockReturnValue({ dir: baseDir, commit: COMMIT, cleanup });
});

/** A head folder with a copy of the given platforms of the synth output. */
function headWith(platforms: string[]): string {
  const head = join(scratch, `head-${++n}`);
  for (const p of platforms) cpSync(join(synthOut, p), join(head, p), { recursive: true, dereference: true });
  return head;
}

test('the head holds some platforms: only those are compared (the others are not "removed")', async () => {
  const head = headWith(['eks', 'kind']);
  const run = await runCli(['diff', '--git', 'main', head]);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^No manifest changes: no change to any rendered object \(\d+ objects compared on 2 platforms: eks, kind\)\.\n$/);
  expect(run.code).toBe(0);
  expect(Number(/\((\d+) objects compared on/.exec(run.stdout)![1])).toBe(loadManifests(head).length);
  expect(readdirSync(baseDir).sort()).toStrictEqual(['eks', 'kind']);
  expect(synthesize).toHaveBeenCalledTimes(1);
  expect(synthesize).toHaveBeenCalledWith('main', { config: undefined });
  expect(cleanup).toHaveBeenCalledTimes(1);
});

test('the head is one platform folder: compared with that platform of the base', async () => {
  const head = headWith(['eks']);
  const run = await runCli(['diff', '--git', 'main', join(head, 'eks')]);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^No manifest changes: no change to any rendered object/);
  expect(run.code).toBe(0);
});

test('every platform, one change: exit 2, the title names the ref and its commit; --config goes to the base synth', async () => {
  const head = headWith(ALL);
  writeFileSync(join(head, 'kind', '90-extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: research}\ndata: {a: b}\n');
  const run = await runCli(['diff', '--git', 'origin/main', '--config', 'my-config.yaml', '--format', 'markdown', head]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(2);
  expect(run.stdout.split('\n')[0]).toBe(`### Manifest diff (origin/main @ ${COMMIT.slice(0, 12)} → ${head})`);
  expect(run.stdout).toContain('| ConfigMap | 1 | 0 | 0 | 1 |');
  expect(run.stdout).toContain('| **total** | **1** | **0** | **0** | **1** |');
  expect(readdirSync(baseDir).sort()).toStrictEqual(ALL);
  expect(synthesize).toHaveBeenCalledWith('origin/main', { config: 'my-config.yaml' });
  expect(cleanup).toHaveBeenCalledTimes(1);
});

test('a missing head fails at once, before the base is built', async () => {
  const missing = join(scratch, 'no-such-head');
  const run = await runCli(['diff', '--git', 'main', missing]);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`agent-sandbox-infra: ${missing}: no such file or directory\n`);
  expect(synthesize).not.toHaveBeenCalled();
});

test('the base is cleaned up when the comparison fails', async () => {
  const head = headWith(['eks']);
  writeFileSync(join(head, 'eks', '99-broken.yaml'), 'kind: [\n');
  const run = await runCli(['diff', '--git', 'main', head]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/99-broken\.yaml:\d+: YAML parse error/);
  expect(cleanup).toHaveBeenCalledTimes(1);
  expect(existsSync(head)).toBe(true);
});
