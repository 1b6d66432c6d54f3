/**
 * The extended resource name format, as the API server checks DeviceClass spec.extendedResourceName
 * ("must be a valid extended resource name"): v1helper.IsExtendedResourceName in
 * k8s.io/kubernetes pkg/apis/core/v1/helper/helpers.go, used by validateDeviceClassSpec in
 * pkg/apis/resource/validation/validation.go:
 * 1. not a native resource: it must contain "/" (unprefixed names such as "cpu" are implicitly in
 *    kubernetes.io/) and must not contain "kubernetes.io/";
 * 2. it must not start with "requests." (the quota convention);
 * 3. "requests." + name must be a qualified name: "<DNS-1123 subdomain, ≤ 253>/<name, ≤ 63,
 *    alphanumeric at both ends, '-', '_' and '.' inside>".
 * DRA also makes every class requestable as "deviceclass.resource.kubernetes.io/<class name>" on its
 * own; that name is in kubernetes.io/ and therefore cannot be set here.
 */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const MAX_SUBDOMAIN = 253;
const MAX_NAME_PART = 63;
const QUOTA_PREFIX = 'requests.';
const EXAMPLE = 'e.g. "example.com/gpu"';

/** Why `name` is not a valid extended resource name, or undefined when it is. */
export function extendedResourceNameProblem(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (!name.includes('/')) {
    return `${quoted} has no domain: extended resources are "<domain>/<name>", ${EXAMPLE}; names without a domain belong to Kubernetes (cpu, memory, …)`;
  }
  if (name.includes('kubernetes.io/')) return `${quoted} is in the reserved kubernetes.io domain; use a domain you own, ${EXAMPLE}`;
  if (name.startsWith(QUOTA_PREFIX)) return `${quoted} starts with "${QUOTA_PREFIX}", which is reserved for resource quota names`;
  const parts = name.split('/');
  if (parts.length > 2) return `${quoted} has more than one "/"; the format is "<domain>/<name>", ${EXAMPLE}`;
  const [domain, part] = parts;
  const prefix = QUOTA_PREFIX + domain;
  if (domain === '' || !DNS_SUBDOMAIN.test(domain)) {
    return `${quoted}: domain ${JSON.stringify(domain)} is not a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit)`;
  }
  if (prefix.length > MAX_SUBDOMAIN) {
    return `${quoted}: domain ${JSON.stringify(domain)} is ${domain.length} characters long; at most ${MAX_SUBDOMAIN - QUOTA_PREFIX.length} (the quota name "${QUOTA_PREFIX}<domain>" must fit in ${MAX_SUBDOMAIN})`;
  }
  if (part === '') return `${quoted} has an empty name after "/"`;
  if (part.length > MAX_NAME_PART) return `${quoted}: name ${JSON.stringify(part)} is ${part.length} characters long; at most ${MAX_NAME_PART}`;
  if (!QUALIFIED_NAME_PART.test(part)) {
    return `${quoted}: name ${JSON.stringify(part)} must consist of letters, digits, "-", "_" or "." and start and end with a letter or digit`;
  }
  return undefined;
}
