/**
 * The integration tier's skip rule, in one place: a suite whose binaries are not built is skipped with ONE loud line
 * naming what is missing and the command that builds it; under `CI=true` a missing toolchain fails the suite instead
 * (CI builds the toolchain first, so a skip there would hide a broken build step).
 *
 *   const describeWithToolchain = requireToolchain('the Pulumi engine', PULUMI_ENGINE, 'npm run toolchain -- pulumi');
 *   describeWithToolchain('…', () => { … });
 */
import { isBuilt } from '../../scripts/toolchain/build';
import type { GoComponent } from '../../scripts/toolchain/versions';

export class MissingToolchainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingToolchainError';
  }
}

/** True when the run is CI's (the CI runner sets `CI=true`; `1` is accepted too). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

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
  const message = [check.missing.length ? check.message : undefined, otherwiseMissing ? `${what} needs ${otherwiseMissing}` : undefined].filter(Boolean).join('; ');
  if (!message) return describe;
  if (isCi(env)) throw new MissingToolchainError(`CI=true and ${message}`);
  // One line, straight to stderr: console.warn would add jest's stack-trace frame around it.
  process.stderr.write(`\n!!! SKIPPED (integration): ${message}\n\n`);
  return describe.skip;
}
