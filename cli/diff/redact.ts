import { createHash } from 'node:crypto';
import { canonicalJson, isPlainMap } from './canonical';
import { groupOf } from './key';

/** What a sensitive value is replaced with. */
export const REDACTED = '<redacted>';
/** What a sensitive head value is replaced with when it differs from base (compared by sha256, never shown). */
export const REDACTED_CHANGED = '<redacted (changed)>';

/**
 * Field names whose string values are always redacted: the name, lower-cased with everything but
 * letters and digits removed, ends with one of these (`clientSecret`, `aws_secret_access_key`,
 * `db-password`, `accessToken`…). Ends-with keeps reference names such as `secretName` or
 * `tokenPath` visible.
 */
const SENSITIVE_NAME_SUFFIXES = [
  'token',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'privatekey',
  'secretkey',
  'secretaccesskey',
  'apikey',
  'accesskey',
  'accountkey',
  'signingkey',
  'encryptionkey',
  'sshkey',
  'clientkeydata',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'connectionstring',
  'cookie',
];

/**
 * Inside a string, a sensitive name followed by `=` or `:` and a value: `db.password=…`, `password: …` (a kubeconfig
 * or properties file in a ConfigMap), `AccountKey=…;` (Azure connection strings), `"auth":"…"` (a docker config).
 */
const NAMED_VALUE_IN_TEXT =
  /(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|accountkey|private[_-]?key|client[_-]?key[_-]?data|credentials?|"auth")["']?\s*[:=]\s*["']?[^\s"',;&]{3,}/i;

/** A command-line flag whose next argument is its value: `["--db-password", "hunter2"]`. */
const SENSITIVE_FLAG = /^--?[\w.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)$/i;

/** An AWS access key id (long-term `AKIA…`, temporary `ASIA…`): 20 upper-case letters and digits. */
const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;

/** Content that marks a whole string as sensitive, wherever it appears. */
const SENSITIVE_CONTENT: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]+-----/, // any PEM block: private keys (RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK), certificates
  /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i, // URL with user:password@ (postgres://, https://, redis://:pw@)
  /\bbasic\s+[A-Za-z0-9+/]{8,}={0,2}/i, // HTTP Basic authorization
  /[?&](?:sig|signature|x-amz-signature|x-goog-signature)=[A-Za-z0-9%/+_-]{16,}/i, // signed URLs (Azure SAS, S3, GCS)
  NAMED_VALUE_IN_TEXT,
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/, // JWT: three base64url parts, header starts with '{"'
  /\bbearer\s+[A-Za-z0-9._~+/-]{8,}/i, // HTTP bearer token
  /aws_secret_access_key/i, // AWS credentials file
  /client-key-data|client-certificate-data/, // kubeconfig with embedded credentials
  // Well-known token formats (prefix + random part; the prefixes are what their issuers publish for scanning):
  /gh[pousr]_[A-Za-z0-9]{20,}/, // GitHub classic/OAuth/user-to-server/server-to-server/refresh token
  /github_pat_[A-Za-z0-9_]{20,}/, // GitHub fine-grained personal access token
  // OpenAI-style `sk-…`, `sk-proj-…` (also sk-svcacct-, sk-admin-, sk-ant-): random part with upper case and digits,
  // which keeps lower-case Kubernetes names such as `sk-cluster-pool` visible.
  /(?<![A-Za-z0-9])sk-(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}/,
  /xox[baprs]-[A-Za-z0-9-]{10,}/, // Slack bot/app/user/refresh tokens
  /AIza[0-9A-Za-z_-]{35}/, // Google API key
  AWS_ACCESS_KEY_ID, // AWS access key id (its secret: see awsSecretLike)
];

/**
 * A string that looks like an AWS secret access key (40 base64 characters, upper and lower case). Alone that shape
 * is too common to redact; it is redacted wherever the same object also holds an AWS access key id (its pair).
 */
