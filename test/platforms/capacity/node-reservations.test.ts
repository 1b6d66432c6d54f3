/**
 * The reservation formulas against the numbers each cloud documents (or, for EKS, the nodeadm source computes).
 */
import {
  aksReservation,
  allocatableFrom,
  eksReservation,
  gkeReservation,
} from '../../../platforms/capacity/node-reservations';
import { GiB, MiB } from '../../../platforms/capacity/quantity';

const node = (vcpus: number, memoryBytes: number) => ({ cpuMillis: vcpus * 1000, memoryBytes });

describe('GKE (plan-node-sizes)', () => {
  test('a 4 vCPU / 16 GiB node: 80m cpu and 25%·4 + 20%·4 + 10%·8 GiB = 2.6 GiB memory reserved, 100 MiB eviction', () => {
    const r = gkeReservation(node(4, 16 * GiB));
    // 6% of 1000m + 1% of 1000m + 0.5% of 2000m; the docs' `kubectl get node` example shows cpu 4 → allocatable 3920m.
    expect(r.kubeReservedCpuMillis).toBe(80);
    expect(r.kubeReservedMemoryBytes).toBe(Math.ceil(2.6 * GiB));
    expect(r.evictionMemoryBytes).toBe(100 * MiB);
    expect(allocatableFrom(node(4, 16 * GiB), r)).toEqual({ cpuMillis: 3920, memoryBytes: 16 * GiB - Math.ceil(2.6 * GiB) - 100 * MiB });
  });

  test('0.25% of every core above 4', () => {
    expect(gkeReservation(node(8, 32 * GiB)).kubeReservedCpuMillis).toBe(90);
    expect(gkeReservation(node(16, 64 * GiB)).kubeReservedCpuMillis).toBe(110);
  });

  test('6% band from 16 to 128 GiB and 2% above 128 GiB', () => {
    // 1 + 0.8 + 0.8 + 6%·(64 − 16) GiB = 5.48 GiB
    expect(gkeReservation(node(16, 64 * GiB)).kubeReservedMemoryBytes).toBe(Math.ceil(5.48 * GiB));
    // 1 + 0.8 + 0.8 + 6%·112 + 2%·(256 − 128) GiB = 9.32 + 2.56 = 11.88 GiB
    expect(gkeReservation(node(32, 256 * GiB)).kubeReservedMemoryBytes).toBe(Math.ceil(11.88 * GiB));
  });

  test('machines under 1 GiB reserve a flat 255 MiB', () => {
    expect(gkeReservation(node(1, 614 * MiB)).kubeReservedMemoryBytes).toBe(255 * MiB);
  });
});

describe('EKS AL2023 (nodeadm)', () => {
  test('memory: 255 MiB + 11 MiB × ENI max pods', () => {
    expect(eksReservation(node(2, 8 * GiB), 29).kubeReservedMemoryBytes).toBe(574 * MiB);
    expect(eksReservation(node(4, 16 * GiB), 58).kubeReservedMemoryBytes).toBe(893 * MiB);
    expect(eksReservation(node(16, 64 * GiB), 234).kubeReservedMemoryBytes).toBe(2829 * MiB);
  });

  test('cpu: 6% / 1% / 0.5% / 0.25% bands with nodeadm integer truncation', () => {
    expect(eksReservation(node(2, 8 * GiB), 29).kubeReservedCpuMillis).toBe(70);
    expect(eksReservation(node(4, 16 * GiB), 58).kubeReservedCpuMillis).toBe(80);
    expect(eksReservation(node(8, 32 * GiB), 58).kubeReservedCpuMillis).toBe(90);
    expect(eksReservation(node(16, 64 * GiB), 234).kubeReservedCpuMillis).toBe(110);
    // 6 vCPU: 0.25% of 2000m = 5m; 5 vCPU: 0.25% of 1000m = 2.5m → nodeadm truncates to 2m.
    expect(eksReservation(node(5, 16 * GiB), 58).kubeReservedCpuMillis).toBe(82);
  });

  test('evictionHard memory.available = 100Mi, nothing system-reserved', () => {
    const r = eksReservation(node(4, 16 * GiB), 58);
    expect(r.evictionMemoryBytes).toBe(100 * MiB);
    expect(allocatableFrom(node(4, 16 * GiB), r)).toEqual({ cpuMillis: 3920, memoryBytes: (16384 - 893 - 100) * MiB });
  });
});

describe('AKS ≥ 1.29 (node-resource-reservations)', () => {
  test('documented example: 8 GB, 30 max pods → 20 MB × 30 + 50 MB = 650 MB kube-reserved, plus the 100 Mi eviction rule', () => {
    const r = aksReservation(node(2, 8 * GiB), 30);
    expect(r.kubeReservedMemoryBytes).toBe(650 * MiB);
    expect(r.evictionMemoryBytes).toBe(100 * MiB);
  });

  test('documented example: 4 GB, 70 max pods → 25% of memory, because 20 × 70 + 50 = 1450 is larger', () => {
    // The page writes "25% * 4 GB = 1000 MB"; with 4 GiB of memory that quarter is 1024 MiB.
    expect(aksReservation(node(2, 4 * GiB), 70).kubeReservedMemoryBytes).toBe(1024 * MiB);
    expect(aksReservation(node(2, 4 * GiB), 20).kubeReservedMemoryBytes).toBe(450 * MiB);
  });

  test('cpu follows the documented table', () => {
    const cpu = (cores: number) => aksReservation(node(cores, 16 * GiB), 110).kubeReservedCpuMillis;
    expect([1, 2, 4, 8, 16, 32, 64].map(cpu)).toEqual([60, 100, 140, 180, 260, 420, 740]);
  });

  test('core counts between or beyond the table interpolate (100m + 10m per core from 4 cores on)', () => {
    const cpu = (cores: number) => aksReservation(node(cores, 16 * GiB), 110).kubeReservedCpuMillis;
    expect(cpu(12)).toBe(220);
    expect(cpu(96)).toBe(1060);
    expect(cpu(3)).toBe(120);
  });

  test('a 4 vCPU / 16 GiB node with 250 max pods (Azure CNI Overlay): 140m and 4 GiB (25%) reserved', () => {
    const r = aksReservation(node(4, 16 * GiB), 250);
    expect(allocatableFrom(node(4, 16 * GiB), r)).toEqual({ cpuMillis: 3860, memoryBytes: (16384 - 4096 - 100) * MiB });
  });
});
