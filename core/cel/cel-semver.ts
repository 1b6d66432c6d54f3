/**
 * Semantic versions for the Kubernetes CEL semver library and DRA "version" attributes.
 *
 * DRA parses version attributes with blang/semver Parse (strict semver.org 2.0.0), and the CEL
 * function semver(s) does the same; semver(s, true) first normalizes ("v" prefix, missing
 * minor/patch, leading zeros). Comparison follows semver precedence; build metadata is ignored.
 * Sources: https://github.com/kubernetes/dynamic-resource-allocation/blob/master/cel/compile.go (getAttributeValue)
 *          https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/cel/library/semverlib.go
 *          https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-semver-library
 *          https://semver.org/spec/v2.0.0.html
 */

// semver.org's reference regular expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

/** A parsed semantic version. Immutable. */
export class Semver {
  /**
   * Parses a semantic version (strict, like semver("1.2.3")); with `normalize`, like semver(s, true).
   * @throws Error naming the value and the expected form
   */
  static parse(text: string, normalize = false): Semver {
    const result = parseSemver(text, normalize);
    if (typeof result === 'string') throw new Error(result);
    return result;
  }

  /** Prefer Semver.parse; the constructor does not validate. */
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly prerelease: readonly string[],
    readonly build: readonly string[],
  ) {}

  /** -1, 0 or 1 by semver precedence (build metadata ignored). */
  compareTo(other: Semver): -1 | 0 | 1 {
    for (const [a, b] of [[this.major, other.major], [this.minor, other.minor], [this.patch, other.patch]] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    const [p, q] = [this.prerelease, other.prerelease];
    if (p.length === 0 || q.length === 0) return p.length === q.length ? 0 : p.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(p.length, q.length); i++) {
      const c = comparePrerelease(p[i], q[i]);
      if (c !== 0) return c;
    }
    return p.length === q.length ? 0 : p.length < q.length ? -1 : 1;
  }

  /** The version without build metadata (what precedence and equality look at). */
  get precedenceKey(): string {
    const core = `${this.major}.${this.minor}.${this.patch}`;
    return this.prerelease.length ? `${core}-${this.prerelease.join('.')}` : core;
  }

  toString(): string {
    return this.build.length ? `${this.precedenceKey}+${this.build.join('.')}` : this.precedenceKey;
  }
}

/** The parsed version, or a message naming the value and the expected form. */
export function parseSemver(text: string, normalize = false): Semver | string {
  const source = normalize ? normalizeVersion(text) : text;
  const expected = normalize
    ? 'MAJOR[.MINOR[.PATCH]] with an optional "v" prefix, e.g. "v1.2"'
    : 'MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] without leading zeros or "v" prefix (semver.org 2.0.0), e.g. "550.54.15"';
  const invalid = `invalid semantic version ${JSON.stringify(text)}; expected ${expected}`;
  if (source === undefined) return invalid;
  const match = SEMVER.exec(source);
  if (!match) return invalid;
  const [major, minor, patch] = [match[1], match[2], match[3]].map(BigInt);
  if (major > UINT64_MAX || minor > UINT64_MAX || patch > UINT64_MAX) return `${invalid} (numbers must fit uint64)`;
  return new Semver(major, minor, patch, match[4] ? match[4].split('.') : [], match[5] ? match[5].split('.') : []);
}

// Port of semverlib.go normalizeAndParse: drop one "v", strip leading zeros, pad MAJOR[.MINOR].
function normalizeVersion(text: string): string | undefined {
  const parts = (text.startsWith('v') ? text.slice(1) : text).split('.');
  const head = parts.length > 3 ? [...parts.slice(0, 2), parts.slice(2).join('.')] : parts;
  const trimmed = head.map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/^[0-9]/.test(t) ? `0${t}` : t;
  });
  if (trimmed.length < 3) {
    if (/[+-]/.test(trimmed[trimmed.length - 1])) return undefined; // short version with pre-release/build
    while (trimmed.length < 3) trimmed.push('0');
  }
  return trimmed.join('.');
}

function comparePrerelease(a: string, b: string): -1 | 0 | 1 {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (an !== bn) return an ? -1 : 1; // numeric identifiers sort before alphanumeric ones
  return a === b ? 0 : a < b ? -1 : 1;
}
