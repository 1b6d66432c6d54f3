import { Testing } from 'cdk8s';
import type { TenantConfig } from '../../config/tenant-schema';
import { validateConfig } from '../../config/validate';
import { driverIs } from '../../core/cel/cel-selector';
import { DeviceClass } from '../../constructs/dra/device-class';
import type { Platform } from '../../platforms';
import { SandboxTenant } from '../../constructs/sandbox-tenant';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../validation/sandbox/object';
import { findObject, synthObjects, type K8sObject } from '../support/synth';

const C = { name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };
const METRIC = { type: 'External', external: { metric: { name: 'claim_rate' }, target: { type: 'AverageValue', averageValue: '1' } } };

/** A tenant from config (validated first, as synth does), built on `platform`. */
function build(raw: Record<string, unknown>, platform: Platform = 'kind', kubernetesVersion?: string) {
  const tenant = validateConfig({ tenants: [{ name: 'team-a', ...raw }] }).tenants![0] as TenantConfig;
  const chart = Testing.chart();
  const fpga = new DeviceClass(chart, 'Fpga', { name: 'fpga', selectors: [driverIs('fpga.example.com')] });
  const nvidia = new DeviceClass(chart, 'Nvidia', { name: 'nvidia', selectors: [driverIs('gpu.nvidia.com')] });
  const built = new SandboxTenant(chart, 'Tenant', { tenant, platform, kubernetesVersion, deviceClasses: new Map([['fpga', fpga], ['nvidia', nvidia]]) });
  return { built, objects: synthObjects(chart).filter((o) => o.kind !== 'DeviceClass') };
}

function buildError(raw: Record<string, unknown>, platform: Platform = 'kind', kubernetesVersion?: string): string {
  return errorOf(() => build(raw, platform, kubernetesVersion));
}

/**
 * The construct alone on a tenant that did not go through validateConfig (a TypeScript user's SandboxTenant, or
 * what the config rules would have stopped earlier): the construct's own checks.
 */
