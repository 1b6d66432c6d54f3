/**
 * The built-in example config on every platform: every object it synthesizes passes the pinned schemas and the
 * sandbox invariants (the generic checker `validate` runs and the platform-aware one), with zero problems.
 */
import { defaultCheckers } from '../../cli/checkers';
import { EXAMPLE_CONFIG } from '../../config/example';
import { validateConfig } from '../../config/validate';
import { renderPlatform } from '../../constructs/output/render';
import { PLATFORMS, type Platform } from '../../platforms';
import { kubernetesSchemaFor } from '../../core/upstream/pins';
import { formatProblem } from '../../core/diagnostics';
import { createSandboxInvariantsChecker } from '../../validation/sandbox/object';
import { SchemaCatalog } from '../../validation/schema/schema-catalog';
import { validateObjects, type ObjectSource } from '../../validation/schema/validate-objects';
import { parseManifestText } from '../../core/yaml/parse';

const config = validateConfig(EXAMPLE_CONFIG);
let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(config.kubernetesVersion ?? '1.36'), agentSandboxVersion: config.agentSandbox?.version ?? 'v0.5.6' });
});

/** Every object of the platform's output, re-read from the YAML text `synth` would write. */
function rendered(platform: Platform): ObjectSource[] {
  const sources: ObjectSource[] = [];
  for (const file of renderPlatform(platform, config).files) {
    const { documents, problems } = parseManifestText(`${platform}/${file.name}`, file.text);
    expect(problems).toStrictEqual([]);
    sources.push(...documents.map((d) => ({ value: d.value, file: `${platform}/${file.name}`, index: d.index })));
  }
  return sources;
}

const kindsAndNames = (sources: ObjectSource[], kinds: readonly string[]) =>
  sources
    .map((s) => s.value as { kind: string; metadata: { name: string; namespace?: string } })
    .filter((o) => kinds.includes(o.kind))
    .map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`)
    .sort();

describe.each(PLATFORMS)('example config on %s', (platform) => {
  test('every object passes schema validation and the invariant checkers with zero problems', () => {
    const sources = rendered(platform);
    const problems = validateObjects(sources, { catalog, checkers: [...defaultCheckers(), createSandboxInvariantsChecker({ platform })] });
    expect(problems.map(formatProblem)).toStrictEqual([]);
  });

  test('it holds what the example promises: two tenants, templates, warm pools (one with an HPA), a claim, DRA objects', () => {
    expect(kindsAndNames(rendered(platform), ['SandboxTemplate', 'SandboxWarmPool', 'HorizontalPodAutoscaler', 'SandboxClaim', 'DeviceClass', 'ResourceClaimTemplate'])).toStrictEqual([
      'DeviceClass nvidia-gpu-24gi',
      'HorizontalPodAutoscaler agents-prod/python-warm',
      'ResourceClaimTemplate research/gpu-24gi',
      'SandboxClaim agents-prod/smoke-test',
      'SandboxTemplate agents-prod/python-runtime',
      'SandboxTemplate research/node-runtime',
      'SandboxWarmPool agents-prod/python-warm',
      'SandboxWarmPool research/node-warm',
    ]);
  });

  test('the checkers are not vacuous: a template with its secure defaults stripped fails them', () => {
    const sources = rendered(platform);
    const template = sources.find((s) => (s.value as { kind: string }).kind === 'SandboxTemplate')!;
    const broken = structuredClone(template.value) as { spec: { podTemplate: { spec: Record<string, unknown> } } };
    delete broken.spec.podTemplate.spec.runtimeClassName;
    delete broken.spec.podTemplate.spec.automountServiceAccountToken;
    const problems = validateObjects([{ ...template, value: broken }], { catalog, checkers: defaultCheckers() });
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.path)).toStrictEqual([
      'spec.podTemplate.spec.runtimeClassName',
      'spec.podTemplate.spec.automountServiceAccountToken',
    ]);
  });
});

test('GKE managed mode: no install in the chart, the tenants are still built and checked', () => {
  // The add-on's controller keeps its own label allowlist (sandbox.users.io): the claim uses that domain here.
  const example = structuredClone(EXAMPLE_CONFIG);
  example.tenants![0].claims![0].additionalPodMetadata = { labels: { 'sandbox.users.io/owner': 'platform-team' } };
  const managed = validateConfig({ ...example, platforms: { 'gke-autopilot': { agentSandbox: 'managed', gkeVersion: '1.36.3-gke.1767000' } } });
  const r = renderPlatform('gke-autopilot', managed);
  expect(r.chart.agentSandbox).toBeUndefined();
  expect(r.chart.tenants.map((t) => t.namespace.name)).toStrictEqual(['agents-prod', 'research']);
  expect([...r.chart.deviceClasses.keys()]).toStrictEqual(['nvidia-gpu-24gi']);
  expect(r.files.map((f) => f.name)).toStrictEqual(['20-device-classes.yaml', '30-tenant-agents-prod.yaml', '40-tenant-research.yaml']);
  expect(r.files.map((f) => f.text).join('')).not.toMatch(/kind: (CustomResourceDefinition|Deployment|RuntimeClass)\n/);
});

describe('GKE managed mode: claim label domains are the add-on\'s, not agentSandbox.allowedLabelDomains', () => {
  const managedConfig = (claim: Record<string, unknown>) => {
    const example = structuredClone(EXAMPLE_CONFIG);
    Object.assign(example.tenants![0].claims![0], claim);
    return validateConfig({ ...example, platforms: { 'gke-autopilot': { agentSandbox: 'managed', gkeVersion: '1.36.3-gke.1767000' } } });
  };

  test('a domain outside the add-on default is refused with advice that works there (allowedLabelDomains on the claim)', () => {
    // The example's agentSandbox.allowedLabelDomains has agents.example.com, but it configures no controller here.
    let message = '';
    try {
      renderPlatform('gke-autopilot', managedConfig({}));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'gke-autopilot: the configuration cannot be built:\n' +
        "tenants[0].claims[0].additionalPodMetadata.labels[\"agents.example.com/owner\"]: no agent-sandbox controller is in this chart, so the allowlist is the installed controller's " +
        "(for GKE's managed add-on, its default sandbox.users.io): the controller only accepts label keys in the allowed domains (sandbox.users.io) or their subdomains; " +
        'use an allowed prefix, or, if that controller was configured with other domains, pass them as allowedLabelDomains on the claim',
    );
  });

  test('the claim\'s allowedLabelDomains (an add-on configured otherwise) lets it through', () => {
    const r = renderPlatform('gke-autopilot', managedConfig({ allowedLabelDomains: ['agents.example.com'] }));
    expect(r.chart.tenants[0].claims.get('smoke-test')!.resource.toJson().spec.additionalPodMetadata).toStrictEqual({
      labels: { 'agents.example.com/owner': 'platform-team' },
    });
  });
});
