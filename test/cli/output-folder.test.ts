/**
 * The output folder under faults: synth is killed (SIGKILL, Ctrl-C) at every step of replacing `<out>`, two runs
 * write the same folder at once, leftovers of killed runs are present. `<out>` must always hold one complete tree —
 * the previous or the new one — and the next run must clean up. The runs are real processes; the kill is injected
 * by the writer's test hook (AGENT_SANDBOX_INFRA_TEST_FAULT) at the exact step.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_STEPS, TEST_FAULT_ENV } from '../../cli/output-folder';
import { runCli, runCliProcess } from '../support/cli';

const CONFIG_A = ['kubernetesVersion: "1.36"', 'tenants:', '  - name: team-a', ''].join('\n');
const CONFIG_B = ['kubernetesVersion: "1.36"', 'tenants:', '  - name: team-b', ''].join('\n');
const PLATFORMS = 'eks,kind';

let scratch: string;
let configA: string;
let configB: string;
let treeA: Record<string, string>;
let treeB: Record<string, string>;

/** Every file under `dir` (following the link), by relative path. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = join(dir, rel, name);
      if (statSync(path).isDirectory()) walk(join(rel, name));
      else out[join(rel, name)] = readFileSync(path, 'utf8');
    }
  };
  walk('');
  return out;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-output-'));
  configA = join(scratch, 'a.yaml');
  configB = join(scratch, 'b.yaml');
  writeFileSync(configA, CONFIG_A);
  writeFileSync(configB, CONFIG_B);
  for (const [config, name] of [
    [configA, 'ref-a'],
    [configB, 'ref-b'],
  ]) {
    const run = await runCli(['synth', '--platform', PLATFORMS, '--config', config, '--out', join(scratch, name)]);
    if (run.code !== 0) throw new Error(run.stderr);
  }
  treeA = readTree(join(scratch, 'ref-a'));
  treeB = readTree(join(scratch, 'ref-b'));
  expect(Object.keys(treeA)).toContain('eks/30-tenant-team-a.yaml');
  expect(Object.keys(treeB)).toContain('kind/30-tenant-team-b.yaml');
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh parent holding `out` with tree A: as a link (written by synth) or as a real folder (older versions). */
async function startingWithA(layout: 'link' | 'folder'): Promise<{ parent: string; out: string }> {
  const parent = join(scratch, `case-${++n}`);
  mkdirSync(parent);
  const out = join(parent, 'out');
  if (layout === 'folder') {
    cpSync(join(scratch, 'ref-a'), out, { recursive: true, dereference: true });
    // An older version's staging folder inside the output: never read, gone after the conversion.
    mkdirSync(join(out, '.staging-old', 'eks'), { recursive: true });
    writeFileSync(join(out, '.staging-old', 'eks', '99-half.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: half, namespace: team-a}\n');
  } else {
    const run = await runCli(['synth', '--platform', PLATFORMS, '--config', configA, '--out', out]);
    if (run.code !== 0) throw new Error(run.stderr);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
  }
  return { parent, out };
}

/** What a run at `step` interrupted must leave: the previous tree until the link is renamed in, then the new one. */
function expectedAfter(step: string): 'previous' | 'new' | 'moved-aside' {
  if (step === 'moved-aside') return 'moved-aside';
  return OUTPUT_STEPS.indexOf(step as (typeof OUTPUT_STEPS)[number]) >= OUTPUT_STEPS.indexOf('flipped') ? 'new' : 'previous';
}

const KILLS: [string, 'link' | 'folder', NodeJS.Signals][] = [
  ...OUTPUT_STEPS.filter((s) => s !== 'moved-aside').map((s): [string, 'link', NodeJS.Signals] => [s, 'link', 'SIGKILL']),
  ...OUTPUT_STEPS.map((s): [string, 'folder', NodeJS.Signals] => [s, 'folder', 'SIGKILL']),
  ['writing', 'link', 'SIGINT'],
  ['linked', 'link', 'SIGINT'],
  ['flipped', 'folder', 'SIGINT'],
];

describe('synth killed at every step of replacing the output', () => {
  test.concurrent.each(KILLS)('killed at "%s" (out was a %s, %s): out holds one complete tree, the next run cleans up', async (step, layout, signal) => {
    const { parent, out } = await startingWithA(layout);
    const killed = await runCliProcess(['synth', '--platform', PLATFORMS, '--config', configB, '--out', out], { env: { [TEST_FAULT_ENV]: `${step}:${signal}` } });
    expect(killed.signal).toBe(signal);

    const expected = expectedAfter(step);
    if (expected === 'moved-aside') {
      // The one window of the one-time conversion: out is missing, the previous tree is complete beside it.
      expect(existsSync(out)).toBe(false);
      const aside = readdirSync(parent).filter((name) => name.startsWith('.out.previous-'));
      expect(aside).toHaveLength(1);
      expect(readTree(join(parent, aside[0]))).toStrictEqual({ ...treeA, '.staging-old/eks/99-half.yaml': expect.any(String) });
    } else {
      const tree = readTree(out);
      delete tree['.staging-old/eks/99-half.yaml'];
      expect(tree).toStrictEqual(expected === 'previous' ? treeA : treeB);
    }

    // The next run (one platform only) puts back what the killed run left and carries the other platform over.
    const next = await runCliProcess(['synth', '--platform', 'eks', '--config', configB, '--out', out]);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    const after = readTree(out);
    expect(Object.keys(after).filter((f) => f.startsWith('eks/'))).toStrictEqual(Object.keys(treeB).filter((f) => f.startsWith('eks/')));
    // kind/ was not synthesized: it is what out held before this run (A, unless the killed run had already flipped to B).
    const kindFrom = expected === 'new' ? treeB : treeA;
    for (const [f, text] of Object.entries(kindFrom)) if (f.startsWith('kind/')) expect(after[f]).toBe(text);
    expect(Object.keys(after).some((f) => f.startsWith('.'))).toBe(false);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    const rest = readdirSync(parent).filter((name) => name !== 'out');
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/^\.out\.gen-/);
  }, 120_000);
});

