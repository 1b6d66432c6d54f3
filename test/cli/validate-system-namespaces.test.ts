/** `validate`: sandboxes in system namespaces, and one object twice in one platform's folder, are errors (exit 1). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { duplicateObjects } from '../../cli/synth';
import { runCli } from '../support/cli';

const claim = (ns: string, name = 'c') => `apiVersion: extensions.agents.x-k8s.io/v1beta1
kind: SandboxClaim
metadata: { name: ${name}, namespace: ${ns} }
spec: { warmPoolRef: { name: py } }
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: team-a }\ndata: { a: b }\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-sysns-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const shown = (f: string) => relative(process.cwd(), f);

test('a sandbox object in kube-system or default is an error; with --platform, that platform\'s prefixes too', async () => {
  const file = join(dir, 'claims.yaml');
  writeFileSync(file, [claim('kube-system', 'a'), claim('default', 'b'), claim('amazon-agents', 'c'), claim('team-a', 'd')].join('---\n'));
  const any = await runCli(['validate', file]);
  expect(any.code).toBe(1);
  expect(any.stdout.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('" ') + 1))).toEqual([
    `${shown(file)}: SandboxClaim kube-system/a: metadata.namespace: "kube-system"`,
    `${shown(file)}: SandboxClaim default/b: metadata.namespace: "default"`,
    `${shown(file)}: SandboxClaim amazon-agents/c: metadata.namespace: "amazon-agents"`,
  ]);
  // For AKS, amazon- is an ordinary name.
  const aks = await runCli(['validate', '--platform', 'aks', file]);
  expect(aks.stdout).not.toContain('amazon-agents/c');
  expect(aks.stdout).toContain('SandboxClaim kube-system/a');
});

test('the same object in two files of one folder is an error; in two platforms\' folders it is not', async () => {
  mkdirSync(join(dir, 'eks'));
  mkdirSync(join(dir, 'aks'));
  writeFileSync(join(dir, 'eks', '10-a.yaml'), configMap('settings'));
  writeFileSync(join(dir, 'eks', '20-b.yaml'), configMap('settings'));
  writeFileSync(join(dir, 'aks', '10-a.yaml'), configMap('settings'));
  const run = await runCli(['validate', dir]);
  expect(run.stdout).toBe(
    `${shown(join(dir, 'eks', '20-b.yaml'))}: ConfigMap team-a/settings: metadata.name: duplicate object: ConfigMap team-a/settings is also defined in ${shown(join(dir, 'eks', '10-a.yaml'))}; applied together (one platform's folder), one silently replaces the other\n`,
  );
  expect(run.code).toBe(1);
});

test("synth: an object rendered twice into one platform's output is an error naming both files", () => {
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const file = (name: string, objects: Record<string, unknown>[]) => ({ name, objects, documents: [], text: '' });
  expect(duplicateObjects({ files: [file('10-agent-sandbox.yaml', [ns('agent-sandbox-system')]), file('40-tenant.yaml', [ns('team-a'), ns('agent-sandbox-system')])] }, 'eks')).toEqual([
    {
      file: 'eks/40-tenant.yaml',
      object: 'Namespace agent-sandbox-system',
      path: 'metadata.name',
      message: 'duplicate object: also rendered into eks/10-agent-sandbox.yaml; applied together, one silently replaces the other',
      severity: 'error',
      code: 'duplicateObject',
    },
  ]);
});
