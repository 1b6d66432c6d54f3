/**
 * Managed agent-sandbox on GKE: the manifests are rendered for the sandbox config's `platforms.gke-*.gkeVersion`,
 * so the cluster must be at least that version: a created cluster through `cluster.minMasterVersion` (checked with
 * every other stack problem before anything is registered), an adopted one by its running version (at deploy time).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { gkeVersionGuarantees, managedVersionProblems } from '../../../platforms/gke/settings';
import { ofType, refusedStack, runStack, stackFileConfig } from '../../support/pulumi-stack';
import { problemAt } from '../../../core/diagnostics';

const ROOT = path.resolve(__dirname, '../../..');
const V1BETA1 = '1.36.3-gke.1767000';

/** Pulumi.gke-autopilot.yaml switched to the managed add-on rendering for `gkeVersion`. */
function managed(gkeVersion: string, cluster: Record<string, unknown> = {}): Record<string, string> {
  const config = stackFileConfig('gke-autopilot');
  const sandbox = JSON.parse(config['agent-sandbox-infra:sandbox']);
  sandbox.platforms['gke-autopilot'] = { agentSandbox: 'managed', gkeVersion };
  // Our controller's settings do nothing under the add-on (refused): the stack file's go with the switch.
  delete sandbox.agentSandbox;
  const base = JSON.parse(config['agent-sandbox-infra:cluster']);
  return {
    ...config,
    'agent-sandbox-infra:sandbox': JSON.stringify(sandbox),
    'agent-sandbox-infra:cluster': JSON.stringify({ ...base, addons: { agentSandbox: true }, ...cluster }),
  };
}

async function problems(config: Record<string, string>) {
  const { error, registered } = await refusedStack('gke-autopilot', config);
  expect(registered).toStrictEqual([]);
  return (error as { errors: { propertyPath: string; reason: string }[] }).errors;
}

describe('a created cluster: minMasterVersion must be set and guarantee the sandbox gkeVersion', () => {
  test('unset: refused at cluster.minMasterVersion, naming the version to set', async () => {
    const errors = await problems(managed(V1BETA1));
    expect(errors.map((e) => e.propertyPath)).toStrictEqual(['cluster.minMasterVersion']);
    expect(errors[0].reason).toMatch(/^is required with /);
    expect(errors[0].reason).toContain(`set minMasterVersion to "${V1BETA1}" or later`);
  });

  test('unset with a newer gkeVersion: the sandbox version is named too', async () => {
    const errors = await problems(managed('1.37.2-gke.5'));
    expect(errors.every((e) => e.propertyPath === 'cluster.minMasterVersion')).toBe(true);
    expect(errors.some((e) => e.reason.includes('set minMasterVersion to "1.37.2-gke.5" or later'))).toBe(true);
  });

  test.each([
    ['1.37.1-gke.1', 'older'],
    ['1.37', 'fuzzy, may resolve older'],
    ['latest', 'pins nothing'],
  ])('%s (%s) below gkeVersion 1.37.2-gke.5: refused, both versions named, reported with the other problems', async (min) => {
    const config = managed('1.37.2-gke.5', { minMasterVersion: min });
    const sandbox = JSON.parse(config['agent-sandbox-infra:sandbox']);
    sandbox.agentSandbox = { replicas: 0 }; // another problem, reported in the same refusal
    const errors = await problems({ ...config, 'agent-sandbox-infra:sandbox': JSON.stringify(sandbox) });
    expect(errors[0].propertyPath).toBe('sandbox.agentSandbox.replicas');
    const version = errors.filter((e) => e.propertyPath === 'cluster.minMasterVersion');
    expect(version.length).toBeGreaterThanOrEqual(1);
    expect(version.some((e) => e.reason.includes('1.37.2-gke.5') && e.reason.includes(`"${min}"`))).toBe(true);
  });

  test.each([V1BETA1, '1.36.4', '1.37'])(`minMasterVersion %s guarantees gkeVersion ${V1BETA1}: the cluster is created with it`, async (min) => {
    const run = await runStack('gke-autopilot', managed(V1BETA1, { minMasterVersion: min }));
    const [cluster] = ofType(run, 'gcp:container/cluster:Cluster');
    expect(cluster.inputs.minMasterVersion).toBe(min);
    expect(run.outputs.agentSandbox).toBe('managed');
  });

  test('self mode is not affected (no minMasterVersion needed)', async () => {
    const run = await runStack('gke-autopilot');
    expect(ofType(run, 'gcp:container/cluster:Cluster')[0].inputs.minMasterVersion).toBeUndefined();
  });
});

