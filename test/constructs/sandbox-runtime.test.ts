import { SandboxRuntime } from '../../constructs/sandbox-runtime';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT, PLATFORMS } from '../../platforms';
import { newChart, synthObjects } from '../support/synth';

function runtime(platform: (typeof PLATFORMS)[number], isolation?: 'gvisor' | 'kata') {
  const chart = newChart();
  const rt = new SandboxRuntime(chart, 'Runtime', { platform, isolation });
  return { rt, objects: synthObjects(chart) };
}

describe('SandboxRuntime', () => {
  test.each([
    ['gke-autopilot', 'gvisor'],
    ['gke-standard', 'gvisor'],
    ['aks', 'kata-vm-isolation'],
  ] as const)('%s only references the platform-owned RuntimeClass %s and never emits it', (platform, name) => {
    const { rt, objects } = runtime(platform);
    expect(rt.runtimeClassName).toBe(name);
    expect(rt.runtimeClass).toBeUndefined();
    expect(objects).toStrictEqual([]);
  });

  test('GKE sandbox pods must carry the nodeSelector and toleration GKE admission requires', () => {
    expect(runtime('gke-autopilot').rt.podPlacement).toStrictEqual({
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
      tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
    });
  });

  test('EKS gets our gvisor RuntimeClass whose scheduling matches the sandbox node label and taint', () => {
    const { objects } = runtime('eks');
    expect(objects).toStrictEqual([
      {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'gvisor', labels: { 'agent-sandbox-infra.io/isolation': 'gvisor', 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
        handler: 'runsc',
        scheduling: {
          nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
          tolerations: [{ key: EKS_SANDBOX_NODE_TAINT.key, operator: 'Equal', value: EKS_SANDBOX_NODE_TAINT.value, effect: 'NoSchedule' }],
        },
      },
    ]);
  });

  test('kind gets a plain gvisor/runsc RuntimeClass', () => {
    const { objects } = runtime('kind');
    expect(objects.map((o) => [o.kind, o.metadata.name, o.handler, o.scheduling])).toStrictEqual([['RuntimeClass', 'gvisor', 'runsc', undefined]]);
  });

  test('an isolation the platform lacks names the platform and what it supports', () => {
    expect(() => runtime('aks', 'gvisor')).toThrow('isolation "gvisor" is not available on aks; aks supports: kata');
    expect(() => runtime('eks', 'kata')).toThrow('isolation "kata" is not available on eks; eks supports: gvisor');
  });
});
