/**
 * checkCapacity's GPU counting (`gpusPerNode`, `WarmPoolInput.gpus`) and warm pools that may land on several pools
 * (`WarmPoolInput.pools`): exact findings, and the input checks.
 */
import { checkCapacity, type SandboxPoolInput, type WarmPoolInput } from '../../../platforms/capacity/check';

const gpuPool: SandboxPoolInput = { name: 'gpu', cloud: 'gcp', machineType: 'g2-standard-48', maxNodes: 2, gpusPerNode: 4 };
const gpuPods = (replicas: number, gpus: number): WarmPoolInput => ({ tenant: 't', name: `g${gpus}`, replicas, limits: { cpu: '1', memory: '2Gi' }, gpus, pool: 'gpu' });

describe('GPUs per node', () => {
  test('pods of 3 GPUs on 4-GPU nodes: one per node, so 3 pods need 3 nodes although 9 GPUs < 2 × 4', () => {
    const { errors } = checkCapacity({ sandboxPools: [gpuPool], warmPools: [gpuPods(3, 3)] });
    expect(errors.map((e) => [e.code, e.field, e.message])).toStrictEqual([
      [
        'pool-too-small',
        'sandboxPools[0].maxNodes',
        'GPU warm pools on sandbox pool "gpu" need 9 GPUs on at least 3 nodes (t/g3 × 3: 3 GPUs each, 1 pod per node) ' +
          'but 2 × g2-standard-48 nodes offer 8 GPUs (4 per node); raise maxNodes to ≥ 3 or use a machine type with more GPUs',
      ],
    ]);
  });

  test('mixed GPU warm pools need all their GPUs: 3 × 2 + 3 × 1 = 9 GPUs > 8', () => {
    const { errors } = checkCapacity({ sandboxPools: [gpuPool], warmPools: [gpuPods(3, 2), gpuPods(3, 1)] });
    expect(errors.map((e) => e.message)).toStrictEqual([
      'GPU warm pools on sandbox pool "gpu" need 9 GPUs on at least 3 nodes (t/g2 × 3: 2 GPUs each, 2 pods per node; t/g1 × 3: 1 GPU each, 4 pods per node) ' +
        'but 2 × g2-standard-48 nodes offer 8 GPUs (4 per node); raise maxNodes to ≥ 3 or use a machine type with more GPUs',
    ]);
  });

  test('a pod asking for more GPUs than a node has, or for any on a pool without GPUs, never runs', () => {
    const cpuPool: SandboxPoolInput = { name: 'cpu', cloud: 'gcp', machineType: 'n2-standard-8', maxNodes: 10 };
    const { errors } = checkCapacity({ sandboxPools: [gpuPool, cpuPool], warmPools: [gpuPods(1, 8), { ...gpuPods(1, 1), pool: 'cpu' }] });
    expect(errors.map((e) => [e.code, e.field, e.message])).toStrictEqual([
      [
        'pod-larger-than-node',
        'warmPools[0].gpus',
        'warm pool t/g8: each pod asks for 8 GPUs (nvidia.com/gpu) but one g2-standard-48 node of sandbox pool "gpu" has 4; more nodes cannot help: use a machine type with more GPUs or ask for fewer per pod',
      ],
      [
        'pod-larger-than-node',
        'warmPools[1].gpus',
        'warm pool t/g1: each pod asks for 1 GPU (nvidia.com/gpu) but the n2-standard-8 nodes of sandbox pool "cpu" have none, so its pods stay Pending; put them on a GPU pool or remove the GPU limit',
      ],
    ]);
  });

  test('GPUs are checked even when the machine type is not in the table (its cpu/memory check is skipped with a warning)', () => {
    const { errors, warnings } = checkCapacity({ sandboxPools: [{ ...gpuPool, machineType: 'a3-megagpu-8g', gpusPerNode: 8, maxNodes: 1 }], warmPools: [gpuPods(9, 1)] });
    expect(errors.map((e) => e.code)).toStrictEqual(['pool-too-small']);
    expect(warnings.map((w) => w.code)).toStrictEqual(['unknown-machine-type']);
  });

  test('invalid counts are input errors', () => {
    const { errors } = checkCapacity({ sandboxPools: [{ ...gpuPool, gpusPerNode: 1.5 }], warmPools: [{ ...gpuPods(1, 1), gpus: -1 }] });
    expect(errors.map((e) => e.message)).toStrictEqual(['sandboxPools[0].gpusPerNode: must be an integer ≥ 0, got 1.5', 'warmPools[0].gpus: must be an integer ≥ 0, got -1']);
  });
});

