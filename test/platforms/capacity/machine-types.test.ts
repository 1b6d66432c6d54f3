import {
  findMachineType,
  MACHINE_TYPES,
  machineTypeNames,
  nodeAllocatable,
} from '../../../platforms/capacity/machine-types';
import { AKS_DEFAULT_MAX_PODS, eksManagedNodeGroupMaxPods } from '../../../platforms/capacity/max-pods';
import { GiB, MiB } from '../../../platforms/capacity/quantity';

test('covers the machine types sandbox pools commonly use', () => {
  expect(machineTypeNames('gcp')).toEqual([
    'e2-standard-4',
    'e2-standard-8',
    'n2-standard-4',
    'n2-standard-8',
    'n2-standard-16',
    'n2d-standard-8',
    'c3-standard-8',
    'g2-standard-8',
    'a2-highgpu-1g',
    // GKE Sandbox GPU pool types (platforms/gke/gpu.ts defaults and every G2 size)
    'n1-standard-8',
    'g2-standard-4',
    'g2-standard-12',
    'g2-standard-16',
    'g2-standard-24',
    'g2-standard-32',
    'g2-standard-48',
    'g2-standard-96',
    'a2-ultragpu-1g',
    'a3-highgpu-8g',
  ]);
  expect(machineTypeNames('aws')).toEqual([
    'm6i.large',
    'm6i.xlarge',
    'm6i.2xlarge',
    'm6i.4xlarge',
    'm7i.large',
    'm7i.xlarge',
    'm7i.2xlarge',
    'c6i.2xlarge',
    'r6i.2xlarge',
    'm7g.xlarge',
    'm7g.2xlarge',
    'c7g.2xlarge',
    'g5.xlarge',
    'g5.2xlarge',
    't3.small',
    't3.medium',
  ]);
  expect(machineTypeNames('azure')).toEqual([
    'Standard_D4s_v5',
    'Standard_D8s_v5',
    'Standard_D16s_v5',
    'Standard_D4ds_v5',
    'Standard_D8ds_v5',
    'Standard_E4s_v5',
    'Standard_E8s_v5',
    'Standard_D4as_v5',
    'Standard_D8as_v5',
  ]);
});

test('capacity of a few types (vCPU / GiB)', () => {
  const shape = (cloud: 'gcp' | 'aws' | 'azure', name: string) => {
    const m = findMachineType(cloud, name);
    return m && [m.vcpus, m.memoryGiB];
  };
  expect(shape('gcp', 'a2-highgpu-1g')).toEqual([12, 85]);
  expect(shape('gcp', 'n1-standard-8')).toEqual([8, 30]);
  expect(shape('gcp', 'g2-standard-24')).toEqual([24, 96]);
  expect(shape('gcp', 'a3-highgpu-8g')).toEqual([208, 1872]);
  expect(shape('aws', 't3.small')).toEqual([2, 2]);
  expect(shape('aws', 'c6i.2xlarge')).toEqual([8, 16]);
  expect(shape('aws', 'r6i.2xlarge')).toEqual([8, 64]);
  expect(shape('azure', 'Standard_E4s_v5')).toEqual([4, 32]);
  expect(findMachineType('gcp', 'm6i.large')).toBeUndefined(); // lookups are per cloud
});

test('every aws entry carries its eni-max-pods.txt value', () => {
  const eni = Object.fromEntries(MACHINE_TYPES.filter((m) => m.cloud === 'aws').map((m) => [m.name, m.eniMaxPods]));
  expect(eni).toEqual({
    'm6i.large': 29,
    'm6i.xlarge': 58,
    'm6i.2xlarge': 58,
    'm6i.4xlarge': 234,
    'm7i.large': 29,
    'm7i.xlarge': 58,
    'm7i.2xlarge': 58,
    'c6i.2xlarge': 58,
    'r6i.2xlarge': 58,
    'm7g.xlarge': 58,
    'm7g.2xlarge': 58,
    'c7g.2xlarge': 58,
    'g5.xlarge': 58,
    'g5.2xlarge': 58,
    't3.small': 11,
    't3.medium': 17,
  });
});

test('allocatable of every entry is below capacity and positive', () => {
  for (const m of MACHINE_TYPES) {
    const a = m.allocatable;
    expect(a.cpuMillis).toBeGreaterThan(0);
    expect(a.cpuMillis).toBeLessThan(m.vcpus * 1000);
    expect(a.memoryBytes).toBeGreaterThan(0);
    expect(a.memoryBytes).toBeLessThan(m.memoryGiB * GiB);
    expect(a.pods).toBeGreaterThan(0);
  }
});

test('GKE e2-standard-4: 3920m, 16 GiB − 2.6 GiB − 100 MiB, 110 pods', () => {
  const a = findMachineType('gcp', 'e2-standard-4')!.allocatable;
  expect([a.cpuMillis, a.memoryBytes, a.pods]).toEqual([3920, 16 * GiB - Math.ceil(2.6 * GiB) - 100 * MiB, 110]);
});

describe('EKS managed node groups', () => {
  test('pods: the ENI limit, capped at 110 below 30 vCPUs; kube-reserved still from the ENI value', () => {
    const a = findMachineType('aws', 'm6i.4xlarge')!.allocatable;
    expect(a.pods).toBe(110);
    expect(a.reservation.kubeReservedMemoryBytes).toBe((255 + 11 * 234) * MiB);
    expect(findMachineType('aws', 'm6i.large')!.allocatable.pods).toBe(29);
  });

  test('the cap is 250 above 30 vCPUs', () => {
    expect(eksManagedNodeGroupMaxPods(737, 32)).toBe(250);
    expect(eksManagedNodeGroupMaxPods(737, 30)).toBe(110);
    expect(eksManagedNodeGroupMaxPods(58, 4)).toBe(58);
  });

  test('a maxPods override changes the pod limit, not nodeadm\'s reservation', () => {
    const a = nodeAllocatable(findMachineType('aws', 'm6i.xlarge')!, { maxPods: 20 });
    expect(a.pods).toBe(20);
    expect(a.reservation.kubeReservedMemoryBytes).toBe(893 * MiB);
  });
});

describe('AKS max pods by network plugin', () => {
  test('defaults: overlay 250, pod subnet 110, node subnet (legacy) 30, kubenet 110', () => {
    expect(AKS_DEFAULT_MAX_PODS).toEqual({
      'azure-cni-overlay': 250,
      'azure-cni-pod-subnet': 110,
      'azure-cni-node-subnet': 30,
      kubenet: 110,
    });
  });

  test('max pods drive the memory reservation', () => {
    const d4 = findMachineType('azure', 'Standard_D4s_v5')!;
    expect(d4.allocatable.pods).toBe(250);
    expect(d4.allocatable.memoryBytes).toBe((16384 - 4096 - 100) * MiB); // 25% cap wins over 20·250 + 50
    const kubenet = nodeAllocatable(d4, { aksNetworkPlugin: 'kubenet' });
    expect(kubenet.pods).toBe(110);
    expect(kubenet.memoryBytes).toBe((16384 - 2250 - 100) * MiB); // 20·110 + 50 = 2250 MiB
    const legacy = nodeAllocatable(d4, { aksNetworkPlugin: 'azure-cni-node-subnet' });
    expect(legacy.memoryBytes).toBe((16384 - 650 - 100) * MiB);
  });
});
