import { checkCapacity, SandboxPoolInput, WarmPoolInput } from '../../../platforms/capacity/check';
import { GiB, MiB } from '../../../platforms/capacity/quantity';

const aksPool: SandboxPoolInput = { name: 'sandbox', cloud: 'azure', machineType: 'Standard_D4s_v5', maxNodes: 4 };
const python = (replicas: number): WarmPoolInput => ({ tenant: 'tenant-a', name: 'python', replicas, limits: { cpu: '2', memory: '4Gi' } });

describe('a pool that fits', () => {
  test('reports nothing', () => {
    // 3 × (2 vCPU, 4 GiB + 600 MiB) = 6 vCPU / 13.5 GiB of 15.44 vCPU / 47.6 GiB: 39% cpu.
    expect(checkCapacity({ sandboxPools: [aksPool], warmPools: [python(3)] })).toEqual({ errors: [], warnings: [] });
  });

  test('a pool with no warm pools is not checked', () => {
    expect(checkCapacity({ sandboxPools: [{ ...aksPool, maxNodes: 0 }], warmPools: [] })).toEqual({ errors: [], warnings: [] });
  });
});

describe('a pool that is too small', () => {
  test('is an error with the numbers, the breakdown and the fix', () => {
    const { errors, warnings } = checkCapacity({ sandboxPools: [aksPool], warmPools: [python(20)] });
    expect(warnings).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(
      'warm pools on sandbox pool "sandbox" need 40 vCPU / 91.72 GiB (tenant-a/python × 20: 2 vCPU, 4 GiB + 600 MiB Kata overhead each) ' +
        'but 4 × Standard_D4s_v5 nodes offer 15.44 vCPU / 47.6 GiB allocatable; raise maxNodes to ≥ 11 or use a larger vmSize',
    );
    expect(errors[0]).toMatchObject({
      severity: 'error',
      code: 'pool-too-small',
      field: 'sandboxPools[0].maxNodes',
      pool: 'sandbox',
      numbers: {
        demand: { cpuMillis: 40_000, memoryBytes: 20 * (4 * GiB + 600 * MiB), pods: 20 },
        perNode: { cpuMillis: 3860, memoryBytes: 12188 * MiB, pods: 250 },
        offered: { cpuMillis: 15_440, memoryBytes: 4 * 12188 * MiB, pods: 1000 },
        maxNodes: 4,
        nodesNeeded: 11,
      },
    });
  });

  test('the suggested maxNodes is enough', () => {
    expect(checkCapacity({ sandboxPools: [{ ...aksPool, maxNodes: 11 }], warmPools: [python(20)] }).errors).toEqual([]);
    expect(checkCapacity({ sandboxPools: [{ ...aksPool, maxNodes: 10 }], warmPools: [python(20)] }).errors).toHaveLength(1);
  });

  test('the pods-per-node limit counts (m6i.large: 29 pods per node from its ENIs)', () => {
    const { errors } = checkCapacity({
      sandboxPools: [{ name: 'small', cloud: 'aws', machineType: 'm6i.large', maxNodes: 2 }],
      warmPools: [{ tenant: 't', name: 'tiny', replicas: 60, limits: { cpu: '10m', memory: '16Mi' } }],
    });
    expect(errors.map((e) => e.message)).toEqual([
      'warm pools on sandbox pool "small" need 0.6 vCPU / 960 MiB / 60 pods (t/tiny × 60: 0.01 vCPU, 16 MiB each) ' +
        'but 2 × m6i.large nodes offer 3.86 vCPU / 14.68 GiB / 58 pods allocatable; raise maxNodes to ≥ 3 or use a larger instance type',
    ]);
  });

  test('a pod larger than a whole node is its own error, without a maxNodes suggestion', () => {
    const { errors } = checkCapacity({
      sandboxPools: [aksPool],
      warmPools: [{ tenant: 't', name: 'big', replicas: 1, limits: { cpu: '4', memory: '8Gi' } }],
    });
    expect(errors.map((e) => [e.code, e.field, e.message])).toEqual([
      [
        'pod-larger-than-node',
        'warmPools[0].limits',
        'warm pool t/big: one pod needs 4 vCPU / 8.59 GiB (4 vCPU, 8 GiB + 600 MiB Kata overhead) but one Standard_D4s_v5 node of ' +
          'sandbox pool "sandbox" offers 3.86 vCPU / 11.9 GiB allocatable; more nodes cannot help: use a larger vmSize or lower limits',
      ],
    ]);
  });
});

