/**
 * The Pod Security Standards evaluator (validation/pod-security.ts) and the sandbox profile's relation to it: a pod
 * the sandbox rules accept is admitted by `restricted`. The same cases are proved against the real API server's Pod
 * Security admission in test/integration.
 */
import { podSecurityFindings, requiredPodSecurityLevel } from '../../validation/pod-security';
import { checkSandboxPodSpec } from '../../validation/sandbox/object';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function restrictedPod(): Obj {
  return {
    runtimeClassName: 'gvisor',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'agent',
        image: 'python:3.12',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
        resources: { limits: { cpu: '1', memory: '1Gi' } },
      },
    ],
  };
}

const checks = (pod: Obj, level: 'baseline' | 'restricted', version?: string, podAnnotations?: Obj) =>
  podSecurityFindings(pod, level, { version, podAnnotations }).map((f) => `${f.check} ${f.path}`);

/** One mutation per check, the level it belongs to, and the check id PSA reports. */
const VIOLATIONS: [string, 'baseline' | 'restricted', (p: Obj) => void, Obj?][] = [
  ['windowsHostProcess', 'baseline', (p) => (p.containers[0].securityContext.windowsOptions = { hostProcess: true })],
  ['hostNamespaces', 'baseline', (p) => (p.hostPID = true)],
  ['privileged', 'baseline', (p) => (p.containers[0].securityContext.privileged = true)],
  ['capabilities_baseline', 'baseline', (p) => (p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'])],
  ['hostPathVolumes', 'baseline', (p) => (p.volumes = [{ name: 'h', hostPath: { path: '/' } }])],
  ['hostPorts', 'baseline', (p) => (p.containers[0].ports = [{ containerPort: 80, hostPort: 80 }])],
  ['appArmorProfile', 'baseline', (p) => (p.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' })],
  ['appArmorProfile', 'baseline', () => undefined, { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined' }],
  ['seLinuxOptions', 'baseline', (p) => (p.containers[0].securityContext.seLinuxOptions = { type: 'spc_t' })],
  ['procMount', 'baseline', (p) => (p.containers[0].securityContext.procMount = 'Unmasked')],
  ['seccompProfile_baseline', 'baseline', (p) => (p.securityContext.seccompProfile = { type: 'Unconfined' })],
  ['sysctls', 'baseline', (p) => (p.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }])],
  ['hostProbesAndHostLifecycle', 'baseline', (p) => (p.containers[0].readinessProbe = { httpGet: { host: '169.254.169.254', port: 80 } })],
  ['restrictedVolumes', 'restricted', (p) => (p.volumes = [{ name: 'n', nfs: { server: 'x', path: '/' } }])],
  ['allowPrivilegeEscalation', 'restricted', (p) => delete p.containers[0].securityContext.allowPrivilegeEscalation],
  ['runAsNonRoot', 'restricted', (p) => ((p.securityContext.runAsNonRoot = false), (p.containers[0].securityContext.runAsNonRoot = undefined))],
  ['runAsUser', 'restricted', (p) => (p.containers[0].securityContext.runAsUser = 0)],
  ['seccompProfile_restricted', 'restricted', (p) => delete p.securityContext.seccompProfile],
  ['capabilities_restricted', 'restricted', (p) => (p.containers[0].securityContext.capabilities = { add: ['NET_BIND_SERVICE'] })],
];

describe('podSecurityFindings', () => {
  test('a restricted-clean pod passes both levels; privileged checks nothing', () => {
    expect(checks(restrictedPod(), 'restricted')).toStrictEqual([]);
    expect(checks(restrictedPod(), 'baseline')).toStrictEqual([]);
    expect(podSecurityFindings({ hostNetwork: true }, 'privileged')).toStrictEqual([]);
  });

  // Rest parameters: jest takes a callback with more parameters than a row has for a `done` callback.
  test.each(VIOLATIONS)('%s (%s) is found at its level and above, not below', (...[check, level, mutate, annotations]: (typeof VIOLATIONS)[number]) => {
    const pod = restrictedPod();
    mutate(pod);
    const restricted = checks(pod, 'restricted', undefined, annotations).map((c) => c.split(' ')[0]);
    const baseline = checks(pod, 'baseline', undefined, annotations).map((c) => c.split(' ')[0]);
    // At restricted, the baseline checks restricted replaces (hostPath, capabilities, seccomp) show under its id.
    const restrictedId = { hostPathVolumes: 'restrictedVolumes', capabilities_baseline: 'capabilities_restricted', seccompProfile_baseline: 'seccompProfile_restricted', procMount: 'procMount_restricted' }[check] ?? check;
    expect(restricted).toContain(restrictedId);
    if (level === 'baseline') expect(baseline).toContain(check);
    else expect(baseline).toStrictEqual([]);
    expect(requiredPodSecurityLevel(pod, { podAnnotations: annotations })).toBe(level === 'baseline' ? 'privileged' : 'baseline');
  });

  test('versions: host probes from 1.34, container_engine_t from 1.31, user namespaces relax runAsNonRoot from 1.35', () => {
    const probe = restrictedPod();
    probe.containers[0].livenessProbe = { tcpSocket: { host: '10.0.0.1', port: 22 } };
    expect(checks(probe, 'baseline', 'v1.33')).toStrictEqual([]);
    expect(checks(probe, 'baseline', 'v1.34')).toStrictEqual(['hostProbesAndHostLifecycle spec.containers[0].livenessProbe.tcpSocket.host']);
    const engine = restrictedPod();
    engine.containers[0].securityContext.seLinuxOptions = { type: 'container_engine_t' };
    expect(checks(engine, 'baseline', 'v1.30')).toHaveLength(1);
    expect(checks(engine, 'baseline', 'latest')).toStrictEqual([]);
    const userns = restrictedPod();
    userns.hostUsers = false;
    userns.securityContext.runAsNonRoot = false;
    userns.containers[0].securityContext.runAsNonRoot = false;
    expect(checks(userns, 'restricted', 'v1.34')).toContain('runAsNonRoot spec.securityContext.runAsNonRoot');
    expect(checks(userns, 'restricted', 'v1.35')).toStrictEqual([]);
  });
});

describe('the sandbox profile contains Pod Security restricted', () => {
  test.each(VIOLATIONS)('%s: the sandbox rules refuse what restricted refuses', (...[check, , mutate, annotations]: (typeof VIOLATIONS)[number]) => {
    const pod = restrictedPod();
    mutate(pod);
    const psa = podSecurityFindings(pod, 'restricted', { podAnnotations: annotations });
    expect(psa.length).toBeGreaterThan(0);
    const sandbox = checkSandboxPodSpec(pod, { path: 'spec', podAnnotations: annotations, podAnnotationsPath: 'metadata.annotations' }).filter((v) => v.severity === 'error');
    expect({ check, sandboxErrors: sandbox.length > 0 }).toStrictEqual({ check, sandboxErrors: true });
  });

  test('every pod the sandbox rules accept in the corpus passes restricted (no rule gap)', () => {
    // Single and paired mutations that the sandbox rules might let through.
    const tweaks: ((p: Obj) => void)[] = [
      (p) => (p.containers[0].securityContext.appArmorProfile = { type: 'RuntimeDefault' }),
      (p) => (p.containers[0].securityContext.seLinuxOptions = { type: 'container_t' }),
      (p) => (p.volumes = [{ name: 'e', emptyDir: {} }, { name: 'c', configMap: { name: 'x' } }, { name: 'i', image: { reference: 'x' } }]),
      (p) => (p.containers[0].readinessProbe = { httpGet: { path: '/', port: 80 } }),
      (p) => (p.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }),
      (p) => (p.securityContext.sysctls = []),
      (p) => (p.initContainers = [JSON.parse(JSON.stringify(p.containers[0]))]),
    ];
    for (const tweak of tweaks) {
      const pod = restrictedPod();
      tweak(pod);
      expect(checkSandboxPodSpec(pod, { path: 'spec' }).filter((v) => v.severity === 'error')).toStrictEqual([]);
      expect(podSecurityFindings(pod, 'restricted')).toStrictEqual([]);
    }
  });
});
