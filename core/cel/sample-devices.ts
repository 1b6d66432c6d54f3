/**
 * Sample devices that CEL selectors are evaluated against by `validate`, so users see which kinds of
 * devices their selector picks ("matches: nvidia-h100-0; no match: cpu-0").
 *
 * They are written exactly as a ResourceSlice publishes them (resource.k8s.io/v1 Device + the slice's
 * driver), so `kubectl get resourceslices -o yaml` output can be pasted in as extra samples.
 *
 * The GPUs follow what NVIDIA's DRA driver (driver name gpu.nvidia.com) publishes per full GPU:
 * unqualified attributes productName, brand, architecture, type, uuid (strings), index and minor (ints),
 * driverVersion / cudaComputeCapability / cudaDriverVersion (versions), a capacity "memory", plus the
 * Kubernetes standard attribute resource.kubernetes.io/pciBusID
 * (https://github.com/NVIDIA/k8s-dra-driver-gpu, https://kubernetes.io/docs/reference/node/dra-standard-device-attributes/).
 * Values are those of real boards and driver releases; the UUIDs are made up.
 *
 * The CPU device is illustrative: a made-up driver "cpu.example.com" (no vendor implied) exposing one
 * shareable socket, to show selectors that must NOT pick GPUs, bool attributes and
 * allowMultipleAllocations.
 */
import type { DraDevice } from './cel-device';

/** A sample device with a short human description. */
export interface SampleDevice extends DraDevice {
  readonly description: string;
}

export const SAMPLE_DEVICES: readonly SampleDevice[] = [
  {
    name: 'nvidia-h100-0',
    description: 'NVIDIA H100 80GB (Hopper), driver 570.86.15',
    driver: 'gpu.nvidia.com',
    attributes: {
      type: { string: 'gpu' },
      productName: { string: 'NVIDIA H100 80GB HBM3' },
      brand: { string: 'Nvidia' },
      architecture: { string: 'Hopper' },
      uuid: { string: 'GPU-4cf8db2d-06c0-7d70-1a51-e59b25b2c16c' },
      index: { int: 0 },
      minor: { int: 0 },
      driverVersion: { version: '570.86.15' },
      cudaDriverVersion: { version: '12.8.0' },
      cudaComputeCapability: { version: '9.0.0' },
      'resource.kubernetes.io/pciBusID': { string: '0000:18:00.0' },
    },
    capacity: { memory: { value: '80Gi' } },
  },
  {
    name: 'nvidia-a100-1',
    description: 'NVIDIA A100 40GB (Ampere), driver 550.54.15',
    driver: 'gpu.nvidia.com',
    attributes: {
      type: { string: 'gpu' },
      productName: { string: 'NVIDIA A100-SXM4-40GB' },
      brand: { string: 'Nvidia' },
      architecture: { string: 'Ampere' },
      uuid: { string: 'GPU-650f49e1-eb8f-4d88-8756-776ef8f06151' },
      index: { int: 1 },
      minor: { int: 1 },
      driverVersion: { version: '550.54.15' },
      cudaDriverVersion: { version: '12.4.0' },
      cudaComputeCapability: { version: '8.0.0' },
      'resource.kubernetes.io/pciBusID': { string: '0000:3b:00.0' },
    },
    capacity: { memory: { value: '40Gi' } },
  },
  {
    name: 'cpu-0',
    description: 'CPU socket 0, 32 cores, shareable (illustrative driver cpu.example.com)',
    driver: 'cpu.example.com',
    allowMultipleAllocations: true,
    attributes: {
      vendor: { string: 'AuthenticAMD' },
      socket: { int: 0 },
      smt: { bool: true },
    },
    capacity: { cores: { value: '32' }, memory: { value: '256Gi' } },
  },
];
