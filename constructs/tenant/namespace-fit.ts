/**
 * Whether sandbox pods fit their namespace's LimitRange and ResourceQuota. Both are enforced at pod admission, long
 * after `synth`: a template whose container asks for more than the LimitRange max, or warm pools whose peak needs
 * more than the quota, synthesize cleanly and then the pool silently stays short (the controller's pod creations are
 * rejected). These checks find that at synth, with exact quantity arithmetic (../dra/cel-quantity).
 *
 * What Kubernetes does, in order (and so what is computed here):
 * 1. API defaulting: a resource with a limit and no request gets the limit as its request.
 * 2. LimitRanger admission (type Container, every container including init containers): unset limits get the
 *    LimitRange `default`, unset requests its `defaultRequest`; then a container with a `max` must have a limit for
 *    it, and limit and request must not be above the max. The API server rejects a request above its limit.
 * 3. ResourceQuota admission: the pod's usage — per resource the larger of Σ containers and the largest init
 *    container — must fit what is left of `hard`; a pod without a cpu/memory request (limit) is rejected outright
 *    when the quota tracks `requests.*` (`limits.*`) of that resource.
 * Not counted: RuntimeClass pod overhead, PVC storage (`requests.storage`, `persistentvolumeclaims`), other objects.
 */
import { parseQuantity, Quantity } from '../../core/quantity';
import { resourceKey } from '../workloads/sandbox-pod';
import type { ResolvedLimitRange } from './resource-limits';
import { problemAt, type Problem } from '../../core/diagnostics';

type ResourceMap = Readonly<Record<string, unknown>>;

/** A container as emitted (only its resources matter here). */
export interface FitContainer {
  readonly resources?: { readonly limits?: ResourceMap; readonly requests?: ResourceMap };
}

/** The containers of one sandbox pod, and where its owner sits in the configuration (e.g. `tenants[0].templates[1]`). */
export interface FitPod {
  readonly path: string;
  readonly containers: readonly FitContainer[];
  readonly initContainers?: readonly FitContainer[];
}

/** A pod's resources after defaulting, per resource name (resources no container sets are absent). */
export interface EffectivePod {
  readonly requests: ReadonlyMap<string, Quantity>;
  readonly limits: ReadonlyMap<string, Quantity>;
}

/** Sandboxes of one kind that run the same pod: a warm pool at its peak, a claim, a standalone Sandbox. */
export interface QuotaDemand {
  /** The configuration list they come from. */
  readonly list: 'warmPools' | 'claims' | 'sandboxes';
  /** For the breakdown, e.g. `warm pool py-warm at peak`. */
  readonly label: string;
  readonly count: number;
  readonly pod: EffectivePod;
}

const LIST_NAMES = [['containers', 'containers'], ['initContainers', 'initContainers']] as const;

function quantity(value: unknown): Quantity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const parsed = parseQuantity(String(value));
  return typeof parsed === 'string' ? undefined : parsed;
}

function entries(map: ResourceMap | undefined): [string, unknown][] {
  return typeof map === 'object' && map !== null ? Object.entries(map) : [];
}

/** The container's requests and limits after API defaulting and the LimitRange defaults (when there is one). */
export function effectiveContainer(c: FitContainer, lr: ResolvedLimitRange | undefined): { requests: Map<string, Quantity>; limits: Map<string, Quantity> } {
  const limits = new Map<string, Quantity>();
  const requests = new Map<string, Quantity>();
  for (const [r, v] of entries(c.resources?.limits)) {
    const q = quantity(v);
    if (q) limits.set(r, q);
  }
  for (const [r, v] of entries(c.resources?.requests)) {
    const q = quantity(v);
    if (q) requests.set(r, q);
  }
  for (const [r, q] of limits) if (!requests.has(r)) requests.set(r, q);
  if (lr) {
    for (const [r, v] of Object.entries(lr.defaultLimits)) if (!limits.has(r)) limits.set(r, Quantity.parse(v));
    for (const [r, v] of Object.entries(lr.defaultRequests)) if (!requests.has(r)) requests.set(r, Quantity.parse(v));
  }
  return { requests, limits };
}

