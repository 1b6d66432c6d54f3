import { checkCelSelector, checkCelSelectors, MAX_EXPRESSION_BYTES } from '../../../core/cel/cel-check';
import type { DraDevice } from '../../../core/cel/cel-device';
import { SAMPLE_DEVICES } from '../../../core/cel/sample-devices';

const messages = (expression: string): string[] => checkCelSelector(expression).problems.map((p) => p.message);
const KNOWN = 'known: driver, attributes, capacity, allowMultipleAllocations';

describe('static checks', () => {
  test('the domain/name key form is reported with the corrected form', () => {
    expect(messages('device.attributes["gpu.nvidia.com/gpu"] == "x"')).toStrictEqual([
      'device.attributes["gpu.nvidia.com/gpu"] never matches: device.attributes is keyed by domain, then by name; write device.attributes["gpu.nvidia.com"].gpu (at 1:18)',
    ]);
    expect(messages('device.capacity["gpu.nvidia.com/memory"].compareTo(quantity("1Gi")) > 0')).toStrictEqual([
      'device.capacity["gpu.nvidia.com/memory"] never matches: device.capacity is keyed by domain, then by name; write device.capacity["gpu.nvidia.com"].memory (at 1:16)',
    ]);
    expect(messages('"gpu.nvidia.com/productName" in device.attributes')).toStrictEqual([
      '"gpu.nvidia.com/productName" in device.attributes never matches: device.attributes is keyed by domain, then by name; write "productName" in device.attributes["gpu.nvidia.com"] (at 1:29)',
    ]);
  });

  test('a typo in a device field is reported with the known fields', () => {
    expect(messages('device.attribute["gpu.nvidia.com"].index == 0')).toStrictEqual([`unknown field device.attribute; ${KNOWN} (at 1:7)`]);
    expect(messages('device["drivr"] == "gpu.nvidia.com"')).toStrictEqual([`unknown field device.drivr; ${KNOWN} (at 1:7)`]);
    expect(messages('has(device.capacities)')).toStrictEqual([`unknown field device.capacities; ${KNOWN} (at 1:1)`]);
  });

  test('a syntax error is reported with its position, the expression and the path', () => {
    const result = checkCelSelector('device.driver = "gpu.nvidia.com"', { path: 'spec.selectors[0].cel.expression' });
    expect(result.problems).toStrictEqual([
      {
        path: 'spec.selectors[0].cel.expression',
        expression: 'device.driver = "gpu.nvidia.com"',
        message: 'syntax error at 1:15: found = but expecting end of input',
      },
    ]);
    expect(result.devices).toStrictEqual([]);
    expect(messages('(device.driver == "a"\n')).toStrictEqual(["syntax error at 2:1: found end of input but expecting ')'"]);
  });

  test('identifiers other than device are reported; macro and cel.bind variables are not', () => {
    expect(messages('gpu.index == 0')).toStrictEqual([
      'unknown identifier gpu; a selector only sees the variable device (plus variables bound by macros such as exists() or cel.bind()) (at 1:1)',
    ]);
    expect(messages('device.attributes["gpu.nvidia.com"].exists(k, k == "index")')).toStrictEqual([]);
    expect(messages('cel.bind(gpu, device.attributes["gpu.nvidia.com"], gpu.index == 0 && gpu.brand == "Nvidia")')).toStrictEqual([]);
    expect(messages('type(device.driver) == string')).toStrictEqual([]);
  });

  test('domains and names that no device can have are reported', () => {
    expect(messages('device.attributes["GPU.nvidia.com"].index == 0')).toStrictEqual([
      'device.attributes["GPU.nvidia.com"]: domain "GPU.nvidia.com" is not a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit) of at most 63 characters, e.g. "gpu.nvidia.com" (at 1:18)',
    ]);
    expect(messages(`device.attributes["gpu.nvidia.com"].${'x'.repeat(33)} == 0`)).toHaveLength(1);
    expect(messages('device.attributes["gpu.nvidia.com"]["product-name"] == "x"')[0]).toMatch(
      /^device.attributes\["gpu.nvidia.com"\]\["product-name"\]: name "product-name" is not a C identifier/,
    );
  });

  test('malformed cel.bind is reported', () => {
    expect(messages('cel.bind(device.driver, 1, true)')[0]).toBe(
      'cel.bind takes (name, value, expression) with a plain variable name, e.g. cel.bind(gpu, device.attributes["gpu.nvidia.com"], gpu.index == 0) (at 1:4)',
    );
  });

  test('empty and too long expressions', () => {
    expect(messages('  ')).toStrictEqual(['expression is empty; a selector must evaluate to true or false, e.g. device.driver == "gpu.nvidia.com"']);
    const long = `device.driver == "${'a'.repeat(MAX_EXPRESSION_BYTES)}"`;
    expect(messages(long)).toStrictEqual([`expression is ${long.length} bytes long; at most 10240 (10 Ki) are allowed`]);
  });
});

