import { parse, run } from '@bufbuild/cel';
import { checkCelSelector } from '../../../core/cel/cel-check';
import {
  allOf,
  allowMultipleAllocations,
  boolAttribute,
  capacity,
  deviceSelector,
  driverIn,
  driverIs,
  intAttribute,
  stringAttribute,
  versionAttribute,
  type ComparisonOperator,
} from '../../../core/cel/cel-selector';

const NV = 'gpu.nvidia.com';

describe('selector builder renders exact CEL', () => {
  test('driver', () => {
    expect(driverIs(NV).expression).toBe('device.driver == "gpu.nvidia.com"');
    expect(driverIn([NV, 'gpu.example.com']).expression).toBe('device.driver in ["gpu.nvidia.com", "gpu.example.com"]');
  });

  test('string attribute equals / notEquals / in', () => {
    expect(stringAttribute(NV, 'productName').equals('NVIDIA H100 80GB HBM3').expression).toBe(
      'device.attributes["gpu.nvidia.com"].productName == "NVIDIA H100 80GB HBM3"',
    );
    expect(stringAttribute(NV, 'architecture').notEquals('Ampere').expression).toBe(
      'device.attributes["gpu.nvidia.com"].architecture != "Ampere"',
    );
    expect(stringAttribute(NV, 'architecture').in(['Hopper', 'Blackwell']).expression).toBe(
      'device.attributes["gpu.nvidia.com"].architecture in ["Hopper", "Blackwell"]',
    );
  });

  test('int attribute equals / in / every comparison operator', () => {
    const index = intAttribute(NV, 'index');
    expect(index.equals(0).expression).toBe('device.attributes["gpu.nvidia.com"].index == 0');
    expect(index.in([0, 1n, -2]).expression).toBe('device.attributes["gpu.nvidia.com"].index in [0, 1, -2]');
    const ops: ComparisonOperator[] = ['<', '<=', '>', '>=', '==', '!='];
    expect(ops.map((op) => index.compare(op, 4).expression)).toStrictEqual([
      'device.attributes["gpu.nvidia.com"].index < 4',
      'device.attributes["gpu.nvidia.com"].index <= 4',
      'device.attributes["gpu.nvidia.com"].index > 4',
      'device.attributes["gpu.nvidia.com"].index >= 4',
      'device.attributes["gpu.nvidia.com"].index == 4',
      'device.attributes["gpu.nvidia.com"].index != 4',
    ]);
    expect(index.compare('<', 9223372036854775807n).expression).toBe('device.attributes["gpu.nvidia.com"].index < 9223372036854775807');
  });

  test('bool attribute', () => {
    expect(boolAttribute('cpu.example.com', 'smt').isTrue().expression).toBe('device.attributes["cpu.example.com"].smt == true');
    expect(boolAttribute('cpu.example.com', 'smt').isFalse().expression).toBe('device.attributes["cpu.example.com"].smt == false');
    expect(boolAttribute('cpu.example.com', 'smt').equals(true).expression).toBe('device.attributes["cpu.example.com"].smt == true');
  });

  test('version attribute compares with semver().compareTo', () => {
    const v = versionAttribute(NV, 'driverVersion');
    expect(v.atLeast('550.0.0').expression).toBe('device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("550.0.0")) >= 0');
    expect(v.compare('<', '570.86.15').expression).toBe('device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("570.86.15")) < 0');
    expect(v.equals('1.0.0-rc.1+build.5').expression).toBe(
      'device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("1.0.0-rc.1+build.5")) == 0',
    );
  });

  test('capacity compares with quantity().compareTo', () => {
    const memory = capacity(NV, 'memory');
    expect(memory.atLeast('40Gi').expression).toBe('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0');
    expect(memory.atMost('80Gi').expression).toBe('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("80Gi")) <= 0');
    expect(memory.compare('>', '1.5e10').expression).toBe('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("1.5e10")) > 0');
    expect(memory.compare('!=', '0').expression).toBe('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("0")) != 0');
  });

  test('allowMultipleAllocations', () => {
    expect(allowMultipleAllocations().expression).toBe('device.allowMultipleAllocations');
    expect(allowMultipleAllocations(false).expression).toBe('!device.allowMultipleAllocations');
  });

  test('allOf joins clauses with && in the given order; deviceSelector wraps it', () => {
    const clauses = [
      driverIs(NV),
      stringAttribute(NV, 'architecture').in(['Hopper']),
      capacity(NV, 'memory').atLeast('40Gi'),
      versionAttribute(NV, 'driverVersion').atLeast('550.0.0'),
    ];
    const expected =
      'device.driver == "gpu.nvidia.com" && device.attributes["gpu.nvidia.com"].architecture in ["Hopper"] && ' +
      'device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0 && ' +
      'device.attributes["gpu.nvidia.com"].driverVersion.compareTo(semver("550.0.0")) >= 0';
    expect(allOf(...clauses).expression).toBe(expected);
    expect(allOf(...clauses).expression).toBe(allOf(...clauses).expression); // deterministic
    expect(deviceSelector(...clauses)).toStrictEqual({ cel: { expression: expected } });
    expect(allOf(driverIs(NV)).expression).toBe('device.driver == "gpu.nvidia.com"');
  });

  test('allOf parenthesizes hand-made clauses but not its own', () => {
    const nested = allOf(driverIs(NV), intAttribute(NV, 'index').equals(0));
    expect(allOf(nested, { expression: 'device.driver == "a" || device.driver == "b"' }).expression).toBe(
      'device.driver == "gpu.nvidia.com" && device.attributes["gpu.nvidia.com"].index == 0 && (device.driver == "a" || device.driver == "b")',
    );
  });

  test('string literals are escaped and read back unchanged by the CEL parser', () => {
    const tricky = 'a"b\\c\nd\te\u0001é';
    const clause = stringAttribute('dra.example.com', 'model').equals(tricky);
    expect(clause.expression).toBe('device.attributes["dra.example.com"].model == "a\\"b\\\\c\\nd\\te\\u0001é"');
    const literal = clause.expression.slice(clause.expression.indexOf('== ') + 3);
    expect(run(literal)).toBe(tricky);
  });

  test('a reserved CEL word as attribute name uses the index form (still parses)', () => {
    const clause = stringAttribute('dra.example.com', 'namespace').equals('x');
    expect(clause.expression).toBe('device.attributes["dra.example.com"]["namespace"] == "x"');
    expect(() => parse(clause.expression)).not.toThrow();
  });
});

