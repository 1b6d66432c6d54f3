/**
 * What a refused input shows its user, for assertions: the lines (`path: message`) of the problems an action throws.
 */
import { ConfigError, validateConfig, type ValidateConfigOptions } from '../../config/validate';
import { formatProblem, ProblemsError } from '../../core/diagnostics';

/**
 * The problems `action` throws as a `kind` error (default: any ProblemsError), one formatted line each; none when it
 * succeeds. Any other error is rethrown, so a test never mistakes a crash for a refusal.
 */
export function thrownProblems(action: () => unknown, kind: abstract new (...args: never[]) => ProblemsError = ProblemsError): string[] {
  try {
    action();
  } catch (err) {
    if (err instanceof kind) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

/** The problem lines of `validateConfig` (its ConfigError), none when the config is valid. */
export function configProblems(raw: unknown, source?: string, options?: ValidateConfigOptions): string[] {
  return thrownProblems(() => validateConfig(raw, source, options), ConfigError);
}