describe('near full', () => {
  test('≥ 80% of cpu is a warning naming the utilization and the headroom fix', () => {
    // e2-standard-8: 7910m / 29022.6 MiB per node. 10 × 2 vCPU = 20 vCPU of 23.73 = 84%.
    const { errors, warnings } = checkCapacity({
      sandboxPools: [{ name: 'gvisor', cloud: 'gcp', machineType: 'e2-standard-8', maxNodes: 3 }],
      warmPools: [{ tenant: 'acme', name: 'node', replicas: 10, limits: { cpu: '2', memory: '4Gi' } }],
    });
    expect(errors).toEqual([]);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'pool-near-full',
        'warm pools on sandbox pool "gvisor" fill 84% of cpu: they need 20 vCPU / 40 GiB (acme/node × 10: 2 vCPU, 4 GiB each) and ' +
          '3 × e2-standard-8 nodes offer 23.73 vCPU / 85.02 GiB allocatable; warning threshold 80%: raise maxNodes to ≥ 4 for headroom',
      ],
    ]);
    expect(warnings[0].numbers?.utilization.cpu).toBeCloseTo(20 / 23.73, 6);
  });

  test('exactly at the threshold warns, just below does not', () => {
    const pool: SandboxPoolInput = { name: 'p', cloud: 'gcp', machineType: 'custom', maxNodes: 1, allocatable: { cpu: '10', memory: '100Gi', pods: 100 } };
    const pods = (replicas: number): WarmPoolInput => ({ tenant: 't', name: 'w', replicas, limits: { cpu: '1', memory: '1Gi' } });
    expect(checkCapacity({ sandboxPools: [pool], warmPools: [pods(8)] }).warnings).toHaveLength(1);
    expect(checkCapacity({ sandboxPools: [pool], warmPools: [pods(7)] }).warnings).toHaveLength(0);
  });

  test('the threshold is configurable', () => {
    const input = { sandboxPools: [aksPool], warmPools: [python(3)] };
    expect(checkCapacity({ ...input, nearFullThreshold: 0.35 }).warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('fill 38% of cpu'),
    ]);
    expect(checkCapacity({ ...input, nearFullThreshold: 1.5 }).errors.map((e) => e.message)).toEqual([
      'nearFullThreshold: must be a number in (0, 1], got 1.5',
    ]);
  });
});

describe('unknown machine type', () => {
  test('is a warning that the check was skipped and how to give allocatable', () => {
    const { errors, warnings } = checkCapacity({
      sandboxPools: [{ name: 'x', cloud: 'aws', machineType: 'm5.large', maxNodes: 1 }],
      warmPools: [python(500)],
    });
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'unknown-machine-type', field: 'sandboxPools[0].machineType', pool: 'x' });
    expect(warnings[0].message).toContain('aws instance type "m5.large" is not in the capacity table, so its warm-pool capacity check was skipped');
    expect(warnings[0].message).toContain('give the per-node allocatable explicitly, e.g. sandboxPools[0].allocatable = { cpu: "3920m", memory: "12Gi", pods: 110 }');
  });

  test('an explicit allocatable makes it checkable, and overrides the table', () => {
    const { errors } = checkCapacity({
      sandboxPools: [{ name: 'x', cloud: 'aws', machineType: 'm5.large', maxNodes: 1, allocatable: { cpu: '3920m', memory: '7Gi', pods: 29 } }],
      warmPools: [python(2)],
    });
    expect(errors.map((e) => e.message)).toEqual([
      'warm pools on sandbox pool "x" need 4 vCPU / 8 GiB (tenant-a/python × 2: 2 vCPU, 4 GiB each) but 1 × m5.large nodes offer ' +
        '3.92 vCPU / 7 GiB allocatable; raise maxNodes to ≥ 2 or use a larger instance type',
    ]);
    const overridden = checkCapacity({ sandboxPools: [{ ...aksPool, allocatable: { cpu: '1', memory: '1Gi' } }], warmPools: [python(1)] });
    expect(overridden.errors.map((e) => e.code)).toEqual(['pod-larger-than-node']);
  });
});

