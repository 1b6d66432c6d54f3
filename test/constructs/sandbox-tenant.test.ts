import { Testing } from 'cdk8s';
import type { TenantConfig } from '../../constructs/config/tenant-schema';
import { validateConfig } from '../../constructs/config/validate-config';
import { driverIs } from '../../constructs/dra/cel-selector';
import { DeviceClass } from '../../constructs/dra/device-class';
import type { Platform } from '../../constructs/platform/profiles';
import { SandboxTenant } from '../../constructs/sandbox-tenant';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../constructs/validation/sandbox-invariants';
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
  try {
    build(raw, platform, kubernetesVersion);
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
    expect(findObject(objects, 'SandboxWarmPool').spec).toStrictEqual({ replicas: 2, sandboxTemplateRef: { name: 'py' }, updateStrategy: { type: 'OnReplenish' } });
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('py-warm');
    expect(findObject(objects, 'SandboxClaim').spec).toStrictEqual({
      warmPoolRef: { name: 'py-warm' },
      lifecycle: { shutdownPolicy: 'Delete' },
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
    const { objects } = build({ templates: [{ name: 'py', containers: [C], securityOptOuts: ['hostPath'], volumes: [{ name: 'h', hostPath: { path: '/d' } }] }] });
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
      'tenants[team-a].templates[0]: SandboxTemplate team-a/py is invalid:\n' +
        '    deviceClaims[0]: ResourceClaimTemplate "gpu" allocates a GPU through DRA, which gVisor\'s GPU proxy does not support (https://github.com/google/gvisor/issues/13621); use gpu: { count, type } (nvidia.com/gpu limits) for gVisor GPU sandboxes',
    );
  });

  test('every object is attempted: all problems of a tenant in one error, dependents say why they were skipped', () => {
    expect(
      buildError(
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
        'tenants[team-a].claimTemplates[0]: ResourceClaimTemplate "fpga": DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33',
        'tenants[team-a].templates[0]: SandboxTemplate team-a/py is invalid:',
        '    containers[0] (main).resources.limits.cpu: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        '    containers[0] (main).resources.limits.memory: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        'tenants[team-a].warmPools[0]: template "py" was not built (see its error above)',
        'tenants[team-a].claims[0]: warm pool "broken" was not built (see its error above)',
        'tenants[team-a].claims[1]: SandboxClaim "test/Tenant/Claim-c2" is invalid:',
        '    additionalPodMetadata.labels["team"]: the controller only accepts label keys in the allowed domains (sandbox.users.io) or their subdomains; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix',
        'tenants[team-a].sandboxes[0]: Sandbox team-a/box is invalid:',
        '    gpu: GPU sandboxes are supported on gke-autopilot and gke-standard (gVisor with nvidia.com/gpu limits); aks is not one of them',
      ].join('\n'),
    );
  });

  test('malformed quantities in container resources are refused before synth validation', () => {
    expect(buildError({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: 'lots', memory: '1Gi' }, requests: { 'nvidia.com/gpu': '-1' } } }] }] })).toBe(
      [
        'tenants[team-a].templates[0]: SandboxTemplate team-a/py is invalid:',
        '    containers[0] (main).resources.limits.cpu: invalid quantity "lots": no number at the start; expected a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")',
        '    containers[0] (main).resources.requests["nvidia.com/gpu"]: must not be negative, got "-1"',
      ].join('\n'),
    );
  });
});
