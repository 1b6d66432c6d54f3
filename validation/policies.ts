/**
 * The cores of the Kubernetes policies, free of Pulumi: which objects each reads and the findings (rule id on each)
 * it makes. The policy pack (policy/rules/kubernetes-*.ts, warm-pool-upper-bound.ts) wraps them for `pulumi
 * preview`; `diff`'s policy review (cli/diff/policy-review.ts) runs them on the rendered manifests.
 */
import { GKE_GVISOR_NODE_LABEL, PLATFORMS, type Platform } from '../platforms';
import { field, isObj, splitApiVersion, type Obj } from '../core/k8s-object';
import type { Finding } from '../core/diagnostics';
import {
  createSandboxInvariantsChecker,
  SANDBOX_POD_KINDS,
  showValue,
  type SandboxCheckerOptions,
} from './sandbox/object';
import { DEFAULT_MAX_WARM_POOL_REPLICAS } from './workload-rules';

/** Policy names (the pack's and the diff review's). */
export const SANDBOX_SECURITY_POLICY = 'kubernetes-sandbox-secure-profile';
export const WARM_POOL_POLICY = 'sandbox-warm-pool-upper-bound';

export interface KubernetesSandboxSecurityConfig {
  /** Platform the manifests run on. @default undefined: any sandboxed RuntimeClass of the platform table; placement not checked */
  readonly platform?: Platform;
  /** The stack's `platforms.<platform>` settings (the generic `kubernetes` platform's RuntimeClass and sandbox nodes). */
  readonly platformSettings?: Readonly<Record<string, unknown>>;
  /** RuntimeClass names accepted as sandboxed beyond the platform table. @default [] */
  readonly allowedRuntimeClasses?: readonly string[];
}

/** Is this object a Sandbox or SandboxTemplate (any version)? */
export function isSandboxPodKind(value: Obj): boolean {
  const { group } = splitApiVersion(value.apiVersion);
  return SANDBOX_POD_KINDS.some((k) => k.group === group && k.kind === value.kind);
}

/** The checker's error findings for one Sandbox/SandboxTemplate, each with its rule id (the problem's code). */
export function sandboxObjectFindings(value: Obj, object: string, options: SandboxCheckerOptions = {}): Finding[] {
  return createSandboxInvariantsChecker(options)(value, object)
    .filter((p) => p.severity === 'error')
    .map((p) => ({ rule: p.code, path: p.path, message: p.message, object }));
}

export function checkerOptions(config: KubernetesSandboxSecurityConfig): SandboxCheckerOptions {
  const platform = config.platform && (PLATFORMS as readonly string[]).includes(config.platform) ? config.platform : undefined;
  return { platform, ...(platform && config.platformSettings ? { platformSettings: config.platformSettings } : {}), allowedRuntimeClasses: [...(config.allowedRuntimeClasses ?? [])] };
}

/** The pod spec of a Sandbox/SandboxTemplate (undefined when missing). */
export function sandboxPodSpec(value: Obj): Obj | undefined {
  const entry = SANDBOX_POD_KINDS.find((k) => k.group === splitApiVersion(value.apiVersion).group && k.kind === value.kind);
  let podSpec: unknown = value;
  for (const key of entry?.podSpecPath ?? []) podSpec = field(podSpec, key);
  return isObj(podSpec) ? podSpec : undefined;
}

/** Which halves of GKE's gVisor placement (`sandbox.gke.io/runtime` nodeSelector, toleration) a pod spec carries. */
export function gkePlacementHalves(podSpec: Obj | undefined): { readonly nodeSelector: boolean; readonly toleration: boolean } {
  const key = GKE_GVISOR_NODE_LABEL.key;
  const selector = podSpec?.nodeSelector;
  const tolerations = podSpec?.tolerations;
  return {
    nodeSelector: isObj(selector) && key in selector,
    toleration: Array.isArray(tolerations) && tolerations.some((t) => field(t, 'key') === key),
  };
}

/**
 * GKE, when a `gvisor` pod targets GKE's gVisor nodes by one half of the placement but not both; undefined when it
 * carries both (nothing to report) or neither (no sign of GKE in the object itself).
 */
export function inferredGkePlatform(value: Obj): Platform | undefined {
  const podSpec = sandboxPodSpec(value);
  if (podSpec?.runtimeClassName !== 'gvisor') return undefined;
  const halves = gkePlacementHalves(podSpec);
  // Both GKE platforms share the runtime and the placement rule; gke-standard stands for either.
  return halves.nodeSelector !== halves.toleration ? 'gke-standard' : undefined;
}

/** The constructs' bound (validation/workload-rules.ts `DEFAULT_MAX_WARM_POOL_REPLICAS`): one constant for both. */
export const WARM_POOL_REPLICAS_BOUND = DEFAULT_MAX_WARM_POOL_REPLICAS;

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
