/**
 * Advisory: warm pools have an upper bound. Upstream puts no limit on `SandboxWarmPool.spec.replicas`, and a
 * warm pool keeps that many sandbox pods (on AKS: that many VMs) running; our constructs cap it at 500
 * (validation/workload-rules.ts `DEFAULT_MAX_WARM_POOL_REPLICAS`; the core of this policy is validation/policies.ts). Flags:
 * - a SandboxWarmPool with `spec.replicas` over the bound;
 * - a HorizontalPodAutoscaler (any autoscaling version) whose `scaleTargetRef` is a SandboxWarmPool and whose
 *   `maxReplicas` is missing or over the bound;
 * - a KEDA ScaledObject targeting a SandboxWarmPool with `maxReplicaCount` over the bound (KEDA defaults it to 100).
 * Checked on resources registered directly and inside ConfigGroup `yaml`/`objs` (see kubernetes-sandbox-security.ts).
 * Policy config: `maxReplicas` (default 500).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { formatFinding, kubernetesObjectsOf } from './shared';
import { WARM_POOL_POLICY, WARM_POOL_REPLICAS_BOUND, warmPoolBoundFindings, type WarmPoolUpperBoundConfig } from '../../validation/policies';

export { isWarmPoolOrItsAutoscaler, WARM_POOL_GROUP, WARM_POOL_KIND, WARM_POOL_REPLICAS_BOUND, warmPoolBoundFindings, type WarmPoolUpperBoundConfig } from '../../validation/policies';

export function validateWarmPoolUpperBound(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const { objects } = kubernetesObjectsOf(args);
  if (objects.length === 0) args.notApplicable('no Kubernetes objects');
  const bound = args.getConfig<WarmPoolUpperBoundConfig>().maxReplicas ?? WARM_POOL_REPLICAS_BOUND;
  for (const o of objects) for (const f of warmPoolBoundFindings(o.value, o.object, bound)) reportViolation(formatFinding({ ...f, source: o.source }));
}

export const warmPoolUpperBoundPolicy: ResourceValidationPolicy = {
  name: WARM_POOL_POLICY,
  description: `SandboxWarmPools have an upper bound: replicas ≤ ${WARM_POOL_REPLICAS_BOUND}, and autoscalers targeting a warm pool set maxReplicas ≤ ${WARM_POOL_REPLICAS_BOUND}.`,
  enforcementLevel: 'advisory',
  configSchema: { properties: { maxReplicas: { type: 'integer', minimum: 1, default: WARM_POOL_REPLICAS_BOUND } } },
  validateResource: validateWarmPoolUpperBound,
};
