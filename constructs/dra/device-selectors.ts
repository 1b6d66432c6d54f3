/**
 * Device selectors as the DRA constructs take them: builder clauses from cel-selector.ts, their
 * `{ cel: { expression } }` form (deviceSelector()), or raw CEL strings. Every selector — raw ones
 * above all — goes through checkCelSelector (core/cel/selector-results.ts: once per machine and code; parse, unknown device.* fields, the
 * device.attributes["<domain>/<name>"] mistake, evaluation against sample devices), so a broken
 * selector is an error when the construct is built, not a claim that never allocates.
 *
 * Also reads, from the parsed expression, what a selector is about (core/cel/cel-references.ts): which
 * drivers it compares device.driver with, which attribute/capacity domains it looks up (to recognise GPU
 * classes), and whether it reads device.allowMultipleAllocations (a DRAConsumableCapacity field).
 */
import { summarize, type CelCheckResult, type CelProblem, type DeviceMatch } from '../../core/cel/cel-results';
import { checkSelector, selectorReferences, type SelectorReferences } from '../../core/cel/selector-results';
import type { DraDevice } from '../../core/cel/cel-device';
import type { SelectorClause } from '../../core/cel/cel-selector';
import { isGpuDriver } from './gpu-drivers';
import { SAMPLE_DEVICES } from '../../core/cel/sample-devices';

export { selectorReferences, type SelectorReferences };

/** resourceapi.DeviceSelectorsMaxSize. */
export const MAX_SELECTORS = 32;

/** A builder clause (driverIs(...), allOf(...)), its deviceSelector(...) form, or a raw CEL string. */
export type DeviceSelectorInput = SelectorClause | { readonly cel: { readonly expression: string } } | string;

/** The CEL expression of a selector input, or undefined when it is none of the accepted forms. */
export function selectorExpression(input: DeviceSelectorInput): string | undefined {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') {
    if ('expression' in input && typeof input.expression === 'string') return input.expression;
    if ('cel' in input && input.cel && typeof input.cel.expression === 'string') return input.cel.expression;
  }
  return undefined;
}

export interface SelectorsCheck {
  /** The expressions, in order. */
  readonly expressions: readonly string[];
  /** One result per selector (problems + per-device evaluation). */
  readonly results: readonly CelCheckResult[];
  /** Every problem, each with its path (`<pathPrefix>[i].cel.expression`). */
  readonly problems: readonly CelProblem[];
  /** A device matches when every selector matches it (no selectors: every device matches). */
  readonly devices: readonly DeviceMatch[];
  /** e.g. "matches: nvidia-h100-0; no match: cpu-0". */
  readonly summary: string;
}

/** Checks every selector and combines their evaluations per sample device. */
export function checkSelectors(
  inputs: readonly DeviceSelectorInput[],
  options: { readonly pathPrefix: string; readonly devices?: readonly DraDevice[] },
): SelectorsCheck {
  const devices = options.devices ?? SAMPLE_DEVICES;
  const expressions: string[] = [];
  const results: CelCheckResult[] = [];
  const problems: CelProblem[] = [];
  if (inputs.length > MAX_SELECTORS) {
    problems.push({ path: options.pathPrefix, expression: '', message: `${inputs.length} selectors; at most ${MAX_SELECTORS} are allowed` });
  }
  inputs.forEach((input, i) => {
    const path = `${options.pathPrefix}[${i}].cel.expression`;
    const expression = selectorExpression(input);
    if (expression === undefined) {
      problems.push({ path, expression: '', message: 'must be a CEL string, a builder clause (driverIs(...), allOf(...)) or { cel: { expression } }' });
      return;
    }
    expressions.push(expression);
    const result = checkSelector(expression, { path, devices });
    results.push(result);
    problems.push(...result.problems);
  });
  const combined = combine(results, devices);
  return { expressions, results, problems, devices: combined, summary: summarize(combined) };
}

/** Per device: matches when every result matches it; the first evaluation error is kept. */
export function combine(results: readonly CelCheckResult[], devices: readonly DraDevice[]): DeviceMatch[] {
  return devices.map((device) => {
    const own = results.map((r) => r.devices.find((d) => d.device === device.name));
    const failed = own.find((d) => !d?.matches);
    if (results.length === 0) return { device: device.name, matches: true };
    if (!failed) return { device: device.name, matches: true };
    return { device: device.name, matches: false, ...(failed.error !== undefined ? { error: failed.error } : {}) };
  });
}

/** The first GPU driver a selector targets (compares device.driver with, or looks up the domain of). */
export function targetedGpuDriver(expression: string): string | undefined {
  const refs = selectorReferences(expression);
  return [...refs.drivers, ...refs.domains].find(isGpuDriver);
}
