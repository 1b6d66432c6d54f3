import { Chart, Testing } from 'cdk8s';
import { allOf, allowMultipleAllocations, capacity, driverIs, intAttribute, stringAttribute, versionAttribute } from '../../../core/cel/cel-selector';
import { DeviceClass } from '../../../constructs/dra/device-class';
import { KUBERNETES_SCHEMAS, kubernetesSchemaFor } from '../../../core/upstream/pins';
import { SchemaCatalog } from '../../../validation/schema/schema-catalog';
import { newChart, synthObjects, type K8sObject } from '../../support/synth';
import { AGENT_SANDBOX_VERSION } from '../../support/upstream';

const NV = 'gpu.nvidia.com';
const KNOWN_FIELDS = 'known: driver, attributes, capacity, allowMultipleAllocations';

/** Schema errors of `obj` against the pinned Kubernetes schema for `kubernetesVersion` (newest pin ≤ it). */
function schemaErrors(obj: K8sObject, kubernetesVersion = '1.36'): unknown[] {
  const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(kubernetesVersion), agentSandboxVersion: AGENT_SANDBOX_VERSION });
  const lookup = catalog.lookup(obj.apiVersion, obj.kind);
  if (lookup.status !== 'found') throw new Error(lookup.message);
  return lookup.validate(obj) ? [] : [...(lookup.validate.errors ?? [])];
}

function synthClass(props: ConstructorParameters<typeof DeviceClass>[2]): { dc: DeviceClass; objects: K8sObject[] } {
  const chart = newChart();
  const dc = new DeviceClass(chart, 'Class', props);
  return { dc, objects: synthObjects(chart) };
}

