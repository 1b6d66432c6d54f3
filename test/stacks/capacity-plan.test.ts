/**
 * platforms/capacity/plan.ts: what the program hands the capacity check for each platform. Warm pools come from a
 * rendered chart, as in the program; the cluster configs are the `cluster` stack config objects.
 */
import { validateConfig } from '../../config/validate';
import { renderPlatform } from '../../constructs/output/render';
import type { Platform } from '../../platforms';
import { checkStackCapacity } from '../../stacks/capacity-plan';
import { eksGroupPool } from '../../platforms/eks/capacity';
import { warmPoolDemand } from '../../constructs/warm-pool-demand';
import { GiB, MiB } from '../../platforms/capacity/quantity';
import { stackFileConfig } from '../support/pulumi-stack';

type Json = Record<string, unknown>;
const container = (limits: Json, requests?: Json) => ({ name: 'c', image: 'python:3.12-slim', resources: { limits, ...(requests ? { requests } : {}) } });
/** One tenant (quota off: this is about nodes, not the namespace quota) with its templates and warm pools. */
function chartFor(platform: Platform, templates: Json[], warmPools: Json[]) {
  const config = validateConfig({ tenants: [{ name: 'agents', namespace: { quota: false }, templates, warmPools }] }, 'test');
  return renderPlatform(platform, config).chart;
}
const l4Template = (limits: Json = { cpu: '4', memory: '16Gi' }) => ({ name: 'l4', gpu: { count: 1, type: 'nvidia-l4' }, containers: [container(limits)] });
const cpuTemplate = { name: 'cpu', containers: [container({ cpu: '1', memory: '2Gi' }, { cpu: '500m', memory: '1Gi' })] };
const messages = (fs: readonly { message: string }[]) => fs.map((f) => f.message);

describe('warmPoolDemand: what each warm pool asks of a node', () => {
  test('limits and requests summed per pod (a missing request is its limit), GPUs and the accelerator selected', () => {
    const chart = chartFor('gke-standard', [l4Template(), cpuTemplate], [
      { name: 'l4', template: 'l4', replicas: 2 },
      { name: 'cpu', template: 'cpu', replicas: 10 },
    ]);
    expect(warmPoolDemand(chart)).toStrictEqual([
      { tenant: 'agents', name: 'l4', replicas: 2, limits: { cpu: '4000m', memory: 16 * GiB }, requests: { cpu: '4000m', memory: 16 * GiB }, gpus: 1, accelerator: 'nvidia-l4' },
      { tenant: 'agents', name: 'cpu', replicas: 10, limits: { cpu: '1000m', memory: 2 * GiB }, requests: { cpu: '500m', memory: 1 * GiB }, gpus: 0 },
    ]);
  });

  test('init containers count as Kubernetes counts them: the larger of the app containers and any one init container', () => {
    const chart = chartFor('eks', [
      {
        name: 't',
        initContainers: [{ ...container({ cpu: '3', memory: '1Gi' }), name: 'init' }],
        containers: [container({ cpu: '1', memory: '2Gi' }), { ...container({ cpu: '1', memory: '2Gi' }), name: 'd' }],
      },
    ], [{ name: 'w', template: 't', replicas: 1 }]);
    expect(warmPoolDemand(chart)[0]).toMatchObject({ limits: { cpu: '3000m', memory: 4 * GiB } });
  });
});

