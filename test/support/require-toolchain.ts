/**
 * The skip rule for suites that need Go binaries of the toolchain: test/support/real-components.ts's rule (one loud
 * line naming what is missing and the command that builds it; under `CI=true` the suite fails instead: CI builds the
 * toolchain first, so a skip there would hide a broken build step).
 *
 *   const describeWithToolchain = requireToolchain('the Pulumi engine', PULUMI_ENGINE, 'npm run toolchain -- pulumi');
 *   describeWithToolchain('…', () => { … });
 */
import { isBuilt } from '../../scripts/toolchain/build';
import type { GoComponent } from '../../scripts/toolchain/versions';
import { realComponentsPresent } from './real-components';

export { isCi, MissingComponentError as MissingToolchainError } from './real-components';

export interface ToolchainCheck {
  readonly missing: readonly GoComponent[];
  /** The one line a skip prints, or the error message under CI. */
  readonly message: string;
}

/** Which of `components` are not built, and the sentence that says so. Reads the cache only: runs no `go`. */
export function checkToolchain(what: string, components: readonly GoComponent[], buildCommand: string): ToolchainCheck {
  const missing = components.filter((c) => !isBuilt(c));
  const names = missing.map((c) => `${c.id} ${c.version}`).join(', ');
  return { missing, message: `${what} needs ${names}, not built: run \`${buildCommand}\`` };
}

/**
 * `describe` when every component is built; otherwise `describe.skip` after one loud line on stderr, or, under CI,
 * a MissingToolchainError that fails the test file.
 */
export function requireToolchain(
  what: string,
  components: readonly GoComponent[],
  buildCommand: string,
  env: NodeJS.ProcessEnv = process.env,
  /** Another real component the suite needs that is not a Go build (e.g. root for the pod runner): why it is missing. */
  otherwiseMissing?: string,
): jest.Describe {
  const check = checkToolchain(what, components, buildCommand);
  const missing = check.missing.map((c) => `${c.id} ${c.version}`).join(', ');
  return realComponentsPresent(what, [check.missing.length > 0 && `${missing} not built (run \`${buildCommand}\`)`, otherwiseMissing], env) ? describe : describe.skip;
}
