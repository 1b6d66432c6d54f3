/**
 * Kubernetes name and label syntax checks (k8s.io/apimachinery/pkg/util/validation), as messages that name the
 * field and the value. Each returns the problems found, empty when there are none.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** RFC 1123 label, ≤ 63 characters (namespace names). */
export function dnsLabelErrors(field: string, value: string): string[] {
  return value.length <= 63 && DNS_LABEL.test(value)
    ? []
    : [`${field}: ${JSON.stringify(value)} is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)`];
}

/** RFC 1123 subdomain, ≤ 253 characters (ServiceAccount names). */
export function dnsSubdomainErrors(field: string, value: string): string[] {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value)
    ? []
    : [`${field}: ${JSON.stringify(value)} is not a DNS subdomain (at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)`];
}

/** A label or annotation key: `[prefix/]name`, the prefix a DNS subdomain, the name ≤ 63 characters. */
export function qualifiedNameErrors(field: string, key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  const ok = (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && LABEL_NAME.test(name);
  return ok ? [] : [`${field}: key ${JSON.stringify(key)} is not a qualified name ([DNS subdomain/]name, the name at most 63 letters, digits, "-", "_" and ".")`];
}

/** Label keys and values (values: empty, or ≤ 63 characters of the label-name alphabet). */
export function labelErrors(field: string, labels: Readonly<Record<string, string>>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    errors.push(...qualifiedNameErrors(field, key));
    if (typeof value !== 'string' || (value !== '' && !(value.length <= 63 && LABEL_NAME.test(value)))) {
      errors.push(`${field}.${key}: value ${JSON.stringify(value)} is not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)`);
    }
  }
  return errors;
}
