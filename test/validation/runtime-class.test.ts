import { Testing } from 'cdk8s';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT, PLATFORMS, type Platform } from '../../platforms';
import { SandboxRuntime } from '../../constructs/sandbox-runtime';
import { checkRuntimeClass, createRuntimeClassChecker, toleratesTaint } from '../../validation/runtime-class';

const runtimeClass = (name: string, handler: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name },
  handler,
  ...extra,
});

const EKS_SCHEDULING = {
  scheduling: {
    nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
    tolerations: [{ key: EKS_SANDBOX_NODE_TAINT.key, operator: 'Equal', value: EKS_SANDBOX_NODE_TAINT.value, effect: EKS_SANDBOX_NODE_TAINT.effect }],
  },
};

const GVISOR_HANDLER = (got: string) =>
  `must be "runsc" (RuntimeClass "gvisor" promises the gVisor sandbox; with another handler its pods run outside it, with runc on the host kernel), got "${got}"`;
const OWNED = (name: string, platform: Platform) =>
  `RuntimeClass "${name}" is owned by ${platform}; re-declaring it fights the platform's reconciler: remove it (sandbox pods only reference it by runtimeClassName)`;
const EKS_SELECTOR = (got: string) =>
  `must be "gvisor" (eks has runsc only on its sandbox nodes; without this selector "gvisor" pods can land on other nodes and fail to start), got ${got}`;
const EKS_TOLERATION = (got: string) =>
  `must tolerate the sandbox node taint {key: sandbox.agent-sandbox-infra.io/runtime, value: gvisor, effect: NoSchedule} (eks has runsc only on its sandbox nodes, which carry this taint; without the toleration "gvisor" pods cannot be scheduled there), got ${got}`;

describe('checkRuntimeClass: handler', () => {
  test('gvisor with handler runsc passes without a platform', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runsc'))).toStrictEqual([]);
  });

  test.each(['runc', 'crun', 'gvisor', 'runsc-debug'])('gvisor with handler %s is refused: its pods would not run in gVisor', (handler) => {
    expect(checkRuntimeClass(runtimeClass('gvisor', handler))).toStrictEqual([{ path: 'handler', message: GVISOR_HANDLER(handler) }]);
  });

  test.each(['eks', 'kind'] as const)('on %s (where we own gvisor) the handler must be runsc too', (platform) => {
    const extra = platform === 'eks' ? EKS_SCHEDULING : {};
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runc', extra), { platform })).toStrictEqual([{ path: 'handler', message: GVISOR_HANDLER('runc') }]);
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runsc', extra), { platform })).toStrictEqual([]);
  });

  test('a platform without gvisor still holds a gvisor RuntimeClass to the table handler (aks)', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runc'), { platform: 'aks' })).toStrictEqual([{ path: 'handler', message: GVISOR_HANDLER('runc') }]);
  });

  test('a platform-provided sandbox name with no handler in the table must not use a host-kernel runtime', () => {
    const message = (h: string) =>
      `must not be a host-kernel runtime (runc, crun, youki): RuntimeClass "kata-vm-isolation" promises the Kata sandbox and its pods would run on the host kernel, got "${h}"`;
    expect(checkRuntimeClass(runtimeClass('kata-vm-isolation', 'runc'))).toStrictEqual([{ path: 'handler', message: message('runc') }]);
    expect(checkRuntimeClass(runtimeClass('kata-vm-isolation', 'youki'))).toStrictEqual([{ path: 'handler', message: message('youki') }]);
    expect(checkRuntimeClass(runtimeClass('kata-vm-isolation', 'kata'))).toStrictEqual([]);
  });

  test('RuntimeClasses with other names, other kinds and other API versions are not this check', () => {
    expect(checkRuntimeClass(runtimeClass('runc', 'runc'))).toStrictEqual([]);
    expect(checkRuntimeClass(runtimeClass('standard', 'runc'), { platform: 'eks' })).toStrictEqual([]);
    expect(checkRuntimeClass({ ...runtimeClass('gvisor', 'runc'), apiVersion: 'node.k8s.io/v1beta1' })).toStrictEqual([]);
    expect(checkRuntimeClass({ ...runtimeClass('gvisor', 'runc'), kind: 'ConfigMap' })).toStrictEqual([]);
  });

  test('a missing or non-string handler is left to the schema (no second line for the same problem)', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', undefined))).toStrictEqual([]);
    expect(checkRuntimeClass(runtimeClass('gvisor', 7))).toStrictEqual([]);
    expect(checkRuntimeClass({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: 'x' })).toStrictEqual([]);
  });
});