function buildRawError(raw: Record<string, unknown>, platform: Platform = 'kind', kubernetesVersion?: string): string {
  return errorOf(() => {
    const chart = Testing.chart();
    const fpga = new DeviceClass(chart, 'Fpga', { name: 'fpga', selectors: [driverIs('fpga.example.com')] });
    new SandboxTenant(chart, 'Tenant', { tenant: { name: 'team-a', ...raw } as TenantConfig, platform, kubernetesVersion, deviceClasses: new Map([['fpga', fpga]]) });
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

const names = (objects: K8sObject[]) => objects.map((o) => `${o.kind} ${o.metadata.name}`);

describe('SandboxTenant', () => {
  test('a minimal tenant is its hardened namespace baseline', () => {
    const { built, objects } = build({});
    expect(built.namespace.name).toBe('team-a');
    expect(names(objects)).toStrictEqual([
      'Namespace team-a',
      'NetworkPolicy default-deny-all',
      'NetworkPolicy allow-dns',
      'ResourceQuota sandbox-quota',
      'LimitRange sandbox-limits',
      'ServiceAccount sandbox',
    ]);
    expect(built.templates.size).toBe(0);
  });

  test('every kind of object, in the tenant namespace, wired by name and by construct', () => {
    const { built, objects } = build({
      namespace: { serviceAccountName: 'agent' },
      claimTemplates: [{ name: 'fpga', requests: [{ name: 'fpga', exactly: { deviceClass: 'fpga' } }] }],
      templates: [{ name: 'py', containers: [C], envVarsInjectionPolicy: 'Allowed', deviceClaims: [{ name: 'accel', claimTemplate: 'fpga' }] }],
      warmPools: [{ name: 'py-warm', template: 'py', autoscaling: { minReplicas: 2, maxReplicas: 8, metrics: [METRIC] } }],
      claims: [{ name: 'job-1', warmPool: 'py-warm', env: [{ name: 'TASK', value: 'x' }], lifecycle: { shutdownPolicy: 'Delete' } }],
      sandboxes: [{ name: 'box', containers: [C], operatingMode: 'Suspended', shutdownTime: '2026-12-31T23:59:59Z' }],
    });
    const sandboxKinds = objects.filter((o) => !['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'ServiceAccount'].includes(o.kind));
    expect(names(sandboxKinds).sort()).toStrictEqual([
      'HorizontalPodAutoscaler py-warm',
      'ResourceClaimTemplate fpga',
      'Sandbox box',
      'SandboxClaim job-1',
      'SandboxTemplate py',
      'SandboxWarmPool py-warm',
    ]);
    for (const o of sandboxKinds) expect(o.metadata.namespace).toBe('team-a');

    const template = findObject(objects, 'SandboxTemplate');
    expect(template.spec.podTemplate.spec.serviceAccountName).toBe('agent');
    expect(template.spec.podTemplate.spec.resourceClaims).toStrictEqual([{ name: 'accel', resourceClaimTemplateName: 'fpga' }]);
    expect(template.spec.envVarsInjectionPolicy).toBe('Allowed');
    expect(findObject(objects, 'ResourceClaimTemplate').spec.spec.devices.requests[0].exactly.deviceClassName).toBe('fpga');
    // The HPA owns spec.replicas.
    expect(findObject(objects, 'SandboxWarmPool').spec).toStrictEqual({ sandboxTemplateRef: { name: 'py' }, updateStrategy: { type: 'OnReplenish' } });
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('py-warm');
    expect(findObject(objects, 'SandboxClaim').spec).toStrictEqual({
      warmPoolRef: { name: 'py-warm' },
      lifecycle: { shutdownPolicy: 'Delete', ttlSecondsAfterFinished: 3600 },
      env: [{ name: 'TASK', value: 'x' }],
    });
    expect(findObject(objects, 'Sandbox').spec.operatingMode).toBe('Suspended');
    expect(findObject(objects, 'Sandbox').spec.shutdownTime).toBe('2026-12-31T23:59:59Z');
    expect([...built.templates.keys()]).toStrictEqual(['py']);
    expect([...built.warmPools.keys()]).toStrictEqual(['py-warm']);
    expect([...built.claimTemplates.keys()]).toStrictEqual(['fpga']);
    expect(built.warmPools.get('py-warm')!.peakReplicas).toBe(8);
  });

  test('template opt-outs from the config land in the annotation', () => {
    // hostPath fails baseline too: the namespace must say so (issue 14 item 2), or the template is refused.
    const { objects } = build({
      namespace: { podSecurity: { enforce: 'privileged' } },
      templates: [{ name: 'py', containers: [C], securityOptOuts: ['hostPath'], volumes: [{ name: 'h', hostPath: { path: '/d' } }] }],
    });
    expect(findObject(objects, 'SandboxTemplate').metadata.annotations).toStrictEqual({ [SECURITY_OPT_OUTS_ANNOTATION]: 'hostPath' });
  });

  test('a class the platform provides can be named without a DeviceClass construct', () => {
    const { objects } = build({ claimTemplates: [{ name: 'gpu', requests: [{ name: 'gpu', exactly: { deviceClass: 'gpu.nvidia.com' } }] }] }, 'aks');
    expect(findObject(objects, 'ResourceClaimTemplate').spec.spec.devices.requests[0].exactly.deviceClassName).toBe('gpu.nvidia.com');
  });

  test('a DRA GPU claim template is accepted under Kata (AKS) and refused under gVisor', () => {
    const raw = {
      claimTemplates: [{ name: 'gpu', requests: [{ name: 'gpu', exactly: { deviceClass: 'nvidia' } }] }],
      templates: [{ name: 'py', containers: [C], deviceClaims: [{ name: 'gpu', claimTemplate: 'gpu' }] }],
    };
    expect(findObject(build(raw, 'aks').objects, 'SandboxTemplate').spec.podTemplate.spec.runtimeClassName).toBe('kata-vm-isolation');
    expect(buildError(raw, 'gke-autopilot')).toBe(
      'tenants[team-a].templates[0].deviceClaims[0]: ResourceClaimTemplate "gpu" allocates a GPU through DRA, which gVisor\'s GPU proxy does not support (https://github.com/google/gvisor/issues/13621); use gpu: { count, type } (nvidia.com/gpu limits) for gVisor GPU sandboxes',
    );
  });

  test('every object is attempted: all problems of a tenant in one error at config paths, dependents say why they were skipped', () => {
    expect(
      buildRawError(
        {
          claimTemplates: [{ name: 'fpga', requests: [{ name: 'fpga', exactly: { deviceClass: 'fpga' } }] }],
          templates: [
            { name: 'py', containers: [{ name: 'main', image: 'x' }] },
            { name: 'ok', containers: [C] },
          ],
          warmPools: [
            { name: 'broken', template: 'py' },
            { name: 'fine', template: 'ok' },
          ],
          claims: [
            { name: 'c1', warmPool: 'broken' },
            { name: 'c2', warmPool: 'fine', additionalPodMetadata: { labels: { team: 'a' } } },
          ],
          sandboxes: [{ name: 'box', containers: [C], gpu: { count: 1, type: 'nvidia-l4' } }],
        },
        'aks',
        '1.33',
      ),
    ).toBe(
      [
        'tenants[team-a].claimTemplates[0]: DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33',
        'tenants[team-a].templates[0].containers[0].resources.limits.cpu: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        'tenants[team-a].templates[0].containers[0].resources.limits.memory: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        'tenants[team-a].warmPools[0].template: "py" could not be built (its problems are listed)',
        'tenants[team-a].claims[0].warmPool: "broken" could not be built (its problems are listed)',
        "tenants[team-a].claims[1].additionalPodMetadata.labels[\"team\"]: no agent-sandbox controller is in this chart, so the allowlist is the installed controller's (for GKE's managed add-on, its default sandbox.users.io): " +
          'the controller only accepts label keys in the allowed domains (sandbox.users.io) or their subdomains; use an allowed prefix, or, if that controller was configured with other domains, pass them as allowedLabelDomains on the claim',
        'tenants[team-a].sandboxes[0].gpu: GPU sandboxes are supported on gke-autopilot and gke-standard (gVisor with nvidia.com/gpu limits), not on aks',
      ].join('\n'),
    );
  });

  test('malformed quantities in container resources are refused before synth validation (the construct alone)', () => {
    expect(buildRawError({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: 'lots', memory: '1Gi' }, requests: { 'nvidia.com/gpu': '-1' } } }] }] })).toBe(
      [
        'tenants[team-a].templates[0].containers[0].resources.limits.cpu: invalid quantity "lots": no number at the start; expected a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")',
        'tenants[team-a].templates[0].containers[0].resources.requests["nvidia.com/gpu"]: must not be negative, got "-1"',
      ].join('\n'),
    );
  });
});

