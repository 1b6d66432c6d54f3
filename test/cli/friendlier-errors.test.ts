/** Friendlier errors: YAML positions with columns, "did you mean" for config keys, --out pointing at a file. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEksClusterConfig } from '../../platforms/eks/cluster-config';
import { runCli } from '../support/cli';
import { problemAt } from '../../core/diagnostics';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-friendly-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

test('YAML syntax errors carry line and column (synth --config, validate, diff)', async () => {
  const broken = 'tenants:\n  - name: team-a\n    templates: [ { name: py\n';
  const config = write('config.yaml', broken);
  const synth = await runCli(['synth', '--config', config, '--out', join(dir, 'out')]);
  expect(synth.stderr).toBe(`agent-sandbox-infra: ${config} is invalid (1 problem):\n  line 4, column 1: YAML: unexpected end of the stream within a flow collection\n`);
  const manifest = write('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x\n');
  const validate = await runCli(['validate', manifest]);
  expect(validate.stdout).toMatch(/bad\.yaml: line 4, column 1: YAML: unexpected end of the stream within a flow collection/);
  mkdirSync(join(dir, 'base'));
  const diff = await runCli(['diff', join(dir, 'base'), manifest]);
  expect(diff.stderr).toMatch(/bad\.yaml:4: YAML parse error: unexpected end of the stream within a flow collection \(column 1\)/);
});

test('unknown config keys get "did you mean", at any depth (sandbox config and cluster config)', async () => {
  const config = write('config.yaml', 'kubernetesVersoin: "1.36"\nagentSandbox: { namespce: x }\ntenants:\n  - name: team-a\n    warmpools: []\n    templates: [{ name: py, contaners: [] }]\n');
  const run = await runCli(['synth', '--config', config, '--out', join(dir, 'out')]);
  expect(run.stderr).toContain('  kubernetesVersoin: unknown field "kubernetesVersoin" (did you mean "kubernetesVersion"?)');
  expect(run.stderr).toContain('  agentSandbox.namespce: unknown field "namespce" (did you mean "namespace"?)');
  expect(run.stderr).toContain('  tenants[0].warmpools: unknown field "warmpools" (did you mean "warmPools"?)');
  expect(run.stderr).toContain('  tenants[0].templates[0].contaners: unknown field "contaners" (did you mean "containers"?)');
  // Nothing close: no guess.
  expect((await runCli(['synth', '--config', write('c2.yaml', 'zzzzzz: 1\n'), '--out', join(dir, 'out')])).stderr).toContain('  zzzzzz: unknown field "zzzzzz"\n');
  expect(parseEksClusterConfig({ sandboxNodeGroups: [{ name: 'g', instanceTypes: ['m7i.xlarge'], scalling: {} }] }).problems).toContainEqual(problemAt(
    'cluster.sandboxNodeGroups[0].scalling',
    'unknown field "scalling" (did you mean "scaling"?)',
    'schema',
  ));
});

test('--out pointing at a file is a sentence, not EEXIST, and nothing is rendered or written', async () => {
  const file = write('dist', 'not a folder');
  const run = await runCli(['synth', '--out', file]);
  expect(run).toEqual({
    code: 1,
    stdout: '',
    stderr: `agent-sandbox-infra: command line is invalid (1 problem):\n  --out: ${file} is a file, not a folder; synth writes one folder per platform into it (${file}/<platform>/*.yaml): give a folder (it is created if missing)\n`,
  });
  const inside = await runCli(['synth', '--out', join(file, 'sub')]);
  expect(inside.stderr).toContain(`--out: ${join(file, 'sub')} is inside ${file}, which is a file, not a folder`);
  expect(readdirSync(dir)).toEqual(['dist']);
});