describe('GKE Standard: GPU warm pools land on the GPU pool, sized by its GPUs per node', () => {
  const gpuCluster = (gpuPool: Json) => ({ location: 'us-central1', gpuPool: { gpuType: 'l4', nodeLocations: ['us-central1-a'], ...gpuPool } });

  test('reviewer case: 50 × L4 pods against a GPU pool of at most 1 node is an error (GPUs, and cpu/memory too)', () => {
    const chart = chartFor('gke-standard', [l4Template()], [{ name: 'l4', template: 'l4', replicas: 50 }]);
    const { errors, warnings } = checkStackCapacity('gke-standard', gpuCluster({ maxNodes: 1 }), chart);
    expect(warnings).toStrictEqual([]);
    expect(errors.map((e) => [e.code, e.pool])).toStrictEqual([
      ['pool-too-small', 'gpu'],
      ['pool-too-small', 'gpu'],
    ]);
    expect(errors[1].message).toBe(
      'GPU warm pools on sandbox pool "gpu" need 50 GPUs on at least 50 nodes (agents/l4 × 50: 1 GPU each, 1 pod per node) ' +
        'but 1 × g2-standard-8 nodes offer 1 GPU (1 per node); raise cluster.gpuPool.maxNodes to ≥ 50 or use a cluster.gpuPool.machineType with more GPUs',
    );
    expect(errors[0].message).toMatch(/^warm pools on sandbox pool "gpu" need 200 vCPU \/ 800 GiB \(agents\/l4 × 50: 4 vCPU, 16 GiB each\) but 1 × g2-standard-8 nodes offer/);
  });

  test('GPUs alone can be the limit: 2 small L4 pods fit one g2-standard-8 by cpu and memory, but it has one GPU', () => {
    const chart = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' })], [{ name: 'l4', template: 'l4', replicas: 2 }]);
    const { errors } = checkStackCapacity('gke-standard', gpuCluster({ maxNodes: 1 }), chart);
    expect(messages(errors)).toStrictEqual([
      'GPU warm pools on sandbox pool "gpu" need 2 GPUs on at least 2 nodes (agents/l4 × 2: 1 GPU each, 1 pod per node) ' +
        'but 1 × g2-standard-8 nodes offer 1 GPU (1 per node); raise cluster.gpuPool.maxNodes to ≥ 2 or use a cluster.gpuPool.machineType with more GPUs',
    ]);
  });

  test('the per-node pod bound is GPUs per node / GPUs per pod: 4 pods of 1 GPU fit 2 × g2-standard-24 (2 L4 each), 5 do not', () => {
    const cluster = gpuCluster({ machineType: 'g2-standard-24', maxNodes: 2 });
    const ok = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' })], [{ name: 'l4', template: 'l4', replicas: 4 }]);
    expect(checkStackCapacity('gke-standard', cluster, ok).errors).toStrictEqual([]);
    const over = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' })], [{ name: 'l4', template: 'l4', replicas: 5 }]);
    expect(messages(checkStackCapacity('gke-standard', cluster, over).errors)).toStrictEqual([
      'GPU warm pools on sandbox pool "gpu" need 5 GPUs on at least 3 nodes (agents/l4 × 5: 1 GPU each, 2 pods per node) ' +
        'but 2 × g2-standard-24 nodes offer 4 GPUs (2 per node); raise cluster.gpuPool.maxNodes to ≥ 3 or use a cluster.gpuPool.machineType with more GPUs',
    ]);
  });

  test('a pool spanning zones counts maxNodes per zone (regional cluster: 3 zones)', () => {
    const chart = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' })], [{ name: 'l4', template: 'l4', replicas: 3 }]);
    expect(checkStackCapacity('gke-standard', { location: 'us-central1', gpuPool: { gpuType: 'l4', maxNodes: 1 } }, chart).errors).toStrictEqual([]);
  });

  test('CPU warm pools stay on the sandbox pool: they are not counted against the GPU pool', () => {
    const chart = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' }), cpuTemplate], [
      { name: 'l4', template: 'l4', replicas: 1 },
      { name: 'cpu', template: 'cpu', replicas: 20 },
    ]);
    expect(checkStackCapacity('gke-standard', gpuCluster({ maxNodes: 4 }), chart)).toStrictEqual({ errors: [], warnings: [] });
  });

  test('a full GPU pool warns: 1 pod of 1 GPU on a pool of at most 1 node', () => {
    const chart = chartFor('gke-standard', [l4Template({ cpu: '1', memory: '2Gi' })], [{ name: 'l4', template: 'l4', replicas: 1 }]);
    const { errors, warnings } = checkStackCapacity('gke-standard', gpuCluster({ maxNodes: 1 }), chart);
    expect(errors).toStrictEqual([]);
    expect(messages(warnings)).toStrictEqual([
      'GPU warm pools on sandbox pool "gpu" fill 1 of its 1 nodes: they need 1 GPU on at least 1 node (agents/l4 × 1: 1 GPU each, 1 pod per node) ' +
        'and 1 × g2-standard-8 nodes offer 1 GPU (1 per node); warning threshold 80%: raise cluster.gpuPool.maxNodes to ≥ 2 for headroom',
    ]);
  });

  test('a GPU warm pool without a GPU pool can never run: an error on a created cluster, a warning on an adopted one', () => {
    const chart = chartFor('gke-standard', [l4Template()], [{ name: 'l4', template: 'l4', replicas: 2 }]);
    const created = checkStackCapacity('gke-standard', { location: 'us-central1' }, chart);
    expect(created.errors.map((e) => [e.code, e.message])).toStrictEqual([
      [
        'no-matching-pool',
        'warm pool agents/l4 selects nvidia-l4 nodes but the cluster config has no gpuPool, so its 2 pods can never be scheduled; configure cluster.gpuPool with gpuType l4',
      ],
    ]);
    const adopted = checkStackCapacity('gke-standard', { existingCluster: { name: 'agents', location: 'us-central1' } }, chart);
    expect(adopted.errors).toStrictEqual([]);
    expect(messages(adopted.warnings)).toStrictEqual([
      'warm pool agents/l4 selects nvidia-l4 nodes but the cluster config has no gpuPool, so its 2 pods were not sized; ' +
        'they run only if the existing cluster has a gVisor pool with nvidia-l4 (else configure cluster.gpuPool with gpuType l4)',
    ]);
  });

  test('a GPU pool of another accelerator does not take the pods', () => {
    const chart = chartFor('gke-standard', [{ ...l4Template(), gpu: { count: 1, type: 'nvidia-tesla-t4' } }], [{ name: 't4', template: 'l4', replicas: 1 }]);
    expect(messages(checkStackCapacity('gke-standard', gpuCluster({ maxNodes: 4 }), chart).errors)).toStrictEqual([
      'warm pool agents/t4 selects nvidia-tesla-t4 nodes but the GPU pool has nvidia-l4 (gpuType l4), so its pod can never be scheduled; configure cluster.gpuPool with gpuType t4',
    ]);
  });

  test('Pulumi.gke-standard.yaml: python-warm on the sandbox pool, python-l4 on the L4 pool, both fit', () => {
    const stack = stackFileConfig('gke-standard');
    const chart = renderPlatform('gke-standard', validateConfig(JSON.parse(stack['agent-sandbox-infra:sandbox']), 'sandbox')).chart;
    const demand = warmPoolDemand(chart);
    expect(demand.map((w) => [w.name, w.gpus, w.accelerator])).toStrictEqual([
      ['python-warm', 0, undefined],
      ['python-l4', 1, 'nvidia-l4'],
    ]);
    expect(checkStackCapacity('gke-standard', JSON.parse(stack['agent-sandbox-infra:cluster']), chart, 'us-central1')).toStrictEqual({ errors: [], warnings: [] });
  });
});

