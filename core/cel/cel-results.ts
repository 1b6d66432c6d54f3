/**
 * What checking a DRA CEL selector yields (cel-check.ts computes it, selector-results.ts keeps it): plain data, so
 * that holding or printing a result needs no CEL engine.
 */

/** One problem with one expression. */
export interface CelProblem {
  /** Where the expression lives, as given by the caller (e.g. "spec.selectors[0].cel.expression"). */
  readonly path?: string;
  readonly expression: string;
  readonly message: string;
}

/** Outcome of evaluating the selector for one device. */
export interface DeviceMatch {
  readonly device: string;
  readonly matches: boolean;
  /** The evaluation error, when there was one (the device then does not match). */
  readonly error?: string;
}

export interface CelCheckResult {
  readonly expression: string;
  /** Empty when the expression is valid. */
  readonly problems: readonly CelProblem[];
  /** One entry per device that could be evaluated; empty when the expression does not parse. */
  readonly devices: readonly DeviceMatch[];
  /** e.g. "matches: nvidia-h100-0; no match: cpu-0 (error: field not found: memory)". */
  readonly summary: string;
}

/** "matches: a, b; no match: c (error: …)" — "none" when a list is empty. */
export function summarize(devices: readonly DeviceMatch[]): string {
  const matching = devices.filter((d) => d.matches).map((d) => d.device);
  const other = devices.filter((d) => !d.matches).map((d) => (d.error ? `${d.device} (error: ${d.error})` : d.device));
  return `matches: ${matching.join(', ') || 'none'}; no match: ${other.join(', ') || 'none'}`;
}
