import { Semver, parseSemver } from '../../../core/cel/cel-semver';

const v = (text: string, normalize = false): Semver => Semver.parse(text, normalize);

describe('Semver', () => {
  test('parses strict semver.org 2.0.0 versions', () => {
    const parsed = v('1.0.0-rc.1+build.5');
    expect([parsed.major, parsed.minor, parsed.patch]).toStrictEqual([1n, 0n, 0n]);
    expect(parsed.prerelease).toStrictEqual(['rc', '1']);
    expect(parsed.build).toStrictEqual(['build', '5']);
    expect(parsed.toString()).toBe('1.0.0-rc.1+build.5');
    expect(parsed.precedenceKey).toBe('1.0.0-rc.1');
  });

  test.each(['v1.2.3', '1.2', '01.2.3', '1.2.3-01', '1.2.3-', '1.2.3+', '', 'latest', '1.2.3.4'])('rejects %j', (text) => {
    expect(parseSemver(text)).toBe(
      `invalid semantic version ${JSON.stringify(text)}; expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] without leading zeros or "v" prefix (semver.org 2.0.0), e.g. "550.54.15"`,
    );
  });

  test('normalize accepts a "v" prefix, short versions and leading zeros (semver(s, true))', () => {
    expect(v('v1.2', true).toString()).toBe('1.2.0');
    expect(v('01.01.01', true).toString()).toBe('1.1.1');
    expect(v('1', true).toString()).toBe('1.0.0');
    expect(() => v('1.2-rc.1', true)).toThrow('invalid semantic version "1.2-rc.1"');
  });

  test('orders by semver precedence (semver.org example chain)', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];
    for (let i = 0; i < chain.length - 1; i++) {
      expect([chain[i], v(chain[i]).compareTo(v(chain[i + 1]))]).toStrictEqual([chain[i], -1]);
      expect(v(chain[i + 1]).compareTo(v(chain[i]))).toBe(1);
    }
  });

  test('numbers compare numerically and build metadata is ignored', () => {
    expect(v('10.0.0').compareTo(v('9.0.0'))).toBe(1);
    expect(v('550.54.15').compareTo(v('570.86.15'))).toBe(-1);
    expect(v('1.0.0+a').compareTo(v('1.0.0+b'))).toBe(0);
  });
});
