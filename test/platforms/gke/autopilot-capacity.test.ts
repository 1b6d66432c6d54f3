import {
  autopilotAdjust,
  autopilotGeneralPurposeBounds,
  checkAutopilot,
} from '../../../platforms/gke/autopilot-capacity';
import { GiB, MiB } from '../../../platforms/capacity/quantity';

const bursting = autopilotGeneralPurposeBounds(true);
const classic = autopilotGeneralPurposeBounds(false);

describe('autopilotAdjust (general-purpose compute class)', () => {
  test('a pod inside every bound is taken as is', () => {
    expect(autopilotAdjust({ cpuMillis: 1000, memoryBytes: 2 * GiB }, bursting)).toEqual({
      effective: { cpuMillis: 1000, memoryBytes: 2 * GiB },
      raised: [],
      rejected: [],
    });
  });

  test('memory below 1 GiB per vCPU is raised to the ratio', () => {
    const a = autopilotAdjust({ cpuMillis: 2000, memoryBytes: 1 * GiB }, bursting);
    expect(a.effective).toEqual({ cpuMillis: 2000, memoryBytes: 2 * GiB });
    expect(a.raised).toEqual(['memory to 2 GiB for the 1 GiB-per-vCPU minimum ratio']);
  });

  test('memory above 6.5 GiB per vCPU raises cpu', () => {
    const a = autopilotAdjust({ cpuMillis: 250, memoryBytes: 4 * GiB }, bursting);
    expect(a.effective).toEqual({ cpuMillis: 616, memoryBytes: 4 * GiB }); // 4096 / 6656 vCPU = 0.6154 → 616m
    expect(a.raised).toEqual(['cpu to 0.616 vCPU for the 6.5 GiB-per-vCPU maximum ratio']);
  });

  test('minimums: 50m / 52 MiB with bursting, 250m / 512 MiB without', () => {
    expect(autopilotAdjust({ cpuMillis: 10, memoryBytes: 32 * MiB }, bursting).effective).toEqual({ cpuMillis: 50, memoryBytes: 52 * MiB });
    expect(autopilotAdjust({ cpuMillis: 10, memoryBytes: 32 * MiB }, classic).effective).toEqual({ cpuMillis: 250, memoryBytes: 512 * MiB });
  });

  test('without bursting cpu is rounded up to 250m steps, and memory follows the ratio', () => {
    const a = autopilotAdjust({ cpuMillis: 300, memoryBytes: 512 * MiB }, classic);
    expect(a.effective).toEqual({ cpuMillis: 500, memoryBytes: 512 * MiB });
    expect(a.raised).toEqual(['cpu to 0.5 vCPU (multiples of 250m without bursting)']);
    const b = autopilotAdjust({ cpuMillis: 1100, memoryBytes: 1100 * MiB }, classic);
    expect(b.effective).toEqual({ cpuMillis: 1250, memoryBytes: 1280 * MiB });
  });

  test('above 30 vCPU or 110 GiB is rejected', () => {
    expect(autopilotAdjust({ cpuMillis: 32_000, memoryBytes: 64 * GiB }, bursting).rejected).toEqual([
      'cpu 32 vCPU is above the general-purpose maximum of 30 vCPU per pod',
    ]);
    expect(autopilotAdjust({ cpuMillis: 16_000, memoryBytes: 120 * GiB }, bursting).rejected).toEqual([
      'memory 120 GiB is above the general-purpose maximum of 110 GiB per pod',
    ]);
  });
});

describe('checkAutopilot', () => {
  test('reports rejections as errors and adjustments as warnings, with the numbers', () => {
    const { errors, warnings } = checkAutopilot({
      warmPools: [
        { tenant: 'tenant-a', name: 'python', replicas: 20, limits: { cpu: '2', memory: '1Gi' } },
        { tenant: 'tenant-a', name: 'huge', replicas: 1, limits: { cpu: '40', memory: '64Gi' } },
        { tenant: 'tenant-b', name: 'ok', replicas: 5, limits: { cpu: '500m', memory: '1Gi' } },
      ],
    });
    expect(warnings).toEqual([
      {
        severity: 'warning',
        code: 'autopilot-adjusted',
        field: 'warmPools[0].limits',
        warmPool: 'tenant-a/python',
        autopilot: { requested: { cpuMillis: 2000, memoryBytes: GiB }, effective: { cpuMillis: 2000, memoryBytes: 2 * GiB } },
        message:
          'warm pool tenant-a/python: GKE Autopilot raises each pod from 2 vCPU / 1 GiB to 2 vCPU / 2 GiB (memory to 2 GiB for the ' +
          '1 GiB-per-vCPU minimum ratio); the 20 warm pods are billed at the raised size: set these values to make it explicit',
      },
    ]);
    expect(errors.map((e) => [e.code, e.field, e.message])).toEqual([
      [
        'autopilot-rejected',
        'warmPools[1].limits',
        'warm pool tenant-a/huge: GKE Autopilot rejects its pods (40 vCPU / 64 GiB each): cpu 40 vCPU is above the general-purpose ' +
          'maximum of 30 vCPU per pod; lower the limits or select a compute class with larger bounds ' +
          '(https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests#compute-class-min-max)',
      ],
    ]);
  });

  test('requests, when given, are what Autopilot checks', () => {
    const w = { tenant: 't', name: 'w', replicas: 1, limits: { cpu: '1', memory: '2Gi' } };
    expect(checkAutopilot({ warmPools: [w] })).toEqual({ errors: [], warnings: [] });
    const { warnings } = checkAutopilot({ warmPools: [{ ...w, requests: { memory: '512Mi' } }] });
    expect(warnings.map((x) => [x.field, x.autopilot?.effective])).toEqual([['warmPools[0].requests', { cpuMillis: 1000, memoryBytes: GiB }]]);
  });

  test('bursting: false applies the older minimums', () => {
    const w = [{ tenant: 't', name: 'small', replicas: 3, limits: { cpu: '100m', memory: '256Mi' } }];
    expect(checkAutopilot({ warmPools: w })).toEqual({ errors: [], warnings: [] });
    expect(checkAutopilot({ warmPools: w, bursting: false }).warnings[0].autopilot?.effective).toEqual({ cpuMillis: 250, memoryBytes: 512 * MiB });
  });

  test('missing limits and bad quantities are errors naming the field', () => {
    const { errors } = checkAutopilot({
      warmPools: [
        { tenant: 't', name: 'a', replicas: 1, limits: { memory: '1Gi' } },
        { tenant: 't', name: 'b', replicas: 1, limits: { cpu: 'lots', memory: '1Gi' } },
      ],
    });
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['missing-limits', 'warmPools[0].limits.cpu'],
      ['invalid-input', 'warmPools[1].limits.cpu'],
    ]);
  });
});
