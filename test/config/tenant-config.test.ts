/** The tenant part of the configuration model: what validateConfig accepts, and the exact problem lines it reports. */
import { EXAMPLE_CONFIG } from '../../config/example';
import { selectorFromConfig } from '../../config/selector-config';
import { validateConfig } from '../../config/validate';
import { configProblems } from '../support/problems';

const C = { name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };
const METRIC = { type: 'External', external: { metric: { name: 'claim_rate' }, target: { type: 'AverageValue', averageValue: '1' } } };

/** The problem lines of a config, or [] when it is valid. */
const problems = (raw: unknown): readonly string[] => configProblems(raw);

const tenant = (fields: Record<string, unknown>) => ({ tenants: [{ name: 'team-a', templates: [{ name: 'py', containers: [C] }], ...fields }] });
const selector = (s: unknown) => ({ deviceClasses: [{ name: 'accel', selectors: [s] }] });

describe('valid tenant configs', () => {
  test('the built-in example validates and comes back unchanged', () => {
    expect(validateConfig(EXAMPLE_CONFIG)).toStrictEqual(EXAMPLE_CONFIG);
  });

  test('every tenant field at once', () => {
    const raw = {
      kubernetesVersion: '1.36',
      deviceClasses: [{ name: 'fpga', selectors: [{ driver: 'fpga.example.com' }] }],
      tenants: [
        {
          name: 'team-a',
          namespace: { egressAllowlist: [{ cidrs: ['10.0.0.0/8'], ports: [{ port: 443 }] }], quota: false, allowDraAdminAccess: true },
          templates: [
            {
              name: 'py.v2',
              isolation: 'gvisor',
              containers: [C],
              securityOptOuts: ['hostPath'],
              volumes: [{ name: 'cache', hostPath: { path: '/var/cache' } }],
              deviceClaims: [{ name: 'fpga', claimTemplate: 'fpga', containers: ['main'] }],
              networkPolicyManagement: 'Unmanaged',
              envVarsInjectionPolicy: 'Allowed',
              volumeClaimTemplatesPolicy: 'Overrides',
            },
          ],
          warmPools: [{ name: 'py-warm', template: 'py.v2', replicas: 600, maxReplicas: 1000, updateStrategy: 'Recreate' }],
          claims: [
            {
              name: 'c',
              warmPool: 'py-warm',
              lifecycle: { shutdownTime: '2028-02-29T23:59:59.5+01:00', shutdownPolicy: 'DeleteForeground', ttlSecondsAfterFinished: 0 },
              env: [{ name: 'A', value: 'b', containerName: 'main' }],
            },
          ],
          sandboxes: [{ name: 'box', containers: [C], operatingMode: 'Suspended', shutdownPolicy: 'Delete' }],
          claimTemplates: [{ name: 'fpga', requests: [{ name: 'fpga', exactly: { deviceClass: 'fpga', adminAccess: true } }] }],
        },
      ],
    };
    expect(problems(raw)).toStrictEqual([]);
  });
});

describe('config selectors render through the builder', () => {
  const NV = 'gpu.nvidia.com';
  test.each([
    ['raw CEL', 'device.driver == "fpga.example.com"', 'device.driver == "fpga.example.com"'],
    ['cel', { cel: 'device.allowMultipleAllocations' }, 'device.allowMultipleAllocations'],
    ['driver', { driver: NV }, 'device.driver == "gpu.nvidia.com"'],
    ['allowMultipleAllocations', { allowMultipleAllocations: true }, 'device.allowMultipleAllocations'],
    ['string attribute', { attribute: { domain: NV, name: 'productName', equals: 'H100' } }, 'device.attributes["gpu.nvidia.com"].productName == "H100"'],
    ['int attribute', { attribute: { domain: NV, name: 'cores', equals: 2 } }, 'device.attributes["gpu.nvidia.com"].cores == 2'],
    ['bool attribute', { attribute: { domain: NV, name: 'mig', equals: true } }, 'device.attributes["gpu.nvidia.com"].mig == true'],
    ['attribute in strings', { attribute: { domain: NV, name: 'arch', in: ['hopper', 'ada'] } }, 'device.attributes["gpu.nvidia.com"].arch in ["hopper", "ada"]'],
    ['attribute in ints', { attribute: { domain: NV, name: 'index', in: [1, 2] } }, 'device.attributes["gpu.nvidia.com"].index in [1, 2]'],
    ['attribute compare', { attribute: { domain: NV, name: 'cc', compare: '>=', value: 8 } }, 'device.attributes["gpu.nvidia.com"].cc >= 8'],
    ['version', { version: { domain: NV, name: 'driverVersion', compare: '>=', value: '550.0.0' } }, 'device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("550.0.0")) >= 0'],
    ['capacity (default >=)', { capacity: { domain: NV, name: 'memory', value: '40Gi' } }, 'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0'],
    ['capacity <', { capacity: { domain: NV, name: 'memory', compare: '<', value: '80Gi' } }, 'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("80Gi")) < 0'],
  ])('%s', (_form, input, expression) => {
    const parsed = validateConfig(selector(input)).deviceClasses![0].selectors[0];
    const rendered = selectorFromConfig(parsed);
    expect(typeof rendered === 'string' ? rendered : rendered.expression).toBe(expression);
  });
});

