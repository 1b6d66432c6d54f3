import { PLATFORMS, PLATFORM_PROFILES } from '../../../platforms';
import { sandboxNodeGroupScheduling } from '../../../platforms/eks/node-bootstrap/node-group';
import { nodeObjects, simulatedPools } from '../../../scripts/cluster/platform-nodes';
import { KWOK_NODE_ANNOTATION } from '../../../scripts/cluster/control-plane';

describe('simulated nodes', () => {
  it.each(PLATFORMS.map((p) => [p]))('%s has a system pool and a sandbox pool whose nodes the sandbox pods can reach', (platform) => {
    const pools = simulatedPools(platform);
    expect(pools.some((p) => p.roles.includes('system'))).toBe(true);
    const sandbox = pools.filter((p) => p.roles.includes('sandbox'));
    expect(sandbox.length).toBeGreaterThan(0);
    const runtime = Object.values(PLATFORM_PROFILES[platform].runtimes)[0]!;
    const selector = { ...runtime.runtimeClassScheduling?.nodeSelector, ...runtime.podPlacement.nodeSelector };
    for (const p of sandbox) {
      for (const [k, v] of Object.entries(selector)) expect(p.labels[k]).toBe(v);
      for (const t of p.taints) {
        const tolerated = [...(runtime.runtimeClassScheduling?.tolerations ?? []), ...runtime.podPlacement.tolerations].some((x) => x.key === t.key && x.effect === t.effect && (x.operator === 'Exists' || x.value === t.value));
        expect([t.key, tolerated]).toEqual([t.key, true]);
      }
    }
  });

  it("labels and taints EKS sandbox nodes with the node group's own scheduling", () => {
    const sandbox = simulatedPools('eks').find((p) => p.roles.includes('sandbox'))!;
    const group = sandboxNodeGroupScheduling();
    expect(Object.entries(group.labels).every(([k, v]) => sandbox.labels[k] === v)).toBe(true);
    expect(sandbox.taints.map((t) => [t.key, t.value])).toEqual(group.taints.map((t) => [t.key, t.value]));
  });

  it('makes kwok-managed Node objects with allocatable from the machine-type table', () => {
    const pool = simulatedPools('eks').find((p) => p.machineType === 'm7i.2xlarge')!;
    const [node] = nodeObjects(pool);
    expect(node.metadata.annotations[KWOK_NODE_ANNOTATION.key]).toBe(KWOK_NODE_ANNOTATION.value);
    expect(node.metadata.labels['node.kubernetes.io/instance-type']).toBe('m7i.2xlarge');
    expect(node.status.allocatable.cpu).toBe(`${pool.allocatable.cpuMillis}m`);
    expect(node.spec.taints).toEqual(pool.taints);
  });
});