describe('evaluation against the sample devices', () => {
  test.each([
    ['device.driver == "gpu.nvidia.com"', 'matches: nvidia-h100-0, nvidia-a100-1; no match: cpu-0'],
    [
      'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0',
      'matches: nvidia-h100-0, nvidia-a100-1; no match: cpu-0 (error: field not found: memory)',
    ],
    [
      'device.capacity["gpu.nvidia.com"].memory.isGreaterThan(quantity("48Gi"))',
      'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0 (error: field not found: memory)',
    ],
    [
      'device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("560.0.0")) >= 0',
      'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0 (error: field not found: driverVersion)',
    ],
    [
      'device.attributes["gpu.nvidia.com"].cudaComputeCapability.isLessThan(semver("9.0.0"))',
      'matches: nvidia-a100-1; no match: nvidia-h100-0, cpu-0 (error: field not found: cudaComputeCapability)',
    ],
    // has() guards the lookup, so the CPU evaluates to false instead of an error.
    [
      'has(device.attributes["gpu.nvidia.com"].productName) && device.attributes["gpu.nvidia.com"].productName.startsWith("NVIDIA H100")',
      'matches: nvidia-h100-0; no match: nvidia-a100-1, cpu-0',
    ],
    // Qualified attribute names land in their own domain, not the driver's.
    ['device.attributes["resource.kubernetes.io"].pciBusID == "0000:3b:00.0"', 'matches: nvidia-a100-1; no match: nvidia-h100-0, cpu-0 (error: field not found: pciBusID)'],
    ['device.allowMultipleAllocations', 'matches: cpu-0; no match: nvidia-h100-0, nvidia-a100-1'],
    ['device.capacity["cpu.example.com"].cores.asInteger() >= 16 && device.attributes["cpu.example.com"].smt', 'matches: cpu-0; no match: nvidia-h100-0 (error: field not found: cores), nvidia-a100-1 (error: field not found: cores)'],
    // An unknown domain is an empty map: "in" is false, no error.
    ['"productName" in device.attributes["gpu.nvidia.com"]', 'matches: nvidia-h100-0, nvidia-a100-1; no match: cpu-0'],
    ['"gpu.nvidia.com" in device.attributes', 'matches: nvidia-h100-0, nvidia-a100-1; no match: cpu-0'],
  ])('%s', (expression, summary) => {
    const result = checkCelSelector(expression);
    expect(result.problems).toStrictEqual([]);
    expect(result.summary).toBe(summary);
  });

  test('a missing attribute is a non-match with the error, not a problem', () => {
    const result = checkCelSelector('device.attributes["gpu.nvidia.com"].productName == "NVIDIA H100 80GB HBM3"');
    expect(result.problems).toStrictEqual([]);
    expect(result.devices).toStrictEqual([
      { device: 'nvidia-h100-0', matches: true },
      { device: 'nvidia-a100-1', matches: false },
      { device: 'cpu-0', matches: false, error: 'field not found: productName' },
    ]);
  });

  test('a non-bool result is a problem naming the type and the devices', () => {
    expect(messages('device.driver')).toStrictEqual([
      'must evaluate to bool (true when the device fits), got string (nvidia-h100-0, nvidia-a100-1, cpu-0); e.g. write device.driver == "gpu.nvidia.com", not device.driver',
    ]);
    const result = checkCelSelector('device.attributes["gpu.nvidia.com"].index');
    expect(result.problems.map((p) => p.message)).toStrictEqual([
      'must evaluate to bool (true when the device fits), got int (nvidia-h100-0, nvidia-a100-1); e.g. write device.driver == "gpu.nvidia.com", not device.driver',
    ]);
    expect(result.devices[0]).toStrictEqual({ device: 'nvidia-h100-0', matches: false, error: 'result is int, not bool' });
  });

  test('custom devices, and bad device data reported as problems', () => {
    const devices: DraDevice[] = [
      { name: 'nic-0', driver: 'net.example.com', attributes: { speedGbps: { int: 400 } } },
      { name: 'broken', driver: 'net.example.com', attributes: { fw: { version: 'v1' } }, capacity: { ports: { value: '2 ports' } } },
    ];
    const result = checkCelSelector('device.attributes["net.example.com"].speedGbps >= 100', { devices, path: 'p' });
    expect(result.summary).toBe('matches: nic-0; no match: none');
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toStrictEqual([
      'p: sample device broken: attribute fw: invalid semantic version "v1"; expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] without leading zeros or "v" prefix (semver.org 2.0.0), e.g. "550.54.15"',
      'p: sample device broken: capacity ports: invalid quantity "2 ports": unknown suffix " ports"; expected a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")',
    ]);
  });

  test('the sample devices themselves are valid and distinct', () => {
    expect(SAMPLE_DEVICES.map((d) => d.name)).toStrictEqual(['nvidia-h100-0', 'nvidia-a100-1', 'cpu-0']);
    expect(checkCelSelector('true').problems).toStrictEqual([]);
  });
});