describe('config problem lines', () => {
  const ONE_OF = 'must be a CEL string or an object with exactly one of cel, driver, allowMultipleAllocations, attribute, version, capacity';
  const ATTRIBUTE = 'must be an attribute condition (domain, name) with exactly one of equals, in, compare';
  test.each([
    // names and shapes
    ['tenant name not a DNS label', { tenants: [{ name: 'Team_A' }] }, ['tenants[0].name: must be a lowercase DNS label (a-z, 0-9, "-", starting and ending alphanumeric), got "Team_A"']],
    ['template without containers', { tenants: [{ name: 't', templates: [{ name: 'py' }] }] }, ['tenants[0].templates[0].containers: is required']],
    ['template with an empty container list', { tenants: [{ name: 't', templates: [{ name: 'py', containers: [] }] }] }, ['tenants[0].templates[0].containers: must be at least 1 items, got 0 items']],
    ['unknown tenant field', { tenants: [{ name: 't', templats: [] }] }, ['tenants[0].templats: unknown field "templats" (did you mean "templates"?)']],
    ['container port of the wrong type', tenant({ templates: [{ name: 'py', containers: [{ ...C, ports: [{ containerPort: 'http' }] }] }] }), ['tenants[0].templates[0].containers[0].ports[0].containerPort: must be integer, got string "http"']],
    ['typo inside a volume', tenant({ templates: [{ name: 'py', containers: [C], volumes: [{ name: 'v', hostpath: { path: '/' } }] }] }), ['tenants[0].templates[0].volumes[0].hostpath: unknown field "hostpath"']],
    ['typo inside an HPA metric', tenant({ warmPools: [{ name: 'p', template: 'py', autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [{ type: 'External', externall: {} }] } }] }), ['tenants[0].warmPools[0].autoscaling.metrics[0].externall: unknown field "externall"']],
    ['label value not a string', tenant({ warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'p', additionalPodMetadata: { labels: { 'sandbox.users.io/n': 5 } } }] }), ['tenants[0].claims[0].additionalPodMetadata.labels["sandbox.users.io/n"]: must be string, got 5']],
    ['Sandbox shutdownPolicy DeleteForeground (claims only)', tenant({ sandboxes: [{ name: 's', containers: [C], shutdownPolicy: 'DeleteForeground' }] }), ['tenants[0].sandboxes[0].shutdownPolicy: must be one of "Delete", "Retain", got "DeleteForeground"']],
    ['gpu count 0', tenant({ templates: [{ name: 'py', containers: [C], gpu: { count: 0, type: 'nvidia-l4' } }] }), ['tenants[0].templates[0].gpu.count: must be ≥ 1, got 0']],
    // times
    ['shutdownTime without a zone', tenant({ sandboxes: [{ name: 's', containers: [C], shutdownTime: '2026-12-31T23:59:59' }] }), ['tenants[0].sandboxes[0].shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T23:59:59"']],
    [
      'claim shutdownTime on a day that does not exist',
      tenant({ warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'p', lifecycle: { shutdownTime: '2027-02-29T00:00:00Z' } }] }),
      ['tenants[0].claims[0].lifecycle.shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2027-02-29T00:00:00Z" (2027-02 has no day 29)'],
    ],
    // warm pools
    ['HPA scale to zero before Kubernetes 1.37', tenant({ warmPools: [{ name: 'p', template: 'py', autoscaling: { minReplicas: 0, maxReplicas: 4, metrics: [METRIC] } }] }), [
      'tenants[0].warmPools[0].autoscaling.minReplicas: 0 needs Kubernetes 1.37 or later (HPAScaleToZero is on by default from 1.37); the target is 1.36, where the API server refuses it: use 1 or more, or set kubernetesVersion',
    ]],
    ['HPA scale to zero on 1.37 with only a Resource metric', { kubernetesVersion: '1.37', ...tenant({ warmPools: [{ name: 'p', template: 'py', autoscaling: { minReplicas: 0, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] } }] }) }, [
      'tenants[0].warmPools[0].autoscaling.minReplicas: 0 needs an Object or External metric among autoscaling.metrics (an HPA at 0 replicas has no pods to measure)',
    ]],
    ['replicas outside the autoscaler range', tenant({ warmPools: [{ name: 'p', template: 'py', replicas: 20, autoscaling: { minReplicas: 1, maxReplicas: 10, metrics: [METRIC] } }] }), ['tenants[0].warmPools[0].replicas: 20 is outside autoscaling 1..10; the autoscaler would change it at once']],
    ['maxReplicas 0', tenant({ warmPools: [{ name: 'p', template: 'py', maxReplicas: 0 }] }), ['tenants[0].warmPools[0].maxReplicas: must be ≥ 1, got 0']],
    ['autoscaling minReplicas over a lowered bound', tenant({ warmPools: [{ name: 'p', template: 'py', maxReplicas: 3, autoscaling: { minReplicas: 4, maxReplicas: 4, metrics: [METRIC] } }] }), [
      'tenants[0].warmPools[0].replicas: must be ≤ 3 (maxReplicas), got 4',
      'tenants[0].warmPools[0].autoscaling.minReplicas: must be ≤ 3 (maxReplicas), got 4',
      'tenants[0].warmPools[0].autoscaling.maxReplicas: must be ≤ 3 (maxReplicas), got 4',
    ]],
    // names and references, all at once
    [
      'duplicates in every list of a tenant',
      {
        deviceClasses: [{ name: 'x', selectors: ['device.driver == "a"'] }, { name: 'x', selectors: ['device.driver == "a"'] }],
        tenants: [
          {
            name: 't',
            templates: [{ name: 'py', containers: [C] }, { name: 'py', containers: [C] }],
            warmPools: [{ name: 'p', template: 'py' }, { name: 'p', template: 'py' }],
            claims: [{ name: 'c', warmPool: 'p' }, { name: 'c', warmPool: 'p' }],
            sandboxes: [{ name: 's', containers: [C] }, { name: 's', containers: [C] }],
            claimTemplates: [{ name: 'g', requests: [{ name: 'r', exactly: { deviceClass: 'x' } }] }, { name: 'g', requests: [{ name: 'r', exactly: { deviceClass: 'x' } }] }],
          },
        ],
      },
      [
        'deviceClasses[1].name: "x" is already used by deviceClasses[0]',
        'tenants[0].templates[1].name: "py" is already used by tenants[0].templates[0]',
        'tenants[0].warmPools[1].name: "p" is already used by tenants[0].warmPools[0]',
        'tenants[0].claims[1].name: "c" is already used by tenants[0].claims[0]',
        'tenants[0].sandboxes[1].name: "s" is already used by tenants[0].sandboxes[0]',
        'tenants[0].claimTemplates[1].name: "g" is already used by tenants[0].claimTemplates[0]',
      ],
    ],
    ['a sandbox deviceClaim to an unknown claim template', tenant({ sandboxes: [{ name: 's', containers: [C], deviceClaims: [{ name: 'd', claimTemplate: 'nope' }] }] }), ['tenants[0].sandboxes[0].deviceClaims[0].claimTemplate: "nope" is not a claim template of tenant team-a (none)']],
    ['claim template request with neither form', tenant({ claimTemplates: [{ name: 'g', requests: [{ name: 'r' }] }] }), ['tenants[0].claimTemplates[0].requests[0]: set exactly one of exactly or firstAvailable']],
    // selectors
    ['selector: an unknown form', selector({ drivr: 'x' }), [`deviceClasses[0].selectors[0]: ${ONE_OF}, got an object with "drivr"`]],
    ['selector: two forms in one', selector({ driver: 'x', cel: 'true' }), [`deviceClasses[0].selectors[0]: ${ONE_OF}, got several: cel, driver`]],
    ['selector: a number', selector(5), [`deviceClasses[0].selectors[0]: ${ONE_OF}, got 5`]],
    ['attribute: no condition', selector({ attribute: { domain: 'a.io', name: 'b' } }), [`deviceClasses[0].selectors[0].attribute: ${ATTRIBUTE}, got an object with "domain", "name"`]],
    ['attribute: two conditions', selector({ attribute: { domain: 'a.io', name: 'b', equals: 'x', in: ['y'] } }), [`deviceClasses[0].selectors[0].attribute: ${ATTRIBUTE}, got several: equals, in`]],
    ['attribute: compare without value', selector({ attribute: { domain: 'a.io', name: 'b', compare: '>=' } }), ['deviceClasses[0].selectors[0].attribute.value: is required']],
    ['attribute: an extra field', selector({ attribute: { domain: 'a.io', name: 'b', equals: 'x', unit: 'GB' } }), ['deviceClasses[0].selectors[0].attribute.unit: unknown field "unit"']],
    ['capacity: unknown operator', selector({ capacity: { domain: 'a.io', name: 'memory', compare: '=>', value: '1Gi' } }), ['deviceClasses[0].selectors[0].capacity.compare: must be one of "==", "!=", "<", "<=", ">", ">=", got "=>"']],
  ] as const)('%s', (_label, raw, expected) => {
    expect(problems(raw)).toStrictEqual(expected);
  });
});