describe('runtime overhead', () => {
  test('Kata adds 600 MiB per pod by default on AKS: 20 × 4 GiB is 80 GiB, with overhead 91.72 GiB', () => {
    const demand = (pool: SandboxPoolInput) =>
      checkCapacity({ sandboxPools: [pool], warmPools: [python(20)] }).errors[0].numbers?.demand.memoryBytes;
    expect(demand(aksPool)).toBe(20 * (4 * GiB + 600 * MiB));
    expect(demand({ ...aksPool, runtimeOverhead: {} })).toBe(80 * GiB);
  });

  test('a declared RuntimeClass overhead is added on top and named in the message', () => {
    const { errors } = checkCapacity({
      sandboxPools: [{ ...aksPool, podOverhead: { cpu: '250m', memory: '160Mi' } }],
      warmPools: [python(20)],
    });
    expect(errors[0].numbers?.demand).toEqual({ cpuMillis: 20 * 2250, memoryBytes: 20 * (4 * GiB + 760 * MiB), pods: 20 });
    expect(errors[0].message).toContain('tenant-a/python × 20: 2 vCPU, 4 GiB + 600 MiB Kata overhead + 0.25 vCPU, 160 MiB RuntimeClass overhead each');
  });

  test('gVisor has no overhead by default, but one can be configured', () => {
    const pool: SandboxPoolInput = { name: 'g', cloud: 'gcp', machineType: 'n2-standard-4', maxNodes: 1 };
    const w = [{ tenant: 't', name: 'w', replicas: 10, limits: { cpu: '100m', memory: '1Gi' } }];
    expect(checkCapacity({ sandboxPools: [pool], warmPools: w })).toEqual({ errors: [], warnings: [] });
    const withOverhead = checkCapacity({ sandboxPools: [{ ...pool, runtimeOverhead: { memory: '300Mi' } }], warmPools: w });
    expect(withOverhead.warnings[0].numbers?.demand.memoryBytes).toBe(10 * (GiB + 300 * MiB));
    expect(withOverhead.warnings[0].message).toContain('0.1 vCPU, 1 GiB + 300 MiB gVisor overhead each');
  });

  test('perNodeReserved (DaemonSets) comes off every node', () => {
    const { errors } = checkCapacity({
      sandboxPools: [{ ...aksPool, maxNodes: 11, perNodeReserved: { cpu: '500m', memory: '1Gi', pods: 10 } }],
      warmPools: [python(20)],
    });
    expect(errors[0].numbers?.perNode).toEqual({ cpuMillis: 3360, memoryBytes: 11164 * MiB, pods: 240 });
    expect(errors[0].numbers?.nodesNeeded).toBe(12);
  });
});

