/**
 * Advisory: warm pools have an upper bound. Upstream puts no limit on `SandboxWarmPool.spec.replicas`, and a
 * warm pool keeps that many sandbox pods (on AKS: that many VMs) running; our constructs cap it at 500
 * (constructs/workloads/sandbox-warm-pool.ts `DEFAULT_MAX_WARM_POOL_REPLICAS`). Flags:
 * - a SandboxWarmPool with `spec.replicas` over the bound;
 * - a HorizontalPodAutoscaler (any autoscaling version) whose `scaleTargetRef` is a SandboxWarmPool and whose
 *   `maxReplicas` is missing or over the bound;
 * - a KEDA ScaledObject targeting a SandboxWarmPool with `maxReplicaCount` over the bound (KEDA defaults it to 100).
 * Checked on resources registered directly and inside ConfigGroup `yaml`/`objs` (see kubernetes-sandbox-security.ts).
 * Policy config: `maxReplicas` (default 500).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { field, formatFinding, kubernetesObjectsOf, showValue, splitApiVersion, type Finding, type Obj } from './shared';

/** Same value as constructs/workloads/sandbox-warm-pool.ts `DEFAULT_MAX_WARM_POOL_REPLICAS` (a test keeps them equal). */
export const WARM_POOL_REPLICAS_BOUND = 500;
export const WARM_POOL_GROUP = 'extensions.agents.x-k8s.io';
export const WARM_POOL_KIND = 'SandboxWarmPool';

export interface WarmPoolUpperBoundConfig {
  /** @default 500 */
  readonly maxReplicas?: number;
}

function targetsWarmPool(ref: unknown): boolean {
  return field(ref, 'kind') === WARM_POOL_KIND && splitApiVersion(field(ref, 'apiVersion')).group === WARM_POOL_GROUP;
}

/** The objects this policy reads: SandboxWarmPools and the autoscalers (HPA, KEDA ScaledObject) that target one. */
export function isWarmPoolOrItsAutoscaler(value: Obj): boolean {
  const { group } = splitApiVersion(value.apiVersion);
  if (group === WARM_POOL_GROUP && value.kind === WARM_POOL_KIND) return true;
  const autoscaler = (group === 'autoscaling' && value.kind === 'HorizontalPodAutoscaler') || (group === 'keda.sh' && value.kind === 'ScaledObject');
  return autoscaler && targetsWarmPool(field(value.spec, 'scaleTargetRef'));
}

function over(value: unknown, bound: number): boolean {
  return typeof value === 'number' && value > bound;
}

/** Findings for one object; other kinds yield none. */
export function warmPoolBoundFindings(value: Obj, object: string, bound: number): Finding[] {
  const { group } = splitApiVersion(value.apiVersion);
  const spec = value.spec;
  const target = () => String(field(field(spec, 'scaleTargetRef'), 'name'));
  if (group === WARM_POOL_GROUP && value.kind === WARM_POOL_KIND) {
    const replicas = field(spec, 'replicas');
    if (over(replicas, bound)) {
      return [{ rule: 'warmPoolReplicas', object, path: 'spec.replicas', message: `should be ≤ ${bound} (every warm sandbox is a running pod, on AKS a VM), got ${showValue(replicas)}` }];
    }
  } else if (group === 'autoscaling' && value.kind === 'HorizontalPodAutoscaler' && targetsWarmPool(field(spec, 'scaleTargetRef'))) {
    const max = field(spec, 'maxReplicas');
    if (typeof max !== 'number' || max > bound) {
      return [
        {
          rule: 'warmPoolAutoscalerMax',
          object,
          path: 'spec.maxReplicas',
          message: `should be set and ≤ ${bound} (it bounds SandboxWarmPool ${target()}), got ${showValue(max)}`,
        },
      ];
    }
  } else if (group === 'keda.sh' && value.kind === 'ScaledObject' && targetsWarmPool(field(spec, 'scaleTargetRef'))) {
    const max = field(spec, 'maxReplicaCount');
    if (over(max, bound)) {
      return [
        { rule: 'warmPoolAutoscalerMax', object, path: 'spec.maxReplicaCount', message: `should be ≤ ${bound} (it bounds SandboxWarmPool ${target()}), got ${showValue(max)}` },
      ];
    }
  }
  return [];
}

export function validateWarmPoolUpperBound(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const { objects } = kubernetesObjectsOf(args);
  if (objects.length === 0) args.notApplicable('no Kubernetes objects');
  const bound = args.getConfig<WarmPoolUpperBoundConfig>().maxReplicas ?? WARM_POOL_REPLICAS_BOUND;
  for (const o of objects) for (const f of warmPoolBoundFindings(o.value, o.object, bound)) reportViolation(formatFinding({ ...f, source: o.source }));
}

export const warmPoolUpperBoundPolicy: ResourceValidationPolicy = {
  name: 'sandbox-warm-pool-upper-bound',
  description: `SandboxWarmPools have an upper bound: replicas ≤ ${WARM_POOL_REPLICAS_BOUND}, and autoscalers targeting a warm pool set maxReplicas ≤ ${WARM_POOL_REPLICAS_BOUND}.`,
  enforcementLevel: 'advisory',
  configSchema: { properties: { maxReplicas: { type: 'integer', minimum: 1, default: WARM_POOL_REPLICAS_BOUND } } },
  validateResource: validateWarmPoolUpperBound,
};
