import {
  formatCpu,
  formatMemory,
  GiB,
  MiB,
  parseCpuMillis,
  parseMemoryBytes,
  QuantityError,
} from '../../../platforms/capacity/quantity';

describe('parseCpuMillis', () => {
  test.each<[string | number, number]>([
    ['500m', 500],
    ['1', 1000],
    ['1.5', 1500],
    ['0.1', 100],
    ['.25', 250],
    ['2.', 2000],
    ['+2', 2000],
    ['0', 0],
    ['-0', 0],
    ['1e-3', 1],
    ['1E1', 10000],
    ['100u', 1], // 0.1m rounds up to 1m, like Quantity.MilliValue()
    ['0.0001', 1],
    ['1500000n', 2], // 1.5m → 2m
    ['1k', 1_000_000],
    [0.5, 500],
    [2, 2000],
    [0.1 + 0.2, 301], // the float is 0.30000000000000004 cores: still rounds up, never down
  ])('%p → %p millicores', (input, millis) => {
    expect(parseCpuMillis(input)).toBe(millis);
  });
});

describe('parseMemoryBytes', () => {
  test.each<[string | number, number]>([
    ['512Mi', 512 * 1024 * 1024],
    ['2Gi', 2 * 1024 ** 3],
    ['1G', 1_000_000_000],
    ['1e9', 1_000_000_000],
    ['1E9', 1_000_000_000],
    ['0.001E', 1e15], // exa, not an exponent
    ['2P', 2e15],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['123Mi', 128974848],
    ['0.5Gi', 536870912],
    ['1.5Ki', 1536],
    ['128974848000m', 128974848],
    ['0.5', 1], // half a byte rounds up
    ['1k', 1000],
    ['1Ki', 1024],
    ['2Ti', 2 * 1024 ** 4],
    [1e9, 1_000_000_000],
    [1.5e9, 1_500_000_000],
  ])('%p → %p bytes', (input, bytes) => {
    expect(parseMemoryBytes(input)).toBe(bytes);
  });

  test('exact where floating point is not: 0.1Gi and 1.1Gi', () => {
    expect(parseMemoryBytes('0.1Gi')).toBe(107374183); // 107374182.4 rounded up
    expect(parseMemoryBytes('1.1Gi')).toBe(1181116007); // 1181116006.4 rounded up
  });
});

describe('errors name the field, the value and what is allowed', () => {
  test.each<[string | number]>([['1Gb'], [''], ['abc'], [' 1'], ['1 Gi'], ['1.2.3'], ['Gi'], ['1e'], ['0x10'], [NaN], [Infinity]])(
    'memory %p is rejected',
    (value) => {
      let error: unknown;
      try {
        parseMemoryBytes(value, 'warmPools[3].limits.memory');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(QuantityError);
      const q = error as QuantityError;
      expect(q.field).toBe('warmPools[3].limits.memory');
      expect(q.value).toBe(value);
      expect(q.message).toBe(
        `warmPools[3].limits.memory: ${JSON.stringify(value)} is not a Kubernetes quantity; use e.g. "512Mi", "2Gi", "1G", "1e9", "128974848"`,
      );
    },
  );

  test('cpu errors suggest cpu examples', () => {
    expect(() => parseCpuMillis('two', 'cpu')).toThrow('cpu: "two" is not a Kubernetes quantity; use e.g. "500m", "1", "1.5"');
  });

  test('negative values are refused', () => {
    expect(() => parseCpuMillis('-500m', 'limits.cpu')).toThrow('limits.cpu: "-500m" is negative; cpu must be ≥ 0');
  });

  test('values beyond a safe integer and absurd exponents are refused, not rounded', () => {
    expect(() => parseMemoryBytes('9Ei', 'm')).toThrow('m: "9Ei" is too large for memory');
    expect(() => parseMemoryBytes('1e999999', 'm')).toThrow('m: "1e999999" is out of range for memory');
    expect(parseMemoryBytes('7Pi')).toBe(7 * 1024 ** 5);
  });

  test('non-string, non-number values are refused', () => {
    expect(() => parseCpuMillis(null as unknown as string, 'cpu')).toThrow('cpu: null is not a Kubernetes quantity');
  });
});

describe('formatting', () => {
  test('cpu is exact to the millicore', () => {
    expect(formatCpu(2000)).toBe('2 vCPU');
    expect(formatCpu(13600)).toBe('13.6 vCPU');
    expect(formatCpu(15440)).toBe('15.44 vCPU');
    expect(formatCpu(5)).toBe('0.005 vCPU');
    expect(formatCpu(0)).toBe('0 vCPU');
  });

  test('memory uses GiB from 1 GiB up, MiB below, rounded in the asked direction', () => {
    expect(formatMemory(4 * GiB)).toBe('4 GiB');
    expect(formatMemory(600 * MiB)).toBe('600 MiB');
    expect(formatMemory(48752 * MiB, 'down')).toBe('47.6 GiB'); // 47.609375
    expect(formatMemory(48752 * MiB, 'up')).toBe('47.61 GiB');
    expect(formatMemory(93920 * MiB, 'up')).toBe('91.72 GiB'); // 91.71875
    expect(formatMemory(1)).toBe('0.01 MiB');
  });
});
