/**
 * The one rule for suites that run a real component (runsc, containerd, kubectl, git, the Go binaries of the local
 * cluster, the npm registry): when it is absent the suite skips with ONE loud line naming what is missing and how to
 * get it, and never crashes; under CI=true a missing component fails the suite instead (CI installs everything:
 * `.ci/run`). Both tiers use it: the unit tier (`npm test`) and the integration tier (test/integration/support).
 *
 * `AGENT_SANDBOX_INFRA_TEST_ABSENT=runsc,containerd,…` makes {@link findCommand} report those commands absent: how a
 * test shows what a fresh machine without them sees (test/ci/real-component-skips.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const ABSENT_ENV = 'AGENT_SANDBOX_INFRA_TEST_ABSENT';

/** A real component is missing where it must not be (CI): the suite fails. */
export class MissingComponentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingComponentError';
  }
}

/** True when the run is CI's (the CI runner sets `CI=true`; `1` is accepted too). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}

function absentByRequest(name: string): boolean {
  return (process.env[ABSENT_ENV] ?? '').split(',').map((s) => s.trim()).includes(name);
}

/** Absolute path of a command on PATH (or the first existing fallback), else undefined. */
export function findCommand(name: string, fallbacks: readonly string[] = []): string | undefined {
  if (absentByRequest(name)) return undefined;
  const r = spawnSync('sh', ['-c', 'command -v "$0"', name], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  if (found.startsWith('/')) return found;
  return fallbacks.find((f) => existsSync(f));
}

/**
 * Whether a suite's real components are here. `missing` holds one reason per absent component (what is missing and
 * how to install it); empty means all present. Otherwise: with CI=true an error (the suite fails), else one line
 * `*** SKIPPED <suite>: <reasons> ***` on stderr and false (skip the suite: `(ok ? describe : describe.skip)`, and
 * keep every use of a component inside tests or beforeAll, never in a describe body, which runs even when skipped).
 */
export function realComponentsPresent(suite: string, missing: readonly (string | undefined | false)[], env: NodeJS.ProcessEnv = process.env): boolean {
  const reasons = missing.filter((m): m is string => typeof m === 'string' && m !== '');
  if (reasons.length === 0) return true;
  const line = `SKIPPED ${suite}: ${reasons.join('; ')}`;
  if (isCi(env)) throw new MissingComponentError(`${line} — CI=true requires the real components (.ci/run installs them)`);
  // Straight to stderr: one line, without the code frame jest adds to console output.
  process.stderr.write(`\n*** ${line} ***\n`);
  return false;
}

/** A command as a real component: its path, or the reason it is missing (for {@link realComponentsPresent}). */
export function command(name: string, install: string, fallbacks: readonly string[] = []): { readonly path?: string; readonly missing?: string } {
  const path = findCommand(name, fallbacks);
  return path ? { path } : { missing: `no ${name} on PATH (${install})` };
}
