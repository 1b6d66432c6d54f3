/**
 * ResourceQuota and LimitRange values of a sandbox namespace: defaults, overrides merged per resource, validation.
 * Quantities are checked with the exact Kubernetes quantity grammar (../dra/cel-quantity).
 */
import { resourceKey } from '../../validation/workload-rules';
import { parseQuantity, Quantity, unitlessBytesProblem } from '../../core/quantity';
import { problemAt, type Problem } from '../../core/diagnostics';

/** Resource name → quantity, e.g. `{ cpu: '500m', memory: '1Gi' }` or `{ pods: 50 }`. */
export type ResourceList = Readonly<Record<string, string | number>>;

/**
 * Quota a sandbox namespace gets unless overridden: room for a few dozen sandboxes, no cloud load balancers and no
 * node ports (sandboxes must never be exposed directly).
 */
export const DEFAULT_QUOTA: ResourceList = {
  pods: '50',
  'requests.cpu': '20',
  'requests.memory': '40Gi',
  'limits.cpu': '40',
  'limits.memory': '80Gi',
  persistentvolumeclaims: '20',
  'requests.storage': '200Gi',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
};

export interface ResourceQuotaOptions {
  /** Merged over `DEFAULT_QUOTA`, per resource name. @default - DEFAULT_QUOTA */
  readonly hard?: ResourceList;
}

export interface LimitRangeOptions {
  /** Container limits applied when a container sets none; merged per resource. @default { cpu: '1', memory: '1Gi' } */
  readonly defaultLimits?: ResourceList;
  /** Container requests applied when a container sets none; merged per resource. @default { cpu: '250m', memory: '256Mi' } */
  readonly defaultRequests?: ResourceList;
  /** Largest limit a container may set; merged per resource. @default { cpu: '8', memory: '32Gi' } */
  readonly max?: ResourceList;
}

export const DEFAULT_LIMIT_RANGE: Required<{ readonly [K in keyof LimitRangeOptions]: ResourceList }> = {
  defaultLimits: { cpu: '1', memory: '1Gi' },
  defaultRequests: { cpu: '250m', memory: '256Mi' },
  max: { cpu: '8', memory: '32Gi' },
};

export interface ResolvedLimitRange {
  readonly defaultLimits: Readonly<Record<string, string>>;
  readonly defaultRequests: Readonly<Record<string, string>>;
  readonly max: Readonly<Record<string, string>>;
}

export function resolveQuota(field: string, options: ResourceQuotaOptions): { hard: Record<string, string>; errors: Problem[] } {
  const hard = { ...DEFAULT_QUOTA, ...options.hard };
  return { hard: asStrings(hard), errors: resourceListErrors(`${field}.hard`, options.hard ?? {}) };
}

export function resolveLimitRange(field: string, options: LimitRangeOptions): { limitRange: ResolvedLimitRange; errors: Problem[] } {
  const errors: Problem[] = [];
  const part = (key: keyof LimitRangeOptions) => {
    errors.push(...resourceListErrors(`${field}.${key}`, options[key] ?? {}));
    return asStrings({ ...DEFAULT_LIMIT_RANGE[key], ...options[key] });
  };
  const limitRange = { defaultRequests: part('defaultRequests'), defaultLimits: part('defaultLimits'), max: part('max') };
  if (errors.length === 0) {
    // The API server rejects a LimitRange whose default request exceeds its default limit, or default limit its max.
    errors.push(...notAbove(field, limitRange, 'defaultRequests', 'defaultLimits'), ...notAbove(field, limitRange, 'defaultLimits', 'max'));
  }
  return { limitRange, errors };
}

function notAbove(field: string, lr: ResolvedLimitRange, lower: keyof ResolvedLimitRange, upper: keyof ResolvedLimitRange): Problem[] {
  return Object.entries(lr[lower]).flatMap(([name, value]) => {
    const bound = lr[upper][name];
    if (bound === undefined || !Quantity.parse(value).isGreaterThan(Quantity.parse(bound))) return [];
    return [problemAt(`${field}.${lower}.${name}`, `${value} must be ≤ ${field}.${upper}.${name} ${bound}`, 'resourceLimits')];
  });
}

function resourceListErrors(field: string, list: ResourceList): Problem[] {
  return Object.entries(list).flatMap(([name, value]) => {
    if (name === '') return [problemAt(field, 'resource name must not be empty', 'resourceLimits')];
    if (typeof value === 'number' && !Number.isFinite(value)) return [problemAt(`${field}.${name}`, `${value} is not a finite number`, 'resourceLimits')];
    const parsed = parseQuantity(String(value));
    if (typeof parsed === 'string') return [problemAt(`${field}.${name}`, parsed, 'resourceLimits')];
    if (parsed.sign() < 0) return [problemAt(`${field}.${name}`, `must not be negative, got ${JSON.stringify(value)}`, 'resourceLimits')];
    const unitless = unitlessBytesProblem(name, value);
    return unitless ? [problemAt(`${field}${resourceKey(name)}`, unitless, 'resourceLimits')] : [];
  });
}

function asStrings(list: ResourceList): Record<string, string> {
  return Object.fromEntries(Object.entries(list).map(([k, v]) => [k, String(v)]));
}
