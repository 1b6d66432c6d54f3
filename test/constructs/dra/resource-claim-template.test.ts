import { Chart, Testing } from 'cdk8s';
import { capacity, driverIs, stringAttribute } from '../../../core/cel/cel-selector';
import { DeviceClass } from '../../../constructs/dra/device-class';
import { ResourceClaimTemplate, type ResourceClaimTemplateProps } from '../../../constructs/dra/resource-claim-template';
import { kubernetesSchemaFor } from '../../../core/upstream/pins';
import { SchemaCatalog } from '../../../validation/schema/schema-catalog';
import { newChart, synthObjects, type K8sObject } from '../../support/synth';

const NV = 'gpu.nvidia.com';
const MANAGED = { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };

function schemaErrors(obj: K8sObject, kubernetesVersion = '1.36'): unknown[] {
  const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor(kubernetesVersion), agentSandboxVersion: 'v0.5.6' });
  const lookup = catalog.lookup(obj.apiVersion, obj.kind);
  if (lookup.status !== 'found') throw new Error(lookup.message);
  return lookup.validate(obj) ? [] : [...(lookup.validate.errors ?? [])];
}

function build(props: Partial<ResourceClaimTemplateProps>, chart: Chart = newChart()): { rct: ResourceClaimTemplate; objects: K8sObject[] } {
  const rct = new ResourceClaimTemplate(chart, 'Template', { name: 'gpu-claim', namespace: 'team-a', requests: [], ...props });
  return { rct, objects: synthObjects(chart).filter((o) => o.kind === 'ResourceClaimTemplate') };
}