function awsSecretLike(text: string): boolean {
  for (const m of text.matchAll(/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g)) {
    if (/[A-Z]/.test(m[0]) && /[a-z]/.test(m[0])) return true;
  }
  return false;
}

/** True when some string (or map key) anywhere in `value` holds an AWS access key id. */
function holdsAwsAccessKeyId(value: unknown): boolean {
  if (typeof value === 'string') return AWS_ACCESS_KEY_ID.test(value);
  if (Array.isArray(value)) return value.some(holdsAwsAccessKeyId);
  if (isPlainMap(value)) return Object.entries(value).some(([k, v]) => AWS_ACCESS_KEY_ID.test(k) || holdsAwsAccessKeyId(v));
  return false;
}

/** `{ name: GITHUB_TOKEN, value: … }` (env vars, Helm-style parameters…): a sensitive `name` makes `value` sensitive. */
function isSensitiveNameValuePair(value: unknown): boolean {
  return isPlainMap(value) && typeof value.name === 'string' && has(value, 'value') && isSensitiveName(value.name);
}

/** A `token:` entry inside text that is shaped like a kubeconfig. */
function isKubeconfigWithToken(text: string): boolean {
  return /^\s*-?\s*token:/m.test(text) && /^\s*(users|clusters|contexts):/m.test(text);
}

export function isSensitiveString(text: string): boolean {
  return SENSITIVE_CONTENT.some((re) => re.test(text)) || isKubeconfigWithToken(text);
}

export function isSensitiveName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_NAME_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/** A kubeconfig object (`kind: Config` with `users`): its `users` hold the credentials. */
function isKubeconfig(value: unknown): boolean {
  return isPlainMap(value) && value.kind === 'Config' && 'users' in value;
}

function isCoreSecret(obj: Record<string, unknown> | undefined): boolean {
  return !!obj && obj.kind === 'Secret' && typeof obj.apiVersion === 'string' && groupOf(obj.apiVersion) === '';
}

interface Context {
  /** Keys from the object root to the current value (list indexes as numbers). */
  readonly path: readonly (string | number)[];
  readonly secretObject: boolean;
  readonly parentIsKubeconfig: boolean;
  /** The object holds an AWS access key id somewhere: strings shaped like its secret key are redacted too. */
  readonly awsKeyIdPresent: boolean;
  /** This value is the `value` of a `{ name, value }` pair with a sensitive name: redacted whatever its type. */
  readonly namedSensitive?: boolean;
}

export interface RedactedPair {
  readonly base?: Record<string, unknown>;
  readonly head?: Record<string, unknown>;
}

/**
 * Redact the base and head versions of one object together (either may be absent), so a
 * sensitive value that changed can be marked REDACTED_CHANGED without revealing either value.
 * When a value is sensitive on one side, the same path is redacted on both. Redacted: Secret
 * `data`/`stringData` values (keys kept), the `last-applied-configuration` annotation (a full copy
 * of the object), kubeconfig `users`, string values of sensitively named fields, the `value` of a
 * `{ name, value }` map whose `name` is sensitive (env vars: `{ name: GITHUB_TOKEN, value: … }`), any
 * string containing a PEM block, a URL with a password, Basic or Bearer authorization, a signed URL,
 * `<sensitive name>=<value>` text (properties, connection strings, kubeconfig `password:`), a JWT, AWS
 * secret key, kubeconfig credentials or a well-known token format (GitHub, OpenAI, Slack, Google API
 * key, AWS access key id), the argument after a flag such as `--db-password`, and, in an object
 * holding an AWS access key id, strings shaped like its secret access key. Names are matched
 * case-insensitively by their ending (`passphrase`, `password`, `credentials`, `ssh_key`, `secret`,
 * `token`, `auth`, …).
 */