/** Per resource: the larger of Σ containers and the largest init container (what the scheduler and quota count). */
export function effectivePod(pod: FitPod, lr: ResolvedLimitRange | undefined): EffectivePod {
  const total = (kind: 'requests' | 'limits') => {
    const sum = new Map<string, Quantity>();
    for (const c of pod.containers) {
      for (const [r, q] of effectiveContainer(c, lr)[kind]) sum.set(r, (sum.get(r) ?? new Quantity(0n)).add(q));
    }
    for (const c of pod.initContainers ?? []) {
      for (const [r, q] of effectiveContainer(c, lr)[kind]) if (q.isGreaterThan(sum.get(r) ?? new Quantity(0n))) sum.set(r, q);
    }
    return sum;
  };
  return { requests: total('requests'), limits: total('limits') };
}

/** Containers whose limits (or defaulted requests) the namespace LimitRange rejects, one line each. */
export function limitRangeProblems(pod: FitPod, lr: ResolvedLimitRange): Problem[] {
  const problems: Problem[] = [];
  const REJECTED = '(pods would be rejected at admission)';
  for (const [list, field] of LIST_NAMES) {
    (pod[list] ?? []).forEach((c, i) => {
      const at = `${pod.path}.${field}[${i}].resources`;
      const given = (kind: 'limits' | 'requests', r: string) => entries(c.resources?.[kind]).find(([k]) => k === r)?.[1];
      for (const [r, max] of Object.entries(lr.max)) {
        const limit = given('limits', r);
        const limitQ = quantity(limit);
        if (limit === undefined) {
          if (lr.defaultLimits[r] === undefined) {
            problems.push(problemAt(`${at}.limits${resourceKey(r)}`, `is not set, and the namespace LimitRange has a max ${max} but no default limit for it ${REJECTED}`, 'namespaceFit'));
          }
        } else if (limitQ?.isGreaterThan(Quantity.parse(max))) {
          problems.push(problemAt(`${at}.limits${resourceKey(r)}`, `${String(limit)} is above the namespace LimitRange max ${max} ${REJECTED}`, 'namespaceFit'));
        }
      }
      // A request without a limit gets the LimitRange default limit, which it must not exceed. (Request above a
      // limit that is given is reported by the pod builder itself.)
      for (const [r, request] of entries(c.resources?.requests)) {
        const defaultLimit = lr.defaultLimits[r];
        if (given('limits', r) !== undefined || defaultLimit === undefined) continue;
        if (quantity(request)?.isGreaterThan(Quantity.parse(defaultLimit))) {
          problems.push(
            problemAt(`${at}.requests${resourceKey(r)}`, `${String(request)} is above the namespace LimitRange default limit ${defaultLimit}, ` +
              `which this container gets as it sets no ${r} limit ${REJECTED}`, 'namespaceFit'),
          );
        }
      }
    });
  }
  return problems;
}

/** Quota keys that make admission require every container to set the resource (kube quota pod evaluator). */
const REQUIRED_BY_QUOTA: Readonly<Record<string, readonly ['requests' | 'limits', string]>> = {
  cpu: ['requests', 'cpu'],
  memory: ['requests', 'memory'],
  'requests.cpu': ['requests', 'cpu'],
  'requests.memory': ['requests', 'memory'],
  'limits.cpu': ['limits', 'cpu'],
  'limits.memory': ['limits', 'memory'],
};

/** Containers the quota rejects because they leave a tracked cpu/memory request or limit unset, one line each. */
export function quotaUnsetProblems(pod: FitPod, hard: Readonly<Record<string, string>>, lr: ResolvedLimitRange | undefined): Problem[] {
  const problems: Problem[] = [];
  const why = lr ? 'the namespace LimitRange has no default for it' : 'the namespace has no LimitRange to default it (limitRange: false)';
  for (const [list, field] of LIST_NAMES) {
    (pod[list] ?? []).forEach((c, i) => {
      const effective = effectiveContainer(c, lr);
      const reported = new Set<string>();
      for (const key of Object.keys(hard)) {
        const required = REQUIRED_BY_QUOTA[key];
        if (!required) continue;
        const [kind, r] = required;
        if (effective[kind].has(r) || reported.has(`${kind}.${r}`)) continue;
        reported.add(`${kind}.${r}`);
        problems.push(problemAt(`${pod.path}.${field}[${i}].resources.${kind}.${r}`, `is not set and ${why}, but the namespace quota tracks ${key} (pods would be rejected at admission)`, 'namespaceFit'));
      }
    });
  }
  return problems;
}

