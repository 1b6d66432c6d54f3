/**
 * DRA drivers that publish GPUs, and the DeviceClasses their installers create.
 *
 * Why it matters here: gVisor's GPU proxy does not work with DRA-allocated GPUs (google/gvisor#13621,
 * open), so a sandbox template running under gVisor must refuse a DRA GPU claim. `DeviceClass.isGpu` and
 * `ResourceClaimTemplate.isGpu` use this table to recognise GPU classes.
 *
 * Verified driver names (the `device.driver` value and the default DeviceClass each project ships):
 * - gpu.nvidia.com: NVIDIA DRA driver for GPUs; DeviceClasses gpu.nvidia.com (full GPUs) and
 *   mig.nvidia.com (MIG slices, published by the same driver).
 *   https://github.com/NVIDIA/k8s-dra-driver-gpu
 * - gpu.amd.com: AMD GPU DRA driver; DeviceClass gpu.amd.com with `device.driver == 'gpu.amd.com'`
 *   (helm-charts-k8s/templates/deviceclass.yaml). https://github.com/ROCm/k8s-gpu-dra-driver
 * - gpu.intel.com: Intel GPU resource driver; DeviceClass gpu.intel.com with
 *   `device.driver == "gpu.intel.com"`. https://github.com/intel/intel-resource-drivers-for-kubernetes
 */

export interface GpuDraDriver {
  readonly vendor: string;
  /** DeviceClass names the driver's installer creates. */
  readonly deviceClasses: readonly string[];
  readonly source: string;
}

export const GPU_DRA_DRIVERS: Readonly<Record<string, GpuDraDriver>> = {
  'gpu.nvidia.com': {
    vendor: 'NVIDIA',
    deviceClasses: ['gpu.nvidia.com', 'mig.nvidia.com'],
    source: 'https://github.com/NVIDIA/k8s-dra-driver-gpu',
  },
  'gpu.amd.com': {
    vendor: 'AMD',
    deviceClasses: ['gpu.amd.com'],
    source: 'https://github.com/ROCm/k8s-gpu-dra-driver',
  },
  'gpu.intel.com': {
    vendor: 'Intel',
    deviceClasses: ['gpu.intel.com'],
    source: 'https://github.com/intel/intel-resource-drivers-for-kubernetes',
  },
};

/** True when `driver` is a known GPU DRA driver name. */
export function isGpuDriver(driver: string): boolean {
  return Object.prototype.hasOwnProperty.call(GPU_DRA_DRIVERS, driver);
}

/** The GPU driver whose installer creates the DeviceClass `className`, if any. */
export function gpuDriverOfDeviceClass(className: string): string | undefined {
  return Object.entries(GPU_DRA_DRIVERS).find(([, d]) => d.deviceClasses.includes(className))?.[0];
}