describe('warm pools that may land on several pools', () => {
  const a: SandboxPoolInput = { name: 'a', cloud: 'aws', machineType: 'm7i.xlarge', maxNodes: 1 };
  const b: SandboxPoolInput = { name: 'b', cloud: 'aws', machineType: 'm7i.2xlarge', maxNodes: 1 };
  const pods = (replicas: number, cpu: string, memory: string, name = 'w'): WarmPoolInput => ({ tenant: 't', name, replicas, limits: { cpu, memory }, pools: ['a', 'b'] });

  test('a pod that fits no pool of the set is an error naming every pool', () => {
    const { errors } = checkCapacity({ sandboxPools: [a, b], warmPools: [pods(1, '16', '2Gi')] });
    expect(errors.map((e) => [e.code, e.pool])).toStrictEqual([
      ['pod-larger-than-node', 'a+b'],
      ['pod-larger-than-node', 'a'],
      ['pod-larger-than-node', 'b'],
    ]);
    expect(errors[0].message).toBe(
      'warm pool t/w: one pod needs 16 vCPU, 2 GiB but no node of the sandbox pools it may land on holds it: m7i.xlarge ("a") offers 3.92 vCPU / 15.03 GiB, ' +
        'm7i.2xlarge ("b") offers 7.91 vCPU / 31.03 GiB allocatable; more nodes cannot help: use a larger instance type or lower limits',
    );
  });

  test('a pool holding some warm pools but not others is fine; each warm pool must fit the pools it fits on', () => {
    // Big pods (6 vCPU) fit only "b" (7.91): 2 of them need 12 vCPU > 7.91, although a + b offer 15.75 ≥ 13 for all.
    const { errors } = checkCapacity({ sandboxPools: [{ ...a, maxNodes: 2 }, b], warmPools: [pods(1, '1', '1Gi', 'small'), pods(2, '6', '1Gi', 'big')] });
    expect(errors.map((e) => [e.code, e.pool, e.field])).toStrictEqual([['pool-too-small', 'a+b', 'sandboxPools[1].maxNodes']]);
    expect(errors[0].message).toBe(
      'warm pools that may land on any of the sandbox pools "a" (2 × m7i.xlarge), "b" (1 × m7i.2xlarge) need 12 vCPU / 2 GiB (t/big × 2: 6 vCPU, 1 GiB each) ' +
        'but "b" (1 × m7i.2xlarge) offers 7.91 vCPU / 31.03 GiB allocatable ("a" cannot hold these pods and counts for nothing); raise maxNodes of "b" or use larger instance types',
    );
  });

  test('near full together warns once for the set', () => {
    const { errors, warnings } = checkCapacity({ sandboxPools: [a, b], warmPools: [pods(10, '1', '1Gi')] });
    expect(errors).toStrictEqual([]);
    expect(warnings.map((w) => [w.code, w.pool, w.message])).toStrictEqual([
      [
        'pool-near-full',
        'a+b',
        'warm pools on the sandbox pools "a" (1 × m7i.xlarge), "b" (1 × m7i.2xlarge) fill 84% of cpu: they need 10 vCPU / 10 GiB and ' +
          '"a" (1 × m7i.xlarge) + "b" (1 × m7i.2xlarge) offer 11.83 vCPU / 46.06 GiB allocatable; warning threshold 80%: raise maxNodes of "a" or maxNodes of "b" for headroom',
      ],
    ]);
  });

  test('an unknown pool name is an input error; one name is the same as `pool`', () => {
    expect(checkCapacity({ sandboxPools: [a, b], warmPools: [{ ...pods(1, '1', '1Gi'), pools: ['a', 'c'] }] }).errors.map((e) => e.message)).toStrictEqual([
      'warmPools[0].pools[1]: "c" is not a sandbox pool; sandbox pools: "a", "b"',
    ]);
    const single = checkCapacity({ sandboxPools: [a, b], warmPools: [{ ...pods(5, '1', '1Gi'), pools: ['a'] }] });
    const viaPool = checkCapacity({ sandboxPools: [a, b], warmPools: [{ ...pods(5, '1', '1Gi'), pools: undefined, pool: 'a' }] });
    expect(single).toStrictEqual(viaPool);
    expect(single.errors.map((e) => e.code)).toStrictEqual(['pool-too-small']);
  });

  test('a pool of unknown size leaves the set unchecked (warned), never guessed', () => {
    const { errors, warnings } = checkCapacity({ sandboxPools: [a, { ...b, machineType: 'x9z.metal' }], warmPools: [pods(100, '1', '1Gi')] });
    expect(errors).toStrictEqual([]);
    expect(warnings.map((w) => w.code)).toStrictEqual(['unknown-machine-type']);
  });
});