describe('config problems come in one report, not in rounds', () => {
  test('schema problems together with duplicate names and dangling references (checked on the raw input)', () => {
    expect(
      problems({
        tenants: [
          {
            name: 'team-a',
            templates: [{ name: 'py', isolation: 'firecracker', containers: [C] }],
            warmPools: [{ name: 'p', template: 'python', replicas: 'many' }, { name: 'p', template: 'py' }],
            claims: [{ name: 'c', warmPool: 'q' }],
          },
        ],
      }),
    ).toStrictEqual([
      'tenants[0].templates[0].isolation: must be one of "gvisor", "kata", got "firecracker"',
      'tenants[0].warmPools[0].replicas: must be number, got "many"',
      'tenants[0].warmPools[1].name: "p" is already used by tenants[0].warmPools[0]',
      'tenants[0].warmPools[0].template: "python" is not a template of tenant team-a (py)',
      'tenants[0].claims[0].warmPool: "q" is not a warm pool of tenant team-a (p)',
    ]);
  });

  test('replica bounds are left to the schema then (no second line for the same value)', () => {
    expect(problems(tenant({ warmPools: [{ name: 'p', template: 'py', maxReplicas: 0 }], claims: [{ name: 'c', warmPool: 'nope' }] }))).toStrictEqual([
      'tenants[0].warmPools[0].maxReplicas: must be ≥ 1, got 0',
      'tenants[0].claims[0].warmPool: "nope" is not a warm pool of tenant team-a (p)',
    ]);
  });

  test('malformed shapes only give schema lines: references into a list with a broken name are not judged', () => {
    expect(problems({ tenants: [{ name: 'team-a', templates: [{ name: 7, containers: [C] }], warmPools: [null, { name: 'p', template: 'py' }] }] })).toStrictEqual([
      'tenants[0].templates[0].name: must be string, got 7',
      'tenants[0].warmPools[0]: must be object, got null',
    ]);
    expect(problems({ tenants: 'team-a' })).toStrictEqual(['tenants: must be array, got "team-a"']);
    expect(problems({ tenants: [5] })).toStrictEqual(['tenants[0]: must be object, got 5']);
  });
});