describe('several warm pools on one pool', () => {
  test('are summed and each listed', () => {
    const gke: SandboxPoolInput = { name: 'sandbox', cloud: 'gcp', machineType: 'n2-standard-8', maxNodes: 2 };
    const warmPools: WarmPoolInput[] = [
      { tenant: 't', name: 'a', replicas: 4, limits: { cpu: '2', memory: '4Gi' }, pool: 'sandbox' },
      { tenant: 't', name: 'b', replicas: 5, limits: { cpu: 2, memory: '2Gi' } },
      { tenant: 'u', name: 'elsewhere', replicas: 50, limits: { cpu: '2', memory: '2Gi' }, pool: 'other' },
    ];
    const other: SandboxPoolInput = { name: 'other', cloud: 'gcp', machineType: 'n2-standard-16', maxNodes: 10 };
    // Alone, a (8 vCPU) and b (10 vCPU) each fit in 15.82 vCPU; together they do not.
    const alone = checkCapacity({ sandboxPools: [gke], warmPools: [warmPools[0]] });
    expect(alone.errors).toEqual([]);
    const { errors } = checkCapacity({ sandboxPools: [gke, other], warmPools: warmPools.map((w) => ({ ...w, pool: w.pool ?? 'sandbox' })) });
    expect(errors.map((e) => e.message)).toEqual([
      'warm pools on sandbox pool "sandbox" need 18 vCPU / 26 GiB (t/a × 4: 2 vCPU, 4 GiB each; t/b × 5: 2 vCPU, 2 GiB each) ' +
        'but 2 × n2-standard-8 nodes offer 15.82 vCPU / 56.68 GiB allocatable; raise maxNodes to ≥ 3 or use a larger machine type',
    ]);
  });

  test('a warm pool without pool goes to the only pool of its isolation', () => {
    const pools: SandboxPoolInput[] = [
      { name: 'g', cloud: 'gcp', machineType: 'n2-standard-4', maxNodes: 1 },
      { name: 'k', cloud: 'azure', machineType: 'Standard_D4s_v5', maxNodes: 1 },
    ];
    const { errors } = checkCapacity({ sandboxPools: pools, warmPools: [{ ...python(3), isolation: 'kata' }] });
    expect(errors.map((e) => e.pool)).toEqual(['k']);
  });
});

describe('input problems', () => {
  test('missing limits are errors naming the field', () => {
    const { errors } = checkCapacity({ sandboxPools: [aksPool], warmPools: [{ tenant: 't', name: 'nolimits', replicas: 2, limits: { cpu: '1' } }] });
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'missing-limits',
        field: 'warmPools[0].limits.memory',
        warmPool: 't/nolimits',
        message:
          'warmPools[0].limits.memory: warm pool t/nolimits has no memory limit, so its capacity cannot be sized; every warm-pool pod ' +
          'needs cpu and memory limits (on AKS Kata the limits also size the pod VM). Set it, e.g. "4Gi"',
      }),
    ]);
  });

  test('every problem is reported at once', () => {
    const { errors, warnings } = checkCapacity({
      sandboxPools: [aksPool, { name: 'odd', cloud: 'gcp', machineType: 'n9-mega', maxNodes: 2 }, { ...aksPool, maxNodes: -1 }],
      warmPools: [
        { tenant: 't', name: 'a', replicas: 1 },
        { tenant: 't', name: 'b', replicas: 1, limits: { cpu: '1', memory: '1 Gi' }, pool: 'sandbox' },
        { tenant: 't', name: 'c', replicas: 1.5, limits: { cpu: '1', memory: '1Gi' }, pool: 'nope' },
      ],
    });
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['invalid-input', 'sandboxPools[2].maxNodes'],
      ['invalid-input', 'sandboxPools[2].name'],
      ['missing-limits', 'warmPools[0].limits.cpu'],
      ['missing-limits', 'warmPools[0].limits.memory'],
      ['invalid-input', 'warmPools[0].pool'],
      ['invalid-input', 'warmPools[1].limits.memory'],
      ['invalid-input', 'warmPools[2].replicas'],
      ['invalid-input', 'warmPools[2].pool'],
    ]);
    expect(errors.find((e) => e.field === 'warmPools[2].pool')?.message).toBe(
      'warmPools[2].pool: "nope" is not a sandbox pool; sandbox pools: "sandbox", "odd", "sandbox"',
    );
    expect(errors.find((e) => e.field === 'warmPools[1].limits.memory')?.message).toBe(
      'warmPools[1].limits.memory: "1 Gi" is not a Kubernetes quantity; use e.g. "512Mi", "2Gi", "1G", "1e9", "128974848"',
    );
    expect(errors.find((e) => e.field === 'warmPools[0].pool')?.message).toBe(
      'warmPools[0].pool: not set, and there are 3 sandbox pools to choose from; set pool (or isolation) to pick one of "sandbox", "odd", "sandbox"',
    );
    expect(warnings.map((w) => w.code)).toEqual(['unknown-machine-type']);
  });
});
