import { problemAt, type Problem } from './diagnostics';
/**
 * Kubernetes name and label syntax checks (k8s.io/apimachinery/pkg/util/validation), as messages that name the
 * field and the value. Each returns the problems found, empty when there are none.
 */

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** RFC 1123 label, ≤ 63 characters (namespace names). */
export function dnsLabelErrors(field: string, value: string): Problem[] {
  return value.length <= 63 && DNS_LABEL.test(value)
    ? []
    : [problemAt(field, `${JSON.stringify(value)} is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)`, 'format')];
}

/** RFC 1123 subdomain, ≤ 253 characters (ServiceAccount names). */
export function dnsSubdomainErrors(field: string, value: string): Problem[] {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value)
    ? []
    : [problemAt(field, `${JSON.stringify(value)} is not a DNS subdomain (at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)`, 'format')];
}

/** A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain, the name ≤ 63 characters. */
export function qualifiedNameErrors(field: string, key: string): Problem[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  const ok = (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && LABEL_NAME.test(name);
  return ok ? [] : [problemAt(field, `key ${JSON.stringify(key)} is not a qualified name ([DNS subdomain/]name, the name at most 63 letters, digits, "-", "_" and ".")`, 'format')];
}

/** Label keys and values (values: empty, or ≤ 63 characters of the label-name alphabet). */
export function labelErrors(field: string, labels: Readonly<Record<string, string>>): Problem[] {
  const errors: Problem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    errors.push(...qualifiedNameErrors(field, key));
    if (typeof value !== 'string' || (value !== '' && !(value.length <= 63 && LABEL_NAME.test(value)))) {
      errors.push(problemAt(`${field}.${key}`, `value ${JSON.stringify(value)} is not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)`, 'format'));
    }
  }
  return errors;
}

export function checkName(field: string, value: string, errors: Problem[], max = 63): void {
  if (typeof value !== 'string' || value.length > max || !DNS_LABEL.test(value)) {
    errors.push(problemAt(field, `"${String(value)}" is not a valid name (lowercase letters, digits and "-", at most ${max} characters)`, 'format'));
  }
}

/** Object names that may contain dots (the API server's DNS-subdomain rule), e.g. SandboxTemplate names. */
export function checkSubdomainName(field: string, value: string, errors: Problem[], max = 253): void {
  if (typeof value !== 'string' || value.length > max || !DNS_SUBDOMAIN.test(value)) {
    errors.push(problemAt(field, `"${String(value)}" is not a valid name (lowercase letters, digits, "-" and ".", at most ${max} characters)`, 'format'));
  }
}

export const RFC3339_EXAMPLE = '2026-12-31T23:59:59Z';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Why a value is not an RFC 3339 date-time the API server accepts (CRD `format: date-time`), or undefined.
 * The shape alone is not enough: "2026-02-30T10:00:00Z" has the shape and is still rejected.
 */
export function rfc3339Problem(value: unknown): string | undefined {
  const expected = `must be an RFC 3339 time like "${RFC3339_EXAMPLE}"`;
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) return `${expected}, got ${JSON.stringify(value) ?? 'nothing'}`;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  let wrong: string | undefined;
  if (daysInMonth === undefined) wrong = `there is no month ${m[2]}`;
  else if (day < 1 || day > daysInMonth) wrong = `${m[1]}-${m[2]} has no day ${m[3]}`;
  else if (hour > 23) wrong = `hour ${m[4]} is past 23`;
  else if (minute > 59) wrong = `minute ${m[5]} is past 59`;
  else if (second > 59) wrong = `second ${m[6]} is past 59`;
  else if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) wrong = `offset ${m[8]} is out of range`;
  return wrong ? `${expected}, got ${JSON.stringify(value)} (${wrong})` : undefined;
}

/**
 * The object name a construct gets from its id when no `name` is given (the documented rule, README "Constructs"):
 * the id itself when it is already a valid name; else the id in kebab case — a "-" before each capital that follows a
 * lowercase letter or digit, "_", spaces and dots (for DNS labels) turned into "-", lowercased: `PythonPool` →
 * `python-pool`, `GPU_Pool` → `gpu-pool`. Undefined when even that is not a valid name (then pass `name`).
 */
export function objectNameFromId(id: string, kind: 'label' | 'subdomain' = 'label'): string | undefined {
  const valid = (n: string) => (kind === 'label' ? n.length <= 63 && DNS_LABEL.test(n) : n.length <= 253 && DNS_SUBDOMAIN.test(n));
  if (valid(id)) return id;
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(kind === 'label' ? /[\s_.]+/g : /[\s_]+/g, '-')
    .toLowerCase();
  return valid(kebab) ? kebab : undefined;
}

/** `name` given, or the one {@link objectNameFromId} derives from the id, or an error that says to pass `name`. */
export function nameOrIdName(name: string | undefined, id: string, errors: Problem[], kind: 'label' | 'subdomain' = 'label'): string {
  if (name !== undefined) return name;
  const derived = objectNameFromId(id, kind);
  if (derived !== undefined) return derived;
  errors.push(
    problemAt('name', `not given, and the construct id ${JSON.stringify(id)} gives no valid object name (lowercase letters, digits and "-"${kind === 'subdomain' ? ', "."' : ''}, at most ${kind === 'label' ? 63 : 253} characters, ` +
      'even in kebab case); pass name: "<name>"', 'format'),
  );
  return id;
}
