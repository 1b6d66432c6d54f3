import { Testing } from 'cdk8s';
import { SandboxNamespace } from '../../../constructs/tenant/sandbox-namespace';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../../validation/sandbox/object';
import { Sandbox, type SandboxProps } from '../../../constructs/workloads/sandbox';
import { findObject, synthObjects, type K8sObject } from '../../support/synth';
import { chartWithController, errorOf, GKE_PLACEMENT, MAIN, MAIN_EMITTED, POD_SECURITY_CONTEXT } from './support';
import { SANDBOX_API } from '../../support/upstream';

function synthSandbox(props: Partial<SandboxProps> = {}): { sandbox: Sandbox; obj: K8sObject } {
  const chart = Testing.chart();
  const sandbox = new Sandbox(chart, 'dev-box', { namespace: 'ns', platform: 'eks', containers: [MAIN], ...props });
  return { sandbox, obj: findObject(synthObjects(chart), 'Sandbox') };
}

const PVC = { metadata: { name: 'workspace' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } };

describe('Sandbox', () => {
  test(`defaults: ${SANDBOX_API}, Running, the same secure pod as a template`, () => {
    const { obj, sandbox } = synthSandbox();
    expect(obj).toStrictEqual({
      apiVersion: SANDBOX_API,
      kind: 'Sandbox',
      metadata: {
        name: 'dev-box',
        namespace: 'ns',
        labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': 'gvisor' },
      },
      spec: {
        podTemplate: {
          spec: { runtimeClassName: 'gvisor', automountServiceAccountToken: false, enableServiceLinks: false, securityContext: POD_SECURITY_CONTEXT, containers: [MAIN_EMITTED] },
        },
        operatingMode: 'Running',
      },
    });
    expect(sandbox.platform).toBe('eks');
    expect(sandbox.pod.isolation).toBe('gvisor');
  });

  test('operatingMode Suspended (hibernation), shutdownTime, shutdownPolicy, volumeClaimTemplates and service', () => {
    const { obj } = synthSandbox({
      operatingMode: 'Suspended',
      shutdownTime: '2026-12-31T18:00:00+01:00',
      shutdownPolicy: 'Delete',
      volumeClaimTemplates: [PVC],
      service: true,
    });
    const { podTemplate: _p, ...rest } = obj.spec;
    expect(rest).toStrictEqual({
      operatingMode: 'Suspended',
      shutdownTime: '2026-12-31T18:00:00+01:00',
      shutdownPolicy: 'Delete',
      volumeClaimTemplates: [PVC],
      service: true,
    });
  });

  test('shutdownPolicy Retain without a shutdownTime is emitted as given', () => {
    expect(synthSandbox({ shutdownPolicy: 'Retain' }).obj.spec.shutdownPolicy).toBe('Retain');
  });

  test('GKE placement and a SandboxNamespace ServiceAccount, like templates', () => {
    const chart = Testing.chart();
    const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a' });
    new Sandbox(chart, 'box', { namespace: ns, platform: 'gke-autopilot', containers: [MAIN] });
    const spec = findObject(synthObjects(chart), 'Sandbox').spec.podTemplate.spec;
    expect(spec.nodeSelector).toStrictEqual(GKE_PLACEMENT.nodeSelector);
    expect(spec.tolerations).toStrictEqual(GKE_PLACEMENT.tolerations);
    expect(spec.serviceAccountName).toBe('sandbox');
  });

  test('an opt-out is recorded on the Sandbox', () => {
    const { obj } = synthSandbox({ securityOptOuts: ['hostPath'], volumes: [{ name: 'h', hostPath: { path: '/data' } }] });
    expect(obj.metadata.annotations).toStrictEqual({ [SECURITY_OPT_OUTS_ANNOTATION]: 'hostPath' });
  });

  test('needs no extensions: built in a chart whose controller runs without them', () => {
    const chart = chartWithController({ controller: { extensions: false } });
    expect(new Sandbox(chart, 'box', { namespace: 'ns', platform: 'kind', containers: [MAIN] }).name).toBe('box');
  });

  test.each([
    ['tomorrow 6pm', 'shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "tomorrow 6pm"'],
    ['2026-02-30T10:00:00Z', 'shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-02-30T10:00:00Z" (2026-02 has no day 30)'],
  ])('shutdownTime %s is refused', (shutdownTime, line) => {
    expect(errorOf(() => synthSandbox({ shutdownTime }))).toBe(`Sandbox "test/dev-box" is invalid:\n  ${line}`);
  });

  test('name and shutdownTime problems are reported together with the pod\'s', () => {
    expect(errorOf(() => synthSandbox({ name: 'Dev.Box', shutdownTime: 'soon', platform: 'aks', containers: [{ name: 'main', image: 'x', resources: { limits: { cpu: '1' } } }] }))).toBe(
      [
        'Sandbox "test/dev-box" is invalid:',
        '  name: "Dev.Box" is not a valid name (lowercase letters, digits and "-", at most 63 characters)',
        '  shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "soon"',
        '  containers[0] (main).resources.limits.memory: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
      ].join('\n'),
    );
  });

  test('a name that is not a DNS label is refused (the sandbox pod and Service take it)', () => {
    expect(errorOf(() => synthSandbox({ name: 'Dev.Box' }))).toBe(
      'Sandbox "test/dev-box" is invalid:\n  name: "Dev.Box" is not a valid name (lowercase letters, digits and "-", at most 63 characters)',
    );
  });
});