/** What a quota key counts in a pod: its count (`pods`), a request or a limit; undefined for keys not about pods. */
function quotaSubject(key: string): { kind: 'pods' } | { kind: 'requests' | 'limits'; resource: string } | undefined {
  if (key === 'pods') return { kind: 'pods' };
  if (key === 'cpu' || key === 'memory' || key === 'ephemeral-storage') return { kind: 'requests', resource: key };
  const m = /^(requests|limits)\.(.+)$/.exec(key);
  // requests.storage is the PVCs' storage, not the pods'.
  if (!m || (m[1] === 'requests' && m[2] === 'storage')) return undefined;
  return { kind: m[1] as 'requests' | 'limits', resource: m[2] };
}

/**
 * Sandboxes whose total usage at peak exceeds the namespace quota: one line per quota key, e.g.
 * `tenants[0].warmPools: 100 sandboxes need pods 100 but the namespace quota allows 50`.
 */
export function quotaProblems(path: string, demands: readonly QuotaDemand[], hard: Readonly<Record<string, string>>): Problem[] {
  const problems: Problem[] = [];
  const sandboxes = demands.reduce((n, d) => n + d.count, 0);
  for (const [key, value] of Object.entries(hard)) {
    const subject = quotaSubject(key);
    const allowed = quantity(value);
    if (!subject || !allowed) continue;
    const perPod = (d: QuotaDemand) =>
      subject.kind === 'pods' ? Quantity.fromInteger(1n) : (d.pod[subject.kind].get(subject.resource) ?? new Quantity(0n));
    const parts = demands.filter((d) => d.count > 0 && perPod(d).sign() > 0);
    const total = parts.reduce((sum, d) => sum.add(new Quantity(perPod(d).nanos * BigInt(d.count))), new Quantity(0n));
    if (!total.isGreaterThan(allowed)) continue;
    const lists = [...new Set(parts.map((d) => d.list))];
    const where = lists.length === 1 ? `${path}.${lists[0]}` : lists.every((l) => l !== 'sandboxes') ? `${path}.warmPools` : path;
    const breakdown =
      parts.length > 1
        ? ` (${parts.map((d) => (subject.kind === 'pods' ? `${d.label}: ${d.count}` : `${d.label}: ${d.count} × ${formatQuantity(perPod(d), key)}`)).join('; ')})`
        : '';
    problems.push(problemAt(where, `${sandboxes} sandboxes need ${key} ${formatQuantity(total, key)} but the namespace quota allows ${value}${breakdown}`, 'namespaceFit'));
  }
  return problems;
}

const BINARY = [['Ei', 60n], ['Pi', 50n], ['Ti', 40n], ['Gi', 30n], ['Mi', 20n], ['Ki', 10n]] as const;
const NANOS = 1_000_000_000n;

/**
 * A quantity for messages: bytes of memory/storage with the largest exact binary suffix (`16Gi`), counts as plain
 * numbers, cpu-like amounts in whole units or millis (`2500m`).
 */
export function formatQuantity(q: Quantity, key: string): string {
  if (q.nanos % NANOS === 0n) {
    const units = q.nanos / NANOS;
    if (/memory|storage|hugepages/.test(key) && units !== 0n) {
      for (const [suffix, shift] of BINARY) if (units % (1n << shift) === 0n) return `${units >> shift}${suffix}`;
    }
    return units.toString();
  }
  return q.nanos % 1_000_000n === 0n ? `${q.nanos / 1_000_000n}m` : `${q.nanos}n`;
}
