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
}

/**
 * Reads the object at `namespace:key` with whether it is secret. The plain value comes from `getObject` (which
 * returns a secret key's plaintext): the checks need it synchronously, before any resource exists, and
 * `getSecretObject` would give it only inside an apply. Callers mark what they derive from it with {@link secretWhen}.
 */
export function readConfigObject(namespace: string, key: string): ConfigObject | undefined {
  const value = new pulumi.Config(namespace).getObject<unknown>(key);
  return value === undefined ? undefined : { value, secret: isSecretConfig(namespace, key) };
}

/** `value` as a secret Output when `secret`, else unchanged (no needless secrets: they hide a diff from reviewers). */
export function secretWhen<T>(secret: boolean, value: T): T | pulumi.Output<pulumi.Unwrap<T>> {
  return secret ? pulumi.secret(value) : value;
}