describe('ResourceClaimTemplate requests', () => {
  test('exactly: a DeviceClass construct, count and selectors render the expected object', () => {
    const chart = newChart();
    const h100 = new DeviceClass(chart, 'H100', { name: 'nvidia-gpu', selectors: [driverIs(NV)] });
    const { rct, objects } = build(
      { requests: [{ name: 'gpu', exactly: { deviceClass: h100, count: 2, selectors: [capacity(NV, 'memory').atLeast('80Gi')] } }] },
      chart,
    );
    expect(objects).toStrictEqual([
      {
        apiVersion: 'resource.k8s.io/v1',
        kind: 'ResourceClaimTemplate',
        metadata: { name: 'gpu-claim', namespace: 'team-a', labels: MANAGED },
        spec: {
          spec: {
            devices: {
              requests: [
                {
                  name: 'gpu',
                  exactly: {
                    deviceClassName: 'nvidia-gpu',
                    allocationMode: 'ExactCount',
                    count: 2,
                    selectors: [{ cel: { expression: 'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("80Gi")) >= 0' } }],
                  },
                },
              ],
            },
          },
        },
      },
    ]);
    expect(rct.requestNames).toStrictEqual(['gpu']);
    expect(rct.name).toBe('gpu-claim');
    expect(rct.namespace).toBe('team-a');
    // class selector (driver) and request selector (memory ≥ 80Gi) together: only the H100 fits
    expect(rct.matchSummaries).toStrictEqual({ gpu: 'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0' });
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('allocationMode All renders without count; a count with All is refused', () => {
    const { objects } = build({ requests: [{ name: 'all', exactly: { deviceClass: NV, allocationMode: 'All' } }] });
    expect(objects[0].spec.spec.devices.requests).toStrictEqual([{ name: 'all', exactly: { deviceClassName: NV, allocationMode: 'All' } }]);
    expect(() => build({ requests: [{ name: 'all', exactly: { deviceClass: NV, allocationMode: 'All', count: 2 } }] })).toThrow(
      'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].exactly.count: must not be set with allocationMode All (every matching device in the pool is allocated), got 2',
    );
    expect(() => build({ requests: [{ name: 'n', exactly: { deviceClass: NV, count: 0 } }] })).toThrow(
      'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].exactly.count: must be a whole number > 0, got 0',
    );
  });

  test('firstAvailable: prioritized alternatives with their own names, classes and selectors', () => {
    const { rct, objects } = build({
      requests: [
        {
          name: 'gpu',
          firstAvailable: [
            { name: 'h100', deviceClass: NV, selectors: [stringAttribute(NV, 'architecture').equals('Hopper')] },
            { name: 'two-a100', deviceClass: NV, count: 2, selectors: ['device.attributes["gpu.nvidia.com"].architecture == "Ampere"'] },
          ],
        },
      ],
    });
    expect(objects[0].spec.spec.devices.requests).toStrictEqual([
      {
        name: 'gpu',
        firstAvailable: [
          {
            name: 'h100',
            deviceClassName: NV,
            allocationMode: 'ExactCount',
            count: 1,
            selectors: [{ cel: { expression: 'device.attributes["gpu.nvidia.com"].architecture == "Hopper"' } }],
          },
          {
            name: 'two-a100',
            deviceClassName: NV,
            allocationMode: 'ExactCount',
            count: 2,
            selectors: [{ cel: { expression: 'device.attributes["gpu.nvidia.com"].architecture == "Ampere"' } }],
          },
        ],
      },
    ]);
    expect(rct.requestNames).toStrictEqual(['gpu']);
    expect(rct.matchSummaries).toStrictEqual({
      'gpu/h100': 'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0 (error: field not found: architecture) (class "gpu.nvidia.com" not evaluated: given by name)',
      'gpu/two-a100': 'matches: nvidia-a100-1; no match: nvidia-h100-0, cpu-0 (error: field not found: architecture) (class "gpu.nvidia.com" not evaluated: given by name)',
    });
    expect(rct.featuresUsed.map((f) => f.gate)).toStrictEqual(['DynamicResourceAllocation', 'DRAPrioritizedList']);
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('capacity requests and tolerations render as resource.k8s.io/v1 fields', () => {
    const { objects, rct } = build({
      requests: [
        {
          name: 'slice',
          exactly: {
            deviceClass: NV,
            capacity: { requests: { memory: '10Gi', 'gpu.nvidia.com/multiprocessors': 8 } },
            tolerations: [
              { key: 'example.com/degraded', operator: 'Exists', effect: 'NoSchedule' },
              { key: 'example.com/maintenance', value: 'planned', effect: 'NoExecute', tolerationSeconds: 300 },
            ],
          },
        },
      ],
    });
    expect(objects[0].spec.spec.devices.requests[0].exactly).toStrictEqual({
      deviceClassName: NV,
      allocationMode: 'ExactCount',
      count: 1,
      capacity: { requests: { memory: '10Gi', 'gpu.nvidia.com/multiprocessors': '8' } },
      tolerations: [
        { key: 'example.com/degraded', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'example.com/maintenance', operator: 'Equal', value: 'planned', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(rct.featuresUsed.map((f) => f.gate)).toStrictEqual(['DynamicResourceAllocation', 'DRAConsumableCapacity', 'DRADeviceTaints']);
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('bad capacity and tolerations are refused with the field', () => {
    const one = (exactly: object) => () => build({ requests: [{ name: 'r', exactly: { deviceClass: NV, ...exactly } }] });
    const at = 'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].exactly';
    expect(one({ capacity: { requests: { memory: '10 GiB' } } })).toThrow(`${at}.capacity.requests["memory"]: `);
    expect(one({ capacity: { requests: { memory: '-1Gi' } } })).toThrow(`${at}.capacity.requests["memory"]: must not be negative, got -1Gi`);
    expect(one({ capacity: { requests: {} } })).toThrow(`${at}.capacity.requests: empty; name at least one capacity, e.g. { memory: '10Gi' }`);
    expect(one({ capacity: { requests: { 'Gpu.nvidia.com/memory': '1Gi' } } })).toThrow(`${at}.capacity.requests["Gpu.nvidia.com/memory"]: domain "Gpu.nvidia.com"`);
    expect(one({ tolerations: [{ effect: 'NoSchedule' }] })).toThrow(`${at}.tolerations[0]: an empty key matches every taint and needs operator Exists, got Equal`);
    expect(one({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] })).toThrow(`${at}.tolerations[0].value: must be empty with operator Exists, got "v"`);
    expect(one({ tolerations: [{ key: 'k', operator: 'Exists', tolerationSeconds: 5 }] })).toThrow(
      `${at}.tolerations[0].tolerationSeconds: only applies to effect NoExecute (it would be ignored), effect is unset`,
    );
    expect(one({ tolerations: [{ key: 'bad key', operator: 'Exists' }] })).toThrow(`${at}.tolerations[0].key: "bad key" is not a label name`);
    expect(one({ tolerations: Array.from({ length: 17 }, () => ({ operator: 'Exists' as const })) })).toThrow(
      `${at}.tolerations: 17 tolerations; at most 16 are allowed`,
    );
  });

  test('request names are DNS labels and unique; exactly one of exactly/firstAvailable', () => {
    const req = 'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests';
    expect(() => build({ requests: [{ name: 'GPU', exactly: { deviceClass: NV } }] })).toThrow(
      `${req}[0].name: "GPU" is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)`,
    );
    expect(() => build({ requests: [{ name: 'gpu', exactly: { deviceClass: NV } }, { name: 'gpu', exactly: { deviceClass: NV } }] })).toThrow(
      `${req}: name "gpu" is used more than once; request names must be unique`,
    );
    expect(() => build({ requests: [{ name: 'gpu', firstAvailable: [{ name: 'a', deviceClass: NV }, { name: 'a', deviceClass: NV }] }] })).toThrow(
      `${req}[0].firstAvailable: name "a" is used more than once; request names must be unique`,
    );
    expect(() => build({ requests: [{ name: 'gpu', exactly: { deviceClass: NV }, firstAvailable: [{ name: 'a', deviceClass: NV }] } as never] })).toThrow(
      `${req}[0]: exactly one of exactly or firstAvailable is needed, both are set`,
    );
    expect(() => build({ requests: [] })).toThrow(`${req}: at least one request is needed`);
    expect(() => build({ requests: [{ name: 'gpu', firstAvailable: [] }] })).toThrow(`${req}[0].firstAvailable: needs at least one alternative`);
    expect(() =>
      build({ requests: [{ name: 'gpu', firstAvailable: Array.from({ length: 9 }, (_, i) => ({ name: `a${i}`, deviceClass: NV })) }] }),
    ).toThrow(`${req}[0].firstAvailable: 9 alternatives; at most 8 are allowed`);
    expect(() => build({ requests: [{ name: 'gpu', exactly: { deviceClass: 'Not_A_Class' } }] })).toThrow(`${req}[0].exactly.deviceClassName: "Not_A_Class" is not a lowercase DNS subdomain`);
  });

  test('request selectors are checked like class selectors, naming the request and selector', () => {
    expect(() => build({ requests: [{ name: 'gpu', firstAvailable: [{ name: 'a', deviceClass: NV, selectors: ['device.attributes["gpu.nvidia.com/index"] == 0'] }] }] })).toThrow(
      'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].firstAvailable[0].selectors[0].cel.expression: device.attributes["gpu.nvidia.com/index"] never matches: ' +
        'device.attributes is keyed by domain, then by name; write device.attributes["gpu.nvidia.com"].index (at 1:18)',
    );
  });

  test('the namespace comes from the chart when not given', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'from-chart' });
    const { rct, objects } = build({ namespace: undefined, requests: [{ name: 'gpu', exactly: { deviceClass: NV } }] }, chart);
    expect(objects[0].metadata.namespace).toBe('from-chart');
    expect(rct.namespace).toBe('from-chart');
  });
});

describe('ResourceClaimTemplate admin access', () => {
  const request = [{ name: 'monitor', exactly: { deviceClass: NV, allocationMode: 'All' as const, adminAccess: true } }];
  const RULE = 'spec.spec.devices.requests[0].exactly.adminAccess: admin access is only allowed in a namespace labelled resource.kubernetes.io/admin-access: "true" (the API server rejects it elsewhere)';

  test('allowed in a namespace object that allows it', () => {
    const { objects, rct } = build({ namespace: { name: 'gpu-admin', allowsDraAdminAccess: true }, requests: request });
    expect(objects[0].metadata.namespace).toBe('gpu-admin');
    expect(objects[0].spec.spec.devices.requests[0].exactly).toStrictEqual({ deviceClassName: NV, allocationMode: 'All', adminAccess: true });
    expect(rct.featuresUsed.map((f) => f.gate)).toContain('DRAAdminAccess');
    expect(schemaErrors(objects[0])).toStrictEqual([]);
  });

  test('refused in a namespace object that does not allow it', () => {
    expect(() => build({ namespace: { name: 'team-a', allowsDraAdminAccess: false }, requests: request, adminAccessNamespaceLabelled: true })).toThrow(
      `ResourceClaimTemplate "gpu-claim": ${RULE}; namespace "team-a" does not allow it; set allowDraAdminAccess: true on the namespace (in a config file: tenants[].namespace.allowDraAdminAccess)`,
    );
  });

  test('refused with a plain namespace name unless the label is acknowledged', () => {
    expect(() => build({ namespace: 'team-a', requests: request })).toThrow(
      `ResourceClaimTemplate "gpu-claim": ${RULE}; namespace "team-a" is a plain name, so the label cannot be checked — ` +
        'pass the namespace object (name + allowsDraAdminAccess, e.g. a SandboxNamespace), or set adminAccessNamespaceLabelled: true to confirm the namespace carries the label',
    );
    expect(build({ namespace: 'team-a', requests: request, adminAccessNamespaceLabelled: true }).objects[0].spec.spec.devices.requests[0].exactly.adminAccess).toBe(true);
  });

  test('adminAccess false is not emitted and needs no label', () => {
    const { objects } = build({ namespace: 'team-a', requests: [{ name: 'gpu', exactly: { deviceClass: NV, adminAccess: false } }] });
    expect(objects[0].spec.spec.devices.requests[0].exactly).toStrictEqual({ deviceClassName: NV, allocationMode: 'ExactCount', count: 1 });
  });

  test('firstAvailable alternatives cannot ask for admin access', () => {
    expect(() => build({ namespace: 'team-a', requests: [{ name: 'gpu', firstAvailable: [{ name: 'a', deviceClass: NV, adminAccess: true } as never] }] })).toThrow(
      'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].firstAvailable[0].adminAccess: not available in firstAvailable alternatives (resource.k8s.io/v1 DeviceSubRequest has no adminAccess); use exactly',
    );
  });
});

describe('ResourceClaimTemplate.isGpu', () => {
  test('a request whose DeviceClass construct is a GPU class', () => {
    const chart = newChart();
    const gpu = new DeviceClass(chart, 'Gpu', { name: 'nvidia', selectors: [driverIs(NV)] });
    const cpu = new DeviceClass(chart, 'Cpu', { name: 'cpus', selectors: [driverIs('cpu.example.com')] });
    const { rct } = build({ requests: [{ name: 'cpu', exactly: { deviceClass: cpu } }, { name: 'gpu', exactly: { deviceClass: gpu } }] }, chart);
    expect(rct.isGpu).toBe(true);
    expect(rct.gpuReasons).toStrictEqual(['requests[1].exactly (gpu): DeviceClass "nvidia": spec.selectors[0] targets GPU driver "gpu.nvidia.com"']);
  });

  test('known GPU class names, GPU driver selectors and the gpu marker; a CPU-only template is not GPU', () => {
    expect(build({ requests: [{ name: 'a', exactly: { deviceClass: 'mig.nvidia.com' } }] }).rct.gpuReasons).toStrictEqual([
      'requests[0].exactly (a): DeviceClass "mig.nvidia.com" is the GPU class of driver "gpu.nvidia.com"',
    ]);
    expect(build({ requests: [{ name: 'a', firstAvailable: [{ name: 'b', deviceClass: 'accel', selectors: ['device.driver == "gpu.amd.com"'] }] }] }).rct.gpuReasons).toStrictEqual([
      'requests[0].firstAvailable[0] (a/b): selectors[0] targets GPU driver "gpu.amd.com"',
    ]);
    expect(build({ requests: [{ name: 'a', exactly: { deviceClass: 'vendor-accel', gpu: true } }] }).rct.isGpu).toBe(true);
    const cpuOnly = build({ requests: [{ name: 'a', exactly: { deviceClass: 'cpus', selectors: [driverIs('cpu.example.com')] } }] }).rct;
    expect(cpuOnly.isGpu).toBe(false);
    expect(cpuOnly.gpuReasons).toStrictEqual([]);
  });
});

describe('ResourceClaimTemplate on Kubernetes 1.34', () => {
  test('exactly and firstAvailable validate against the pinned 1.34.0 schema', () => {
    const { objects } = build({
      kubernetesVersion: '1.34',
      namespace: { name: 'gpu-admin', allowsDraAdminAccess: true },
      requests: [
        { name: 'gpu', firstAvailable: [{ name: 'h100', deviceClass: NV }, { name: 'any', deviceClass: NV, allocationMode: 'All' }] },
        { name: 'monitor', exactly: { deviceClass: NV, allocationMode: 'All', adminAccess: true } },
      ],
    });
    expect(schemaErrors(objects[0], '1.34')).toStrictEqual([]);
  });

  test('capacity and tolerations are refused on 1.34 (gates off by default)', () => {
    expect(() => build({ kubernetesVersion: '1.34', requests: [{ name: 'gpu', exactly: { deviceClass: NV, capacity: { requests: { memory: '1Gi' } } } }] })).toThrow(
      'ResourceClaimTemplate "gpu-claim": spec.spec.devices.requests[0].exactly.capacity.requests: needs feature gate DRAConsumableCapacity (consumable capacity), ' +
        'beta and enabled by default from Kubernetes 1.36; 1.34 has it alpha, off by default — target Kubernetes ≥ 1.36, ' +
        'or turn DRAConsumableCapacity on in the cluster and list it in enabledFeatureGates',
    );
  });

  test('the schema check itself rejects a field the schema does not know', () => {
    const { objects } = build({ requests: [{ name: 'gpu', exactly: { deviceClass: NV } }] });
    const broken = JSON.parse(JSON.stringify(objects[0])) as K8sObject;
    broken.spec.spec.devices.requests[0].exactly.adminAcess = true;
    expect(schemaErrors(broken)).toHaveLength(1);
  });
});