describe('cpu and memory limits are a config rule (same words as the construct)', () => {
  const REQUIRED = 'is required: limits bound what an untrusted sandbox can take from its node';

  test('template and sandbox containers and init containers', () => {
    expect(
      problems({
        tenants: [
          {
            name: 'team-a',
            templates: [{ name: 'py', containers: [{ name: 'main', image: 'x', resources: { limits: { cpu: '1' } } }] }],
            sandboxes: [{ name: 'box', containers: [C], initContainers: [{ name: 'init', image: 'x', resources: { requests: { cpu: '1', memory: '1Gi' } } }] }],
          },
        ],
      }),
    ).toStrictEqual([
      `tenants[0].templates[0].containers[0].resources.limits.memory: ${REQUIRED}`,
      `tenants[0].sandboxes[0].initContainers[0].resources.limits.cpu: ${REQUIRED}`,
      `tenants[0].sandboxes[0].initContainers[0].resources.limits.memory: ${REQUIRED}`,
    ]);
  });

  test('securityOptOuts: [resourceLimits] turns the rule off for that template', () => {
    expect(problems(tenant({ templates: [{ name: 'py', securityOptOuts: ['resourceLimits'], containers: [{ name: 'main', image: 'x' }] }] }))).toStrictEqual([]);
  });

  test('negative container quantities are refused here too (the schema pattern allows a sign)', () => {
    expect(problems(tenant({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: '-1', memory: '1Gi' } } }] }] }))).toStrictEqual([
      'tenants[0].templates[0].containers[0].resources.limits.cpu: must not be negative, got "-1"',
    ]);
  });
});