describe('checkRuntimeClass: platform-owned RuntimeClasses', () => {
  test.each([
    ['gke-autopilot', 'gvisor'],
    ['gke-standard', 'gvisor'],
    ['aks', 'kata-vm-isolation'],
  ] as const)('on %s, emitting %s is an error', (platform, name) => {
    expect(checkRuntimeClass(runtimeClass(name, name === 'gvisor' ? 'runsc' : 'kata'), { platform })).toStrictEqual([
      { path: 'metadata.name', message: OWNED(name, platform) },
    ]);
  });

  test('without a platform, nobody owns them: only the handler is checked', () => {
    expect(checkRuntimeClass(runtimeClass('kata-vm-isolation', 'kata'))).toStrictEqual([]);
  });

  test('a platform-owned class with a host-kernel handler gets both lines', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runc'), { platform: 'gke-standard' })).toStrictEqual([
      { path: 'metadata.name', message: OWNED('gvisor', 'gke-standard') },
      {
        path: 'handler',
        message: 'must not be a host-kernel runtime (runc, crun, youki): RuntimeClass "gvisor" promises the gVisor sandbox and its pods would run on the host kernel, got "runc"',
      },
    ]);
  });
});

describe('checkRuntimeClass: EKS scheduling', () => {
  test('the gvisor RuntimeClass must select and tolerate the EKS sandbox nodes', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runsc'), { platform: 'eks' })).toStrictEqual([
      { path: 'scheduling.nodeSelector["sandbox.agent-sandbox-infra.io/runtime"]', message: EKS_SELECTOR('nothing') },
      { path: 'scheduling.tolerations', message: EKS_TOLERATION('nothing') },
    ]);
  });

  test('a wrong label value and a toleration for another effect: one line each', () => {
    const rc = runtimeClass('gvisor', 'runsc', {
      scheduling: {
        nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: 'runc' },
        tolerations: [
          { key: EKS_SANDBOX_NODE_TAINT.key, operator: 'Equal', value: 'gvisor', effect: 'NoExecute' },
        ],
      },
    });
    expect(checkRuntimeClass(rc, { platform: 'eks' })).toStrictEqual([
      { path: 'scheduling.nodeSelector["sandbox.agent-sandbox-infra.io/runtime"]', message: EKS_SELECTOR('"runc"') },
      {
        path: 'scheduling.tolerations',
        message: EKS_TOLERATION(
          '[{"key":"sandbox.agent-sandbox-infra.io/runtime","operator":"Equal","value":"gvisor","effect":"NoExecute"}]',
        ),
      },
    ]);
  });

  test('a toleration with another value does not tolerate the taint', () => {
    const rc = runtimeClass('gvisor', 'runsc', {
      scheduling: { nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: 'gvisor' }, tolerations: [{ key: EKS_SANDBOX_NODE_TAINT.key, value: 'kata', effect: 'NoSchedule' }] },
    });
    expect(checkRuntimeClass(rc, { platform: 'eks' })).toStrictEqual([
      { path: 'scheduling.tolerations', message: EKS_TOLERATION('[{"key":"sandbox.agent-sandbox-infra.io/runtime","value":"kata","effect":"NoSchedule"}]') },
    ]);
  });

  test('extra selectors and tolerations are fine; an Exists toleration for the key tolerates the taint', () => {
    const rc = runtimeClass('gvisor', 'runsc', {
      scheduling: {
        nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: 'gvisor', 'kubernetes.io/arch': 'amd64' },
        tolerations: [{ key: 'other', operator: 'Exists' }, { key: EKS_SANDBOX_NODE_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
    expect(checkRuntimeClass(rc, { platform: 'eks' })).toStrictEqual([]);
  });

  test('other platforms do not require the EKS label (kind: no scheduling)', () => {
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runsc'), { platform: 'kind' })).toStrictEqual([]);
    expect(checkRuntimeClass(runtimeClass('gvisor', 'runsc'))).toStrictEqual([]);
  });
});

describe('toleratesTaint (Kubernetes semantics)', () => {
  const taint = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' } as const;
  test.each([
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'v' }, true],
    [{ key: 'k', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'k', value: 'w', effect: 'NoSchedule' }, false],
    [{ key: 'x', operator: 'Exists' }, false],
    [{ key: 'k', operator: 'Gt', value: 'v' }, false],
    ['k', false],
  ])('%j → %s', (toleration, expected) => expect(toleratesTaint(toleration, taint)).toBe(expected));
});

describe('the RuntimeClasses SandboxRuntime emits pass on their platform', () => {
  test.each(PLATFORMS)('%s', (platform) => {
    const chart = Testing.chart();
    new SandboxRuntime(chart, 'runtime', { platform });
    const objects = Testing.synth(chart) as Record<string, unknown>[];
    const checker = createRuntimeClassChecker({ platform });
    expect(objects.flatMap((o) => checker(o, 'x'))).toStrictEqual([]);
    expect(objects.map((o) => o.kind)).toStrictEqual(['eks', 'kind', 'kubernetes'].includes(platform) ? ['RuntimeClass'] : []);
  });

  test('the checker reports errors with the object name', () => {
    expect(createRuntimeClassChecker({ platform: 'aks' })(runtimeClass('kata-vm-isolation', 'kata'), 'RuntimeClass kata-vm-isolation')).toStrictEqual([
      { object: 'RuntimeClass kata-vm-isolation', path: 'metadata.name', message: OWNED('kata-vm-isolation', 'aks'), severity: 'error', code: 'runtimeClass' },
    ]);
  });
});
