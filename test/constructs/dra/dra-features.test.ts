import { allowMultipleAllocations, driverIs } from '../../../core/cel/cel-selector';
import { DeviceClass } from '../../../constructs/dra/device-class';
import {
  DEFAULT_DRA_KUBERNETES_VERSION,
  DRA_FEATURES,
  DRA_V1_MIN_VERSION,
  draFeaturesUsedByClaimSpec,
  draFeaturesUsedByDeviceClassSpec,
  draVersionProblems,
  enabledByDefaultSince,
  featureStageAt,
  type DraFeatureGate,
} from '../../../constructs/dra/dra-features';
import { ResourceClaimTemplate } from '../../../constructs/dra/resource-claim-template';
import { kubernetesSchemaFor, parseMinor } from '../../../core/upstream/pins';
import { SchemaCatalog } from '../../../validation/schema/schema-catalog';
import { newChart, synthObjects, type K8sObject } from '../../support/synth';
import { formatProblem } from '../../../core/diagnostics';

const NV = 'gpu.nvidia.com';
const ADMIN_NS = { name: 'gpu-admin', allowsDraAdminAccess: true };

function schemaErrors(obj: K8sObject, kubernetesVersion: string): unknown[] {
  const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(kubernetesVersion), agentSandboxVersion: 'v0.5.6' });
  const lookup = catalog.lookup(obj.apiVersion, obj.kind);
  if (lookup.status !== 'found') throw new Error(lookup.message);
  return lookup.validate(obj) ? [] : [...(lookup.validate.errors ?? [])];
}

describe('the feature table', () => {
  test('the version from which each gate is enabled by default', () => {
    const since = Object.fromEntries(Object.keys(DRA_FEATURES).map((gate) => [gate, enabledByDefaultSince(gate as DraFeatureGate)]));
    expect(since).toStrictEqual({
      DynamicResourceAllocation: '1.34',
      DRAPrioritizedList: '1.34',
      DRAAdminAccess: '1.34',
      DRADeviceTaints: '1.36',
      DRAExtendedResource: '1.36',
      DRAConsumableCapacity: '1.36',
      DRAPartitionableDevices: '1.36',
    });
    expect(DRA_V1_MIN_VERSION).toBe('1.34');
    expect(DEFAULT_DRA_KUBERNETES_VERSION).toBe('1.36');
  });

  test('every gate: stages oldest first, stage and default consistent, a KEP and sources', () => {
    for (const [gate, feature] of Object.entries(DRA_FEATURES)) {
      expect(feature.gate).toBe(gate);
      const minors = feature.stages.map((s) => parseMinor(s.since));
      expect(minors).toStrictEqual([...minors].sort((a, b) => a - b));
      expect(feature.stages.filter((s) => s.stage === 'alpha').every((s) => !s.enabledByDefault)).toBe(true);
      expect(feature.stages.filter((s) => s.stage === 'GA').every((s) => s.enabledByDefault)).toBe(true);
      expect(feature.kep).toMatch(/^https:\/\/kep\.k8s\.io\/\d+$/);
      expect(feature.sources.length).toBeGreaterThanOrEqual(2);
      expect(feature.fields.length).toBeGreaterThan(0);
    }
  });

  test('stage at a version', () => {
    expect(featureStageAt('DRADeviceTaints', '1.35')).toStrictEqual({ stage: 'alpha', since: '1.33', enabledByDefault: false });
    expect(featureStageAt('DRADeviceTaints', '1.36')).toStrictEqual({ stage: 'beta', since: '1.36', enabledByDefault: true });
    expect(featureStageAt('DRAPrioritizedList', 'v1.36.2')).toStrictEqual({ stage: 'GA', since: '1.36', enabledByDefault: true });
    expect(featureStageAt('DRAExtendedResource', '1.33')).toBeUndefined();
    expect(featureStageAt('DynamicResourceAllocation', '1.33')).toStrictEqual({ stage: 'beta', since: '1.32', enabledByDefault: false });
  });

  test('a version that is not a Kubernetes version is refused', () => {
    expect(() => draVersionProblems([], 'latest').map(formatProblem)).toThrow('kubernetesVersion "latest" is not a Kubernetes version like "1.36"');
  });
});