describe('never throws on user input; aggregates problems', () => {
  test.each(['[1].exists(x, x > 0) > quantity("1")', ')', '"\\', '"\\ud800" == "a"', 'device.attributes[1]', '{}', '[1,2][5]', '1/0 == 1', 'cel.bind(x)', 'device.driver.size() > 0 ? 1 : 2', 'a.b.c(d)'])(
    '%j',
    (expression) => {
      expect(() => checkCelSelector(expression)).not.toThrow();
      const result = checkCelSelector(expression);
      expect(result.expression).toBe(expression);
      expect(result.problems.filter((p) => p.message.startsWith('internal error'))).toStrictEqual([]);
    },
  );

  test('a non-string expression (from YAML) is a problem, not a crash', () => {
    expect(messages(42 as unknown as string)).toStrictEqual(['expression must be a string, got number']);
    expect(messages(null as unknown as string)).toStrictEqual(['expression must be a string, got null']);
  });

  test('checkCelSelectors returns every problem of every selector with its path', () => {
    const problems = checkCelSelectors([
      { path: 'spec.selectors[0].cel.expression', expression: 'device.driver == "gpu.nvidia.com"' },
      { path: 'spec.selectors[1].cel.expression', expression: 'device.attribute["gpu.nvidia.com"].index == 0' },
      { path: 'spec.selectors[2].cel.expression', expression: 'device.attributes["gpu.nvidia.com/index"] == 0 && foo' },
    ]);
    expect(problems.map((p) => [p.path, p.message.slice(0, 40)])).toStrictEqual([
      ['spec.selectors[1].cel.expression', 'unknown field device.attribute; known: d'],
      ['spec.selectors[2].cel.expression', 'device.attributes["gpu.nvidia.com/index"'],
      ['spec.selectors[2].cel.expression', 'unknown identifier foo; a selector only '],
    ]);
  });
});

describe('relational operators on quantities and versions', () => {
  test('are reported with the compareTo form', () => {
    expect(messages('device.capacity["gpu.nvidia.com"].memory >= quantity("40Gi")')).toStrictEqual([
      '>= does not apply to quantities or versions; write device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0 (at 1:42)',
    ]);
    expect(messages('device.attributes["gpu.nvidia.com"].driverVersion < semver("560.0.0")')).toStrictEqual([
      '< does not apply to quantities or versions; write device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("560.0.0")) < 0 (at 1:51)',
    ]);
    expect(messages('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0')).toStrictEqual([]);
  });
});
