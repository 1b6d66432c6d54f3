/**
 * Checks a raw DRA CEL selector expression (DeviceClass spec.selectors[].cel.expression,
 * ResourceClaimTemplate ...requests[].exactly.selectors[].cel.expression) the way `validate` needs it:
 * parse, static checks (cel-lint.ts), then evaluation against sample devices to show which ones match.
 *
 * Never throws on user input; every problem comes back as { path, expression, message }.
 *
 * Evaluation semantics: a selector must return a bool; a lookup of an attribute the device does not
 * have is a runtime error. The API server cannot see that, so it is not a validation problem here:
 * the device is reported as "no match" with the error. (In a cluster such an error makes the
 * allocator give up on the claim rather than skip the device — "A robust expression should check
 * for the existence of attributes before referencing them", e.g. with has(...) or "name" in ....)
 * Source: io.k8s.api.resource.v1.CELDeviceSelector description in the pinned schemas.
 */
import { isCelError, parse, plan, celType, type CelValue } from '@bufbuild/cel';
import { lineColumn, type ParsedCel } from './cel-ast';
import { expandCelBind } from './cel-bind';
import type { DraDevice } from './cel-device';
import { celDeviceInput } from './cel-device-input';
import { draCelEnv } from './cel-library';
import { lintSelector } from './cel-lint';
import { SAMPLE_DEVICES } from './sample-devices';
import { summarize, type CelCheckResult, type CelProblem, type DeviceMatch } from './cel-results';

export { summarize, type CelCheckResult, type CelProblem, type DeviceMatch };

/** resourceapi.CELSelectorExpressionMaxLength: "must be smaller or equal to 10 Ki". */
export const MAX_EXPRESSION_BYTES = 10 * 1024;

export interface CheckCelSelectorOptions {
  /** Copied into every problem. @default undefined */
  readonly path?: string;
  /** Devices to evaluate the selector against. @default SAMPLE_DEVICES */
  readonly devices?: readonly DraDevice[];
}

/** Checks one selector expression and evaluates it against sample devices. */
export function checkCelSelector(expression: string, options: CheckCelSelectorOptions = {}): CelCheckResult {
  const problems: CelProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ ...(options.path !== undefined ? { path: options.path } : {}), expression, message });
  };
  const done = (devices: DeviceMatch[] = []): CelCheckResult => ({ expression, problems, devices, summary: summarize(devices) });

  if (typeof expression !== 'string') {
    // Callers pass parsed YAML; a number or null there is user input too.
    problem(`expression must be a string, got ${expression === null ? 'null' : typeof expression}`);
    return done();
  }
  const bytes = Buffer.byteLength(expression, 'utf8');
  if (bytes > MAX_EXPRESSION_BYTES) problem(`expression is ${bytes} bytes long; at most ${MAX_EXPRESSION_BYTES} (10 Ki) are allowed`);
  if (expression.trim() === '') {
    problem('expression is empty; a selector must evaluate to true or false, e.g. device.driver == "gpu.nvidia.com"');
    return done();
  }

  let parsed: ParsedCel;
  try {
    parsed = parse(expression);
  } catch (e) {
    problem(syntaxErrorMessage(e));
    return done();
  }
  const at = (exprId: bigint): string => {
    const offset = parsed.sourceInfo?.positions[String(exprId)];
    return offset === undefined ? '' : ` (at ${lineColumn(expression, offset)})`;
  };

  try {
    for (const issue of expandCelBind(parsed.expr)) problem(`${issue.message}${at(issue.exprId)}`);
    for (const finding of lintSelector(parsed.expr)) problem(`${finding.message}${at(finding.exprId)}`);
  } catch (e) {
    problem(`internal error while checking the expression: ${errorMessage(e)}`);
    return done();
  }

  let program: ReturnType<typeof plan>;
  try {
    program = plan(draCelEnv(), parsed.expr);
  } catch (e) {
    problem(`cannot evaluate: ${errorMessage(e)}`);
    return done();
  }

  const devices: DeviceMatch[] = [];
  const nonBool = new Map<string, string[]>(); // result type -> devices
  for (const device of options.devices ?? SAMPLE_DEVICES) {
    const input = celDeviceInput(device);
    if ('errors' in input) {
      for (const error of input.errors) problem(`sample device ${device.name}: ${error}`);
      continue;
    }
    let result: CelValue | Error;
    try {
      result = program({ device: input.value });
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (isCelError(result) || result instanceof Error) {
      devices.push({ device: device.name, matches: false, error: result.message });
    } else if (typeof result === 'boolean') {
      devices.push({ device: device.name, matches: result });
    } else {
      const type = celType(result).toString();
      nonBool.set(type, [...(nonBool.get(type) ?? []), device.name]);
      devices.push({ device: device.name, matches: false, error: `result is ${type}, not bool` });
    }
  }
  if (nonBool.size > 0) {
    const got = [...nonBool].map(([type, names]) => `${type} (${names.join(', ')})`).join(', ');
    problem(`must evaluate to bool (true when the device fits), got ${got}; e.g. write device.driver == "gpu.nvidia.com", not device.driver`);
  }
  return done(devices);
}

/** All problems of many selectors at once (e.g. every selector of a DeviceClass). */
export function checkCelSelectors(
  selectors: readonly { readonly expression: string; readonly path?: string }[],
  devices?: readonly DraDevice[],
): CelProblem[] {
  return selectors.flatMap((s) => checkCelSelector(s.expression, { path: s.path, devices }).problems);
}

function syntaxErrorMessage(e: unknown): string {
  const err = e as { location?: { start?: { line?: number; column?: number } }; rawMessage?: string; message?: string };
  const start = err.location?.start;
  const where = start?.line !== undefined && start.column !== undefined ? ` at ${start.line}:${start.column}` : '';
  return `syntax error${where}: ${err.rawMessage ?? errorMessage(e)}`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