describe('EKS: every sandbox group, each sized by its smallest instance type, checked together', () => {
  const cpuPods = (replicas: number) => chartFor('eks', [{ name: 'cpu', containers: [container({ cpu: '1', memory: '2Gi' })] }], [{ name: 'cpu', template: 'cpu', replicas }]);
  const group = (name: string, instanceTypes: string[], max: number) => ({ name, instanceTypes, scaling: { min: 0, desired: 0, max } });

  test('reviewer case: [m7i.xlarge max 1, t3.small max 10] with 20 × (1 CPU / 2Gi) is an error naming t3.small', () => {
    const { errors, warnings } = checkStackCapacity('eks', { sandboxNodeGroups: [group('big', ['m7i.xlarge'], 1), group('small', ['t3.small'], 10)] }, cpuPods(20));
    expect(warnings).toStrictEqual([]);
    expect(errors.map((e) => [e.code, e.pool, e.message])).toStrictEqual([
      [
        'pod-larger-than-node',
        'small',
        'sandbox pool "small": one t3.small node offers 1.93 vCPU / 1.53 GiB allocatable, less than one pod of any warm pool that may land on it ' +
          '(agents/cpu: 1 vCPU, 2 GiB); its nodes can run no sandbox and add no capacity to "big", "small": use a larger instance type (cluster.sandboxNodeGroups[1].instanceTypes) for it or remove it',
      ],
      [
        'pool-too-small',
        'big+small',
        'warm pools that may land on any of the sandbox pools "big" (1 × m7i.xlarge), "small" (10 × t3.small) need 20 vCPU / 40 GiB ' +
          '(agents/cpu × 20: 1 vCPU, 2 GiB each) but "big" (1 × m7i.xlarge) offers 3.92 vCPU / 15.03 GiB allocatable ' +
          '("small" cannot hold these pods and counts for nothing); raise cluster.sandboxNodeGroups[0].scaling.max or use larger instance type (cluster.sandboxNodeGroups[0].instanceTypes) or instance type (cluster.sandboxNodeGroups[1].instanceTypes)',
      ],
    ]);
  });

  test('a t3.small group is reported even when the other group holds every pod', () => {
    const { errors } = checkStackCapacity('eks', { sandboxNodeGroups: [group('big', ['m7i.2xlarge'], 10), group('small', ['t3.small'], 10)] }, cpuPods(20));
    expect(errors.map((e) => [e.code, e.pool])).toStrictEqual([['pod-larger-than-node', 'small']]);
  });

  test('groups add up: 20 × (1 CPU / 2Gi) fit 3 × m7i.xlarge + 2 × m7i.2xlarge together, not either alone', () => {
    // 3 × 3.92 + 2 × 7.91 = 27.58 vCPU: 73% of cpu, under the 80% warning; alone 11.76 and 15.82 vCPU.
    const groups = [group('a', ['m7i.xlarge'], 3), group('b', ['m7i.2xlarge'], 2)];
    expect(checkStackCapacity('eks', { sandboxNodeGroups: groups }, cpuPods(20))).toStrictEqual({ errors: [], warnings: [] });
    for (const alone of groups) expect(checkStackCapacity('eks', { sandboxNodeGroups: [alone] }, cpuPods(20)).errors.map((e) => e.code)).toStrictEqual(['pool-too-small']);
  });

  test('one group is one pool: messages as for any single pool', () => {
    const { errors } = checkStackCapacity('eks', { sandboxNodeGroups: [group('sandbox', ['t3.small'], 10)] }, cpuPods(1));
    expect(errors.map((e) => [e.code, e.pool])).toStrictEqual([['pod-larger-than-node', 'sandbox']]);
  });

  test('a group is sized by its smallest instance type, not the first', () => {
    const configFields = { maxNodes: 'cluster.sandboxNodeGroups[0].scaling.max', machineType: 'instance type (cluster.sandboxNodeGroups[0].instanceTypes)' };
    expect(eksGroupPool(group('g', ['m7i.2xlarge', 'm7i.xlarge'], 4))).toStrictEqual({ name: 'g', cloud: 'aws', maxNodes: 4, machineType: 'm7i.xlarge', configFields });
    // With mixed types, the first listed used to size the whole group: 20 pods "fit" 3 × m7i.2xlarge, not 3 × t3.medium.
    const { errors } = checkStackCapacity('eks', { sandboxNodeGroups: [group('g', ['m7i.2xlarge', 't3.medium'], 3)] }, cpuPods(20));
    expect(errors.map((e) => e.code)).toStrictEqual(['pool-too-small']);
    expect(errors[0].message).toMatch(/^warm pools on sandbox pool "g" need 20 vCPU \/ 40 GiB \(agents\/cpu × 20: 1 vCPU, 2 GiB each\) but 3 × t3\.medium nodes offer /);
  });

  test('no type smallest in everything: the smallest cpu, memory and pods of each', () => {
    // r6i.2xlarge has less cpu; m6i.4xlarge less allocatable memory (nodeadm reserves 11 MiB per ENI pod: 234 vs 58).
    expect(eksGroupPool(group('g', ['m6i.4xlarge', 'r6i.2xlarge'], 2))).toStrictEqual({
      name: 'g',
      cloud: 'aws',
      maxNodes: 2,
      machineType: 'm6i.4xlarge/r6i.2xlarge (the smallest cpu, memory and pods of each)',
      // cpu: r6i.2xlarge 8000m − 90m; memory: m6i.4xlarge 64 GiB − (255 + 11 × 234) MiB − 100 MiB; pods: min(58, 110).
      allocatable: { cpu: '7910m', memory: 62607 * MiB, pods: 58 },
      configFields: { maxNodes: 'cluster.sandboxNodeGroups[0].scaling.max', machineType: 'instance type (cluster.sandboxNodeGroups[0].instanceTypes)' },
    });
  });

  test('an instance type the table lacks: the group is not sized, with a warning naming the type', () => {
    const { errors, warnings } = checkStackCapacity('eks', { sandboxNodeGroups: [group('g', ['m7i.xlarge', 'x9z.metal'], 2)] }, cpuPods(1));
    expect(errors).toStrictEqual([]);
    expect(warnings.map((w) => [w.code, w.pool])).toStrictEqual([['unknown-machine-type', 'g']]);
    expect(warnings[0].message).toContain('"x9z.metal" is not in the capacity table');
  });
});

describe('GKE Autopilot is checked with the pods\' requests', () => {
  test('requests far below the limits are what Autopilot adjusts (limits alone would pass)', () => {
    const chart = chartFor('gke-autopilot', [{ name: 't', containers: [container({ cpu: '2', memory: '8Gi' }, { cpu: '100m', memory: '4Gi' })] }], [
      { name: 'w', template: 't', replicas: 2 },
    ]);
    const { errors, warnings } = checkStackCapacity('gke-autopilot', {}, chart);
    expect(errors).toStrictEqual([]);
    expect(warnings.map((w) => w.code)).toStrictEqual(['autopilot-adjusted']);
    expect(warnings[0].message).toMatch(/^warm pool agents\/w: GKE Autopilot raises each pod from 0\.1 vCPU \/ 4 GiB to /);
  });
});