describe('leftovers are never read', () => {
  test('validate and diff skip generation and staging folders (dot-entries), in the output and beside it', async () => {
    const { parent, out } = await startingWithA('link');
    const killed = await runCliProcess(['synth', '--platform', PLATFORMS, '--config', configB, '--out', out], { env: { [TEST_FAULT_ENV]: 'staged:SIGKILL' } });
    expect(killed.signal).toBe('SIGKILL');
    // A stale staged tree (B) sits next to out; an older version's staging folder sits inside a copy.
    expect(readdirSync(parent).filter((name) => name.startsWith('.out.gen-'))).toHaveLength(2);
    const copy = join(parent, 'copy');
    cpSync(out, copy, { recursive: true, dereference: true });
    mkdirSync(join(copy, '.staging-x', 'eks'), { recursive: true });
    writeFileSync(join(copy, '.staging-x', 'eks', '99.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: half-written, namespace: team-a}\n');

    const diff = await runCli(['diff', out, copy, '--no-policy']);
    expect(diff.stdout).toMatch(/^No manifest changes: no change to any rendered object/);
    expect(diff.code).toBe(0);
    const validate = await runCli(['validate', parent]);
    // Only the tree out and copy point to is read: A twice (eks and kind each), never B's staged folder.
    expect(validate.stdout).toBe('');
    expect(validate.stderr).not.toContain('team-b');
    expect(validate.code).toBe(0);
  }, 120_000);
});

describe('two runs into one folder', () => {
  test('the second waits for the first and then writes a complete tree; with a short wait it fails with a sentence', async () => {
    const { parent, out } = await startingWithA('link');
    // The first run holds the lock for 4 s after staging its tree.
    const first = runCliProcess(['synth', '--platform', PLATFORMS, '--config', configB, '--out', out], { env: { [TEST_FAULT_ENV]: 'staged:pause-4000' } });
    await new Promise((r) => setTimeout(r, 1500));
    const impatient = await runCliProcess(['synth', '--platform', PLATFORMS, '--config', configA, '--out', out, '--lock-wait', '0.5']);
    expect(impatient.code).toBe(1);
    expect(impatient.stderr).toMatch(
      new RegExp(
        `^agent-sandbox-infra: cannot write ${out.replace(/[/.]/g, '\\$&')}: another synth \\(pid \\d+ on \\S+, started \\S+\\) is writing it; waited 0.5 s\\. Run again when it has finished`,
      ),
    );
    const patient = runCliProcess(['synth', '--platform', PLATFORMS, '--config', configA, '--out', out]);
    const [firstRun, patientRun] = await Promise.all([first, patient]);
    expect(firstRun.code).toBe(0);
    expect(patientRun.code).toBe(0);
    // The patient run started after the first one's lock was released, so its tree (A) is the one in place, whole.
    expect(readTree(out)).toStrictEqual(treeA);
    expect(readdirSync(parent).filter((name) => name !== 'out')).toHaveLength(1);
  }, 120_000);

  test('a lock left by a killed run is taken over', async () => {
    const { parent, out } = await startingWithA('link');
    const killed = await runCliProcess(['synth', '--platform', PLATFORMS, '--config', configB, '--out', out], { env: { [TEST_FAULT_ENV]: 'locked:SIGKILL' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(parent, '.out.lock'))).toBe(true);
    const next = await runCliProcess(['synth', '--platform', PLATFORMS, '--config', configB, '--out', out, '--lock-wait', '0']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(readTree(out)).toStrictEqual(treeB);
    expect(existsSync(join(parent, '.out.lock'))).toBe(false);
  }, 120_000);

  test('many concurrent runs never leave a mixture', async () => {
    const { out } = await startingWithA('link');
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runCliProcess(['synth', '--platform', PLATFORMS, '--config', i % 2 ? configA : configB, '--out', out])),
    );
    for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toStrictEqual({ code: 0, stderr: '' });
    const tree = readTree(out);
    expect([treeA, treeB]).toContainEqual(tree);
  }, 180_000);
});

