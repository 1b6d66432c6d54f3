/**
 * Name, size and format checks shared by the DRA constructs, as the API server applies them to
 * resource.k8s.io/v1 objects (k8s.io/kubernetes pkg/apis/resource/validation/validation.go; limits from
 * k8s.io/api/resource/v1 types.go). Internal: not part of the public API.
 */
import { driverProblem } from '../../core/cel/cel-names';
import { formatProblem, problemAt, type Problem } from '../../core/diagnostics';

/** resourceapi.DeviceRequestsMaxSize (= AllocationResultsMaxSize). */
export const MAX_DEVICE_REQUESTS = 32;
/** resourceapi.FirstAvailableDeviceRequestMaxSize. */
export const MAX_FIRST_AVAILABLE = 8;
/** resourceapi.DeviceTolerationsMaxLength. */
export const MAX_DEVICE_TOLERATIONS = 16;
/** resourceapi.DeviceConfigMaxSize. */
export const MAX_DEVICE_CONFIGS = 32;
/** resourceapi.OpaqueParametersMaxLength: "must be smaller or equal to 10 Ki". */
export const MAX_OPAQUE_PARAMETERS_BYTES = 10 * 1024;

/** "<label>: <problem>" for one problem, a bulleted list for several. */
export function formatProblems(label: string, problems: readonly Problem[]): string {
  const lines = problems.map(formatProblem);
  return lines.length === 1 ? `${label}: ${lines[0]}` : `${label} has ${lines.length} problems:\n${lines.map((p) => `- ${p}`).join('\n')}`;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `name` is not a DNS-1123 subdomain (≤ 253), or undefined. DeviceClass and ResourceClaimTemplate names. */
export function subdomainProblem(name: string): string | undefined {
  if (typeof name !== 'string') return `must be a string, got ${typeof name}`;
  if (name.length > 253) return `${JSON.stringify(name)} is ${name.length} characters long; at most 253`;
  if (!DNS_SUBDOMAIN.test(name)) {
    return `${JSON.stringify(name)} is not a lowercase DNS subdomain (a-z, 0-9, "-" and ".", starting and ending with a letter or digit)`;
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 label (≤ 63), or undefined. Request and sub-request names. */
export function dnsLabelProblem(name: string): string | undefined {
  if (typeof name !== 'string' || !DNS_LABEL.test(name) || name.length > 63) {
    return `${JSON.stringify(name)} is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)`;
  }
  return undefined;
}

/** Why `key` is not a label name ("[<DNS subdomain>/]<name>"), or undefined. Toleration keys. */
export function labelNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefixProblem = slash === -1 ? undefined : subdomainProblem(key.slice(0, slash));
  if (prefixProblem || name === '' || name.length > 63 || !LABEL_VALUE.test(name)) {
    return `${JSON.stringify(key)} is not a label name (at most 63 letters, digits, "-", "_", ".", alphanumeric at both ends, optionally after "<DNS subdomain>/")`;
  }
  return undefined;
}

/** Why `value` is not a label value, or undefined. Toleration values. */
export function labelValueProblem(value: string): string | undefined {
  return value.length > 63 || !LABEL_VALUE.test(value)
    ? `${JSON.stringify(value)} is not a label value (at most 63 letters, digits, "-", "_", ".", alphanumeric at both ends)`
    : undefined;
}

/** One problem per name used more than once. */
export function duplicateNames(names: readonly string[], path: string): Problem[] {
  const seen = new Set<string>();
  const reported = new Set<string>();
  const problems: Problem[] = [];
  for (const name of names) {
    if (seen.has(name) && !reported.has(name)) {
      problems.push(problemAt(path, `name ${JSON.stringify(name)} is used more than once; request names must be unique`, 'draObjectChecks'));
      reported.add(name);
    }
    seen.add(name);
  }
  return problems;
}

/** Problems of one opaque driver configuration (spec.config[].opaque). */
export function opaqueConfigProblems(config: { readonly driver: string; readonly parameters: unknown }, path: string): Problem[] {
  const problems: Problem[] = [];
  const driver = driverProblem(config.driver);
  if (driver) problems.push(problemAt(`${path}.driver`, driver, 'draObjectChecks'));
  const parameters = config.parameters;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    problems.push(problemAt(`${path}.parameters`, `must be a JSON object (typically with apiVersion and kind of the driver's config type)`, 'draObjectChecks'));
  } else {
    const bytes = Buffer.byteLength(JSON.stringify(parameters), 'utf8');
    if (bytes > MAX_OPAQUE_PARAMETERS_BYTES) problems.push(problemAt(`${path}.parameters`, `${bytes} bytes as JSON; at most ${MAX_OPAQUE_PARAMETERS_BYTES} (10 Ki)`, 'draObjectChecks'));
  }
  return problems;
}
