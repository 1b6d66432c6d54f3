import {
  checkSandboxPodSpec,
  createSandboxInvariantsChecker,
  formatSecurityOptOuts,
  parseSecurityOptOuts,
  sandboxedRuntimeClasses,
  sandboxInvariantsChecker,
  SANDBOX_RULE_IDS,
  SANDBOX_RULES,
  SECURITY_OPT_OUTS_ANNOTATION,
  type SandboxCheckOptions,
  type SandboxRuleId,
} from '../../../validation/sandbox/object';

type Obj = Record<string, any>;

const P = 'spec.podTemplate.spec';
const C0 = `${P}.containers[0]`;
const OPT_OUT_PATH = `metadata.annotations["${SECURITY_OPT_OUTS_ANNOTATION}"]`;
const TRUSTED_PATH = 'metadata.annotations["agents.x-k8s.io/trusted-init-containers"]';

function secureContainer(name: string): Obj {
  return {
    name,
    image: 'python:3.12-slim',
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { limits: { cpu: '1', memory: '1Gi' } },
  };
}

function compliant(): Obj {
  return { runtimeClassName: 'gvisor', automountServiceAccountToken: false, containers: [secureContainer('agent')] };
}

function sandbox(spec: Obj, annotations?: Obj, apiVersion = 'agents.x-k8s.io/v1beta1', kind = 'Sandbox'): Obj {
  return {
    apiVersion,
    kind,
    metadata: { name: 'box', namespace: 'tenant-a', ...(annotations ? { annotations } : {}) },
    spec: { podTemplate: { spec } },
  };
}

const RUNTIME_MSG = 'must name a sandboxed RuntimeClass (gvisor, kata-vm-isolation) so untrusted code does not run on the host kernel';
const RUN_AS_NON_ROOT_MSG = `must be true here or in ${P}.securityContext.runAsNonRoot (a sandbox must not run as root)`;
const SECCOMP_MSG = `must be RuntimeDefault or Localhost here or in ${P}.securityContext.seccompProfile.type (system calls must be filtered)`;

/** Every per-container violation of a container with nothing set, at `at`. */
function bareContainerLines(at: string): [string, string][] {
  return [
    [`${at}.securityContext.capabilities.drop`, 'must include ALL (a sandbox keeps no Linux capabilities), got nothing'],
    [`${at}.securityContext.allowPrivilegeEscalation`, 'must be false (no gaining privileges through setuid binaries), got nothing'],
    [`${at}.securityContext.runAsNonRoot`, `${RUN_AS_NON_ROOT_MSG}, got nothing`],
    [`${at}.securityContext.seccompProfile.type`, `${SECCOMP_MSG}, got nothing`],
    [`${at}.resources.limits.cpu`, 'must be set (a sandbox without a cpu limit can starve the node), got nothing'],
    [`${at}.resources.limits.memory`, 'must be set (a sandbox without a memory limit can starve the node), got nothing'],
  ];
}

const lines = (spec: Obj, options?: SandboxCheckOptions) => checkSandboxPodSpec(spec, options).map((v) => [v.path, v.message]);

describe('rule table', () => {
  it('has one entry per id, keyed by its id, with a description', () => {
    expect(Object.keys(SANDBOX_RULES)).toEqual([...SANDBOX_RULE_IDS]);
    for (const id of SANDBOX_RULE_IDS) {
      expect(SANDBOX_RULES[id].id).toBe(id);
      expect(SANDBOX_RULES[id].description.length).toBeGreaterThan(10);
    }
  });

  it('knows the sandboxed RuntimeClasses of the platform table', () => {
    expect(sandboxedRuntimeClasses()).toEqual(['gvisor', 'kata-vm-isolation']);
    expect(sandboxedRuntimeClasses('aks')).toEqual(['kata-vm-isolation']);
    expect(sandboxedRuntimeClasses('gke-standard')).toEqual(['gvisor']);
  });

  it('formats and parses the opt-out annotation', () => {
    expect(formatSecurityOptOuts(['runAsNonRoot', 'automountServiceAccountToken', 'runAsNonRoot'])).toBe('automountServiceAccountToken,runAsNonRoot');
    expect(() => formatSecurityOptOuts(['nope' as SandboxRuleId])).toThrow('"nope" is not a sandbox rule id; allowed: runtimeClassName, hostNetwork');
    expect(parseSecurityOptOuts(' runAsNonRoot, ,bogus,runAsNonRoot,hostPath')).toEqual({ ids: ['runAsNonRoot', 'hostPath'], unknown: ['bogus'] });
  });
});

