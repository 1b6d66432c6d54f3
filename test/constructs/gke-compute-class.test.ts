/**
 * GkeComputeClass in a platform chart: emitted only where a GKE platform's settings ask for it, every sandbox pod of
 * the chart selects it (and passes the platform-aware placement check under those settings), and what cannot work is
 * an error naming the field. The ComputeClass kind has no pinned schema (no CRD can be pinned here): schema
 * validation leaves it as a note; the zod schema in platforms/gke/compute-class.ts is its check.
 */
import { App } from 'cdk8s';
import { defaultCheckers } from '../../cli/checkers';
import { EXAMPLE_CONFIG } from '../../config/example';
import { validateConfig } from '../../config/validate';
import { renderPlatform } from '../../constructs/output/render';
import { GkeComputeClass } from '../../constructs/gke-compute-class';
import { SandboxPlatformChart } from '../../constructs/sandbox-platform-chart';
import { formatProblem } from '../../core/diagnostics';
import { kubernetesSchemaFor } from '../../core/upstream/pins';
import { parseManifestText } from '../../core/yaml/parse';
import { createSandboxInvariantsChecker } from '../../validation/sandbox/object';
import { SchemaCatalog } from '../../validation/schema/schema-catalog';
import { validateObjects, type ObjectSource } from '../../validation/schema/validate-objects';
import type { Platform } from '../../platforms';
import { newChart, synthObjects } from '../support/synth';
import { thrownProblems } from '../support/problems';

const CLASS = { name: 'agent-sandbox', priorities: [{ machineFamily: 'n4' }, { machineFamily: 'n2', spot: true }] };

/** The example config with a ComputeClass on `platform` (and, where asked, without its GPU template). */
function configWith(platform: Platform) {
  const raw = JSON.parse(JSON.stringify(EXAMPLE_CONFIG));
  raw.platforms = { ...(raw.platforms ?? {}), [platform]: { computeClass: CLASS } };
  return validateConfig(raw);
}

function rendered(platform: Platform, config: ReturnType<typeof validateConfig>): ObjectSource[] {
  return renderPlatform(platform, config).files.flatMap((file) =>
    parseManifestText(`${platform}/${file.name}`, file.text).documents.map((d) => ({ value: d.value, file: `${platform}/${file.name}`, index: d.index })),
  );
}

describe.each(['gke-autopilot', 'gke-standard'] as const)('the example config with a ComputeClass on %s', (platform) => {
  const config = configWith(platform);
  const sources = rendered(platform, config);

  test('the output has the ComputeClass in its own file, and every sandbox pod selects it', () => {
    const classes = sources.filter((s) => (s.value as { kind: string }).kind === 'ComputeClass');
    expect(classes.map((s) => s.file)).toStrictEqual([`${platform}/30-compute-class.yaml`]);
    const pods = sources
      .map((s) => s.value as { kind: string; spec: { podTemplate: { spec: { nodeSelector: Record<string, string> } } } })
      .filter((o) => o.kind === 'SandboxTemplate');
    expect(pods.length).toBeGreaterThan(0);
    for (const t of pods) expect(t.spec.podTemplate.spec.nodeSelector['cloud.google.com/compute-class']).toBe('agent-sandbox');
  });

  test('schemas and the placement check under the settings pass; the ComputeClass is a schema note, not a silent pass', () => {
    const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(config.kubernetesVersion ?? '1.36'), agentSandboxVersion: config.agentSandbox?.version ?? 'v0.5.6' });
    const settings = config.platforms?.[platform];
    const problems = validateObjects(sources, { catalog, checkers: [...defaultCheckers(), createSandboxInvariantsChecker({ platform, platformSettings: settings })] });
    expect(problems.map(formatProblem)).toStrictEqual([`${platform}/30-compute-class.yaml: ComputeClass agent-sandbox: no pinned schema for cloud.google.com/v1 ComputeClass: not checked`]);
  });

  test('pods rendered without the setting fail the placement check under it: the check knows the class', () => {
    const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(config.kubernetesVersion ?? '1.36'), agentSandboxVersion: config.agentSandbox?.version ?? 'v0.5.6' });
    const plain = rendered(platform, validateConfig(EXAMPLE_CONFIG)).filter((s) => (s.value as { kind: string }).kind === 'SandboxTemplate');
    const problems = validateObjects(plain, { catalog, checkers: [createSandboxInvariantsChecker({ platform, platformSettings: config.platforms?.[platform] })] });
    expect(problems.length).toBe(2 * plain.length);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['spec.podTemplate.spec.nodeSelector["cloud.google.com/compute-class"]', 'spec.podTemplate.spec.tolerations']));
    expect(problems[0].message).toMatch(/^must be "agent-sandbox" \(/);
  });
});

test('no ComputeClass on other platforms or without the setting', () => {
  expect(rendered('gke-autopilot', validateConfig(EXAMPLE_CONFIG)).filter((s) => (s.value as { kind: string }).kind === 'ComputeClass')).toStrictEqual([]);
  const app = new App({ outdir: '/nonexistent' });
  expect(new SandboxPlatformChart(app, 'eks', { platform: 'eks', config: validateConfig(EXAMPLE_CONFIG) }).computeClass).toBeUndefined();
});

test('GPU sandboxes on Autopilot select GKE\'s Accelerator class: with a computeClass setting that is an error naming both', () => {
  const raw = JSON.parse(JSON.stringify(EXAMPLE_CONFIG));
  raw.platforms = { 'gke-autopilot': { computeClass: CLASS } };
  raw.tenants[0].templates.push({
    name: 'gpu',
    gpu: { count: 1, type: 'nvidia-l4' },
    containers: [{ name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '4', memory: '16Gi' } } }],
  });
  const app = new App({ outdir: '/nonexistent' });
  expect(() => new SandboxPlatformChart(app, 'gke-autopilot', { platform: 'gke-autopilot', config: validateConfig(raw) })).toThrow(
    'gpu: GPU sandboxes on gke-autopilot select cloud.google.com/compute-class=Accelerator, but the platform settings place every sandbox pod with ' +
      'cloud.google.com/compute-class=agent-sandbox (platforms.gke-autopilot); a pod cannot select both: run GPU sandboxes from a configuration without that setting',
  );
});

test('the construct refuses an object its schema refuses, naming the field', () => {
  const build = () => new GkeComputeClass(newChart(), 'C', { platform: 'gke-standard', settings: { name: 'x', priorities: [{ machineFamily: 'n4', machineType: 'n4-standard-4' }] } });
  const line = 'spec.priorities[0].machineType: cannot be set together with machineFamily (got machineFamily "n4" and machineType "n4-standard-4"); keep one';
  expect(build).toThrow(new Error(`platforms.gke-standard.computeClass: the ComputeClass is invalid:\n  ${line}`));
  expect(thrownProblems(build)).toStrictEqual([line]);
  const chart = newChart();
  new GkeComputeClass(chart, 'C', { platform: 'gke-autopilot', settings: CLASS });
  expect(synthObjects(chart)).toStrictEqual([
    {
      apiVersion: 'cloud.google.com/v1',
      kind: 'ComputeClass',
      metadata: { name: 'agent-sandbox', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: { priorities: CLASS.priorities, nodePoolAutoCreation: { enabled: true }, whenUnsatisfiable: 'DoNotScaleUp' },
    },
  ]);
});
