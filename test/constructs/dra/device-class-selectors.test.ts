import { allOf, deviceSelector, driverIs, stringAttribute } from '../../../core/cel/cel-selector';
import { checkSelectors, selectorExpression, selectorReferences, targetedGpuDriver } from '../../../constructs/dra/device-selectors';
import { GPU_DRA_DRIVERS, gpuDriverOfDeviceClass, isGpuDriver } from '../../../constructs/dra/gpu-drivers';

const NV = 'gpu.nvidia.com';

describe('selector inputs', () => {
  test('builder clause, deviceSelector() form and raw CEL all give the same expression', () => {
    const clause = allOf(driverIs(NV), stringAttribute(NV, 'brand').equals('Nvidia'));
    const expected = 'device.driver == "gpu.nvidia.com" && device.attributes["gpu.nvidia.com"].brand == "Nvidia"';
    expect(selectorExpression(clause)).toBe(expected);
    expect(selectorExpression(deviceSelector(driverIs(NV), stringAttribute(NV, 'brand').equals('Nvidia')))).toBe(expected);
    expect(selectorExpression(expected)).toBe(expected);
    expect(selectorExpression({ foo: 1 } as never)).toBeUndefined();
  });

  test('checkSelectors combines selectors per sample device and paths every problem', () => {
    const result = checkSelectors([driverIs(NV), 'device.attributes["gpu.nvidia.com"].architecture == "Hopper"'], { pathPrefix: 'spec.selectors' });
    expect(result.problems).toStrictEqual([]);
    expect(result.devices).toStrictEqual([
      { device: 'nvidia-h100-0', matches: true },
      { device: 'nvidia-a100-1', matches: false },
      { device: 'cpu-0', matches: false },
    ]);
    expect(result.summary).toBe('matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0');
    expect(checkSelectors(['device.driver =='], { pathPrefix: 'x.selectors' }).problems.map((p) => p.path)).toStrictEqual(['x.selectors[0].cel.expression']);
  });

  test('more than 32 selectors are refused', () => {
    const many = Array.from({ length: 33 }, () => driverIs(NV));
    expect(checkSelectors(many, { pathPrefix: 'spec.selectors' }).problems[0]).toStrictEqual({
      path: 'spec.selectors',
      expression: '',
      message: '33 selectors; at most 32 are allowed',
    });
  });

  test('evaluation uses the given devices', () => {
    const devices = [{ name: 'amd-0', driver: 'gpu.amd.com' }];
    expect(checkSelectors([driverIs('gpu.amd.com')], { pathPrefix: 's', devices }).summary).toBe('matches: amd-0; no match: none');
  });
});

describe('what a selector refers to', () => {
  test('drivers compared with ==, in either order, and in lists', () => {
    expect(selectorReferences('device.driver == "a.example.com" || "b.example.com" == device.driver').drivers).toStrictEqual(['a.example.com', 'b.example.com']);
    expect(selectorReferences('device.driver in ["a.example.com", "gpu.nvidia.com"]').drivers).toStrictEqual(['a.example.com', 'gpu.nvidia.com']);
    expect(selectorReferences('device["driver"] == "c.example.com"').drivers).toStrictEqual(['c.example.com']);
    expect(selectorReferences('device.driver != "gpu.nvidia.com"').drivers).toStrictEqual([]);
  });

  test('attribute and capacity domains, also inside cel.bind', () => {
    expect(selectorReferences('device.capacity["gpu.amd.com"].memory.compareTo(quantity("1Gi")) >= 0').domains).toStrictEqual(['gpu.amd.com']);
    expect(selectorReferences('cel.bind(a, device.attributes["gpu.intel.com"], a.family == "x")').domains).toStrictEqual(['gpu.intel.com']);
  });

  test('device.allowMultipleAllocations is noticed in both lookup forms', () => {
    expect(selectorReferences('device.allowMultipleAllocations').allowMultipleAllocations).toBe(true);
    expect(selectorReferences('!device["allowMultipleAllocations"]').allowMultipleAllocations).toBe(true);
    expect(selectorReferences('device.driver == "allowMultipleAllocations"').allowMultipleAllocations).toBe(false);
  });

  test('an expression that does not parse refers to nothing', () => {
    expect(selectorReferences('device.driver ==')).toStrictEqual({ drivers: [], domains: [], allowMultipleAllocations: false });
  });

  test('targetedGpuDriver', () => {
    expect(targetedGpuDriver('device.driver == "cpu.example.com"')).toBeUndefined();
    expect(targetedGpuDriver('device.driver == "cpu.example.com" || device.attributes["gpu.nvidia.com"].index == 0')).toBe(NV);
  });
});

describe('GPU drivers', () => {
  test('the known GPU DRA drivers and their classes', () => {
    expect(Object.keys(GPU_DRA_DRIVERS)).toStrictEqual(['gpu.nvidia.com', 'gpu.amd.com', 'gpu.intel.com']);
    expect(isGpuDriver('gpu.intel.com')).toBe(true);
    expect(isGpuDriver('compute-domain.nvidia.com')).toBe(false);
    expect(gpuDriverOfDeviceClass('mig.nvidia.com')).toBe(NV);
    expect(gpuDriverOfDeviceClass('gpu.amd.com')).toBe('gpu.amd.com');
    expect(gpuDriverOfDeviceClass('toString')).toBeUndefined();
    expect(isGpuDriver('toString')).toBe(false);
  });
});
