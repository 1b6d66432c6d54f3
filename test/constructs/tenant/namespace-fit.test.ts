/** Sandbox pods against a namespace LimitRange and ResourceQuota: the pure arithmetic behind SandboxTenant's checks. */
import { Quantity } from '../../../core/quantity';
import {
  effectivePod,
  formatQuantity,
  limitRangeProblems,
  quotaProblems,
  quotaUnsetProblems,
  type FitPod,
} from '../../../constructs/tenant/namespace-fit';
import { DEFAULT_LIMIT_RANGE, resolveLimitRange } from '../../../constructs/tenant/resource-limits';
import { formatProblem } from '../../../core/diagnostics';

const LR = resolveLimitRange('limitRange', {}).limitRange;
const REJECTED = '(pods would be rejected at admission)';
const asStrings = (m: ReadonlyMap<string, Quantity>) => Object.fromEntries([...m].map(([k, q]) => [k, q.toString()]));

describe('effectivePod', () => {
  test('limits default to the LimitRange default, requests to the limits given, else to the default request', () => {
    const pod: FitPod = { path: 'p', containers: [{ resources: { limits: { cpu: '2' } } }, {}] };
    const e = effectivePod(pod, LR);
    // cpu: 2 (given) + 1 (default); requests: 2 (from the limit) + 250m. memory: defaults for both.
    expect(asStrings(e.limits)).toStrictEqual({ cpu: '3', memory: String(2 * 2 ** 30) });
    expect(asStrings(e.requests)).toStrictEqual({ cpu: '2.25', memory: String(2 * 256 * 2 ** 20) });
  });

  test('per resource the larger of the containers\' sum and the largest init container', () => {
    const c = (cpu: string, memory: string) => ({ resources: { limits: { cpu, memory } } });
    const e = effectivePod({ path: 'p', containers: [c('1', '1Gi'), c('1', '1Gi')], initContainers: [c('3', '512Mi'), c('500m', '1Gi')] }, undefined);
    expect(asStrings(e.limits)).toStrictEqual({ cpu: '3', memory: String(2 * 2 ** 30) });
  });

  test('without a LimitRange unset values stay unset', () => {
    expect(asStrings(effectivePod({ path: 'p', containers: [{ resources: { requests: { cpu: '100m' } } }] }, undefined).limits)).toStrictEqual({});
  });
});

describe('limitRangeProblems', () => {
  test('a max without a default limit needs the container to set that limit', () => {
    const lr = resolveLimitRange('limitRange', { max: { 'ephemeral-storage': '1Gi' } }).limitRange;
    expect(limitRangeProblems({ path: 't', containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, lr).map(formatProblem)).toStrictEqual([
      `t.containers[0].resources.limits["ephemeral-storage"]: is not set, and the namespace LimitRange has a max 1Gi but no default limit for it ${REJECTED}`,
    ]);
    expect(limitRangeProblems({ path: 't', containers: [{ resources: { limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' } } }] }, lr).map(formatProblem)).toStrictEqual([
      `t.containers[0].resources.limits["ephemeral-storage"]: 2Gi is above the namespace LimitRange max 1Gi ${REJECTED}`,
    ]);
  });

  test('values compare exactly across suffixes (8 CPU = 8000m, 32Gi = 34359738368)', () => {
    expect(limitRangeProblems({ path: 't', containers: [{ resources: { limits: { cpu: '8000m', memory: 34359738368 } } }] }, LR).map(formatProblem)).toStrictEqual([]);
    expect(limitRangeProblems({ path: 't', containers: [{ resources: { limits: { cpu: '8001m', memory: 34359738369 } } }] }, LR).map(formatProblem)).toStrictEqual([
      `t.containers[0].resources.limits.cpu: 8001m is above the namespace LimitRange max 8 ${REJECTED}`,
      `t.containers[0].resources.limits.memory: 34359738369 is above the namespace LimitRange max 32Gi ${REJECTED}`,
    ]);
  });
});

describe('quotaUnsetProblems', () => {
  test('a LimitRange without a default for a tracked resource does not fill it', () => {
    const lr = { ...LR, defaultLimits: { cpu: '1' }, defaultRequests: { cpu: '250m' } };
    expect(quotaUnsetProblems({ path: 't', containers: [{}] }, { 'limits.memory': '1Gi', 'requests.storage': '1Gi', pods: '5' }, lr).map(formatProblem)).toStrictEqual([
      `t.containers[0].resources.limits.memory: is not set and the namespace LimitRange has no default for it, but the namespace quota tracks limits.memory ${REJECTED}`,
    ]);
  });

  test('memory and requests.memory name the same requirement once', () => {
    expect(quotaUnsetProblems({ path: 't', containers: [{ resources: { limits: { cpu: '1' } } }] }, { memory: '1Gi', 'requests.memory': '1Gi' }, undefined).map(formatProblem)).toStrictEqual([
      `t.containers[0].resources.requests.memory: is not set and the namespace has no LimitRange to default it (limitRange: false), but the namespace quota tracks memory ${REJECTED}`,
    ]);
  });
});

describe('quotaProblems', () => {
  const pod = effectivePod({ path: 'p', containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, undefined);

  test('storage quotas (PVCs) and object counts are not about pods: not checked', () => {
    expect(quotaProblems('t', [{ list: 'warmPools', label: 'warm pool a at peak', count: 10, pod }], { 'requests.storage': '1Gi', 'count/configmaps': '1', 'services.nodeports': '0' }).map(formatProblem)).toStrictEqual([]);
  });

  test('bare cpu and memory are requests; a resource no pod uses needs nothing', () => {
    expect(
      quotaProblems('t', [{ list: 'sandboxes', label: 'sandbox a', count: 3, pod }], { cpu: '2', memory: '4Gi', 'requests.nvidia.com/gpu': '0' }).map(formatProblem),
    ).toStrictEqual(['t.sandboxes: 3 sandboxes need cpu 3 but the namespace quota allows 2']);
  });
});

test('formatQuantity: binary suffixes for bytes, millis for fractions, plain counts', () => {
  expect(formatQuantity(Quantity.parse('16Gi'), 'limits.memory')).toBe('16Gi');
  expect(formatQuantity(Quantity.parse('1536Mi'), 'requests.memory')).toBe('1536Mi');
  expect(formatQuantity(Quantity.parse('1000'), 'requests.ephemeral-storage')).toBe('1000');
  expect(formatQuantity(Quantity.parse('1024'), 'pods')).toBe('1024');
  expect(formatQuantity(Quantity.parse('3500m'), 'requests.cpu')).toBe('3500m');
  expect(formatQuantity(Quantity.parse('7'), 'limits.cpu')).toBe('7');
  expect(formatQuantity(Quantity.parse('1n'), 'requests.cpu')).toBe('1n');
  expect(formatQuantity(new Quantity(0n), 'limits.memory')).toBe('0');
});

test('the defaults the checks assume are the LimitRange the namespace emits', () => {
  expect(LR).toStrictEqual({ defaultRequests: DEFAULT_LIMIT_RANGE.defaultRequests, defaultLimits: DEFAULT_LIMIT_RANGE.defaultLimits, max: DEFAULT_LIMIT_RANGE.max });
});
