/**
 * Device selectors as the DRA constructs take them: builder clauses from cel-selector.ts, their
 * `{ cel: { expression } }` form (deviceSelector()), or raw CEL strings. Every selector — raw ones
 * above all — goes through checkCelSelector (parse, unknown device.* fields, the
 * device.attributes["<domain>/<name>"] mistake, evaluation against sample devices), so a broken
 * selector is an error when the construct is built, not a claim that never allocates.
 *
 * Also reads, from the parsed expression, what a selector is about: which drivers it compares
 * device.driver with, which attribute/capacity domains it looks up (to recognise GPU classes), and
 * whether it reads device.allowMultipleAllocations (a DRAConsumableCapacity field).
 */
import { parse } from '@bufbuild/cel';
import { childExprs, identName, stringLiteral, type CelExpr } from '../../core/cel/cel-ast';
import { expandCelBind } from '../../core/cel/cel-bind';
import { checkCelSelector, summarize, type CelCheckResult, type CelProblem, type DeviceMatch } from '../../core/cel/cel-check';
import type { DraDevice } from '../../core/cel/cel-device';
import type { SelectorClause } from '../../core/cel/cel-selector';
import { isGpuDriver } from './gpu-drivers';
import { SAMPLE_DEVICES } from '../../core/cel/sample-devices';

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
    const result = checkCelSelector(expression, { path, devices });
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

/** What a selector refers to, read from its syntax tree. */
export interface SelectorReferences {
  /** String literals compared with device.driver (`==`, `in [...]`), in source order, unique. */
  readonly drivers: readonly string[];
  /** Domains looked up in device.attributes / device.capacity, in source order, unique. */
  readonly domains: readonly string[];
  /** Whether device.allowMultipleAllocations is read (DRAConsumableCapacity). */
  readonly allowMultipleAllocations: boolean;
}

/** The references of `expression`; empty when it does not parse (checkSelectors reports that). */
export function selectorReferences(expression: string): SelectorReferences {
  let root: CelExpr;
  try {
    root = parse(expression).expr as CelExpr;
    expandCelBind(root);
  } catch {
    return { drivers: [], domains: [], allowMultipleAllocations: false };
  }
  const drivers = new Set<string>();
  const domains = new Set<string>();
  let allowMultiple = false;

  const deviceField = (expr: CelExpr | undefined): string | undefined => {
    const kind = expr?.exprKind;
    if (kind?.case === 'selectExpr' && identName(kind.value.operand) === 'device') return kind.value.field;
    if (kind?.case === 'callExpr' && kind.value.function === '_[_]' && identName(kind.value.args[0]) === 'device') return stringLiteral(kind.value.args[1]);
    return undefined;
  };
  const visit = (expr: CelExpr): void => {
    const kind = expr.exprKind;
    const field = deviceField(expr);
    if (field === 'allowMultipleAllocations') allowMultiple = true;
    if (kind.case === 'callExpr') {
      const { function: fn, args } = kind.value;
      if (fn === '_==_' && args.length === 2) {
        const [a, b] = args;
        const literal = deviceField(a) === 'driver' ? stringLiteral(b) : deviceField(b) === 'driver' ? stringLiteral(a) : undefined;
        if (literal !== undefined) drivers.add(literal);
      }
      if (fn === '@in' && args.length === 2 && deviceField(args[0]) === 'driver' && args[1].exprKind.case === 'listExpr') {
        for (const element of args[1].exprKind.value.elements) {
          const literal = stringLiteral(element);
          if (literal !== undefined) drivers.add(literal);
        }
      }
      if (fn === '_[_]' && args.length === 2) {
        const map = deviceField(args[0]);
        const domain = stringLiteral(args[1]);
        if ((map === 'attributes' || map === 'capacity') && domain !== undefined) domains.add(domain);
      }
    }
    childExprs(expr).forEach(visit);
  };
  visit(root);
  return { drivers: [...drivers], domains: [...domains], allowMultipleAllocations: allowMultiple };
}

/** The first GPU driver a selector targets (compares device.driver with, or looks up the domain of). */
export function targetedGpuDriver(expression: string): string | undefined {
  const refs = selectorReferences(expression);
  return [...refs.drivers, ...refs.domains].find(isGpuDriver);
}
