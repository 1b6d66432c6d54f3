import { App, JsonPatch, Testing } from 'cdk8s';
import { Sandbox } from '../../../constructs/workloads/sandbox';
import { DeviceClass } from '../../../constructs/dra/device-class';
import { ResourceClaimTemplate } from '../../../constructs/dra/resource-claim-template';
import { driverIs } from '../../../core/cel/cel-selector';
import { SandboxPlatformChart } from '../../../constructs/sandbox-platform-chart';
import { SandboxNamespace } from '../../../constructs/tenant/sandbox-namespace';
import {
  createSandboxInvariantsChecker,
  SECURITY_OPT_OUTS_ANNOTATION,
  type SandboxRuleId,
} from '../../../validation/sandbox/object';
import { SandboxTemplate } from '../../../constructs/workloads/sandbox-template';
import type { SandboxContainer } from '../../../constructs/workloads/sandbox-pod';
import { findObject, synthObjects, type K8sObject } from '../../support/synth';
import { chartWithController, errorOf, GKE_PLACEMENT, MAIN, MAIN_EMITTED, POD_SECURITY_CONTEXT, template } from './support';
import { EXTENSIONS_API } from '../../support/upstream';

const LABELS = (isolation: string) => ({ 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': isolation });

function synthTemplate(props: Parameters<typeof template>[1] = {}): { tpl: SandboxTemplate; obj: K8sObject } {
  const chart = Testing.chart();
  const tpl = template(chart, props);
  return { tpl, obj: findObject(synthObjects(chart), 'SandboxTemplate') };
}

describe('SandboxTemplate defaults', () => {
  test('eks: the whole object — our gvisor RuntimeClass, no placement on the pod (the RuntimeClass carries it), secure defaults', () => {
    const { tpl, obj } = synthTemplate({ platform: 'eks' });
    expect(obj).toStrictEqual({
      apiVersion: EXTENSIONS_API,
      kind: 'SandboxTemplate',
      metadata: { name: 'tpl', namespace: 'ns', labels: LABELS('gvisor') },
      spec: {
        podTemplate: {
          spec: {
            runtimeClassName: 'gvisor',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: POD_SECURITY_CONTEXT,
            containers: [MAIN_EMITTED],
          },
        },
        networkPolicyManagement: 'Managed',
        envVarsInjectionPolicy: 'Disallowed',
        volumeClaimTemplatesPolicy: 'Disallowed',
      },
    });
    expect(tpl.name).toBe('tpl');
    expect(tpl.namespace).toBe('ns');
    expect(tpl.platform).toBe('eks');
    expect(tpl.pod.isolation).toBe('gvisor');
    expect(tpl.pod.optOuts).toStrictEqual([]);
    expect(tpl.pod.objectAnnotations).toStrictEqual({});
    expect(tpl.envVarsInjectionPolicy).toBe('Disallowed');
    expect(tpl.volumeClaimTemplatesPolicy).toBe('Disallowed');
  });

  test('gke-autopilot: runtimeClassName gvisor plus the nodeSelector and toleration GKE admission requires', () => {
    expect(synthTemplate({ platform: 'gke-autopilot' }).obj.spec.podTemplate.spec).toStrictEqual({
      runtimeClassName: 'gvisor',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: POD_SECURITY_CONTEXT,
      containers: [MAIN_EMITTED],
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
      tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
    });
  });

  test('aks: kata-vm-isolation (the isolation label says kata), no placement (AKS RuntimeClass schedules)', () => {
    const { obj, tpl } = synthTemplate({ platform: 'aks' });
    expect(obj.spec.podTemplate.spec).toStrictEqual({
      runtimeClassName: 'kata-vm-isolation',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: POD_SECURITY_CONTEXT,
      containers: [MAIN_EMITTED],
    });
    expect(obj.metadata.labels).toStrictEqual(LABELS('kata'));
    expect(tpl.pod.isolation).toBe('kata');
    expect(tpl.pod.runtime.limitsSizeTheSandbox).toBe(true);
  });

  test('a SandboxNamespace brings its token-less ServiceAccount', () => {
    const chart = Testing.chart();
    const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a', serviceAccountName: 'agent' });
    template(chart, { namespace: ns });
    const obj = findObject(synthObjects(chart), 'SandboxTemplate');
    expect(obj.metadata.namespace).toBe('team-a');
    expect(obj.spec.podTemplate.spec.serviceAccountName).toBe('agent');
    expect(obj.spec.podTemplate.spec.automountServiceAccountToken).toBe(false);
  });

  test('inside a SandboxPlatformChart the platform comes from the chart', () => {
    const chart = new SandboxPlatformChart(new App({ outdir: '/nonexistent' }), 'aks', { platform: 'aks' });
    const tpl = new SandboxTemplate(chart, 'tpl', { namespace: 'ns', containers: [MAIN] });
    expect(tpl.platform).toBe('aks');
    expect(tpl.pod.podTemplate.spec.runtimeClassName).toBe('kata-vm-isolation');
  });

  test('template-level fields are emitted as given', () => {
    const pvc = { metadata: { name: 'workspace' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const egress = [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 443, protocol: 'TCP' }] }];
    const { obj, tpl } = synthTemplate({
      name: 'python.v2',
      networkPolicyManagement: 'Managed',
      networkPolicy: { egress },
      envVarsInjectionPolicy: 'Overrides',
      volumeClaimTemplates: [pvc],
      volumeClaimTemplatesPolicy: 'Allowed',
      service: false,
    });
    expect(obj.metadata.name).toBe('python.v2');
    const { podTemplate: _p, ...rest } = obj.spec;
    expect(rest).toStrictEqual({
      networkPolicyManagement: 'Managed',
      networkPolicy: { egress },
      envVarsInjectionPolicy: 'Overrides',
      volumeClaimTemplates: [pvc],
      volumeClaimTemplatesPolicy: 'Allowed',
      service: false,
    });
    expect(tpl.envVarsInjectionPolicy).toBe('Overrides');
    expect(tpl.volumeClaimTemplatesPolicy).toBe('Allowed');
  });

  test('networkPolicyManagement Unmanaged: no networkPolicy, and rules given with it are refused (they would be ignored)', () => {
    expect(synthTemplate({ networkPolicyManagement: 'Unmanaged' }).obj.spec.networkPolicyManagement).toBe('Unmanaged');
    expect(errorOf(() => synthTemplate({ networkPolicyManagement: 'Unmanaged', networkPolicy: { ingress: [] } }))).toBe(
      'SandboxTemplate "test/tpl" is invalid:\n' +
        '  networkPolicy: is ignored with networkPolicyManagement: Unmanaged (the controller then creates no NetworkPolicy for the sandboxes); use Managed, or remove networkPolicy and restrict traffic with your own NetworkPolicies (e.g. the SandboxNamespace allowlists)',
    );
  });

  test('pod-level options: ids, scheduling merged with the platform placement, metadata, pull secrets', () => {
    const { obj } = synthTemplate({
      platform: 'gke-standard',
      runAsUser: 1000,
      runAsGroup: 2000,
      fsGroup: 3000,
      nodeSelector: { pool: 'agents' },
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 5,
      activeDeadlineSeconds: 3600,
      podLabels: { app: 'py' },
      podAnnotations: { note: 'x' },
      priorityClassName: 'sandbox-low',
      imagePullSecrets: ['registry'],
    });
    expect(obj.spec.podTemplate).toStrictEqual({
      metadata: { labels: { app: 'py' }, annotations: { note: 'x' } },
      spec: {
        runtimeClassName: 'gvisor',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 3000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [MAIN_EMITTED],
        nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor', pool: 'agents' },
        tolerations: [...GKE_PLACEMENT.tolerations, { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
        terminationGracePeriodSeconds: 5,
        activeDeadlineSeconds: 3600,
        priorityClassName: 'sandbox-low',
        imagePullSecrets: [{ name: 'registry' }],
      },
    });
  });

  test('a container securityContext is merged over the defaults; capabilities one level deep (drop ALL stays)', () => {
    const { obj } = synthTemplate({
      securityOptOuts: ['capabilitiesAdd'],
      containers: [{ ...MAIN, securityContext: { readOnlyRootFilesystem: true, capabilities: { add: ['NET_BIND_SERVICE'] } } }],
    });
    expect(obj.spec.podTemplate.spec.containers[0].securityContext).toStrictEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    });
  });

  test('an explicit weaker container value is checked, not silently kept', () => {
    expect(errorOf(() => synthTemplate({ containers: [{ ...MAIN, securityContext: { allowPrivilegeEscalation: true } }] }))).toBe(
      'SandboxTemplate ns/tpl is invalid:\n' +
        '  podTemplate.spec.containers[0].securityContext.allowPrivilegeEscalation: must be false (no gaining privileges through setuid binaries), got true [rule allowPrivilegeEscalation; opt out with securityOptOuts: [allowPrivilegeEscalation] if intended]',
    );
  });
});

describe('SandboxTemplate opt-outs', () => {
  const withoutLimits: SandboxContainer = { name: 'main', image: 'python:3.12-slim' };
  const refused = (line: string, rule: SandboxRuleId) => `SandboxTemplate ns/tpl is invalid:\n  ${line} [rule ${rule}; opt out with securityOptOuts: [${rule}] if intended]`;
  // [rule, props, the pod spec with the opt-out, without the opt-out: 'default applied' or the exact error]
  const cases: [SandboxRuleId, Parameters<typeof template>[1], (spec: K8sObject['spec']) => void, string][] = [
    [
      'runAsNonRoot',
      {},
      (spec) => {
        expect(spec.securityContext).toStrictEqual({ seccompProfile: { type: 'RuntimeDefault' } });
        expect(spec.containers[0].securityContext).toStrictEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      },
      'default applied',
    ],
    [
      'seccompProfile',
      {},
      (spec) => expect(spec.securityContext).toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 }),
      'default applied',
    ],
    [
      'allowPrivilegeEscalation',
      {},
      (spec) => expect(spec.containers[0].securityContext).toStrictEqual({ capabilities: { drop: ['ALL'] }, runAsNonRoot: true }),
      'default applied',
    ],
    [
      'capabilitiesDrop',
      {},
      (spec) => expect(spec.containers[0].securityContext).toStrictEqual({ allowPrivilegeEscalation: false, runAsNonRoot: true }),
      'default applied',
    ],
    ['automountServiceAccountToken', {}, (spec) => expect('automountServiceAccountToken' in spec).toBe(false), 'default applied'],
    [
      'resourceLimits',
      { containers: [withoutLimits] },
      (spec) => expect('resources' in spec.containers[0]).toBe(false),
      'SandboxTemplate ns/tpl is invalid:\n' +
        '  containers[0] (main).resources.limits.cpu: is required: limits bound what an untrusted sandbox can take from its node\n' +
        '  containers[0] (main).resources.limits.memory: is required: limits bound what an untrusted sandbox can take from its node',
    ],
    [
      'hostPath',
      { volumes: [{ name: 'host', hostPath: { path: '/var/cache' } }] },
      (spec) => expect(spec.volumes).toStrictEqual([{ name: 'host', hostPath: { path: '/var/cache' } }]),
      refused('podTemplate.spec.volumes[0].hostPath: must not be used (a sandbox must not mount directories of the node), got {"path":"/var/cache"}', 'hostPath'),
    ],
    [
      'privileged',
      { containers: [{ ...MAIN, securityContext: { privileged: true } }] },
      (spec) => expect(spec.containers[0].securityContext.privileged).toBe(true),
      refused('podTemplate.spec.containers[0].securityContext.privileged: must be false or unset (a privileged container controls the node), got true', 'privileged'),
    ],
    [
      'capabilitiesAdd',
      { containers: [{ ...MAIN, securityContext: { capabilities: { add: ['NET_ADMIN'] } } }] },
      (spec) => expect(spec.containers[0].securityContext.capabilities).toStrictEqual({ drop: ['ALL'], add: ['NET_ADMIN'] }),
      refused(
        'podTemplate.spec.containers[0].securityContext.capabilities.add: must be empty or unset (a sandbox must not add Linux capabilities), got ["NET_ADMIN"]',
        'capabilitiesAdd',
      ),
    ],
    [
      'hostPort',
      { containers: [{ ...MAIN, ports: [{ containerPort: 8080, hostPort: 8080 } as never] }] },
      (spec) => expect(spec.containers[0].ports).toStrictEqual([{ containerPort: 8080, hostPort: 8080 }]),
      refused('podTemplate.spec.containers[0].ports[0].hostPort: must not be set (a sandbox must not bind ports on the node), got 8080', 'hostPort'),
    ],
    [
      'projectedServiceAccountToken',
      { volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }] } }] },
      (spec) => expect(spec.volumes[0].projected.sources[0].serviceAccountToken).toStrictEqual({ path: 'token', audience: 'vault' }),
      refused(
        'podTemplate.spec.volumes[0].projected.sources[0].serviceAccountToken: must not be used (a ServiceAccount token gives the sandbox Kubernetes API credentials), got {"path":"token","audience":"vault"}',
        'projectedServiceAccountToken',
      ),
    ],
    [
      'procMount',
      { containers: [{ ...MAIN, securityContext: { procMount: 'Unmasked' } }] },
      (spec) => expect(spec.containers[0].securityContext.procMount).toBe('Unmasked'),
      refused('podTemplate.spec.containers[0].securityContext.procMount: must be Default or unset (an unmasked /proc exposes the kernel), got "Unmasked"', 'procMount'),
    ],
    [
      'clusterTrustBundle',
      { volumes: [{ name: 'ca', projected: { sources: [{ clusterTrustBundle: { name: 'corp-ca', path: 'ca.pem' } }] } }] },
      (spec) => expect(spec.volumes[0].projected.sources[0].clusterTrustBundle).toStrictEqual({ name: 'corp-ca', path: 'ca.pem' }),
      refused(
        'podTemplate.spec.volumes[0].projected.sources[0].clusterTrustBundle: must not be used (a sandbox must not receive cluster trust bundles), got {"name":"corp-ca","path":"ca.pem"}',
        'clusterTrustBundle',
      ),
    ],
    [
      'podCertificate',
      { volumes: [{ name: 'cert', projected: { sources: [{ podCertificate: { signerName: 'corp.example/signer', keyType: 'ED25519', credentialBundlePath: 'bundle.pem' } }] } }] },
      (spec) => expect(spec.volumes[0].projected.sources[0].podCertificate.signerName).toBe('corp.example/signer'),
      refused(
        'podTemplate.spec.volumes[0].projected.sources[0].podCertificate: must not be used (a pod certificate is an identity credential), got {"signerName":"corp.example/signer","keyType":"ED25519","credentialBundlePath":"bundle.pem"}',
        'podCertificate',
      ),
    ],
  ];

  test.each(cases)('%s: the default is not applied, the annotation records it, validate sees only notes', (rule, props, check) => {
    const { obj, tpl } = synthTemplate({ ...props, securityOptOuts: [rule] });
    check(obj.spec.podTemplate.spec);
    expect(obj.metadata.annotations).toStrictEqual({ [SECURITY_OPT_OUTS_ANNOTATION]: rule });
    expect(tpl.pod.optOuts).toStrictEqual([rule]);
    const problems = createSandboxInvariantsChecker({ platform: 'eks' })(obj, 'SandboxTemplate ns/tpl');
    expect(problems.filter((p) => p.severity === 'error')).toStrictEqual([]);
  });

  test.each(cases)('%s: without the opt-out the default is applied or the input refused', (_rule, props, _check, without) => {
    if (without === 'default applied') {
      const { obj } = synthTemplate(props);
      expect(obj.spec.podTemplate.spec).toStrictEqual(synthTemplate().obj.spec.podTemplate.spec);
      expect(obj.metadata.annotations).toBeUndefined();
    } else {
      expect(errorOf(() => synthTemplate(props))).toBe(without);
    }
  });

  test('several opt-outs: one annotation, deduplicated, in rule-table order', () => {
    const { obj } = synthTemplate({
      securityOptOuts: ['hostPath', 'privileged', 'hostPath'],
      volumes: [{ name: 'host', hostPath: { path: '/tmp' } }],
      containers: [{ ...MAIN, securityContext: { privileged: true } }],
    });
    expect(obj.metadata.annotations).toStrictEqual({ [SECURITY_OPT_OUTS_ANNOTATION]: 'privileged,hostPath' });
  });

  test('runAsNonRoot opted out: UID 0 is then allowed (and recorded)', () => {
    const { obj } = synthTemplate({ securityOptOuts: ['runAsNonRoot'], runAsUser: 0 });
    expect(obj.spec.podTemplate.spec.securityContext).toStrictEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(obj.metadata.annotations).toStrictEqual({ [SECURITY_OPT_OUTS_ANNOTATION]: 'runAsNonRoot' });
  });
});