describe('config quantities use the constructs\' parser (one grammar)', () => {
  const quota = (value: unknown) => ({ tenants: [{ name: 'team-a', namespace: { quota: { hard: { 'requests.cpu': value } } } }] });
  const EXPECTED = 'a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")';

  test.each(['100n', '1u', '500m', '1e3', '1E-3', '.5', '1.', '2Gi', 20])('%s is accepted', (value) => {
    expect(problems(quota(value))).toStrictEqual([]);
  });

  test.each([
    ['1 core', 'invalid quantity "1 core": unknown suffix " core"'],
    ['Mi', 'invalid quantity "Mi": no number at the start'],
    ['2GB', 'invalid quantity "2GB": unknown suffix "GB"'],
  ])('%s is refused with the reason', (value, why) => {
    expect(problems(quota(value))).toStrictEqual([`tenants[0].namespace.quota.hard["requests.cpu"]: ${why}; expected ${EXPECTED}`]);
  });

  test.each([
    ['-1', 'must not be negative, got "-1"'],
    [-2, 'must be a quantity ≥ 0, got -2'],
  ])('%s is refused (no negative quantities)', (value, why) => {
    expect(problems(quota(value))).toStrictEqual([`tenants[0].namespace.quota.hard["requests.cpu"]: ${why}`]);
  });
});

test('a claim may name the label domains of a controller outside the chart', () => {
  expect(problems(tenant({ warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'p', allowedLabelDomains: ['corp.example'] }] }))).toStrictEqual([]);
  expect(problems(tenant({ warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'p', allowedLabelDomains: [] }] }))).toStrictEqual([
    'tenants[0].claims[0].allowedLabelDomains: must be at least 1 items, got 0 items',
  ]);
});

describe('system namespaces are never tenants', () => {
  const t = (name: string) => ({ name, templates: [{ name: 'py', containers: [C] }] });
  test("Kubernetes' own, the controller's, and the rendered platforms' reserved names, all in one report", () => {
    const lines = problems({ agentSandbox: { namespace: 'sandbox-ctl' }, tenants: [t('kube-system'), t('default'), t('kube-team'), t('sandbox-ctl'), t('gke-team'), t('team-a')] });
    expect(lines.map((l) => l.slice(0, l.indexOf('" ') + 1))).toEqual([
      'tenants[0].name: "kube-system"',
      'tenants[1].name: "default"',
      'tenants[2].name: "kube-team"',
      'tenants[3].name: "sandbox-ctl"',
      'tenants[4].name: "gke-team"',
    ]);
    expect(lines[3]).toContain("is the agent-sandbox controller's namespace (agentSandbox.namespace)");
  });

  test('a platform prefix counts only for the platforms rendered', () => {
    const raw = { tenants: [t('aks-team')] };
    expect(() => validateConfig(raw, 'config', { platforms: ['eks'] })).not.toThrow();
    expect(() => validateConfig(raw, 'config', { platforms: ['aks'] })).toThrow(/tenants\[0\]\.name: "aks-team" has the reserved prefix aks- on aks/);
  });

  test('also when other parts of the config fail the schema', () => {
    expect(problems({ tenants: [t('default'), { name: 'x', templates: 'no' }] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tenants\[0\]\.name: "default" is a system namespace/), 'tenants[1].templates: must be array, got "no"']),
    );
  });
});