describe('draVersionProblems', () => {
  const use = (gate: DraFeatureGate, path = 'spec.x') => ({ gate, path });

  test('DRA itself needs 1.34', () => {
    expect(draVersionProblems([use('DynamicResourceAllocation')], '1.33').map(formatProblem)).toStrictEqual(['DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33']);
    expect(draVersionProblems([], '1.31').map(formatProblem)).toStrictEqual(['DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.31']);
    expect(draVersionProblems([use('DynamicResourceAllocation')], '1.34').map(formatProblem)).toStrictEqual([]);
  });

  test('an alpha feature names the gate, the field, the version it is beta from and the version given', () => {
    expect(draVersionProblems([use('DRAExtendedResource', 'spec.extendedResourceName')], '1.35').map(formatProblem)).toStrictEqual([
      'spec.extendedResourceName: needs feature gate DRAExtendedResource (extended resource mapping), beta and enabled by default from Kubernetes 1.36; ' +
        '1.35 has it alpha, off by default — target Kubernetes ≥ 1.36, or turn DRAExtendedResource on in the cluster and list it in enabledFeatureGates',
    ]);
  });

  test('below 1.34 both DRA and the feature are reported, without the turn-it-on hint', () => {
    expect(draVersionProblems([use('DRAPrioritizedList', 'spec.devices.requests[0].firstAvailable')], '1.33').map(formatProblem)).toStrictEqual([
      'DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33',
      'spec.devices.requests[0].firstAvailable: needs feature gate DRAPrioritizedList (prioritized list), beta and enabled by default from Kubernetes 1.34; ' +
        '1.33 has it alpha, off by default — target Kubernetes ≥ 1.34',
    ]);
    expect(draVersionProblems([use('DRAConsumableCapacity')], '1.33').map(formatProblem)[1]).toBe(
      'spec.x: needs feature gate DRAConsumableCapacity (consumable capacity), beta and enabled by default from Kubernetes 1.36; 1.33 does not have it — target Kubernetes ≥ 1.36',
    );
  });

  test('enabledFeatureGates accepts an alpha gate the cluster turned on, but cannot create a gate or resource.k8s.io/v1', () => {
    expect(draVersionProblems([use('DRADeviceTaints')], '1.35', { enabledFeatureGates: ['DRADeviceTaints'] }).map(formatProblem)).toStrictEqual([]);
    expect(draVersionProblems([use('DRADeviceTaints')], '1.35', { enabledFeatureGates: ['DRAExtendedResource'] }).map(formatProblem)).toHaveLength(1);
    expect(draVersionProblems([use('DRAPrioritizedList')], '1.33', { enabledFeatureGates: ['DRAPrioritizedList', 'DynamicResourceAllocation'] }).map(formatProblem)).toHaveLength(2);
  });
});

describe('features used by an emitted object (plain JSON, as read from YAML)', () => {
  test('DeviceClass', () => {
    expect(
      draFeaturesUsedByDeviceClassSpec({
        extendedResourceName: 'example.com/x',
        selectors: [{ cel: { expression: 'device.driver == "a"' } }, { cel: { expression: 'device.allowMultipleAllocations' } }],
      }),
    ).toStrictEqual([
      { gate: 'DynamicResourceAllocation', path: 'spec' },
      { gate: 'DRAExtendedResource', path: 'spec.extendedResourceName' },
      { gate: 'DRAConsumableCapacity', path: 'spec.selectors[1].cel.expression' },
    ]);
  });

  test('ResourceClaim spec', () => {
    const spec = {
      devices: {
        requests: [
          { name: 'a', exactly: { deviceClassName: 'x', adminAccess: true, tolerations: [{ operator: 'Exists' }] } },
          { name: 'b', exactly: { deviceClassName: 'x', adminAccess: false, capacity: { requests: { memory: '1Gi' } } } },
          { name: 'c', firstAvailable: [{ name: 'd', deviceClassName: 'x', selectors: [{ cel: { expression: '!device["allowMultipleAllocations"]' } }] }] },
        ],
      },
    };
    expect(draFeaturesUsedByClaimSpec(spec, 'spec.spec')).toStrictEqual([
      { gate: 'DynamicResourceAllocation', path: 'spec.spec' },
      { gate: 'DRAAdminAccess', path: 'spec.spec.devices.requests[0].exactly.adminAccess' },
      { gate: 'DRADeviceTaints', path: 'spec.spec.devices.requests[0].exactly.tolerations' },
      { gate: 'DRAConsumableCapacity', path: 'spec.spec.devices.requests[1].exactly.capacity.requests' },
      { gate: 'DRAPrioritizedList', path: 'spec.spec.devices.requests[2].firstAvailable' },
      { gate: 'DRAConsumableCapacity', path: 'spec.spec.devices.requests[2].firstAvailable[0].selectors[0].cel.expression' },
    ]);
  });
});

/** One gated feature, used in the smallest object that uses it. */
interface GatedCase {
  readonly gate: DraFeatureGate;
  readonly field: string;
  readonly build: (kubernetesVersion: string) => K8sObject[];
}

const template = (kubernetesVersion: string, props: Partial<ConstructorParameters<typeof ResourceClaimTemplate>[2]>): K8sObject[] => {
  const chart = newChart();
  new ResourceClaimTemplate(chart, 'T', { name: 't', namespace: 'team-a', kubernetesVersion, requests: [], ...props });
  return synthObjects(chart);
};
const deviceClass = (kubernetesVersion: string, props: ConstructorParameters<typeof DeviceClass>[2]): K8sObject[] => {
  const chart = newChart();
  new DeviceClass(chart, 'C', { name: 'c', kubernetesVersion, ...props });
  return synthObjects(chart);
};

