/**
 * Portability: one template description, every platform that supports its isolation — the right RuntimeClass and
 * the right placement on each; a platform without the isolation is an error naming what it supports.
 */
import { Testing } from 'cdk8s';
import type { SandboxPlatformConfig } from '../../../config/schema';
import { validateConfig } from '../../../config/validate';
import { renderPlatform } from '../../../constructs/output/render';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT, PLATFORMS, type Isolation, type Platform } from '../../../platforms';
import { createSandboxInvariantsChecker } from '../../../validation/sandbox/object';
import type { K8sObject } from '../../support/synth';
import { errorOf, GKE_PLACEMENT, MAIN, template } from './support';

interface Expected {
  readonly runtimeClassName: string;
  /** nodeSelector + tolerations written into the sandbox pod, or none. */
  readonly podPlacement?: typeof GKE_PLACEMENT;
  /** The RuntimeClass the chart emits (EKS/kind: ours; GKE/AKS: the platform's, so none). */
  readonly runtimeClass?: K8sObject;
}

const ourRuntimeClass = (scheduling?: object): K8sObject => ({
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name: 'gvisor', labels: { 'agent-sandbox-infra.io/isolation': 'gvisor', 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
  handler: 'runsc',
  ...(scheduling ? { scheduling } : {}),
});

const EKS_SCHEDULING = {
  nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
  tolerations: [{ key: EKS_SANDBOX_NODE_TAINT.key, operator: 'Equal', value: EKS_SANDBOX_NODE_TAINT.value, effect: 'NoSchedule' }],
};

/** Which platforms run each isolation, and how. */
const SUPPORTED: Record<Isolation, Partial<Record<Platform, Expected>>> = {
  gvisor: {
    'gke-autopilot': { runtimeClassName: 'gvisor', podPlacement: GKE_PLACEMENT },
    'gke-standard': { runtimeClassName: 'gvisor', podPlacement: GKE_PLACEMENT },
    eks: { runtimeClassName: 'gvisor', runtimeClass: ourRuntimeClass(EKS_SCHEDULING) },
    kind: { runtimeClassName: 'gvisor', runtimeClass: ourRuntimeClass() },
    // Default settings: our class on nodes labelled and tainted like our EKS sandbox nodes.
    kubernetes: { runtimeClassName: 'gvisor', runtimeClass: ourRuntimeClass(EKS_SCHEDULING) },
  },
  kata: {
    aks: { runtimeClassName: 'kata-vm-isolation' },
  },
};

const rows = (isolation: Isolation) => Object.entries(SUPPORTED[isolation]).map(([p, e]) => [p as Platform, e] as const);
const lacking = (isolation: Isolation) => PLATFORMS.filter((p) => SUPPORTED[isolation][p] === undefined);
const supportedOn = (platform: Platform) => (Object.keys(SUPPORTED) as Isolation[]).filter((i) => SUPPORTED[i][platform]).join(', ');

function expectPlacement(spec: K8sObject['spec'], expected: Expected): void {
  expect(spec.runtimeClassName).toBe(expected.runtimeClassName);
  if (expected.podPlacement) {
    expect(spec.nodeSelector).toStrictEqual(expected.podPlacement.nodeSelector);
    expect(spec.tolerations).toStrictEqual(expected.podPlacement.tolerations);
  } else {
    expect(spec.nodeSelector).toBeUndefined();
    expect(spec.tolerations).toBeUndefined();
  }
}

test('the table covers every platform with exactly one isolation', () => {
  for (const platform of PLATFORMS) expect(supportedOn(platform).split(', ')).toHaveLength(1);
});

describe.each(['gvisor', 'kata'] as const)('construct props with isolation %s', (isolation) => {
  test.each(rows(isolation))('on %s: runtime and placement', (platform, expected) => {
    const tpl = template(Testing.chart(), { platform, isolation });
    expectPlacement(tpl.pod.podTemplate.spec, expected);
    // The platform-aware invariant check (placement included) is satisfied.
    const obj = Testing.synth(tpl.node.scope as never)[0] as K8sObject;
    expect(createSandboxInvariantsChecker({ platform })(obj, 'x')).toStrictEqual([]);
  });

  if (lacking(isolation).length) {
    test.each(lacking(isolation))('on %s: refused, naming the platform and what it supports', (platform) => {
      expect(errorOf(() => template(Testing.chart(), { platform, isolation }))).toBe(
        `SandboxTemplate ns/tpl: isolation: "${isolation}" is not available on ${platform} (sandboxed runtimes there: ${supportedOn(platform)})`,
      );
    });
  }
});

test.each(PLATFORMS)('without an isolation, %s gets its own sandboxed runtime', (platform) => {
  const expected = SUPPORTED.gvisor[platform] ?? SUPPORTED.kata[platform];
  expectPlacement(template(Testing.chart(), { platform }).pod.podTemplate.spec, expected!);
});

describe.each(['gvisor', 'kata'] as const)('the same tenant config with isolation %s', (isolation) => {
  const config: SandboxPlatformConfig = validateConfig({
    tenants: [
      {
        name: 'team-a',
        templates: [{ name: 'py', isolation, containers: [MAIN] }],
        warmPools: [{ name: 'py-warm', template: 'py', replicas: 2 }],
        sandboxes: [{ name: 'box', isolation, containers: [MAIN] }],
      },
    ],
  });

  test.each(rows(isolation))('synthesizes for %s with its runtime, placement and RuntimeClass', (platform, expected) => {
    const objects = renderPlatform(platform, config).chart.toJson() as K8sObject[];
    for (const kind of ['SandboxTemplate', 'Sandbox']) {
      const obj = objects.find((o) => o.kind === kind)!;
      expectPlacement(obj.spec.podTemplate.spec, expected);
      expect(obj.metadata.labels['agent-sandbox-infra.io/isolation']).toBe(isolation);
    }
    expect(objects.filter((o) => o.kind === 'RuntimeClass')).toStrictEqual(expected.runtimeClass ? [expected.runtimeClass] : []);
  });

  if (lacking(isolation).length) {
    test.each(lacking(isolation))('on %s: every object that needs it is refused, with the platform and what it supports', (platform) => {
      const refused = `"${isolation}" is not available on ${platform} (sandboxed runtimes there: ${supportedOn(platform)})`;
      expect(errorOf(() => renderPlatform(platform, config))).toBe(
        [
          `${platform}: the configuration cannot be built:`,
          `tenants[0].templates[0].isolation: ${refused}`,
          `tenants[0].warmPools[0].template: "py" could not be built (its problems are listed)`,
          `tenants[0].sandboxes[0].isolation: ${refused}`,
        ].join('\n'),
      );
    });
  }
});