describe('DeviceClass with builder selectors', () => {
  test('renders exactly the expected CEL and object', () => {
    const { dc, objects } = synthClass({
      name: 'nvidia-h100',
      selectors: [
        driverIs(NV),
        allOf(stringAttribute(NV, 'productName').equals('NVIDIA H100 80GB HBM3'), capacity(NV, 'memory').atLeast('40Gi')),
      ],
    });
    expect(objects).toStrictEqual([
      {
        apiVersion: 'resource.k8s.io/v1',
        kind: 'DeviceClass',
        metadata: { name: 'nvidia-h100', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
        spec: {
          selectors: [
            { cel: { expression: 'device.driver == "gpu.nvidia.com"' } },
            {
              cel: {
                expression:
                  'device.attributes["gpu.nvidia.com"].productName == "NVIDIA H100 80GB HBM3" && device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0',
              },
            },
          ],
        },
      },
    ]);
    expect(dc.name).toBe('nvidia-h100');
    expect(dc.selectorExpressions).toHaveLength(2);
    // cpu-0 fails the first selector (driver) without an evaluation error
    expect(dc.matchSummary).toBe('matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0');
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('attributes are looked up as device.attributes["<domain>"].<name>, never "<domain>/<name>"', () => {
    const { objects, dc } = synthClass({ name: 'hopper', selectors: [stringAttribute(NV, 'productName').in(['NVIDIA H100 80GB HBM3'])] });
    const expression: string = objects[0].spec.selectors[0].cel.expression;
    expect(expression).toBe('device.attributes["gpu.nvidia.com"].productName in ["NVIDIA H100 80GB HBM3"]');
    expect(expression).not.toContain('gpu.nvidia.com/');
    expect(dc.matchSummary).toMatch(/^matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0/);
    // the builder cannot produce the wrong form at all
    expect(() => stringAttribute('gpu.nvidia.com/productName', 'x')).toThrow(/contains "\/"/);
  });

  test('int, version and allowMultipleAllocations clauses select the expected sample devices', () => {
    expect(synthClass({ selectors: [intAttribute(NV, 'index').equals(1)] }).dc.matchSummary).toBe(
      'matches: nvidia-a100-1; no match: nvidia-h100-0, cpu-0 (error: field not found: index)',
    );
    expect(synthClass({ selectors: [versionAttribute(NV, 'driverVersion').atLeast('560.0.0')] }).dc.matchSummary).toBe(
      'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0 (error: field not found: driverVersion)',
    );
    expect(synthClass({ selectors: [allowMultipleAllocations()] }).dc.matchSummary).toBe('matches: cpu-0; no match: nvidia-h100-0, nvidia-a100-1');
  });

  test('no selectors: every device of every driver, and no selectors field', () => {
    const { dc, objects } = synthClass({ name: 'anything' });
    expect(objects[0].spec).toStrictEqual({});
    expect(dc.matchSummary).toBe('matches: nvidia-h100-0, nvidia-a100-1, cpu-0; no match: none');
    // Every device includes GPUs: a gVisor template must not get one through it.
    expect(dc.isGpu).toBe(true);
    expect(dc.gpuReason).toBe('the selectors match the sample GPU device nvidia-h100-0 (driver gpu.nvidia.com)');
  });

  test('a generated name is used and reported when no name is given; a chart namespace never leaks onto the cluster-scoped object', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    const dc = new DeviceClass(chart, 'Gpu', { selectors: [driverIs(NV)] });
    const [obj] = Testing.synth(chart) as K8sObject[];
    expect(obj.metadata.namespace).toBeUndefined();
    expect(obj.metadata.name).toBe(dc.name);
    expect(dc.name).toMatch(/^c-gpu-[0-9a-f]{8}$/);
    expect(() => new DeviceClass(chart, 'Bad', { selectors: ['device.drivr == "x"'] })).toThrow(/^DeviceClass at c\/Bad: spec\.selectors\[0\]\.cel\.expression: unknown field device\.drivr/);
  });
});

describe('DeviceClass with raw CEL', () => {
  test('a valid raw expression is accepted, rendered verbatim and evaluated', () => {
    const raw = 'device.driver == "gpu.nvidia.com" && device.attributes["gpu.nvidia.com"].architecture == "Ampere"';
    const { dc, objects } = synthClass({ name: 'ampere', selectors: [raw] });
    expect(objects[0].spec.selectors).toStrictEqual([{ cel: { expression: raw } }]);
    expect(dc.matchSummary).toBe('matches: nvidia-a100-1; no match: nvidia-h100-0, cpu-0');
    expect(dc.selectorChecks[0].problems).toStrictEqual([]);
    expect(dc.isGpu).toBe(true);
  });

  test('builder clauses and raw CEL mix; the error names the selector index', () => {
    expect(() => synthClass({ name: 'typo', selectors: [driverIs(NV), 'device.attribute["gpu.nvidia.com"].index == 0'] })).toThrow(
      `DeviceClass "typo": spec.selectors[1].cel.expression: unknown field device.attribute; ${KNOWN_FIELDS} (at 1:7)`,
    );
  });

  test('the "<domain>/<name>" key form is refused with the corrected form', () => {
    expect(() => synthClass({ name: 'slash', selectors: ['device.attributes["gpu.nvidia.com/productName"] == "x"'] })).toThrow(
      'DeviceClass "slash": spec.selectors[0].cel.expression: device.attributes["gpu.nvidia.com/productName"] never matches: ' +
        'device.attributes is keyed by domain, then by name; write device.attributes["gpu.nvidia.com"].productName (at 1:18)',
    );
  });

  test('a syntax error is refused with its position', () => {
    expect(() => synthClass({ name: 'syntax', selectors: ['device.driver = "gpu.nvidia.com"'] })).toThrow(
      'DeviceClass "syntax": spec.selectors[0].cel.expression: syntax error at 1:15: found = but expecting end of input',
    );
  });

  test('a non-bool result is refused', () => {
    expect(() => synthClass({ name: 'nonbool', selectors: ['device.driver'] })).toThrow(
      /^DeviceClass "nonbool": spec\.selectors\[0\]\.cel\.expression: must evaluate to bool/,
    );
  });

  test('several problems are reported together, one per line', () => {
    expect(() => synthClass({ name: 'two', selectors: ['device.drivr == "a"', 'device.driver = "b"'] })).toThrow(
      'DeviceClass "two" has 2 problems:\n' +
        `- spec.selectors[0].cel.expression: unknown field device.drivr; ${KNOWN_FIELDS} (at 1:7)\n` +
        '- spec.selectors[1].cel.expression: syntax error at 1:15: found = but expecting end of input',
    );
  });

  test('an input that is neither CEL nor a clause is refused', () => {
    expect(() => synthClass({ name: 'junk', selectors: [{ nope: 1 } as never] })).toThrow(
      'DeviceClass "junk": spec.selectors[0].cel.expression: must be a CEL string, a builder clause (driverIs(...), allOf(...)) or { cel: { expression } }',
    );
  });
});

describe('DeviceClass.isGpu', () => {
  test.each([
    ['gpu.nvidia.com', driverIs('gpu.nvidia.com')],
    ['gpu.amd.com', 'device.driver == "gpu.amd.com"'],
    ['gpu.intel.com', '"gpu.intel.com" == device.driver'],
    ['gpu.nvidia.com', 'device.driver in ["example.com", "gpu.nvidia.com"]'],
    ['gpu.nvidia.com', 'device.attributes["gpu.nvidia.com"].architecture == "Hopper"'],
  ])('a selector targeting %s makes a GPU class', (driver, selector) => {
    const { dc } = synthClass({ selectors: [driverIs('example.com'), selector] });
    expect(dc.isGpu).toBe(true);
    expect(dc.gpuReason).toBe(`spec.selectors[1] targets GPU driver "${driver}"`);
  });

  test('non-GPU drivers and negations are not GPU classes; selectors that match a GPU device are', () => {
    expect(synthClass({ selectors: [driverIs('cpu.example.com')] }).dc.isGpu).toBe(false);
    expect(synthClass({ selectors: ['device.driver != "gpu.nvidia.com"'] }).dc.isGpu).toBe(false);
    // A driver hidden from the syntax is still found by evaluation against the sample devices.
    expect(synthClass({ selectors: ['device.driver.startsWith("gpu.")'] }).dc.gpuReason).toBe(
      'the selectors match the sample GPU device nvidia-h100-0 (driver gpu.nvidia.com)',
    );
  });

  test('gpu: true marks a class whose driver we do not know', () => {
    const { dc } = synthClass({ selectors: [driverIs('accel.example.com')], gpu: true });
    expect(dc.isGpu).toBe(true);
    expect(dc.gpuReason).toBe('marked gpu: true');
  });

  test('gpu: false cannot hide a GPU driver', () => {
    expect(() => synthClass({ name: 'liar', selectors: [driverIs(NV)], gpu: false })).toThrow(
      'DeviceClass "liar": gpu: false contradicts the selectors: spec.selectors[0] targets GPU driver "gpu.nvidia.com"; remove gpu: false (the class hands out GPUs)',
    );
    expect(synthClass({ selectors: [driverIs('cpu.example.com')], gpu: false }).dc.isGpu).toBe(false);
  });
});

describe('DeviceClass extendedResourceName', () => {
  test('a valid name is emitted and validates against the 1.36 schema', () => {
    const { dc, objects } = synthClass({ name: 'gpus', selectors: [driverIs(NV)], extendedResourceName: 'example.com/gpu' });
    expect(objects[0].spec).toStrictEqual({ selectors: [{ cel: { expression: 'device.driver == "gpu.nvidia.com"' } }], extendedResourceName: 'example.com/gpu' });
    expect(dc.extendedResourceName).toBe('example.com/gpu');
    expect(dc.featuresUsed).toStrictEqual([
      { gate: 'DynamicResourceAllocation', path: 'spec' },
      { gate: 'DRAExtendedResource', path: 'spec.extendedResourceName' },
    ]);
    expect(schemaErrors(objects[0], '1.36')).toStrictEqual([]);
  });

  test.each([
    ['gpu', '"gpu" has no domain: extended resources are "<domain>/<name>", e.g. "example.com/gpu"; names without a domain belong to Kubernetes (cpu, memory, …)'],
    ['nvidia.kubernetes.io/gpu', '"nvidia.kubernetes.io/gpu" is in the reserved kubernetes.io domain; use a domain you own, e.g. "example.com/gpu"'],
    ['requests.example.com/gpu', '"requests.example.com/gpu" starts with "requests.", which is reserved for resource quota names'],
    ['example.com/a/b', '"example.com/a/b" has more than one "/"; the format is "<domain>/<name>", e.g. "example.com/gpu"'],
    ['Example.com/gpu', '"Example.com/gpu": domain "Example.com" is not a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit)'],
    ['example.com/', '"example.com/" has an empty name after "/"'],
    ['example.com/-gpu', '"example.com/-gpu": name "-gpu" must consist of letters, digits, "-", "_" or "." and start and end with a letter or digit'],
    [`example.com/${'g'.repeat(64)}`, `"example.com/${'g'.repeat(64)}": name "${'g'.repeat(64)}" is 64 characters long; at most 63`],
    [`${'d'.repeat(245)}/gpu`, `"${'d'.repeat(245)}/gpu": domain "${'d'.repeat(245)}" is 245 characters long; at most 244 (the quota name "requests.<domain>" must fit in 253)`],
  ])('%s is refused', (name, message) => {
    expect(() => synthClass({ name: 'x', selectors: [driverIs(NV)], extendedResourceName: name })).toThrow(`DeviceClass "x": spec.extendedResourceName: ${message}`);
  });

  test('the longest valid domain and name are accepted', () => {
    const name = `${'d'.repeat(244)}/${'g'.repeat(63)}`;
    expect(synthClass({ selectors: [driverIs(NV)], extendedResourceName: name }).dc.extendedResourceName).toBe(name);
  });
});

describe('DeviceClass config and names', () => {
  test('opaque driver config is emitted as spec.config[].opaque', () => {
    const parameters = { apiVersion: 'resource.nvidia.com/v1beta1', kind: 'GpuConfig', sharing: { strategy: 'TimeSlicing' } };
    const { objects } = synthClass({ name: 'shared', selectors: [driverIs(NV)], config: [{ driver: NV, parameters }] });
    expect(objects[0].spec.config).toStrictEqual([{ opaque: { driver: NV, parameters } }]);
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('bad config and names are refused', () => {
    expect(() => synthClass({ name: 'Bad_Name' })).toThrow(
      'DeviceClass "Bad_Name": metadata.name: "Bad_Name" is not a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit)',
    );
    expect(() => synthClass({ name: 'c', config: [{ driver: 'GPU', parameters: {} }] })).toThrow(
      /^DeviceClass "c": spec\.config\[0\]\.opaque\.driver: driver name "GPU" is not a lowercase DNS subdomain/,
    );
    expect(() => synthClass({ name: 'c', config: [{ driver: NV, parameters: [] as never }] })).toThrow(
      `DeviceClass "c": spec.config[0].opaque.parameters: must be a JSON object (typically with apiVersion and kind of the driver's config type)`,
    );
    expect(() => synthClass({ name: 'c', config: [{ driver: NV, parameters: { blob: 'x'.repeat(10 * 1024) } }] })).toThrow(
      'DeviceClass "c": spec.config[0].opaque.parameters: 10251 bytes as JSON; at most 10240 (10 Ki)',
    );
  });
});

describe('DeviceClass on Kubernetes 1.34', () => {
  test('plain selectors work on 1.34 and validate against the pinned 1.34.0 schema', () => {
    expect(kubernetesSchemaFor('1.34')).toBe(KUBERNETES_SCHEMAS['1.34.0']);
    const { objects, dc } = synthClass({ name: 'gpus', kubernetesVersion: '1.34', selectors: [driverIs(NV)] });
    expect(dc.kubernetesVersion).toBe('1.34');
    expect(schemaErrors(objects[0], '1.34')).toStrictEqual([]);
  });

  test('the schema check itself catches an unknown field (so the passes above mean something)', () => {
    const { objects } = synthClass({ name: 'gpus', selectors: [driverIs(NV)] });
    const broken = { ...objects[0], spec: { ...objects[0].spec, extendedResourceNames: 'example.com/gpu' } };
    expect(schemaErrors(broken)).toHaveLength(1);
  });
});
