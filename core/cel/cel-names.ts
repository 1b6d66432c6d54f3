/**
 * Name rules for DRA device attributes and capacities (resource.k8s.io/v1).
 *
 * A device attribute/capacity key is a QualifiedName: either a C identifier ("productName") or
 * "<DNS subdomain>/<C identifier>" ("gpu.nvidia.com/productName"); unqualified names belong to the
 * driver's domain. "The maximum length for the DNS subdomain is 63 characters (same as for driver
 * names) and the maximum length of the C identifier is 32."
 * Source: k8s.io/api/resource/v1 types.go (QualifiedName, DeviceMaxDomainLength, DeviceMaxIDLength),
 * https://github.com/kubernetes/api/blob/master/resource/v1/types.go
 *
 * In CEL the two halves are separate lookups: device.attributes["<domain>"].<name>. The domain and
 * the name therefore never contain "/".
 */

/** resourceapi.DeviceMaxDomainLength. */
export const MAX_DOMAIN_LENGTH = 63;
/** resourceapi.DeviceMaxIDLength. */
export const MAX_NAME_LENGTH = 32;
/** resourceapi.DriverNameMaxLength. */
export const MAX_DRIVER_LENGTH = 63;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `domain` is not a valid attribute/capacity domain, or undefined when it is. */
export function domainProblem(domain: string): string | undefined {
  return dnsSubdomainProblem('domain', domain, MAX_DOMAIN_LENGTH, 'gpu.nvidia.com');
}

/** Why `driver` is not a valid DRA driver name, or undefined when it is. */
export function driverProblem(driver: string): string | undefined {
  return dnsSubdomainProblem('driver name', driver, MAX_DRIVER_LENGTH, 'gpu.nvidia.com');
}

/** Why `name` is not a valid attribute/capacity name (the part after the domain), or undefined. */
export function nameProblem(name: string): string | undefined {
  const allowed = `a C identifier (letters, digits, "_"; not starting with a digit) of at most ${MAX_NAME_LENGTH} characters, e.g. "productName"`;
  if (name.includes('/')) {
    return `name ${JSON.stringify(name)} contains "/"; the domain goes in its own lookup, the name must be ${allowed}`;
  }
  if (!C_IDENTIFIER.test(name)) return `name ${JSON.stringify(name)} is not ${allowed}`;
  if (name.length > MAX_NAME_LENGTH) {
    return `name ${JSON.stringify(name)} is ${name.length} characters long; must be ${allowed}`;
  }
  return undefined;
}

function dnsSubdomainProblem(what: string, value: string, max: number, example: string): string | undefined {
  const allowed = `a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit) of at most ${max} characters, e.g. "${example}"`;
  if (value.includes('/')) {
    return `${what} ${JSON.stringify(value)} contains "/"; must be ${allowed}`;
  }
  if (!DNS_SUBDOMAIN.test(value)) return `${what} ${JSON.stringify(value)} is not ${allowed}`;
  if (value.length > max) return `${what} ${JSON.stringify(value)} is ${value.length} characters long; must be ${allowed}`;
  return undefined;
}
