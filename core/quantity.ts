/**
 * Kubernetes resource.Quantity, exact, for the CEL quantity library used by DRA capacity selectors.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go, suffix.go):
 *   <quantity> ::= <sign>? <number> <suffix>
 *   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei            (binary, 2^10 … 2^60)
 *                | n | u | m | "" | k | M | G | T | P | E (decimal, 10^-9 … 10^18)
 *                | e<signed int> | E<signed int>         (decimal exponent)
 * ParseQuantity rounds non-zero values *up* (away from zero) to a whole nano-unit and caps BinarySI
 * values at 2^63-1. So every parsed value is an integer number of nano-units, which is what we store.
 * Sources: https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go
 *          https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/suffix.go
 *
 * Known differences from Kubernetes (documented, deliberate):
 * - the number needs at least one digit ("Mi", "-", "." are rejected; the docs list quantity('Mi')
 *   as an error, the Go scanner happens to read some of them as 0);
 * - exponents beyond ±1000 are rejected instead of building huge numbers;
 * - isInteger()/asInteger() answer mathematically (is it a whole number that fits int64?). Go's
 *   AsInt64 also says false for some whole numbers stored internally as inf.Dec (e.g. "1.5Gi").
 */

const NANOS_PER_UNIT = 1_000_000_000n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const MAX_EXPONENT = 1000;

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, bigint>> = {
  Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n,
};

const ALLOWED =
  'a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, ' +
  'an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")';

/** A parsed Kubernetes quantity. Immutable; the value is an exact count of nano-units. */
export class Quantity {
  /**
   * Parses a Kubernetes quantity string.
   * @throws Error naming the value and the accepted forms when `text` is not a quantity
   */
  static parse(text: string): Quantity {
    const result = parseQuantity(text);
    if (typeof result === 'string') throw new Error(result);
    return result;
  }

  /** True when `text` is a valid quantity (CEL isQuantity). */
  static isValid(text: string): boolean {
    return typeof parseQuantity(text) !== 'string';
  }

  /** The quantity for a whole number of units (CEL add(int)/sub(int) use this). */
  static fromInteger(value: bigint): Quantity {
    return new Quantity(value * NANOS_PER_UNIT);
  }

  /** @param nanos the value in nano-units (1 = 1n, 10^9 = 1) */
  constructor(readonly nanos: bigint) {}

  /** -1, 0 or 1, like resource.Quantity.Cmp. */
  compareTo(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  isGreaterThan(other: Quantity): boolean {
    return this.compareTo(other) > 0;
  }

  isLessThan(other: Quantity): boolean {
    return this.compareTo(other) < 0;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos);
  }

  sign(): -1 | 0 | 1 {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  /** True when the value is a whole number that fits an int64. */
  isInteger(): boolean {
    if (this.nanos % NANOS_PER_UNIT !== 0n) return false;
    const units = this.nanos / NANOS_PER_UNIT;
    return units >= INT64_MIN && units <= INT64_MAX;
  }

  /** @throws when the value is fractional or outside int64 (same message as Kubernetes) */
  asInteger(): bigint {
    if (!this.isInteger()) throw new Error('cannot convert value to integer');
    return this.nanos / NANOS_PER_UNIT;
  }

  /** A float64 approximation (may lose precision; ±Infinity when out of range). */
  asApproximateFloat(): number {
    const units = this.nanos / NANOS_PER_UNIT;
    const rest = this.nanos % NANOS_PER_UNIT;
    return Number(units) + Number(rest) / 1e9;
  }

  /** Plain decimal form of the value in units, e.g. "1610612736" or "0.1". */
  toString(): string {
    const negative = this.nanos < 0n;
    const abs = negative ? -this.nanos : this.nanos;
    const units = abs / NANOS_PER_UNIT;
    const fraction = (abs % NANOS_PER_UNIT).toString().padStart(9, '0').replace(/0+$/, '');
    return `${negative ? '-' : ''}${units}${fraction ? `.${fraction}` : ''}`;
  }
}

/** The parsed quantity, or a message naming the value and what is allowed. */
export function parseQuantity(text: string): Quantity | string {
  const invalid = (why: string): string => `invalid quantity ${JSON.stringify(text)}: ${why}; expected ${ALLOWED}`;
  const match = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(.*)$/s.exec(text);
  if (!match) return invalid(text === '' ? 'empty string' : 'no number at the start');
  const [, sign, number, suffix] = match;

  let exponent10: number;
  let exponent2 = 0n;
  let binary = false;
  if (suffix in DECIMAL_SUFFIXES) {
    exponent10 = DECIMAL_SUFFIXES[suffix];
  } else if (suffix in BINARY_SUFFIXES) {
    exponent10 = 0;
    exponent2 = BINARY_SUFFIXES[suffix];
    binary = true;
  } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    exponent10 = Number(suffix.slice(1));
    if (Math.abs(exponent10) > MAX_EXPONENT) return invalid(`exponent ${suffix} is outside ±${MAX_EXPONENT}`);
  } else {
    return invalid(`unknown suffix ${JSON.stringify(suffix)}`);
  }

  const [whole, fraction = ''] = number.split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  // magnitude in nano-units = digits * 2^exponent2 * 10^(exponent10 - fraction digits + 9)
  const scaled = digits << exponent2;
  const shift = exponent10 - fraction.length + 9;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = scaled * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    nanos = (scaled + divisor - 1n) / divisor; // round up to a whole nano, like Kubernetes
  }
  if (binary && nanos > INT64_MAX * NANOS_PER_UNIT) nanos = INT64_MAX * NANOS_PER_UNIT;
  return new Quantity(sign === '-' ? -nanos : nanos);
}

/** Why a container resource value is not a quantity ≥ 0 (the exact Kubernetes grammar), or undefined. */
export function quantityProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : `must be a quantity ≥ 0, got ${value}`;
  if (typeof value !== 'string') return `must be a quantity like "500m" or "1Gi", got ${JSON.stringify(value) ?? 'nothing'}`;
  const parsed = parseQuantity(value);
  if (typeof parsed === 'string') return parsed;
  return parsed.nanos < 0n ? `must not be negative, got ${JSON.stringify(value)}` : undefined;
}

/** Resources measured in bytes: a plain number there counts bytes. */
const BYTE_RESOURCES = /^(?:(?:requests|limits)\.)?(?:memory|ephemeral-storage|storage|hugepages-[\w.]+)$/;
const MEBIBYTE = 1024n * 1024n;

/**
 * Why a byte resource (`memory`, `ephemeral-storage`, `requests.memory`, hugepages…) given without a unit is almost
 * certainly a mistake, or undefined: `memory: 512` is 512 bytes, which no container starts in (the kubelet
 * OOM-kills it at once); below 1 Mi, the unit was forgotten. Other values and resources are left alone.
 */
export function unitlessBytesProblem(resource: string, value: unknown): string | undefined {
  if (!BYTE_RESOURCES.test(resource)) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const parsed = parseQuantity(text);
  if (typeof parsed === 'string' || parsed.nanos >= MEBIBYTE * NANOS_PER_UNIT || parsed.nanos === 0n) return undefined;
  return `${text} has no unit, so it means ${text} bytes, less than a container can start in; write ${text}Mi or ${text}Gi (binary units), or ${text}M (decimal)`;
}