describe('checkSandboxPodSpec', () => {
  it('finds nothing in a fully compliant spec', () => {
    expect(checkSandboxPodSpec(compliant())).toEqual([]);
  });

  it('finds nothing in a compliant spec that sets runAsNonRoot and seccomp at pod level only', () => {
    const spec = compliant();
    delete spec.containers[0].securityContext.runAsNonRoot;
    delete spec.containers[0].securityContext.seccompProfile;
    spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'agent.json' } };
    spec.initContainers = [{ ...secureContainer('setup'), securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: [] } } }];
    expect(checkSandboxPodSpec(spec)).toEqual([]);
  });

  it('accepts kata-vm-isolation, and other RuntimeClasses only when declared', () => {
    expect(checkSandboxPodSpec({ ...compliant(), runtimeClassName: 'kata-vm-isolation' })).toEqual([]);
    const custom = { ...compliant(), runtimeClassName: 'kata-qemu' };
    expect(checkSandboxPodSpec(custom, { allowedRuntimeClasses: ['kata-qemu'] })).toEqual([]);
    expect(lines(custom)).toEqual([[`${P}.runtimeClassName`, `${RUNTIME_MSG}, got "kata-qemu"`]]);
  });

  it('restricts the RuntimeClass to the platform when the platform is known', () => {
    expect(lines(compliant(), { platform: 'aks' })).toEqual([
      [
        `${P}.runtimeClassName`,
        'must name a sandboxed RuntimeClass (kata-vm-isolation on aks) so untrusted code does not run on the host kernel, got "gvisor"',
      ],
    ]);
    expect(checkSandboxPodSpec(compliant(), { platform: 'eks' })).toEqual([]);
    expect(checkSandboxPodSpec(compliant(), { platform: 'kind' })).toEqual([]);
  });

  it('requires the GKE sandbox nodeSelector and toleration on GKE only', () => {
    const placed = {
      ...compliant(),
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
      tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
    };
    expect(checkSandboxPodSpec(placed, { platform: 'gke-autopilot' })).toEqual([]);
    expect(checkSandboxPodSpec(placed, { platform: 'gke-standard' })).toEqual([]);
    expect(lines(compliant(), { platform: 'gke-standard' })).toEqual([
      [
        `${P}.nodeSelector["sandbox.gke.io/runtime"]`,
        'must be "gvisor" (gke-standard schedules gvisor pods only with it; without it a warm pool stays at 0), got nothing',
      ],
      [
        `${P}.tolerations`,
        'must include {key: sandbox.gke.io/runtime, operator: Equal, value: gvisor, effect: NoSchedule} (gke-standard schedules gvisor pods only with it; without it a warm pool stays at 0), got nothing',
      ],
    ]);
  });

  type Row = [rule: SandboxRuleId, title: string, mutate: (spec: Obj) => void, path: string, message: string, options?: SandboxCheckOptions];
  const rows: Row[] = [
    ['runtimeClassName', 'missing', (s) => delete s.runtimeClassName, `${P}.runtimeClassName`, `${RUNTIME_MSG}, got nothing`],
    ['runtimeClassName', 'runc', (s) => (s.runtimeClassName = 'runc'), `${P}.runtimeClassName`, `${RUNTIME_MSG}, got "runc"`],
    ['runtimeClassName', 'empty', (s) => (s.runtimeClassName = ''), `${P}.runtimeClassName`, `${RUNTIME_MSG}, got ""`],
    [
      'hostNetwork',
      'true',
      (s) => (s.hostNetwork = true),
      `${P}.hostNetwork`,
      "must be false or unset (a sandbox must not share the node's network namespace (and reach the cloud metadata server)), got true",
    ],
    ['hostPID', 'true', (s) => (s.hostPID = true), `${P}.hostPID`, "must be false or unset (a sandbox must not share the node's process namespace), got true"],
    ['hostIPC', 'true', (s) => (s.hostIPC = true), `${P}.hostIPC`, "must be false or unset (a sandbox must not share the node's IPC namespace), got true"],
    [
      'automountServiceAccountToken',
      'unset',
      (s) => delete s.automountServiceAccountToken,
      `${P}.automountServiceAccountToken`,
      'must be false (a sandbox must not get a ServiceAccount token), got nothing',
    ],
    [
      'automountServiceAccountToken',
      'true',
      (s) => (s.automountServiceAccountToken = true),
      `${P}.automountServiceAccountToken`,
      'must be false (a sandbox must not get a ServiceAccount token), got true',
    ],
    [
      'sysctls',
      'set',
      (s) => (s.securityContext = { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] }),
      `${P}.securityContext.sysctls`,
      'must be empty or unset (a sandbox must not tune kernel parameters), got [{"name":"net.core.somaxconn","value":"1024"}]',
    ],
    [
      'sandboxPlacement',
      'toleration with the wrong effect',
      (s) => {
        s.nodeSelector = { 'sandbox.gke.io/runtime': 'gvisor' };
        s.tolerations = [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoExecute' }];
      },
      `${P}.tolerations`,
      'must include {key: sandbox.gke.io/runtime, operator: Equal, value: gvisor, effect: NoSchedule} (gke-autopilot schedules gvisor pods only with it; without it a warm pool stays at 0), got [{"key":"sandbox.gke.io/runtime","operator":"Equal","value":"gvisor","effect":"NoExecute"}]',
      { platform: 'gke-autopilot' },
    ],
    [
      'trustedInitContainers',
      'names a main container',
      () => undefined,
      TRUSTED_PATH,
      `may only name init containers (a main or ephemeral container cannot be trusted), got "agent", which is in ${P}.containers`,
      { trustedInitContainers: 'agent' },
    ],
    [
      'trustedInitContainers',
      'names a sidecar init container',
      (s) => (s.initContainers = [{ ...secureContainer('proxy'), restartPolicy: 'Always' }]),
      TRUSTED_PATH,
      `may only name init containers that run to completion (a sidecar stays alive next to the agent), got "proxy", whose ${P}.initContainers[0].restartPolicy is "Always"`,
      { trustedInitContainers: 'proxy' },
    ],
    [
      'privileged',
      'true',
      (s) => (s.containers[0].securityContext.privileged = true),
      `${C0}.securityContext.privileged`,
      'must be false or unset (a privileged container controls the node), got true',
    ],
    [
      'capabilitiesDrop',
      'missing',
      (s) => delete s.containers[0].securityContext.capabilities,
      `${C0}.securityContext.capabilities.drop`,
      'must include ALL (a sandbox keeps no Linux capabilities), got nothing',
    ],
    [
      'capabilitiesDrop',
      'without ALL',
      (s) => (s.containers[0].securityContext.capabilities.drop = ['NET_RAW']),
      `${C0}.securityContext.capabilities.drop`,
      'must include ALL (a sandbox keeps no Linux capabilities), got ["NET_RAW"]',
    ],
    [
      'capabilitiesAdd',
      'non-empty',
      (s) => (s.containers[0].securityContext.capabilities.add = ['NET_ADMIN']),
      `${C0}.securityContext.capabilities.add`,
      'must be empty or unset (a sandbox must not add Linux capabilities), got ["NET_ADMIN"]',
    ],
    [
      'allowPrivilegeEscalation',
      'unset',
      (s) => delete s.containers[0].securityContext.allowPrivilegeEscalation,
      `${C0}.securityContext.allowPrivilegeEscalation`,
      'must be false (no gaining privileges through setuid binaries), got nothing',
    ],
    [
      'allowPrivilegeEscalation',
      'true',
      (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true),
      `${C0}.securityContext.allowPrivilegeEscalation`,
      'must be false (no gaining privileges through setuid binaries), got true',
    ],
    [
      'runAsNonRoot',
      'false',
      (s) => (s.containers[0].securityContext.runAsNonRoot = false),
      `${C0}.securityContext.runAsNonRoot`,
      `${RUN_AS_NON_ROOT_MSG}, got false`,
    ],
    [
      'runAsNonRoot',
      'unset everywhere',
      (s) => delete s.containers[0].securityContext.runAsNonRoot,
      `${C0}.securityContext.runAsNonRoot`,
      `${RUN_AS_NON_ROOT_MSG}, got nothing`,
    ],
    [
      'seccompProfile',
      'Unconfined',
      (s) => (s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }),
      `${C0}.securityContext.seccompProfile.type`,
      `${SECCOMP_MSG}, got "Unconfined"`,
    ],
    [
      'procMount',
      'Unmasked',
      (s) => (s.containers[0].securityContext.procMount = 'Unmasked'),
      `${C0}.securityContext.procMount`,
      'must be Default or unset (an unmasked /proc exposes the kernel), got "Unmasked"',
    ],
    [
      'hostPort',
      'set on the second port',
      (s) => (s.containers[0].ports = [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }]),
      `${C0}.ports[1].hostPort`,
      'must not be set (a sandbox must not bind ports on the node), got 9090',
    ],
    [
      'resourceLimits',
      'no cpu limit',
      (s) => delete s.containers[0].resources.limits.cpu,
      `${C0}.resources.limits.cpu`,
      'must be set (a sandbox without a cpu limit can starve the node), got nothing',
    ],
    [
      'resourceLimits',
      'no memory limit (requests do not count)',
      (s) => {
        delete s.containers[0].resources.limits.memory;
        s.containers[0].resources.requests = { memory: '1Gi' };
      },
      `${C0}.resources.limits.memory`,
      'must be set (a sandbox without a memory limit can starve the node), got nothing',
    ],
    [
      'hostPath',
      'volume',
      (s) => (s.volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'docker', hostPath: { path: '/var/run/docker.sock' } }]),
      `${P}.volumes[1].hostPath`,
      'must not be used (a sandbox must not mount directories of the node), got {"path":"/var/run/docker.sock"}',
    ],
    [
      'projectedServiceAccountToken',
      'projection',
      (s) => (s.volumes = [{ name: 'tok', projected: { sources: [{ configMap: { name: 'x' } }, { serviceAccountToken: { path: 'token' } }] } }]),
      `${P}.volumes[0].projected.sources[1].serviceAccountToken`,
      'must not be used (a ServiceAccount token gives the sandbox Kubernetes API credentials), got {"path":"token"}',
    ],
    [
      'clusterTrustBundle',
      'projection',
      (s) => (s.volumes = [{ name: 'ctb', projected: { sources: [{ clusterTrustBundle: { name: 'ca', path: 'ca.pem' } }] } }]),
      `${P}.volumes[0].projected.sources[0].clusterTrustBundle`,
      'must not be used (a sandbox must not receive cluster trust bundles), got {"name":"ca","path":"ca.pem"}',
    ],
    [
      'podCertificate',
      'projection',
      (s) => (s.volumes = [{ name: 'cert', projected: { sources: [{ podCertificate: { signerName: 'x/y', keyType: 'ED25519' } }] } }]),
      `${P}.volumes[0].projected.sources[0].podCertificate`,
      'must not be used (a pod certificate is an identity credential), got {"signerName":"x/y","keyType":"ED25519"}',
    ],
    // Pod Security `restricted` beyond upstream's policy (issue 14 item 2): each passed validate before.
    ['hostProcess', 'pod', (s) => (s.securityContext = { windowsOptions: { hostProcess: true } }), `${P}.securityContext.windowsOptions.hostProcess`, 'must be false or unset (a HostProcess container runs on the node, outside any sandbox), got true'],
    ['hostProcess', 'container', (s) => (s.containers[0].securityContext.windowsOptions = { hostProcess: true }), `${C0}.securityContext.windowsOptions.hostProcess`, 'must be false or unset (a HostProcess container runs on the node, outside any sandbox), got true'],
    ['appArmorProfile', 'field Unconfined', (s) => (s.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }), `${C0}.securityContext.appArmorProfile.type`, 'must be RuntimeDefault or Localhost (Unconfined turns AppArmor off), got "Unconfined"'],
    [
      'appArmorProfile',
      'annotation unconfined',
      (s) => s,
      'spec.podTemplate.metadata.annotations["container.apparmor.security.beta.kubernetes.io/agent"]',
      'must be runtime/default or localhost/<profile> (unconfined turns AppArmor off), got "unconfined"',
      { podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/agent': 'unconfined' } },
    ],
    ['seLinuxOptions', 'spc_t', (s) => (s.containers[0].securityContext.seLinuxOptions = { type: 'spc_t' }), `${C0}.securityContext.seLinuxOptions.type`, 'must be one of container_t, container_init_t, container_kvm_t, container_engine_t or unset (spc_t and other types lift the container confinement), got "spc_t"'],
    ['seLinuxOptions', 'user', (s) => (s.securityContext = { seLinuxOptions: { user: 'system_u' } }), `${P}.securityContext.seLinuxOptions.user`, 'must be unset, got "system_u"'],
    ['volumeTypes', 'nfs', (s) => (s.volumes = [{ name: 'share', nfs: { server: '10.0.0.2', path: '/exports' } }]), `${P}.volumes[0].nfs`, 'must not be used: a nfs volume is outside the types Pod Security restricted allows (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret), got {"server":"10.0.0.2","path":"/exports"}'],
    ['volumeTypes', 'gitRepo', (s) => (s.volumes = [{ name: 'src', gitRepo: { repository: 'https://example.com/r.git' } }]), `${P}.volumes[0].gitRepo`, 'must not be used: a gitRepo volume is outside the types Pod Security restricted allows (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret), got {"repository":"https://example.com/r.git"}'],
    ['probeHost', 'probe to the metadata server', (s) => (s.containers[0].livenessProbe = { httpGet: { host: '169.254.169.254', path: '/', port: 80 } }), `${C0}.livenessProbe.httpGet.host`, 'must be unset (the kubelet makes this request from the node, which reaches what the pod may not), got "169.254.169.254"'],
    ['probeHost', 'lifecycle', (s) => (s.containers[0].lifecycle = { preStop: { tcpSocket: { host: '10.0.0.1', port: 22 } } }), `${C0}.lifecycle.preStop.tcpSocket.host`, 'must be unset (the kubelet makes this request from the node, which reaches what the pod may not), got "10.0.0.1"'],
    ['runAsUser', 'container uid 0', (s) => (s.containers[0].securityContext.runAsUser = 0), `${C0}.securityContext.runAsUser`, 'must not be 0 (root), got 0'],
  ];

  it('has a row for every rule', () => {
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(SANDBOX_RULE_IDS));
  });

  // Rest parameters: a callback with more parameters than a row has is taken for a `done` callback by jest.
  it.each(rows)('%s (%s): exactly one error with its path and message', (...row: Row) => {
    const [rule, , mutate, path, message, options] = row;
    const spec = compliant();
    mutate(spec);
    expect(checkSandboxPodSpec(spec, options)).toEqual([{ rule, path, message, severity: 'error' }]);
  });

  it('reports every violation at once, one line each', () => {
    const spec = { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 1, hostPort: 1 }] }], hostNetwork: true };
    expect(lines(spec)).toEqual([
      [`${P}.runtimeClassName`, `${RUNTIME_MSG}, got nothing`],
      [`${P}.hostNetwork`, "must be false or unset (a sandbox must not share the node's network namespace (and reach the cloud metadata server)), got true"],
      [`${P}.automountServiceAccountToken`, 'must be false (a sandbox must not get a ServiceAccount token), got nothing'],
      ...bareContainerLines(C0).slice(0, 4),
      [`${C0}.ports[0].hostPort`, 'must not be set (a sandbox must not bind ports on the node), got 1'],
      ...bareContainerLines(C0).slice(4),
    ]);
  });

  it('uses the given base path', () => {
    const spec = compliant();
    delete spec.automountServiceAccountToken;
    expect(lines(spec, { path: 'spec.template.spec' })).toEqual([
      ['spec.template.spec.automountServiceAccountToken', 'must be false (a sandbox must not get a ServiceAccount token), got nothing'],
    ]);
  });
});