export function redactPair(base?: Record<string, unknown>, head?: Record<string, unknown>): RedactedPair {
  const context: Context = {
    path: [],
    secretObject: isCoreSecret(base) || isCoreSecret(head),
    parentIsKubeconfig: false,
    awsKeyIdPresent: holdsAwsAccessKeyId(base) || holdsAwsAccessKeyId(head),
  };
  const [b, h] = walk(base, head, context);
  return { base: b as Record<string, unknown> | undefined, head: h as Record<string, unknown> | undefined };
}

function walk(base: unknown, head: unknown, ctx: Context): [unknown, unknown] {
  if (isSensitive(base, ctx) || isSensitive(head, ctx)) {
    const changed = base !== undefined && head !== undefined && digest(base) !== digest(head);
    return [base === undefined ? undefined : REDACTED, head === undefined ? undefined : changed ? REDACTED_CHANGED : REDACTED];
  }
  const bothOr = (test: (v: unknown) => boolean) => (base === undefined || test(base)) && (head === undefined || test(head));
  if (bothOr(isPlainMap)) {
    const b = base as Record<string, unknown> | undefined;
    const h = head as Record<string, unknown> | undefined;
    const parentIsKubeconfig = isKubeconfig(b) || isKubeconfig(h);
    const sensitivePair = isSensitiveNameValuePair(b) || isSensitiveNameValuePair(h);
    const outB: Record<string, unknown> = {};
    const outH: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(b ?? {}), ...Object.keys(h ?? {})])) {
      const child = { ...ctx, path: [...ctx.path, k], parentIsKubeconfig, namedSensitive: sensitivePair && k === 'value' };
      const [rb, rh] = walk(b && has(b, k) ? b[k] : undefined, h && has(h, k) ? h[k] : undefined, child);
      if (rb !== undefined) outB[k] = rb;
      if (rh !== undefined) outH[k] = rh;
    }
    return [b && outB, h && outH];
  }
  if (bothOr(Array.isArray)) {
    const b = base as unknown[] | undefined;
    const h = head as unknown[] | undefined;
    const outB: unknown[] = [];
    const outH: unknown[] = [];
    for (let i = 0; i < Math.max(b?.length ?? 0, h?.length ?? 0); i++) {
      // The argument after a flag like `--db-password` is that flag's value.
      const afterFlag = [b?.[i - 1], h?.[i - 1]].some((prev) => typeof prev === 'string' && SENSITIVE_FLAG.test(prev));
      const child = { ...ctx, path: [...ctx.path, i], parentIsKubeconfig: false, namedSensitive: afterFlag };
      const [rb, rh] = walk(b?.[i], h?.[i], child);
      if (b && i < b.length) outB.push(rb);
      if (h && i < h.length) outH.push(rh);
    }
    return [b && outB, h && outH];
  }
  if (base !== undefined && head !== undefined && (isContainer(base) || isContainer(head))) {
    // A map or list on one side only (type changed): redact each side on its own.
    return [walk(base, undefined, ctx)[0], walk(undefined, head, ctx)[1]];
  }
  return [base, head];
}

function isSensitive(value: unknown, ctx: Context): boolean {
  if (value === undefined) return false;
  const path = ctx.path;
  const name = path[path.length - 1];
  if (ctx.secretObject && path.length === 2 && (path[0] === 'data' || path[0] === 'stringData')) return true;
  if (ctx.secretObject && path.length === 1 && (name === 'data' || name === 'stringData') && !isPlainMap(value)) return true;
  if (path.length === 3 && path[0] === 'metadata' && name === 'kubectl.kubernetes.io/last-applied-configuration') return true;
  if (ctx.parentIsKubeconfig && name === 'users') return true;
  if (ctx.namedSensitive) return true;
  if (typeof value !== 'string') return false;
  return (typeof name === 'string' && isSensitiveName(name)) || isSensitiveString(value) || (ctx.awsKeyIdPresent && awsSecretLike(value));
}

function isContainer(value: unknown): boolean {
  return isPlainMap(value) || Array.isArray(value);
}

function has(obj: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, k);
}

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