const GATED: readonly GatedCase[] = [
  {
    gate: 'DRAPrioritizedList',
    field: 'spec.spec.devices.requests[0].firstAvailable',
    build: (v) => template(v, { requests: [{ name: 'gpu', firstAvailable: [{ name: 'big', deviceClass: NV }, { name: 'any', deviceClass: NV }] }] }),
  },
  {
    gate: 'DRAAdminAccess',
    field: 'spec.spec.devices.requests[0].exactly.adminAccess',
    build: (v) => template(v, { namespace: ADMIN_NS, requests: [{ name: 'gpu', exactly: { deviceClass: NV, adminAccess: true } }] }),
  },
  {
    gate: 'DRADeviceTaints',
    field: 'spec.spec.devices.requests[0].exactly.tolerations',
    build: (v) => template(v, { requests: [{ name: 'gpu', exactly: { deviceClass: NV, tolerations: [{ key: 'example.com/unhealthy', operator: 'Exists', effect: 'NoSchedule' }] } }] }),
  },
  {
    gate: 'DRAConsumableCapacity',
    field: 'spec.spec.devices.requests[0].exactly.capacity.requests',
    build: (v) => template(v, { requests: [{ name: 'gpu', exactly: { deviceClass: NV, capacity: { requests: { memory: '10Gi' } } } }] }),
  },
  {
    gate: 'DRAConsumableCapacity',
    field: 'spec.selectors[1].cel.expression',
    build: (v) => deviceClass(v, { selectors: [driverIs('cpu.example.com'), allowMultipleAllocations()] }),
  },
  {
    gate: 'DRAExtendedResource',
    field: 'spec.extendedResourceName',
    build: (v) => deviceClass(v, { selectors: [driverIs(NV)], extendedResourceName: 'example.com/gpu' }),
  },
];

const minorBefore = (version: string): string => `1.${parseMinor(version) - 1}`;
const minorAfter = (version: string): string => `1.${parseMinor(version) + 1}`;

describe('version gating through the constructs', () => {
  test('DRA on 1.33 is refused by both constructs', () => {
    expect(() => deviceClass('1.33', { selectors: [driverIs(NV)] })).toThrow('DeviceClass "c": DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33');
    expect(() => template('1.33', { requests: [{ name: 'gpu', exactly: { deviceClass: NV } }] })).toThrow(
      'ResourceClaimTemplate "t": DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33',
    );
  });

  test.each(GATED.map((c) => [c.gate, c.field, c] as const))('%s (%s) is refused below the version it is on by default', (gate, field, c) => {
    const since = enabledByDefaultSince(gate);
    const below = minorBefore(since);
    const stage = featureStageAt(gate, below)!;
    const kind = field.startsWith('spec.spec') ? 'ResourceClaimTemplate "t"' : 'DeviceClass "c"';
    const message =
      `${field}: needs feature gate ${gate} (${DRA_FEATURES[gate].title}), beta and enabled by default from Kubernetes ${since}; ` +
      `${below} has it ${stage.stage}, off by default — target Kubernetes ≥ ${since}`;
    if (parseMinor(below) >= 34) {
      expect(() => c.build(below)).toThrow(`${kind}: ${message}, or turn ${gate} on in the cluster and list it in enabledFeatureGates`);
    } else {
      expect(() => c.build(below)).toThrow(`${kind} has 2 problems:\n- DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got ${below}\n- ${message}`);
    }
  });

  test.each(GATED.map((c) => [c.gate, c.field, c] as const))('%s (%s) works from that version on, and validates against the pinned schema', (gate, _field, c) => {
    const since = enabledByDefaultSince(gate);
    for (const version of [since, minorAfter(since)]) {
      const objects = c.build(version);
      expect(objects).toHaveLength(1);
      expect(schemaErrors(objects[0], version)).toStrictEqual([]);
    }
  });

  test('features off by default on 1.34 objects still validate against the 1.34.0 schema when the gate is turned on', () => {
    const objects = template('1.35', {
      requests: [{ name: 'gpu', exactly: { deviceClass: NV, tolerations: [{ operator: 'Exists' }], capacity: { requests: { memory: '1Gi' } } } }],
      enabledFeatureGates: ['DRADeviceTaints', 'DRAConsumableCapacity'],
    });
    expect(schemaErrors(objects[0], '1.35')).toStrictEqual([]);
    expect(() => template('1.35', { requests: [{ name: 'gpu', exactly: { deviceClass: NV, tolerations: [{ operator: 'Exists' }] } }] })).toThrow(
      /needs feature gate DRADeviceTaints/,
    );
  });
});
