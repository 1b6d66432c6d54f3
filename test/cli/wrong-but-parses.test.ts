/**
 * Values that are wrong but parse: refused (unitless memory, invalid image references, a Kubernetes version outside
 * the pins, non-UTF-8 files) or warned (unpinned images: errors with strict), through the real command.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { runCli } from '../support/cli';
import { sandboxTemplateYaml } from '../support/manifests';

const C = { name: 'py', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-wrong-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function synth(config: unknown, ...args: string[]) {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, typeof config === 'string' || Buffer.isBuffer(config) ? config : dump(config));
  const run = await runCli(['synth', '--platform', 'eks', '--config', file, '--out', join(dir, 'out'), ...args]);
  return { ...run, stderr: run.stderr.split(file).join('<config>'), written: readdirSync(dir).includes('out') };
}
const tenant = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ tenants: [{ name: 'team-a', templates: [{ name: 'py', containers: [{ ...C, ...container }] }], ...extra }] });

test('memory without a unit, an image the runtime cannot parse, a unitless quota: one report, nothing written', async () => {
  const run = await synth(tenant({ image: 'Python:3.12', resources: { limits: { cpu: '1', memory: 512 } } }, { namespace: { quota: { hard: { 'requests.memory': '100' } } } }));
  expect(run.stderr).toBe(
    [
      'agent-sandbox-infra: <config> is invalid (3 problems):',
      '  tenants[0].namespace.quota.hard["requests.memory"]: 100 has no unit, so it means 100 bytes, less than a container can start in; write 100Mi or 100Gi (binary units), or 100M (decimal)',
      '  tenants[0].templates[0].containers[0].image: "Python:3.12" is not a valid image reference: it has an uppercase repository name "Python" (repository names are lowercase: "python")',
      '  tenants[0].templates[0].containers[0].resources.limits.memory: 512 has no unit, so it means 512 bytes, less than a container can start in; write 512Mi or 512Gi (binary units), or 512M (decimal)',
      '',
    ].join('\n'),
  );
  expect(run.code).toBe(1);
  expect(run.written).toBe(false);
});

test('an unpinned image is a warning; with --strict or strict: true an error', async () => {
  const latest = tenant({ image: 'python' });
  const warned = await synth(latest);
  expect(warned.code).toBe(0);
  expect(warned.stderr).toMatch(/^warning: tenants\[0\]\.templates\[0\]\.containers\[0\]\.image: "python" has no tag, so it pulls :latest, .* pin a version tag, or better a digest: python:<version>@sha256:<digest> /m);
  for (const strict of [await synth(latest, '--strict'), await synth({ ...latest, strict: true })]) {
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^ {2}tenants\[0\]\.templates\[0\]\.containers\[0\]\.image: "python" has no tag, .* \[strict\]$/m);
  }
});

test('a Kubernetes version outside the pinned range is refused, listing the supported versions (config and validate)', async () => {
  const supported = 'supported Kubernetes versions are 1.34, 1.35, 1.36, 1.37 (pinned API schemas 1.34.0, 1.36.0, 1.37.2)';
  for (const version of ['1.30', '1.40']) {
    const run = await synth({ kubernetesVersion: version });
    expect(run.stderr).toContain(`  kubernetesVersion: "${version}" is outside the pinned range: ${supported}`);
  }
  expect((await synth({ kubernetesVersion: '1.35' })).code).toBe(0);
  const validate = await runCli(['validate', '--kubernetes-version', '1.33', dir]);
  expect(validate).toMatchObject({ code: 1, stderr: `agent-sandbox-infra: command line is invalid (1 problem):\n  --kubernetes-version: "1.33" is outside the pinned range: ${supported}\n` });
});

test('a config that is not UTF-8 is refused with where, and nothing of it is written', async () => {
  const run = await synth(Buffer.concat([Buffer.from('tenants:\n  - name: team-a\n    namespace:\n      annotations: { owner: "caf'), Buffer.from([0xe9]), Buffer.from('" }\n')]));
  expect(run.stderr).toBe(
    'agent-sandbox-infra: <config> is invalid (1 problem):\n  is not UTF-8: byte 0xE9 at line 4, column 33 is not valid UTF-8 (Latin-1 or Windows-1252 text?); save the file as UTF-8 — nothing was read from it\n',
  );
  expect(run.written).toBe(false);
  const utf16 = await synth(Buffer.from([0xff, 0xfe, 0x74, 0x00]));
  expect(utf16.stderr).toContain('is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
});

test('validate: image references and pinning of every pod; non-UTF-8 files', async () => {
  const template = (image: string) => sandboxTemplateYaml({ name: 't', namespace: 'team-a', container: 'main', image, limits: '{ cpu: "1", memory: 1Gi }' });
  writeFileSync(join(dir, 'a.yaml'), template('Python:3'));
  const bad = await runCli(['validate', join(dir, 'a.yaml')]);
  expect(bad.stdout).toMatch(/SandboxTemplate team-a\/t: spec\.podTemplate\.spec\.containers\[0\]\.image: "Python:3" is not a valid image reference: it has an uppercase repository name "Python"/);
  writeFileSync(join(dir, 'a.yaml'), template('python'));
  const unpinned = await runCli(['validate', join(dir, 'a.yaml')]);
  expect(unpinned.code).toBe(0);
  expect(unpinned.stderr).toMatch(/^note: .*spec\.podTemplate\.spec\.containers\[0\]\.image: "python" has no tag/m);
  expect((await runCli(['validate', '--strict', join(dir, 'a.yaml')])).code).toBe(1);
  writeFileSync(join(dir, 'b.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0x0a]));
  const latin = await runCli(['validate', join(dir, 'b.yaml')]);
  expect(latin.stdout).toMatch(/b\.yaml: line 1: is not UTF-8: byte 0xFF at line 1, column 4 is not valid UTF-8/);
  expect(latin.code).toBe(1);
});