describe('container settings override pod settings', () => {
  const withPod = (podSc: Obj, containerSc: Obj): Obj => {
    const spec = compliant();
    spec.securityContext = podSc;
    const sc = spec.containers[0].securityContext;
    delete sc.runAsNonRoot;
    delete sc.seccompProfile;
    Object.assign(sc, containerSc);
    return spec;
  };

  it('runAsNonRoot: false on the container beats true on the pod', () => {
    expect(lines(withPod({ runAsNonRoot: true }, { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } }))).toEqual([
      [`${C0}.securityContext.runAsNonRoot`, `${RUN_AS_NON_ROOT_MSG}, got false (overrides ${P}.securityContext.runAsNonRoot: true)`],
    ]);
  });

  it('runAsNonRoot: true on the container beats false on the pod', () => {
    expect(checkSandboxPodSpec(withPod({ runAsNonRoot: false }, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }))).toEqual([]);
  });

  it('runAsNonRoot: false on the pod applies to a container that sets nothing', () => {
    expect(lines(withPod({ runAsNonRoot: false }, { seccompProfile: { type: 'RuntimeDefault' } }))).toEqual([
      [`${C0}.securityContext.runAsNonRoot`, `${RUN_AS_NON_ROOT_MSG}, got false (from ${P}.securityContext.runAsNonRoot)`],
    ]);
  });

  it('seccomp Unconfined on the container beats RuntimeDefault on the pod', () => {
    expect(lines(withPod({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, { seccompProfile: { type: 'Unconfined' } }))).toEqual([
      [`${C0}.securityContext.seccompProfile.type`, `${SECCOMP_MSG}, got "Unconfined" (overrides ${P}.securityContext.seccompProfile.type: RuntimeDefault)`],
    ]);
  });

  it('Unconfined on the pod is refused even where a container overrides it (as Pod Security restricted does), and applies to the others', () => {
    const spec = withPod({ runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } }, { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } });
    const second = secureContainer('second');
    delete second.securityContext.seccompProfile;
    spec.containers.push(second);
    expect(lines(spec)).toEqual([
      [`${P}.securityContext.seccompProfile.type`, 'must be RuntimeDefault or Localhost (system calls must be filtered), got "Unconfined"'],
      [`${P}.containers[1].securityContext.seccompProfile.type`, `${SECCOMP_MSG}, got "Unconfined" (from ${P}.securityContext.seccompProfile.type)`],
    ]);
  });
});