describe('SandboxTemplate devices', () => {
  test('gpu on gke-autopilot: nvidia.com/gpu limit, accelerator compute class and driver selectors next to the gVisor placement', () => {
    const { obj } = synthTemplate({ platform: 'gke-autopilot', gpu: { count: 2, type: 'nvidia-l4' } });
    const spec = obj.spec.podTemplate.spec;
    expect(spec.nodeSelector).toStrictEqual({
      'sandbox.gke.io/runtime': 'gvisor',
      'cloud.google.com/gke-accelerator': 'nvidia-l4',
      'cloud.google.com/compute-class': 'Accelerator',
      'cloud.google.com/gke-gpu-driver-version': 'latest',
    });
    expect(spec.tolerations).toStrictEqual(GKE_PLACEMENT.tolerations);
    expect(spec.containers[0].resources).toStrictEqual({ limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 2 } });
  });

  test('gpu on gke-standard: only the accelerator selector (node pools bring drivers)', () => {
    const { obj } = synthTemplate({ platform: 'gke-standard', gpu: { count: 1, type: 'nvidia-tesla-t4' } });
    expect(obj.spec.podTemplate.spec.nodeSelector).toStrictEqual({ 'sandbox.gke.io/runtime': 'gvisor', 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' });
  });

  test('DRA device claims: pod resourceClaims and the containers that use them', () => {
    const chart = Testing.chart();
    const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a' });
    const fpga = new DeviceClass(chart, 'Fpga', { name: 'fpga', selectors: [driverIs('fpga.example.com')] });
    const claim = new ResourceClaimTemplate(chart, 'Claim', { name: 'fpga-claim', namespace: ns, requests: [{ name: 'fpga', exactly: { deviceClass: fpga } }] });
    const sidecar: SandboxContainer = { ...MAIN, name: 'sidecar' };
    new SandboxTemplate(chart, 'tpl', {
      namespace: ns,
      platform: 'kind',
      containers: [MAIN, sidecar],
      deviceClaims: [{ name: 'accel', template: claim, containers: ['main'], request: 'fpga' }],
    });
    const spec = findObject(synthObjects(chart), 'SandboxTemplate').spec.podTemplate.spec;
    expect(spec.resourceClaims).toStrictEqual([{ name: 'accel', resourceClaimTemplateName: 'fpga-claim' }]);
    expect(spec.containers[0].resources).toStrictEqual({ limits: { cpu: '1', memory: '1Gi' }, claims: [{ name: 'accel', request: 'fpga' }] });
    expect(spec.containers[1].resources).toStrictEqual({ limits: { cpu: '1', memory: '1Gi' } });
  });

  test('a DRA GPU claim is accepted under Kata (AKS); only gVisor refuses it', () => {
    const { obj } = synthTemplate({ platform: 'aks', deviceClaims: [{ name: 'gpu', template: { name: 'gpu', isGpu: true, requestNames: ['gpu'] } }] });
    expect(obj.spec.podTemplate.spec.resourceClaims).toStrictEqual([{ name: 'gpu', resourceClaimTemplateName: 'gpu' }]);
  });
});

describe('SandboxTemplate needs the controller extensions', () => {
  test('in a chart whose AgentSandbox runs without extensions it is refused (its CRD is not installed)', () => {
    const chart = chartWithController({ controller: { extensions: false } });
    expect(errorOf(() => template(chart))).toBe(
      'SandboxTemplate "test/tpl" is invalid:\n' +
        '  the agent-sandbox controller in this chart runs without extensions (AgentSandbox controller.extensions: false; in a config file agentSandbox.controller.extensions), so the SandboxTemplate CRD is not installed and no controller would reconcile SandboxTemplates; enable extensions, or use a Sandbox (no extensions needed)',
    );
  });

  test('with extensions on (the default) it is built', () => {
    const chart = chartWithController();
    expect(template(chart).name).toBe('tpl');
  });
});

describe('SandboxTemplate networkPolicyManagement', () => {
  const managedError = (ns: string) =>
    'networkPolicyManagement: Managed without networkPolicy makes the controller create its default NetworkPolicy "tpl-network-policy" ' +
    '(egress to every public IPv4 and IPv6 address on every port, ingress from app: sandbox-router pods); NetworkPolicies add up, ' +
    `so it would open all public egress on every port over the default-deny and egress allowlist of SandboxNamespace "${ns}"; ` +
    'use networkPolicyManagement: Unmanaged (the namespace policies then apply alone), or give the networkPolicy rules explicitly';

  function inSandboxNamespace(props: Parameters<typeof template>[1] = {}): { tpl: SandboxTemplate; obj: K8sObject } {
    const chart = Testing.chart();
    const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a' });
    const tpl = template(chart, { namespace: ns, ...props });
    return { tpl, obj: findObject(synthObjects(chart), 'SandboxTemplate') };
  }

  test('in a SandboxNamespace the default is Unmanaged: the controller adds no wide default policy over the allowlist', () => {
    const { tpl, obj } = inSandboxNamespace();
    expect(obj.spec.networkPolicyManagement).toBe('Unmanaged');
    expect(obj.spec.networkPolicy).toBeUndefined();
    expect(tpl.networkPolicyManagement).toBe('Unmanaged');
  });

  test('in a SandboxNamespace, Managed without networkPolicy is refused with the reason', () => {
    expect(errorOf(() => inSandboxNamespace({ networkPolicyManagement: 'Managed' }))).toBe(`SandboxTemplate "test/tpl" is invalid:\n  ${managedError('team-a')}`);
  });

  test('in a SandboxNamespace, explicit rules are Managed by default and when asked for', () => {
    const egress = [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] }];
    for (const networkPolicyManagement of [undefined, 'Managed'] as const) {
      const { obj } = inSandboxNamespace({ networkPolicyManagement, networkPolicy: { egress } });
      expect([obj.spec.networkPolicyManagement, obj.spec.networkPolicy]).toStrictEqual(['Managed', { egress }]);
    }
  });

  test('any namespace object that lists its NetworkPolicies counts; an empty list or a plain name keeps upstream\'s Managed', () => {
    const policed = { name: 'team-b', networkPolicyNames: ['deny-all'] };
    expect(errorOf(() => synthTemplate({ namespace: policed, networkPolicyManagement: 'Managed' }))).toBe(`SandboxTemplate "test/tpl" is invalid:\n  ${managedError('team-b')}`);
    expect(synthTemplate({ namespace: policed }).obj.spec.networkPolicyManagement).toBe('Unmanaged');
    expect(synthTemplate({ namespace: { name: 'team-b', networkPolicyNames: [] } }).obj.spec.networkPolicyManagement).toBe('Managed');
    expect(synthTemplate({ namespace: 'team-b' }).tpl.networkPolicyManagement).toBe('Managed');
  });
});

