/**
 * The Pulumi adapter of the project's problems: a refused stack throws one {@link StackConfigError} with every
 * problem on its own line, printed by the Pulumi CLI without a stack trace.
 */
import * as pulumi from '@pulumi/pulumi';
import type { InputProblem } from '../core/diagnostics';
import { MIRROR_ENV, type UpstreamError } from '../core/upstream/store';

/**
 * The program's refusal: an `InputPropertiesError` (every problem as `{propertyPath, reason}`) that the Pulumi
 * CLI's Node.js runner also recognises as a `RunError`, so it prints the message alone instead of a stack trace
 * (`@pulumi/pulumi/cmd/run/run.js`: "Always hide the stack for RunErrors").
 */
export class StackConfigError extends pulumi.InputPropertiesError {
  /** The `RunError` brand (`pulumi.RunError.isInstance`). */
  readonly __pulumiRunError = true;
  constructor(problems: readonly InputProblem[]) {
    super({
      message: `stack config has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was created:\n  ${problems.map((x) => `${x.propertyPath}: ${x.reason}`).join('\n  ')}`,
      errors: problems.map((x) => ({ propertyPath: x.propertyPath, reason: x.reason })),
    });
    this.name = 'StackConfigError';
  }
}

/** The commands that fill the upstream cache, from this folder (the program runs where Pulumi.yaml is). */
export const FETCH_UPSTREAM_COMMANDS = '`npx agent-sandbox-infra fetch-upstream --if-missing` (or `node bin/agent-sandbox-infra.js fetch-upstream --if-missing`)';

/** A missing or altered pinned upstream file as a stack problem that says what to run. */
export function upstreamProblem(err: UpstreamError, env: NodeJS.ProcessEnv = process.env): InputProblem {
  const fix = env[MIRROR_ENV]
    ? `add the file to the mirror, or run ${FETCH_UPSTREAM_COMMANDS} in this folder (the cache completes the mirror)`
    : `run ${FETCH_UPSTREAM_COMMANDS} in this folder (it needs GitHub or a Go module proxy once), then run pulumi again`;
  return { propertyPath: 'upstream files', reason: `${err.message} To deploy: ${fix}.` };
}