describe('the program-level check on its own (used when the cluster checks have not said it)', () => {
  test('gkeVersionGuarantees: full versions compare exactly; fuzzy ones only when every patch qualifies', () => {
    const cases: [string, boolean][] = [
      ['1.36.3-gke.1767000', true],
      ['1.36.3-gke.1766999', false],
      ['1.36.4-gke.1', true],
      ['1.36.4', true],
      ['1.37', true],
      ['1.36.3', false], // 1.36.3-gke.1 would be older
      ['1.36', false],
      ['1.35', false],
      ['latest', false],
      ['2.0', true],
    ];
    expect(cases.map(([v]) => [v, gkeVersionGuarantees(v, V1BETA1)])).toStrictEqual(cases);
  });

  test('managedVersionProblems: required, too old, fine, adopted, and not repeated when already reported', () => {
    expect(managedVersionProblems({}, V1BETA1, 'gke-standard', [])).toStrictEqual([
      problemAt(
        'cluster.minMasterVersion',
        `is required with agentSandbox: managed: the manifests are rendered for sandbox.platforms.gke-standard.gkeVersion ${V1BETA1} ` +
          `(the add-on's API version depends on it), and without minMasterVersion GKE picks its channel's default, which may be older; ` +
          `set minMasterVersion to "${V1BETA1}" or later`,
        'managedVersion',
      ),
    ]);
    expect(managedVersionProblems({ minMasterVersion: '1.36' }, V1BETA1, 'gke-standard', [])).toStrictEqual([
      problemAt(
        'cluster.minMasterVersion',
        `must guarantee at least sandbox.platforms.gke-standard.gkeVersion ${V1BETA1} (what the manifests are rendered for), got "1.36", ` +
          `which may resolve to an older version; set minMasterVersion to "${V1BETA1}" or later, or lower gkeVersion to the cluster's version`,
        'managedVersion',
      ),
    ]);
    expect(managedVersionProblems({ minMasterVersion: '1.37' }, V1BETA1, 'gke-standard', [])).toStrictEqual([]);
    expect(managedVersionProblems({ existingCluster: { name: 'a', location: 'us-central1' } }, V1BETA1, 'gke-standard', [])).toStrictEqual([]);
    expect(managedVersionProblems({}, undefined, 'gke-standard', [])).toStrictEqual([]);
    const said = problemAt('cluster.minMasterVersion', `set it to ${V1BETA1}`, 'clusterContext');
    expect(managedVersionProblems({}, V1BETA1, 'gke-standard', [said])).toStrictEqual([]);
  });
});

describe('an adopted cluster is compared by its running version at deploy time', () => {
  const run = (masterVersion: string) => {
    const child = spawnSync(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--swc', '-P', path.join(ROOT, 'tsconfig.json'), path.join(__dirname, 'fixtures/adopted-managed-program.ts'), masterVersion],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: process.env },
    );
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as { errors: string[]; registered: string[] };
  };

  test('running 1.36.3-gke.1767000 while the manifests are rendered for 1.37.2-gke.5: the program fails naming both, no manifests are deployed', () => {
    const report = run(V1BETA1);
    // One failed check; the runtime reports it once per output that carried it (the component's, the kubeconfig's).
    expect(report.errors.length).toBeGreaterThanOrEqual(1);
    for (const e of report.errors) {
      expect(e).toMatch(/existing cluster acme-agents-prod\/us-central1\/team-a runs GKE 1\.36\.3-gke\.1767000, older than the sandbox config's platforms\.gke-autopilot\.gkeVersion 1\.37\.2-gke\.5/);
    }
    expect(report.registered).not.toContain('adopted-workloads');
  });

  test('running 1.37.2-gke.5: deployed', () => {
    const report = run('1.37.2-gke.5');
    expect(report.errors).toStrictEqual([]);
    expect(report.registered).toEqual(expect.arrayContaining(['adopted', 'adopted-k8s', 'adopted-workloads']));
  }, 70_000);
});
