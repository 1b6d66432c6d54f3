/**
 * The Pulumi adapter of the project's problems: a refused stack throws one {@link StackConfigError} with every
 * problem on its own line, printed by the Pulumi CLI without a stack trace.
 */
import * as pulumi from '@pulumi/pulumi';
import { formatProblem, problemAt, problemCount, type Problem } from '../core/diagnostics';
import { MIRROR_ENV, type UpstreamError } from '../core/upstream/store';

/**
 * The one adapter from Problems to Pulumi's `InputPropertiesError`: the message is `heading:` and every problem on
 * its own line (`path: message`), `errors` each problem as `{propertyPath, reason}`. The cluster components throw it
 * for their own config; the program throws its {@link StackConfigError}.
 */
export class InputProblemsError extends pulumi.InputPropertiesError {
  constructor(
    heading: string,
    readonly problems: readonly Problem[],
  ) {
    super({
      message: `${heading}:\n  ${problems.map(formatProblem).join('\n  ')}`,
      errors: problems.map((p) => ({ propertyPath: p.path, reason: p.message })),
    });
  }
}

/**
 * The program's refusal: an {@link InputProblemsError} that the Pulumi CLI's Node.js runner also recognises as a
 * `RunError`, so it prints the message alone instead of a stack trace (`@pulumi/pulumi/cmd/run/run.js`: "Always hide
 * the stack for RunErrors").
 */
export class StackConfigError extends InputProblemsError {
  /** The `RunError` brand (`pulumi.RunError.isInstance`). */
  readonly __pulumiRunError = true;
  constructor(problems: readonly Problem[]) {
    super(`stack config has ${problemCount(problems.length)}; nothing was created`, problems);
    this.name = 'StackConfigError';
  }
}

/** The commands that fill the upstream cache, from this folder (the program runs where Pulumi.yaml is). */
export const FETCH_UPSTREAM_COMMANDS = '`npx agent-sandbox-infra fetch-upstream --if-missing` (or `node bin/agent-sandbox-infra.js fetch-upstream --if-missing`)';

/** A missing or altered pinned upstream file as a stack problem that says what to run. */
export function upstreamProblem(err: UpstreamError, env: NodeJS.ProcessEnv = process.env): Problem {
  const fix = env[MIRROR_ENV]
    ? `add the file to the mirror, or run ${FETCH_UPSTREAM_COMMANDS} in this folder (the cache completes the mirror)`
    : `run ${FETCH_UPSTREAM_COMMANDS} in this folder (it needs GitHub or a Go module proxy once), then run pulumi again`;
  return problemAt('upstream files', `${err.message} To deploy: ${fix}.`, 'upstream');
}