describe('SandboxTemplate reports every problem at once', () => {
  test('name and namespace problems together with the pod\'s', () => {
    expect(errorOf(() => template(Testing.chart(), { name: 'Py_Runtime', namespace: 'Team A', platform: 'aks', containers: [{ name: 'main', image: 'x' }], runAsUser: 0 }))).toBe(
      [
        'SandboxTemplate "test/tpl" is invalid:',
        '  name: "Py_Runtime" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)',
        '  namespace: "Team A" is not a valid name (lowercase letters, digits and "-", at most 63 characters)',
        '  containers[0] (main).resources.limits.cpu: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        '  containers[0] (main).resources.limits.memory: is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)',
        '  runAsUser: 0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the containers); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]',
      ].join('\n'),
    );
  });

  test('a name problem together with an isolation or platform problem', () => {
    expect(errorOf(() => template(Testing.chart(), { name: 'Py', platform: 'eks', isolation: 'kata' }))).toBe(
      'SandboxTemplate "test/tpl" is invalid:\n' +
        '  name: "Py" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)\n' +
        '  isolation: "kata" is not available on eks (sandboxed runtimes there: gvisor)',
    );
    expect(errorOf(() => new SandboxTemplate(Testing.chart(), 'tpl', { name: 'Py', namespace: 'ns', containers: [MAIN] }))).toBe(
      'SandboxTemplate "test/tpl" is invalid:\n' +
        '  name: "Py" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)\n' +
        '  set platform (gke-autopilot, gke-standard, eks, aks, kind or kubernetes), or create it inside a SandboxPlatformChart',
    );
  });

  test('a request above its limit is refused', () => {
    expect(errorOf(() => template(Testing.chart(), { containers: [{ ...MAIN, resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { memory: '2Gi' } } }] }))).toBe(
      'SandboxTemplate ns/tpl is invalid:\n  containers[0] (main).resources.requests.memory: 2Gi is above the limit 1Gi (the API server rejects a container whose request exceeds its limit)',
    );
  });
});