describe('SandboxTenant: a namespace error', () => {
  test('is reported at its config path, and the other objects are still built and checked against a stand-in', () => {
    // The stand-in keeps the namespace settings: adminAccess is allowed (allowDraAdminAccess), no spurious error.
    expect(
      buildError({
        namespace: { egressAllowlist: [{ cidrs: ['10.0.0.1/8'] }], allowDraAdminAccess: true },
        claimTemplates: [{ name: 'adm', requests: [{ name: 'gpu', exactly: { deviceClass: 'gpu.nvidia.com', adminAccess: true } }] }],
        templates: [{ name: 'py', containers: [C], runAsUser: 0 }],
        warmPools: [{ name: 'p', template: 'py' }],
      }),
    ).toBe(
      [
        'tenants[team-a].namespace.egressAllowlist[0].cidrs[0]: "10.0.0.1/8" has host bits set: the network is "10.0.0.0/8"',
        'tenants[team-a].templates[0].runAsUser: 0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the containers); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]',
        'tenants[team-a].warmPools[0].template: "py" could not be built (its problems are listed)',
      ].join('\n'),
    );
  });

  test('alone, it is the only line', () => {
    expect(buildError({ namespace: { egressAllowlist: [{ cidrs: ['10.0.0.1/8'] }] }, templates: [{ name: 'py', containers: [C] }] })).toBe(
      'tenants[team-a].namespace.egressAllowlist[0].cidrs[0]: "10.0.0.1/8" has host bits set: the network is "10.0.0.0/8"',
    );
  });
});