describe('init and ephemeral containers', () => {
  it('are held to every container rule', () => {
    const spec = compliant();
    spec.initContainers = [secureContainer('ok-init'), { name: 'setup', image: 'alpine' }];
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true, procMount: 'Unmasked' } }];
    expect(lines(spec)).toEqual([
      ...bareContainerLines(`${P}.initContainers[1]`),
      [`${P}.ephemeralContainers[0].securityContext.privileged`, 'must be false or unset (a privileged container controls the node), got true'],
      ...bareContainerLines(`${P}.ephemeralContainers[0]`).slice(0, 4),
      [`${P}.ephemeralContainers[0].securityContext.procMount`, 'must be Default or unset (an unmasked /proc exposes the kernel), got "Unmasked"'],
      ...bareContainerLines(`${P}.ephemeralContainers[0]`).slice(4),
    ]);
  });

  it('a trusted init container (upstream annotation) may add capabilities and run as root: notes, not errors', () => {
    const spec = compliant();
    const init = secureContainer('iptables');
    init.securityContext.capabilities.add = ['NET_ADMIN'];
    init.securityContext.runAsNonRoot = false;
    init.securityContext.privileged = true;
    spec.initContainers = [init];
    const allowed = `(allowed: trusted init container "iptables" in ${TRUSTED_PATH})`;
    expect(checkSandboxPodSpec(spec, { trustedInitContainers: 'iptables' })).toEqual([
      {
        rule: 'privileged',
        path: `${P}.initContainers[0].securityContext.privileged`,
        message: 'must be false or unset (a privileged container controls the node), got true',
        severity: 'error',
      },
      {
        rule: 'capabilitiesAdd',
        path: `${P}.initContainers[0].securityContext.capabilities.add`,
        message: `must be empty or unset (a sandbox must not add Linux capabilities), got ["NET_ADMIN"] ${allowed}`,
        severity: 'note',
      },
      {
        rule: 'runAsNonRoot',
        path: `${P}.initContainers[0].securityContext.runAsNonRoot`,
        message: `${RUN_AS_NON_ROOT_MSG}, got false ${allowed}`,
        severity: 'note',
      },
    ]);
    // Not named (upstream splits on ',' without trimming): errors.
    expect(checkSandboxPodSpec(spec, { trustedInitContainers: 'other, iptables' }).map((v) => v.severity)).toEqual(['error', 'error', 'error']);
  });
});

