/** The toolchain skip rule (test/support/require-toolchain.ts, on test/support/real-components.ts), without building anything. */
import { checkToolchain, isCi, MissingToolchainError, requireToolchain } from '../../support/require-toolchain';
import type { GoComponent } from '../../../scripts/toolchain/versions';

// A component no cache holds: its id and version are the ones the messages must name.
const NEVER_BUILT: GoComponent = { id: 'never-built-check', module: 'example.invalid/never', version: 'v0.0.0-test', binaries: { never: 'example.invalid/never' } };
const BUILD = 'npm run toolchain -- never-built-check';

describe('requireToolchain', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('names each missing component with its version and the command that builds it', () => {
    expect(checkToolchain('the check', [NEVER_BUILT], BUILD)).toEqual({
      missing: [NEVER_BUILT],
      message: 'the check needs never-built-check v0.0.0-test, not built: run `npm run toolchain -- never-built-check`',
    });
  });

  it('outside CI: one loud line on stderr, and the suite is skipped', () => {
    expect(requireToolchain('the check', [NEVER_BUILT], BUILD, {})).toBe(describe.skip);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0][0]).trim()).toBe(
      '*** SKIPPED the check: never-built-check v0.0.0-test not built (run `npm run toolchain -- never-built-check`) ***',
    );
  });

  it('under CI=true a missing toolchain fails instead of skipping', () => {
    expect(() => requireToolchain('the check', [NEVER_BUILT], BUILD, { CI: 'true' })).toThrow(
      new MissingToolchainError('SKIPPED the check: never-built-check v0.0.0-test not built (run `npm run toolchain -- never-built-check`) — CI=true requires the real components (.ci/run installs them)'),
    );
    expect(stderr).not.toHaveBeenCalled();
  });

  it('with everything built the suite runs, silently', () => {
    expect(requireToolchain('the check', [], BUILD, { CI: 'true' })).toBe(describe);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('reads CI as CI runners set it', () => {
    expect([isCi({ CI: 'true' }), isCi({ CI: '1' }), isCi({ CI: 'false' }), isCi({})]).toEqual([true, true, false, false]);
  });
});
