/**
 * Structured input errors for the EKS sandbox-node bootstrap builders.
 *
 * Builders collect every problem as `{ field, value, message }` so a caller (the CLI, the Pulumi component)
 * can report all of them at once instead of the first one only.
 */

/** One problem with one input field. `message` names the value and what is allowed instead. */
export interface SandboxConfigError {
  /** Path of the offending input, e.g. `amiType` or `nodeGroups[1].instanceTypes[0]`. */
  readonly field: string;
  /** The value that was given. */
  readonly value: unknown;
  /** Human-readable reason, naming the value and the allowed values. */
  readonly message: string;
}

/** Thrown by the builders; carries every collected error. The message has one `field: message` line each. */
export class SandboxBootstrapError extends Error {
  public readonly errors: readonly SandboxConfigError[];

  constructor(errors: readonly SandboxConfigError[]) {
    super(formatSandboxConfigErrors(errors));
    this.name = 'SandboxBootstrapError';
    this.errors = errors;
  }
}

/** One line per error: `field: message`. */
export function formatSandboxConfigErrors(errors: readonly SandboxConfigError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('\n');
}

/** Throws a {@link SandboxBootstrapError} if `errors` is not empty. */
export function throwIfErrors(errors: readonly SandboxConfigError[]): void {
  if (errors.length > 0) {
    throw new SandboxBootstrapError(errors);
  }
}

/**
 * Runs `fn` and returns its result, or records the errors it threw in `into` and returns `undefined`.
 * Lets an aggregating builder keep going after one failed input.
 */
export function collectErrors<T>(into: SandboxConfigError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SandboxBootstrapError) {
      into.push(...e.errors);
      return undefined;
    }
    throw e;
  }
}
