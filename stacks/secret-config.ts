/**
 * Stack config that may be secret (`pulumi config set --secret`, or `--secret --path` for one field of an object).
 * The program needs the plain value at once — every check runs before anything is registered — and must also know
 * whether it was secret, so that what it derives from it reaches state and `preview --diff` only as a secret.
 *
 * The engine tells a program only which top-level keys hold a secret (PULUMI_CONFIG_SECRET_KEYS; an object with one
 * secret field anywhere in it is listed whole: sdk/go/common/resource/config `object.Secure`), never which field: so
 * a secret key makes everything derived from that key secret.
 */
import * as pulumi from '@pulumi/pulumi';

/** The SDK's own check (`runtime/config.ts` `isConfigSecret`, exported but left out of its typings). */
type IsConfigSecret = (fullKey: string) => boolean;

/**
 * Whether the engine marks `namespace:key` as secret. An SDK that no longer exports its check cannot tell: the value
 * is then taken as secret (the run keeps working; nothing derived from it is shown) rather than as plain.
 */
export function isSecretConfig(namespace: string, key: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: IsConfigSecret }).isConfigSecret;
  return typeof check === 'function' ? check(`${namespace}:${key}`) : true;
}

/** A config object and whether it is secret. `value` is the plain value: only for checks, and for inputs through {@link secretWhen}. */
export interface ConfigObject {
  readonly value: unknown;
  readonly secret: boolean;
  /** Why the value is unusable (not JSON); `value` is then undefined. Never quotes a secret value. */
  readonly problem?: string;
}

/**
 * Reads the object at `namespace:key` with whether it is secret. The plain value is parsed here, synchronously: the
 * checks need it before any resource exists (`getSecretObject` would give it only inside an apply), and the SDK's own
 * `getObject` puts the whole value into its error when it is not JSON, a secret included. Callers mark what they
 * derive from it with {@link secretWhen}.
 */
export function readConfigObject(namespace: string, key: string): ConfigObject | undefined {
  const text = new pulumi.Config(namespace).get(key);
  if (text === undefined) return undefined;
  const secret = isSecretConfig(namespace, key);
  try {
    return { value: JSON.parse(text) as unknown, secret };
  } catch {
    // Not the parser's message: it quotes the text around the error.
    const shown = secret ? 'the value is a secret and not shown' : `got ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
    return { value: undefined, secret, problem: `must be an object in JSON (\`pulumi config set\` takes a whole object as JSON; YAML is not read here); ${shown}` };
  }
}

/** `value` as a secret Output when `secret`, else unchanged (no needless secrets: they hide a diff from reviewers). */
export function secretWhen<T>(secret: boolean, value: T): T | pulumi.Output<pulumi.Unwrap<T>> {
  return secret ? pulumi.secret(value) : value;
}

/** Shorter strings are left in messages: names and enum values, which make the message useful, not credentials. */
const MIN_REDACTED_LENGTH = 8;

/**
 * A function that replaces, in a message, every string of `value` (a secret config's plain value) at least
 * {@link MIN_REDACTED_LENGTH} long with `[secret]`: the program's problems and warnings quote config values ("got …"),
 * and the engine prints them as they are. The identity for a plain config.
 */
export function redactorFor(config: ConfigObject | undefined): (message: string) => string {
  if (!config?.secret || config.value === undefined) return (message) => message;
  const strings = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= MIN_REDACTED_LENGTH) strings.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(config.value);
  // Longest first, so a string inside another is not left half-replaced; each also as JSON quotes it (escapes).
  const needles = [...strings].flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]).sort((a, b) => b.length - a.length);
  return (message) => needles.reduce((m, n) => m.split(n).join('[secret]'), message);
}
