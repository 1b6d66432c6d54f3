/**
 * `platforms.aks.spot` in synth output: every sandbox pod of the AKS chart tolerates the Spot taint and selects the
 * Spot Kata nodes, passes the placement check under the setting, and pods rendered without it fail that check; the
 * chart carries the eviction warning; `validate --platform` of another platform names the Spot label as AKS's.
 */
import { EXAMPLE_CONFIG } from '../../config/example';
import { validateConfig } from '../../config/validate';
import { renderPlatform } from '../../constructs/output/render';
import { kubernetesSchemaFor } from '../../core/upstream/pins';
import { parseManifestText } from '../../core/yaml/parse';
import { SPOT_EVICTION_WARNING } from '../../platforms/aks/spot';
import { createPlatformPlacementChecker } from '../../validation/platform-placement';
import { createSandboxInvariantsChecker } from '../../validation/sandbox/object';
import { SchemaCatalog } from '../../validation/schema/schema-catalog';
import { validateObjects, type ObjectSource } from '../../validation/schema/validate-objects';

const SPOT_TOLERATION = { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' };

function spotConfig() {
  const raw = JSON.parse(JSON.stringify(EXAMPLE_CONFIG));
  raw.platforms = { ...(raw.platforms ?? {}), aks: { spot: true } };
  return validateConfig(raw);
}

function templates(config: ReturnType<typeof validateConfig>): ObjectSource[] {
  return renderPlatform('aks', config)
    .files.flatMap((file) => parseManifestText(`aks/${file.name}`, file.text).documents.map((d) => ({ value: d.value, file: `aks/${file.name}`, index: d.index })))
    .filter((s) => (s.value as { kind: string }).kind === 'SandboxTemplate');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podOf = (s: ObjectSource) => (s.value as any).spec.podTemplate.spec;

describe('the example config with platforms.aks.spot', () => {
  const config = spotConfig();
  const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(config.kubernetesVersion ?? '1.36'), agentSandboxVersion: config.agentSandbox?.version ?? 'v0.5.6' });

  test('every sandbox pod tolerates the Spot taint and selects our Kata label and the Spot label; the chart warns about evictions', () => {
    const rendered = renderPlatform('aks', config);
    expect(rendered.chart.warnings).toContain(SPOT_EVICTION_WARNING);
    const spot = templates(config);
    expect(spot.length).toBeGreaterThan(0);
    for (const t of spot) {
      expect(podOf(t).runtimeClassName).toBe('kata-vm-isolation');
      expect(podOf(t).tolerations).toContainEqual(SPOT_TOLERATION);
      expect(podOf(t).nodeSelector).toMatchObject({ 'sandbox.agent-sandbox-infra.io/runtime': 'kata', 'kubernetes.azure.com/scalesetpriority': 'spot' });
    }
  });

  test('the placement check passes under the setting; pods rendered without it fail it, naming the toleration and the selector', () => {
    const checker = createSandboxInvariantsChecker({ platform: 'aks', platformSettings: config.platforms?.aks });
    expect(validateObjects(templates(config), { catalog, checkers: [checker] })).toStrictEqual([]);
    const plain = templates(validateConfig(EXAMPLE_CONFIG));
    for (const t of plain) expect(podOf(t).tolerations ?? []).not.toContainEqual(SPOT_TOLERATION);
    const problems = validateObjects(plain, { catalog, checkers: [checker] });
    expect(problems.length).toBe(3 * plain.length);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'spec.podTemplate.spec.nodeSelector["sandbox.agent-sandbox-infra.io/runtime"]',
        'spec.podTemplate.spec.nodeSelector["kubernetes.azure.com/scalesetpriority"]',
        'spec.podTemplate.spec.tolerations',
      ]),
    );
    expect(problems.find((p) => p.path === 'spec.podTemplate.spec.tolerations')!.message).toBe(
      'must include {key: kubernetes.azure.com/scalesetpriority, operator: Equal, value: spot, effect: NoSchedule} (aks schedules kata-vm-isolation pods only with it; without it a warm pool stays at 0), got nothing',
    );
    // Without the setting, the plain pods pass: the check follows the settings, not a fixed table.
    expect(validateObjects(plain, { catalog, checkers: [createSandboxInvariantsChecker({ platform: 'aks' })] })).toStrictEqual([]);
  });

  test('validate --platform eks on the Spot pods names the Spot label as aks placement', () => {
    const problems = validateObjects(templates(config), { catalog, checkers: [createPlatformPlacementChecker('eks')] });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['spec.podTemplate.spec.nodeSelector["kubernetes.azure.com/scalesetpriority"]', 'spec.podTemplate.spec.tolerations[0].key']));
    expect(problems[0].message).toMatch(/^"kubernetes\.azure\.com\/scalesetpriority" is aks placement, not eks's/);
    expect(validateObjects(templates(config), { catalog, checkers: [createPlatformPlacementChecker('aks')] })).toStrictEqual([]);
  });
});