test('pod.containerLimits: one entry per main container, in order, as given (not summed; no init containers)', () => {
  const { tpl } = synthTemplate({
    containers: [MAIN, { name: 'side', image: 'busybox', resources: { limits: { cpu: '250m', memory: 128 * 1024 * 1024 } } }],
    initContainers: [{ name: 'init', image: 'busybox', resources: { limits: { cpu: '4', memory: '8Gi' } } }],
  });
  expect(tpl.pod.containerLimits).toStrictEqual([
    { cpu: '1', memory: '1Gi' },
    { cpu: '250m', memory: 134217728 },
  ]);
});

describe('SandboxTemplate at synth: the pod as written, escape-hatch patches included', () => {
  const synthError = (build: (chart: ReturnType<typeof Testing.chart>) => void) => {
    const chart = Testing.chart();
    build(chart);
    return errorOf(() => synthObjects(chart));
  };

  test('a JSON patch that weakens the pod without an opt-out is refused', () => {
    const message = synthError((chart) => {
      const tpl = template(chart);
      tpl.resource.addJsonPatch(JsonPatch.add('/spec/podTemplate/spec/hostNetwork', true));
    });
    expect(message).toBe(
      'invalid constructs:\n' +
        "  test/tpl: spec.podTemplate.spec.hostNetwork: must be false or unset (a sandbox must not share the node's network namespace (and reach the cloud metadata server)), got true [rule hostNetwork; opt out with securityOptOuts: [hostNetwork] if intended]",
    );
  });

  test('with the opt-out the patched pod is written, and the annotation records it', () => {
    const chart = Testing.chart();
    const tpl = template(chart, { securityOptOuts: ['hostNetwork'] });
    tpl.resource.addJsonPatch(JsonPatch.add('/spec/podTemplate/spec/hostNetwork', true));
    const emitted = findObject(synthObjects(chart), 'SandboxTemplate');
    expect(emitted.spec.podTemplate.spec.hostNetwork).toBe(true);
    expect(emitted.metadata.annotations).toStrictEqual({ 'agent-sandbox-infra.io/security-opt-outs': 'hostNetwork' });
  });

  test('an opt-out that suppresses nothing is refused: the annotation must not claim a weakening that is not there', () => {
    expect(synthError((chart) => template(chart, { securityOptOuts: ['hostNetwork', 'hostPID'] }))).toBe(
      'invalid constructs:\n' +
        '  test/tpl: securityOptOuts: "hostNetwork" opts out of nothing (the pod meets that rule), so the annotation would record a weakening that is not there; remove it\n' +
        '  test/tpl: securityOptOuts: "hostPID" opts out of nothing (the pod meets that rule), so the annotation would record a weakening that is not there; remove it',
    );
  });

  test('a patch that removes the sandboxed RuntimeClass is refused (a Sandbox too)', () => {
    const message = synthError((chart) => {
      const tpl = template(chart);
      tpl.resource.addJsonPatch(JsonPatch.remove('/spec/podTemplate/spec/runtimeClassName'));
    });
    expect(message).toMatch(/^invalid constructs:\n {2}test\/tpl: spec\.podTemplate\.spec\.runtimeClassName: must name a sandboxed RuntimeClass \(gvisor on eks\).*got nothing \[rule runtimeClassName;/);
    const sandboxMessage = synthError((chart) => {
      const sandbox = new Sandbox(chart, 'one-off', { namespace: 'ns', platform: 'eks', containers: [MAIN] });
      sandbox.resource.addJsonPatch(JsonPatch.replace('/spec/podTemplate/spec/runtimeClassName', 'runc'));
    });
    expect(sandboxMessage).toMatch(/^invalid constructs:\n {2}test\/one-off: spec\.podTemplate\.spec\.runtimeClassName: .*got "runc" \[rule runtimeClassName;/);
  });
});
