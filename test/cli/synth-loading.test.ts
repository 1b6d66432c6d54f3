/**
 * What `synth` loads (a regression guard for its start-up time that times nothing): the CEL engine only for a
 * selector this machine has not checked before, and a bounded number of modules. Runs the built CLI
 * (`npm install` builds it through `prepare`) in child processes with a scratch cache, and reads each process's
 * module cache at exit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '..', '..');
const BUILT = existsSync(join(REPO, 'build', 'cli', 'main.js'));
const maybe = BUILT ? test : test.skip;

/**
 * Modules `synth --platform all` of the example loads once the private cache is warm: 313 when this was written, 338
 * once the sandbox router, the GKE ComputeClass, AKS Spot placement, the Pod Security evaluator, claim lifecycles,
 * system namespaces and the gVisor trust anchor joined the synth path (2026-12-07; 229 of them are dependencies':
 * zod's 66 locale files and cdk8s's `yaml` alone are 138). The guard is the jump, not the count: a feature that pulls
 * a large library into every synth (as the CEL engine did: 132 modules) fails it.
 */
const MODULE_CEILING = 350;

/** A config without DRA: no DeviceClass, no claim template, no selector. */
const NO_SELECTORS = {
  tenants: [{ name: 'agents', templates: [{ name: 'python', containers: [{ name: 'python', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }] }],
};

let scratch: string;
let recorder: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-synth-loading-'));
  recorder = join(scratch, 'record-modules.js');
  writeFileSync(recorder, "process.on('exit', () => require('node:fs').writeFileSync(process.env.ASI_MODULES_OUT, JSON.stringify(Object.keys(require.cache))));\n");
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
/** Runs the CLI; returns its exit status, stderr and the files of every module it loaded. */
function cli(args: string[]): { status: number | null; stderr: string; modules: string[] } {
  const out = join(scratch, `modules-${runs++}.json`);
  const env = { ...process.env, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache'), NODE_OPTIONS: `--require ${recorder}`, ASI_MODULES_OUT: out };
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'agent-sandbox-infra.js'), ...args], { cwd: REPO, env, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, modules: existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as string[]) : [] };
}

const celModules = (modules: string[]) => modules.filter((m) => m.includes('/node_modules/@bufbuild/'));

/** Every file under `dir`, relative path → content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files[relative(dir, join(d, e.name))] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir);
  return files;
}

maybe('synth of a config without selectors never loads the CEL engine', () => {
  const config = join(scratch, 'no-selectors.json');
  writeFileSync(config, JSON.stringify(NO_SELECTORS));
  const r = cli(['synth', '--platform', 'kind', '--config', config, '--out', join(scratch, 'no-selectors')]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.modules.length).toBeGreaterThan(100); // the recorder saw the run
  expect(celModules(r.modules)).toStrictEqual([]);
});

maybe('synth of the example loads the CEL engine once: the next run reads the checked selectors from the private cache, loads at most MODULE_CEILING modules and writes the same bytes', () => {
  const first = cli(['synth', '--platform', 'all', '--out', join(scratch, 'first')]);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  expect(celModules(first.modules).length).toBeGreaterThan(50); // its DeviceClass selectors were checked by the engine

  const second = cli(['synth', '--platform', 'all', '--out', join(scratch, 'second')]);
  expect(second.status).toBe(0);
  expect(celModules(second.modules)).toStrictEqual([]);
  expect(second.modules.filter((m) => m.includes('/node_modules/')).length).toBeLessThan(second.modules.length);
  expect(second.modules.length).toBeLessThanOrEqual(MODULE_CEILING);
  expect(tree(join(scratch, 'second'))).toStrictEqual(tree(join(scratch, 'first')));
});