describe('the device.attributes["domain/name"] form cannot be built', () => {
  test('a "/" in the domain throws and shows the correct call and CEL', () => {
    expect(() => stringAttribute('gpu.nvidia.com/gpu', 'productName')).toThrow(
      'stringAttribute("gpu.nvidia.com/gpu", "productName"): "gpu.nvidia.com/gpu" contains "/"; device.attributes is keyed by domain, then by name, ' +
        'so pass them separately: stringAttribute("gpu.nvidia.com", "productName") renders device.attributes["gpu.nvidia.com"].productName',
    );
  });

  test('a "/" in the name throws and splits it for the suggestion', () => {
    expect(() => capacity(NV, 'gpu.nvidia.com/memory')).toThrow(
      'capacity("gpu.nvidia.com", "gpu.nvidia.com/memory"): "gpu.nvidia.com/memory" contains "/"; device.capacity is keyed by domain, then by name, ' +
        'so pass them separately: capacity("gpu.nvidia.com", "memory") renders device.capacity["gpu.nvidia.com"].memory',
    );
    for (const make of [intAttribute, boolAttribute, versionAttribute]) {
      expect(() => make('a.example.com', 'x/y')).toThrow(/contains "\/"/);
    }
  });

  test('no builder output contains a "/" inside a map key', () => {
    const outputs = [
      stringAttribute(NV, 'productName').equals('a/b'),
      intAttribute(NV, 'index').equals(1),
      boolAttribute(NV, 'migEnabled').isTrue(),
      versionAttribute(NV, 'driverVersion').atLeast('1.0.0'),
      capacity(NV, 'memory').atLeast('1Gi'),
    ].map((c) => c.expression);
    for (const out of outputs) expect(out).not.toMatch(/\["[^"]*\/[^"]*"\]/);
  });
});

