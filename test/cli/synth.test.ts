import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearUpstreamMemo, readUpstreamText } from '../../core/upstream/store';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { EXAMPLE_CONFIG } from '../../config/example';
import { loadAll, load } from 'js-yaml';
import { unifiedDiff } from '../../cli/diff/line-diff';
import { runCli } from '../support/cli';

const REPO_ROOT = join(__dirname, '..', '..');

const PLATFORMS = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kind', 'kubernetes'];
/** Snapshotted whole; the other platforms' snapshots are their line differences from it. */
const BASE_PLATFORM = 'kind';

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const platform of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, platform)).sort()) out[`${platform}/${file}`] = readFileSync(join(dir, platform, file), 'utf8');
  }
  return out;
}

describe('agent-sandbox-infra synth', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-synth-'));
    clearUpstreamMemo();
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('renders every platform, validates, and prints a table', async () => {
    const out = join(scratch, 'dist');
    const run = await runCli(['synth', '--platform', 'all', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toStrictEqual(PLATFORMS);
    expect(run.stdout.split('\n')[1].split(/\s+/)).toStrictEqual(['platform', 'objects', 'bytes', 'ms']);
    for (const p of PLATFORMS) expect(run.stdout).toMatch(new RegExp(`^${p}\\s+\\d+\\s+\\d+\\s+\\d+$`, 'm'));
    const tenantFiles = ['30-device-classes.yaml', '40-tenant-agents-prod.yaml', '50-tenant-research.yaml'];
    expect(readdirSync(join(out, 'eks'))).toStrictEqual(['00-crds.yaml', '10-agent-sandbox.yaml', '20-runtime.yaml', ...tenantFiles]);
    // AKS's kata-vm-isolation RuntimeClass belongs to AKS: no runtime file.
    expect(readdirSync(join(out, 'aks'))).toStrictEqual(['00-crds.yaml', '10-agent-sandbox.yaml', ...tenantFiles]);
  });

  test('output is deterministic: same input, byte-identical files', async () => {
    const a = join(scratch, 'a');
    const b = join(scratch, 'b');
    expect((await runCli(['synth', '--out', a])).code).toBe(0);
    clearUpstreamMemo();
    expect((await runCli(['synth', '--out', b])).code).toBe(0);
    expect(readTree(b)).toStrictEqual(readTree(a));
    // In-process runs share parsed and emitted caches; a separate process starts from nothing.
    const c = join(scratch, 'c');
    const child = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'agent-sandbox-infra.js'), 'synth', '--out', c], {
      encoding: 'utf8',
      env: { ...process.env, AGENT_SANDBOX_INFRA_MIRROR: resolve(process.env.AGENT_SANDBOX_INFRA_MIRROR ?? '../shared/upstream') },
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(readTree(c)).toStrictEqual(readTree(a));
  });

  test('the written 00-crds.yaml is the pinned CRD files of the example config\'s release, unchanged', async () => {
    const out = join(scratch, 'crds');
    expect((await runCli(['synth', '--out', out])).code).toBe(0);
    const release = agentSandboxRelease(EXAMPLE_CONFIG.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
    const pinned = release.crds
      .map((f) => load(readUpstreamText(f)) as { metadata: { name: string } })
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(pinned).toHaveLength(4);
    const withCrds = PLATFORMS.filter((p) => existsSync(join(out, p, '00-crds.yaml')));
    expect(withCrds.length).toBeGreaterThan(0);
    for (const platform of withCrds) {
      // Read back the way the API server reads it (YAML 1.1), from the file as written.
      const written = (loadAll(readFileSync(join(out, platform, '00-crds.yaml'), 'utf8')) as { metadata: { name: string } }[]).sort((a, b) =>
        a.metadata.name.localeCompare(b.metadata.name),
      );
      expect(written).toStrictEqual(pinned);
    }
  });

  /** One platform's files (all but the pinned CRDs), by name. */
  const platformFiles = async (platform: string): Promise<Record<string, string>> => {
    const out = join(scratch, 'dist', platform);
    expect((await runCli(['synth', '--platform', platform, '--out', out])).code).toBe(0);
    const files = readTree(out);
    delete files[`${platform}/00-crds.yaml`];
    return Object.fromEntries(Object.entries(files).map(([name, text]) => [name.slice(platform.length + 1), text]));
  };

  test(`snapshot of ${BASE_PLATFORM}, the base the other platforms are compared with (all files but the pinned CRDs)`, async () => {
    expect(await platformFiles(BASE_PLATFORM)).toMatchSnapshot();
  });

  test.each(PLATFORMS.filter((p) => p !== BASE_PLATFORM))(`snapshot of %s as its difference from ${BASE_PLATFORM}`, async (platform) => {
    const [base, files] = [await platformFiles(BASE_PLATFORM), await platformFiles(platform)];
    const delta: Record<string, string> = {};
    for (const name of [...new Set([...Object.keys(base), ...Object.keys(files)])].sort()) {
      if (base[name] === files[name]) continue;
      delta[name] =
        files[name] === undefined ? `(only on ${BASE_PLATFORM})` : base[name] === undefined ? `(only on ${platform})\n${files[name]}` : unifiedDiff(base[name].split('\n'), files[name].split('\n'));
    }
    expect(delta).toMatchSnapshot();
  });

  test('an unknown platform lists the allowed values', async () => {
    const run = await runCli(['synth', '--platform', 'eks,openshift', '--out', join(scratch, 'x')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'agent-sandbox-infra: command line is invalid (1 problem):\n  --platform: "openshift" is not a platform; allowed: gke-autopilot, gke-standard, eks, aks, kind, kubernetes, all\n',
    );
    expect(existsSync(join(scratch, 'x'))).toBe(false);
  });

  test('a bad config reports every problem at once and writes nothing', async () => {
    const config = join(scratch, 'config.yaml');
    writeFileSync(
      config,
      [
        'kubernetesVersion: "2.1"',
        'agentSandbox:',
        '  replicas: 100',
        '  namespce: typo',
        '  image: { pullPolicy: Sometimes }',
        'platforms:',
        '  gke-autopilot: { agentSandbox: managed, gkeVersion: 1.35.1-gke.100 }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['synth', '--config', config, '--out', join(scratch, 'out')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        `agent-sandbox-infra: ${config} is invalid (4 problems):`,
        '  kubernetesVersion: must be a Kubernetes version like "1.36" or "1.34.2", got "2.1"',
        '  agentSandbox.image.pullPolicy: must be one of "Always", "IfNotPresent", "Never", got "Sometimes"',
        '  agentSandbox.replicas: must be ≤ 10, got 100',
        '  agentSandbox.namespce: unknown field "namespce" (did you mean "namespace"?)',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });

  test('GKE managed mode: a cluster too old for the v1beta1 add-on is refused; a new one gets neither controller nor CRDs', async () => {
    const config = join(scratch, 'config.yaml');
    writeFileSync(config, 'platforms:\n  gke-autopilot: { agentSandbox: managed, gkeVersion: 1.36.1-gke.1000 }\n');
    const old = await runCli(['synth', '--platform', 'gke-autopilot', '--config', config, '--out', join(scratch, 'out')]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(
      'platforms.gke-autopilot.gkeVersion: the add-on on 1.36.1-gke.1000 serves only v1alpha1, but we emit v1beta1 SandboxTemplates/WarmPools/Claims (served by the add-on from 1.36.3-gke.1767000); upgrade the cluster or use agentSandbox: self',
    );
    writeFileSync(config, 'platforms:\n  gke-autopilot: { agentSandbox: managed, gkeVersion: 1.36.3-gke.1767000 }\n');
    const ok = await runCli(['synth', '--platform', 'gke-autopilot', '--config', config, '--out', join(scratch, 'out')]);
    expect(ok.code).toBe(0);
    const files = readTree(join(scratch, 'out'));
    expect(Object.values(files).join('')).not.toMatch(/kind: (CustomResourceDefinition|Deployment|RuntimeClass)/);
  });

  test('a misspelled field inside a Kubernetes structure in the config is caught at its config path', async () => {
    const config = join(scratch, 'config.yaml');
    writeFileSync(config, 'agentSandbox:\n  affinity: { nodeAffinty: {} }\n');
    const out = join(scratch, 'out');
    const run = await runCli(['synth', '--platform', 'kind', '--config', config, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`agent-sandbox-infra: ${config} is invalid (1 problem):\n  agentSandbox.affinity.nodeAffinty: unknown field "nodeAffinty"\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('synth over an output of another agent-sandbox release', () => {
  test('warns with the upgrade-plan command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asi-release-change-'));
    try {
      const old = join(dir, 'old.json');
      writeFileSync(old, JSON.stringify({ ...EXAMPLE_CONFIG, agentSandbox: { ...EXAMPLE_CONFIG.agentSandbox, version: 'v0.5.6' } }));
      expect((await runCli(['synth', '--platform', 'eks', '--config', old, '--out', dir])).code).toBe(0);
      const run = await runCli(['synth', '--platform', 'eks', '--out', dir]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        `warning: ${join(dir, 'eks')} was rendered for agent-sandbox v0.5.6, this output is for ${DEFAULT_AGENT_SANDBOX_VERSION}: a cluster running v0.5.6 needs the upgrade steps before this output is applied — \`agent-sandbox-infra upgrade-plan --from v0.5.6 --to ${DEFAULT_AGENT_SANDBOX_VERSION}\``,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