describe('SandboxTenant: templates default to networkPolicyManagement Unmanaged (the namespace confines the pods)', () => {
  test('no controller default policy on top of the namespace allowlist; explicit rules stay Managed', () => {
    const { objects } = build({
      templates: [
        { name: 'py', containers: [C] },
        { name: 'ruled', containers: [C], networkPolicy: { egress: [{ ports: [{ port: 443 }] }] } },
      ],
    });
    const templates = objects.filter((o) => o.kind === 'SandboxTemplate');
    expect(templates.map((o) => [o.metadata.name, o.spec.networkPolicyManagement])).toStrictEqual([
      ['py', 'Unmanaged'],
      ['ruled', 'Managed'],
    ]);
  });
});

describe('SandboxTenant: pods against the namespace LimitRange and ResourceQuota', () => {
  const REJECTED = '(pods would be rejected at admission)';

  test('container limits above the LimitRange max (containers and init containers, templates and sandboxes)', () => {
    expect(
      buildError({
        templates: [{ name: 'big', containers: [{ ...C, resources: { limits: { cpu: '16', memory: '64Gi' } } }] }],
        sandboxes: [{ name: 'box', containers: [C], initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: '1', memory: '40Gi' } } }] }],
      }),
    ).toBe(
      [
        `tenants[team-a].templates[0].containers[0].resources.limits.cpu: 16 is above the namespace LimitRange max 8 ${REJECTED}`,
        `tenants[team-a].templates[0].containers[0].resources.limits.memory: 64Gi is above the namespace LimitRange max 32Gi ${REJECTED}`,
        `tenants[team-a].sandboxes[0].initContainers[0].resources.limits.memory: 40Gi is above the namespace LimitRange max 32Gi ${REJECTED}`,
      ].join('\n'),
    );
  });

  test('a lowered max is the one checked; exactly at the max is fine', () => {
    const raw = (cpu: string) => ({ namespace: { limitRange: { max: { cpu: '2' } } }, templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu, memory: '1Gi' } } }] }] });
    expect(buildError(raw('2500m'))).toBe(`tenants[team-a].templates[0].containers[0].resources.limits.cpu: 2500m is above the namespace LimitRange max 2 ${REJECTED}`);
    expect(build(raw('2')).built.templates.size).toBe(1);
  });

  test('a request without a limit must not exceed the LimitRange default limit it gets', () => {
    expect(buildError({ templates: [{ name: 'py', securityOptOuts: ['resourceLimits'], containers: [{ name: 'main', image: 'x', resources: { requests: { cpu: '2' } } }] }] })).toBe(
      `tenants[team-a].templates[0].containers[0].resources.requests.cpu: 2 is above the namespace LimitRange default limit 1, which this container gets as it sets no cpu limit ${REJECTED}`,
    );
  });

  test('without a LimitRange, containers without requests/limits are rejected by the quota', () => {
    const why = 'is not set and the namespace has no LimitRange to default it (limitRange: false), but the namespace quota tracks';
    const raw = (namespace: Record<string, unknown>) => ({ namespace, templates: [{ name: 'py', securityOptOuts: ['resourceLimits'], containers: [{ name: 'main', image: 'x' }] }] });
    expect(buildError(raw({ limitRange: false }))).toBe(
      [
        `tenants[team-a].templates[0].containers[0].resources.requests.cpu: ${why} requests.cpu ${REJECTED}`,
        `tenants[team-a].templates[0].containers[0].resources.requests.memory: ${why} requests.memory ${REJECTED}`,
        `tenants[team-a].templates[0].containers[0].resources.limits.cpu: ${why} limits.cpu ${REJECTED}`,
        `tenants[team-a].templates[0].containers[0].resources.limits.memory: ${why} limits.memory ${REJECTED}`,
      ].join('\n'),
    );
    // With the LimitRange on, its defaults fill them in; with the quota off too, nothing is tracked.
    expect(build(raw({})).built.templates.size).toBe(1);
    expect(build(raw({ limitRange: false, quota: false })).built.templates.size).toBe(1);
  });

  test('warm pools at peak, claims and sandboxes count against pods; the breakdown names each', () => {
    expect(
      buildError({
        namespace: { quota: { hard: { pods: '10' } } },
        templates: [{ name: 'py', containers: [C] }],
        warmPools: [
          { name: 'a', template: 'py', replicas: 6 },
          { name: 'b', template: 'py', autoscaling: { minReplicas: 1, maxReplicas: 3, metrics: [METRIC] } },
        ],
        claims: [{ name: 'c1', warmPool: 'a' }],
        sandboxes: [{ name: 'box', containers: [C], operatingMode: 'Suspended' }],
      }),
    ).toBe('tenants[team-a]: 11 sandboxes need pods 11 but the namespace quota allows 10 (warm pool a at peak: 6; warm pool b at peak: 3; claim c1: 1; sandbox box: 1)');
  });

  test('the default quota (pods 50, requests 20 CPU/40Gi, limits 40 CPU/80Gi): 100 warm sandboxes of 1 CPU/1Gi', () => {
    expect(buildError({ templates: [{ name: 'py', containers: [C] }], warmPools: [{ name: 'p', template: 'py', replicas: 100 }] })).toBe(
      [
        'tenants[team-a].warmPools: 100 sandboxes need pods 100 but the namespace quota allows 50',
        'tenants[team-a].warmPools: 100 sandboxes need requests.cpu 100 but the namespace quota allows 20',
        'tenants[team-a].warmPools: 100 sandboxes need requests.memory 100Gi but the namespace quota allows 40Gi',
        'tenants[team-a].warmPools: 100 sandboxes need limits.cpu 100 but the namespace quota allows 40',
        'tenants[team-a].warmPools: 100 sandboxes need limits.memory 100Gi but the namespace quota allows 80Gi',
      ].join('\n'),
    );
  });

  test('requests default to limits; given requests are summed exactly (millis, binary suffixes)', () => {
    const container = { ...C, resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '256Mi' } } };
    expect(
      buildError({
        namespace: { quota: { hard: { 'requests.cpu': '3', 'requests.memory': '1Gi', 'limits.cpu': '6' } } },
        templates: [{ name: 'py', containers: [container] }],
        warmPools: [{ name: 'p', template: 'py', replicas: 7 }],
      }),
    ).toBe(
      [
        'tenants[team-a].warmPools: 7 sandboxes need requests.cpu 3500m but the namespace quota allows 3',
        'tenants[team-a].warmPools: 7 sandboxes need requests.memory 1792Mi but the namespace quota allows 1Gi',
        'tenants[team-a].warmPools: 7 sandboxes need limits.cpu 7 but the namespace quota allows 6',
      ].join('\n'),
    );
  });

  test('GPU limits count against an extended-resource quota', () => {
    expect(
      buildError(
        {
          namespace: { quota: { hard: { 'limits.cpu': '10', 'requests.nvidia.com/gpu': '2' } } },
          templates: [{ name: 'gpu', containers: [{ ...C, resources: { limits: { cpu: '2', memory: '4Gi' } } }], gpu: { count: 1, type: 'nvidia-l4' } }],
          warmPools: [{ name: 'g', template: 'gpu', replicas: 6 }],
        },
        'gke-autopilot',
      ),
    ).toBe(
      [
        'tenants[team-a].warmPools: 6 sandboxes need limits.cpu 12 but the namespace quota allows 10',
        'tenants[team-a].warmPools: 6 sandboxes need requests.nvidia.com/gpu 6 but the namespace quota allows 2',
      ].join('\n'),
    );
  });

  test('exactly at the quota is fine; with quota and LimitRange off nothing is checked', () => {
    expect(build({ templates: [{ name: 'py', containers: [C] }], warmPools: [{ name: 'p', template: 'py', replicas: 20 }] }).built.warmPools.size).toBe(1);
    const huge = { templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: '64', memory: '1Gi' } } }] }], warmPools: [{ name: 'p', template: 'py', replicas: 500 }] };
    expect(build({ namespace: { quota: false, limitRange: false }, ...huge }).built.warmPools.size).toBe(1);
  });
});
