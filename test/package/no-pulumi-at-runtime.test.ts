/**
 * The constructs entry and the CLI never load `@pulumi/*` (Pulumi is a dev dependency; users who only synthesize do
 * not have it). Offline counterpart of the consumer-app test (which needs the npm registry): this repository has
 * Pulumi installed, so a stray import would load without an error — only the module cache, or a guard that refuses
 * the import, shows it. Runs the built package (`npm install` builds it through `prepare`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeNoPulumiGuard } from '../support/no-pulumi-guard';
import { realComponentsPresent } from '../support/real-components';

const REPO = join(__dirname, '..', '..');
const BUILT = existsSync(join(REPO, 'build', 'constructs', 'index.js')) && existsSync(join(REPO, 'build', 'cli', 'main.js'));
const maybe = realComponentsPresent('the built package loads no @pulumi (test/package/no-pulumi-at-runtime.test.ts)', [
  !BUILT && 'build/constructs/index.js or build/cli/main.js is missing (run `npm install`: prepare builds it)',
])
  ? test
  : test.skip;

let scratch: string;
let guard: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-no-pulumi-'));
  guard = writeNoPulumiGuard(scratch);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function node(args: string[], withGuard = true) {
  const env: NodeJS.ProcessEnv = { ...process.env, AGENT_SANDBOX_INFRA_MIRROR: resolve(REPO, process.env.AGENT_SANDBOX_INFRA_MIRROR ?? '../shared/upstream') };
  env.NODE_OPTIONS = withGuard ? `--require ${guard}` : '';
  return spawnSync(process.execPath, args, { cwd: REPO, env, encoding: 'utf8' });
}

maybe('the constructs entry: every export loads, and no @pulumi module is in the cache', () => {
  const script =
    "const lib = require('./build/constructs');" +
    "const pulumi = Object.keys(require.cache).filter((f) => f.includes('/@pulumi/'));" +
    "console.log(JSON.stringify({ exports: Object.keys(lib).length, pulumi }));";
  const r = node(['-e', script], false);
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { exports: number; pulumi: string[] };
  expect(out.pulumi).toStrictEqual([]);
  expect(out.exports).toBeGreaterThan(20);
});

maybe('the guard refuses @pulumi (so the CLI runs below prove something)', () => {
  const r = node(['-e', "require('@pulumi/pulumi')"]);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('loaded @pulumi/pulumi');
});

maybe('synth of every platform, validate and diff run with @pulumi refused', () => {
  const out = join(scratch, 'dist');
  const synth = node(['bin/agent-sandbox-infra.js', 'synth', '--out', out]);
  expect(synth.stderr).toBe('');
  expect(synth.status).toBe(0);
  const validate = node(['bin/agent-sandbox-infra.js', 'validate', out]);
  expect(validate.status).toBe(0);
  const diff = node(['bin/agent-sandbox-infra.js', 'diff', out, out]);
  expect(diff.stdout).toMatch(/^No manifest changes: no change to any rendered object/);
  expect(diff.status).toBe(0);
  const bootstrap = node(['bin/agent-sandbox-infra.js', 'node-bootstrap', '--platform', 'eks', '--accept-bucket-checksums']);
  expect(bootstrap.status).toBe(0);
});
