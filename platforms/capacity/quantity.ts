/**
 * Kubernetes resource quantities, parsed exactly: cpu to integer millicores, memory to integer bytes.
 *
 * Grammar (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
 *   <signedNumber><suffix>, suffix = binary (Ki Mi Gi Ti Pi Ei) | decimal (n u m "" k M G T P E) | e<int> / E<int>.
 * The digits are kept as a BigInt with a decimal scale, so "0.1", "1.5Gi" and "1e9" never drift through floating
 * point. A value finer than the unit ("0.5m" cpu, "0.5" bytes) rounds up, like Quantity.MilliValue()/Value().
 */

/** A quantity that does not parse or is out of range. Names the field, the value and what is allowed. */
export class QuantityError extends Error {
  constructor(
    public readonly field: string,
    public readonly value: unknown,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'QuantityError';
  }
}

export type QuantityInput = string | number;

/** cpu and memory as Kubernetes writes them in `resources.limits`. */
export interface ResourceQuantities {
  readonly cpu?: QuantityInput;
  readonly memory?: QuantityInput;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|([numkMGTPE]))?$/;
const BINARY_POWER: Readonly<Record<string, bigint>> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
// Far beyond any cpu or memory value; keeps `10n ** exponent` cheap for hostile input like "1e999999".
const MAX_ABS_EXPONENT = 40;
const EXAMPLES = { cpu: '"500m", "1", "1.5"', memory: '"512Mi", "2Gi", "1G", "1e9", "128974848"' } as const;

/** value = mantissa × 10^exponent × 2^binaryPower, exactly. */
interface ExactQuantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly binaryPower: bigint;
}

function parseExact(value: unknown, field: string, kind: keyof typeof EXAMPLES): ExactQuantity {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  const m = typeof text === 'string' ? QUANTITY.exec(text) : null;
  if (m === null) {
    throw new QuantityError(field, value, `${JSON.stringify(value)} is not a Kubernetes quantity; use e.g. ${EXAMPLES[kind]}`);
  }
  const [, sign, number, binary, exponentText, decimal] = m;
  const [whole, fraction = ''] = number.split('.');
  const mantissa = BigInt(whole + fraction || '0');
  if (sign === '-' && mantissa !== 0n) {
    throw new QuantityError(field, value, `${JSON.stringify(value)} is negative; ${kind} must be ≥ 0`);
  }
  const suffixExponent = exponentText !== undefined ? Number(exponentText) : decimal !== undefined ? DECIMAL_EXPONENT[decimal] : 0;
  if (Math.abs(suffixExponent) > MAX_ABS_EXPONENT) {
    throw new QuantityError(field, value, `${JSON.stringify(value)} is out of range for ${kind}`);
  }
  return { mantissa, exponent: suffixExponent - fraction.length, binaryPower: binary !== undefined ? BINARY_POWER[binary] : 0n };
}

/** `q × 10^shift` as an integer, rounded up; throws when it is not a safe JS integer. */
function toInteger(q: ExactQuantity, shift: number, field: string, value: unknown, kind: string): number {
  let n = q.mantissa << q.binaryPower;
  const exponent = q.exponent + shift;
  if (exponent >= 0) {
    n *= 10n ** BigInt(exponent);
  } else {
    const d = 10n ** BigInt(-exponent);
    n = (n + d - 1n) / d;
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(field, value, `${JSON.stringify(value)} is too large for ${kind}`);
  }
  return Number(n);
}

/** CPU quantity → integer millicores ("500m" → 500, "1.5" → 1500, "0.0001" → 1). */
export function parseCpuMillis(value: QuantityInput, field = 'cpu'): number {
  return toInteger(parseExact(value, field, 'cpu'), 3, field, value, 'cpu');
}

/** Memory quantity → integer bytes ("512Mi" → 536870912, "1G" → 1e9, "1e9" → 1e9). */
export function parseMemoryBytes(value: QuantityInput, field = 'memory'): number {
  return toInteger(parseExact(value, field, 'memory'), 0, field, value, 'memory');
}

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Which way a displayed number is rounded: demands round up, offers round down, so a shortfall never hides. */
export type Rounding = 'up' | 'down';

function decimal(numerator: number, denominator: number, digits: number, rounding: Rounding): string {
  const scale = 10n ** BigInt(digits);
  const n = BigInt(numerator) * scale;
  const d = BigInt(denominator);
  const scaled = rounding === 'up' ? (n + d - 1n) / d : n / d;
  const whole = (scaled / scale).toString();
  const frac = (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** Millicores as vCPU, exact to the milli: 2000 → "2 vCPU", 13600 → "13.6 vCPU", 250 → "0.25 vCPU". */
export function formatCpu(millis: number): string {
  const whole = Math.trunc(millis / 1000);
  const frac = String(millis % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} vCPU`;
}

/** Bytes as GiB (≥ 1 GiB) or MiB, at most two decimals, rounded in the given direction: "4 GiB", "600 MiB". */
export function formatMemory(bytes: number, rounding: Rounding = 'up'): string {
  return bytes >= GiB ? `${decimal(bytes, GiB, 2, rounding)} GiB` : `${decimal(bytes, MiB, 2, rounding)} MiB`;
}