describe('sandboxInvariantsChecker', () => {
  it('turns a violation of an opted-out rule into a note', () => {
    const spec = compliant();
    delete spec.automountServiceAccountToken;
    spec.containers[0].securityContext.runAsNonRoot = false;
    const obj = sandbox(spec, { [SECURITY_OPT_OUTS_ANNOTATION]: 'automountServiceAccountToken' });
    expect(sandboxInvariantsChecker(obj, 'Sandbox tenant-a/box')).toEqual([
      {
        object: 'Sandbox tenant-a/box',
        path: `${P}.automountServiceAccountToken`,
        code: 'automountServiceAccountToken',
        message: `must be false (a sandbox must not get a ServiceAccount token), got nothing (opted out: "automountServiceAccountToken" in ${OPT_OUT_PATH})`,
        severity: 'note',
      },
      { object: 'Sandbox tenant-a/box', path: `${C0}.securityContext.runAsNonRoot`, code: 'runAsNonRoot', message: `${RUN_AS_NON_ROOT_MSG}, got false`, severity: 'error' },
    ]);
    const both = sandbox(spec, { [SECURITY_OPT_OUTS_ANNOTATION]: 'automountServiceAccountToken, runAsNonRoot' });
    expect(sandboxInvariantsChecker(both, 'x').map((p) => p.severity)).toEqual(['note', 'note']);
  });

  it('reports unknown opt-out ids as errors naming the allowed ids, and still checks the known ones', () => {
    const spec = compliant();
    delete spec.automountServiceAccountToken;
    const obj = sandbox(spec, { [SECURITY_OPT_OUTS_ANNOTATION]: 'automountServiceAccountToken,noRoot' });
    expect(sandboxInvariantsChecker(obj, 'Sandbox tenant-a/box')).toEqual([
      {
        object: 'Sandbox tenant-a/box',
        path: OPT_OUT_PATH,
        code: 'securityOptOuts',
        message: `"noRoot" is not a sandbox rule id; allowed: ${SANDBOX_RULE_IDS.join(', ')}`,
        severity: 'error',
      },
      {
        object: 'Sandbox tenant-a/box',
        path: `${P}.automountServiceAccountToken`,
        code: 'automountServiceAccountToken',
        message: `must be false (a sandbox must not get a ServiceAccount token), got nothing (opted out: "automountServiceAccountToken" in ${OPT_OUT_PATH})`,
        severity: 'note',
      },
    ]);
    expect(SANDBOX_RULE_IDS.join(', ')).toContain('runtimeClassName, hostNetwork, hostPID, hostIPC, automountServiceAccountToken');
  });

  it('rejects an opt-out annotation that is not a string', () => {
    const obj = sandbox(compliant(), { [SECURITY_OPT_OUTS_ANNOTATION]: true });
    expect(sandboxInvariantsChecker(obj, 'o')).toEqual([
      { object: 'o', path: OPT_OUT_PATH, code: 'securityOptOuts', message: `must be a string of comma-separated rule ids (allowed: ${SANDBOX_RULE_IDS.join(', ')}), got true`, severity: 'error' },
    ]);
  });

  it('reads the upstream trusted-init-containers annotation', () => {
    const obj = sandbox(compliant(), { 'agents.x-k8s.io/trusted-init-containers': 'agent' });
    expect(sandboxInvariantsChecker(obj, 'o').map((p) => [p.path, p.severity])).toEqual([[TRUSTED_PATH, 'error']]);
  });

  it.each([
    ['agents.x-k8s.io/v1beta1', 'Sandbox'],
    ['agents.x-k8s.io/v1alpha1', 'Sandbox'],
    ['extensions.agents.x-k8s.io/v1beta1', 'SandboxTemplate'],
    ['extensions.agents.x-k8s.io/v1alpha1', 'SandboxTemplate'],
  ])('checks %s %s at spec.podTemplate.spec', (apiVersion, kind) => {
    expect(sandboxInvariantsChecker(sandbox(compliant(), undefined, apiVersion, kind), 'o')).toEqual([]);
    const spec = compliant();
    spec.runtimeClassName = 'runc';
    expect(sandboxInvariantsChecker(sandbox(spec, undefined, apiVersion, kind), `${kind} tenant-a/box`)).toEqual([
      { object: `${kind} tenant-a/box`, path: `${P}.runtimeClassName`, code: 'runtimeClassName', message: `${RUNTIME_MSG}, got "runc"`, severity: 'error' },
    ]);
  });

  it('ignores kinds without a sandbox pod spec', () => {
    const insecure = { hostNetwork: true, containers: [{ name: 'a', image: 'x' }] };
    const objects: Obj[] = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: insecure },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: insecure } } },
      { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', metadata: { name: 'w' }, spec: { replicas: 1, sandboxTemplateRef: { name: 't' } } },
      { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxClaim', metadata: { name: 'c' }, spec: { warmPoolRef: { name: 'w' } } },
      sandbox(insecure, undefined, 'example.com/v1beta1', 'Sandbox'),
      sandbox(insecure, undefined, 'agents.x-k8s.io/v1beta1', 'SandboxTemplate'),
    ];
    for (const o of objects) expect(sandboxInvariantsChecker(o, 'o')).toEqual([]);
  });

  it('refuses an unknown version instead of guessing its layout (a pod the rules cannot read must not pass)', () => {
    expect(sandboxInvariantsChecker(sandbox(compliant(), undefined, 'agents.x-k8s.io/v1'), 'o')).toEqual([
      { object: 'o', path: 'apiVersion', code: 'apiVersion', message: 'cannot be checked against the sandbox rules: v1 is not a known version of Sandbox (known: v1alpha1, v1beta1; a newer agent-sandbox release needs its entry in the pin table)', severity: 'error' },
    ]);
  });

  it('reports a missing pod spec', () => {
    const obj = { apiVersion: 'agents.x-k8s.io/v1beta1', kind: 'Sandbox', metadata: { name: 'b' }, spec: { podTemplate: {} } };
    expect(sandboxInvariantsChecker(obj, 'o')).toEqual([
      {
        object: 'o',
        path: P,
        code: 'podSpec',
        message: 'must be a pod spec (a Sandbox runs a pod; the sandbox rules cannot be checked without it), got nothing',
        severity: 'error',
      },
    ]);
  });

  it('can be built for a platform and extra RuntimeClasses', () => {
    const spec = { ...compliant(), runtimeClassName: 'kata-qemu' };
    const checker = createSandboxInvariantsChecker({ allowedRuntimeClasses: ['kata-qemu'], platform: 'aks' });
    expect(checker(sandbox(spec), 'o')).toEqual([]);
    expect(createSandboxInvariantsChecker({ platform: 'gke-autopilot' })(sandbox(compliant()), 'o').map((p) => p.path)).toEqual([
      `${P}.nodeSelector["sandbox.gke.io/runtime"]`,
      `${P}.tolerations`,
    ]);
  });
});
