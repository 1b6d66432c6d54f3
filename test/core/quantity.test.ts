import { Quantity, parseQuantity } from '../../core/quantity';

const q = (text: string): Quantity => Quantity.parse(text);

describe('Quantity parsing and comparison', () => {
  test.each([
    ['1Gi', '>', '1000Mi'],
    ['1.5Gi', '==', '1536Mi'],
    ['100m', '<', '1'],
    ['1e3', '==', '1k'],
    ['1E3', '==', '1k'],
    ['1e+3', '==', '1000'],
    ['1e-3', '==', '1m'],
    ['1M', '==', '1e6'],
    ['1E', '==', '1e18'], // "E" alone is exa, not an exponent
    ['1Ki', '==', '1024'],
    ['1Mi', '>', '1M'],
    ['50M', '<', '50Mi'],
    ['200M', '==', '0.2G'],
    ['0.5', '==', '500m'],
    ['.5', '==', '500m'],
    ['1.', '==', '1'],
    ['+1', '==', '1'],
    ['-1', '<', '0'],
    ['1u', '==', '1000n'],
    ['80Gi', '==', '85899345920'],
    ['0.1n', '==', '1n'], // rounded up to a whole nano-unit, like Kubernetes
    ['-0.1n', '==', '-1n'], // away from zero
    ['1.0000000001', '>', '1'],
    ['16Ei', '==', '9223372036854775807'], // BinarySI is capped at 2^63-1
    ['1e20', '>', '9223372036854775807'], // decimal values are not capped
  ])('%s %s %s', (a, op, b) => {
    const [expected, reverse] = op === '>' ? [1, -1] : op === '<' ? [-1, 1] : [0, 0];
    expect(q(a).compareTo(q(b))).toBe(expected);
    expect(q(b).compareTo(q(a))).toBe(reverse);
    expect(q(a).equals(q(b))).toBe(expected === 0);
  });

  test.each([
    ['', 'empty string'],
    ['1K', 'unknown suffix "K"'],
    ['Mi', 'no number at the start'],
    ['1.5.5', 'unknown suffix ".5"'],
    [' 1', 'no number at the start'],
    ['1 Gi', 'unknown suffix " Gi"'],
    ['1e', 'unknown suffix "e"'],
    ['1Gb', 'unknown suffix "Gb"'],
    ['1e1001', 'exponent e1001 is outside ±1000'],
  ])('rejects %j (%s) and names the value and the accepted forms', (text, why) => {
    expect(parseQuantity(text)).toBe(
      `invalid quantity ${JSON.stringify(text)}: ${why}; expected a number with an optional sign and decimal point, followed by one of ` +
        'Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")',
    );
    expect(Quantity.isValid(text)).toBe(false);
    expect(() => Quantity.parse(text)).toThrow(`invalid quantity ${JSON.stringify(text)}`);
  });
});

describe('Quantity arithmetic and conversions', () => {
  test('add, sub, sign, isGreaterThan, isLessThan', () => {
    expect(q('50k').add(Quantity.fromInteger(20n)).equals(q('50020'))).toBe(true);
    expect(q('50k').sub(q('20k')).equals(q('30k'))).toBe(true);
    expect(q('1Gi').sub(q('2Gi')).sign()).toBe(-1);
    expect(q('0').sign()).toBe(0);
    expect(q('1m').sign()).toBe(1);
    expect(q('150Mi').isGreaterThan(q('100Mi'))).toBe(true);
    expect(q('100Mi').isLessThan(q('100Mi'))).toBe(false);
  });

  test('isInteger / asInteger', () => {
    expect(q('1k').asInteger()).toBe(1000n);
    expect(q('1.5Gi').asInteger()).toBe(1610612736n);
    expect(q('-3').asInteger()).toBe(-3n);
    expect(q('1500m').isInteger()).toBe(false);
    expect(() => q('1500m').asInteger()).toThrow('cannot convert value to integer');
    expect(q('9999999999999999999999999999999999999G').isInteger()).toBe(false); // beyond int64
    expect(q('9223372036854775807').isInteger()).toBe(true);
  });

  test('asApproximateFloat and toString', () => {
    expect(q('1.5').asApproximateFloat()).toBe(1.5);
    expect(q('100m').asApproximateFloat()).toBeCloseTo(0.1, 12);
    expect(q('-2500m').asApproximateFloat()).toBe(-2.5);
    expect(q('1.5Gi').toString()).toBe('1610612736');
    expect(q('-100m').toString()).toBe('-0.1');
    expect(q('1n').toString()).toBe('0.000000001');
  });
});