describe('builder rejects invalid input with the value and what is allowed', () => {
  test.each([
    ['uppercase domain', () => stringAttribute('GPU.nvidia.com', 'x'), /domain "GPU.nvidia.com" is not a lowercase DNS subdomain/],
    ['domain starting with "-"', () => stringAttribute('-gpu.example.com', 'x'), /domain "-gpu.example.com" is not a lowercase DNS subdomain/],
    ['domain longer than 63', () => stringAttribute(`${'a'.repeat(60)}.com`, 'x'), /is 64 characters long; must be a lowercase DNS subdomain .* at most 63/],
    ['name starting with a digit', () => stringAttribute(NV, '1st'), /name "1st" is not a C identifier/],
    ['name with "-"', () => stringAttribute(NV, 'product-name'), /name "product-name" is not a C identifier/],
    ['name longer than 32', () => stringAttribute(NV, 'a'.repeat(33)), /is 33 characters long; must be a C identifier .* at most 32 characters/],
    ['uppercase driver', () => driverIs('Gpu.Nvidia.com'), /driverIs: driver name "Gpu.Nvidia.com" is not a lowercase DNS subdomain/],
    ['empty driverIn', () => driverIn([]), /driverIn: needs at least one value/],
    ['empty in()', () => stringAttribute(NV, 'x').in([]), /stringAttribute: needs at least one value/],
    ['string value longer than 64 bytes', () => stringAttribute(NV, 'x').equals('x'.repeat(65)), /is 65 bytes long; device attribute values are at most 64/],
    ['fractional int', () => intAttribute(NV, 'index').equals(1.5), /intAttribute: 1.5 is not an int64 whole number/],
    ['int beyond int64', () => intAttribute(NV, 'index').equals(2n ** 63n), /9223372036854775808 is not an int64/],
    ['unknown operator', () => intAttribute(NV, 'index').compare('=<' as ComparisonOperator, 1), /operator "=<" is not one of == != < <= > >=/],
    ['version with "v" and no minor/patch', () => versionAttribute(NV, 'driverVersion').atLeast('v550'), /invalid semantic version "v550"; expected MAJOR.MINOR.PATCH/],
    ['quantity with unknown suffix', () => capacity(NV, 'memory').atLeast('40GB'), /invalid quantity "40GB": unknown suffix "GB"/],
    ['empty allOf', () => allOf(), /allOf: needs at least one value/],
  ])('%s', (_label, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('builder output passes the checker', () => {
  test('every kind of clause, alone and combined, has no problems and the expected matches', () => {
    const cases: [string, string][] = [
      [driverIs(NV).expression, 'matches: nvidia-h100-0, nvidia-a100-1;'],
      [stringAttribute(NV, 'architecture').in(['Hopper', 'Blackwell']).expression, 'matches: nvidia-h100-0;'],
      [intAttribute(NV, 'index').compare('>=', 1).expression, 'matches: nvidia-a100-1;'],
      [boolAttribute('cpu.example.com', 'smt').isTrue().expression, 'matches: cpu-0;'],
      [versionAttribute(NV, 'driverVersion').atLeast('560.0.0').expression, 'matches: nvidia-h100-0;'],
      [capacity(NV, 'memory').atLeast('40Gi').expression, 'matches: nvidia-h100-0, nvidia-a100-1;'],
      [allowMultipleAllocations().expression, 'matches: cpu-0;'],
      [allOf(driverIs(NV), capacity(NV, 'memory').atLeast('48Gi'), versionAttribute(NV, 'driverVersion').atLeast('550.0.0')).expression, 'matches: nvidia-h100-0;'],
    ];
    for (const [expression, matches] of cases) {
      const result = checkCelSelector(expression);
      expect({ expression, problems: result.problems }).toStrictEqual({ expression, problems: [] });
      expect(result.summary.startsWith(matches)).toBe(true);
    }
  });
});
