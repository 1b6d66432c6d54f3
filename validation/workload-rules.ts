/**
 * Rules of the workload kinds that the constructs and the sandbox config both apply, with the same messages: pure
 * functions over plain values, so config/ checks a config file without building constructs.
 */
import { DEFAULT_KUBERNETES_VERSION, parseMinor } from '../core/upstream/pins';
import type { Platform } from '../platforms';
import { problemAt, type Problem } from '../core/diagnostics';

/**
 * Why a container needs cpu and memory limits, after `<field>: ` (the construct and the config file say the same).
 * With `runtime` given and sizing its VM from limits (Kata on AKS), the reason names it.
 */
export function limitRequiredReason(runtime?: { readonly platform: Platform; readonly runtimeClassName: string; readonly limitsSizeTheSandbox: boolean }): string {
  return runtime?.limitsSizeTheSandbox
    ? `is required on ${runtime.platform}: ${runtime.runtimeClassName} sizes the pod VM from container limits (requests are ignored)`
    : 'is required: limits bound what an untrusted sandbox can take from its node';
}

/** `.cpu` or `["nvidia.com/gpu"]`: a resource name as a path segment. */
export function resourceKey(resource: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(resource) ? `.${resource}` : `[${JSON.stringify(resource)}]`;
}

/**
 * Why `networkPolicyManagement: Managed` without `networkPolicy` is refused in a namespace that confines its pods
 * with NetworkPolicies (a SandboxNamespace), after `networkPolicyManagement: `. Shared with the config validation.
 *
 * Upstream's template controller then creates `<template>-network-policy` from its built-in default
 * (extensions/controllers/sandboxtemplate_controller.go, buildDefaultNetworkPolicySpec): egress to 0.0.0.0/0 except
 * 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 169.254.0.0/16, and to ::/0 except fc00::/7, on every port, plus
 * ingress from `app: sandbox-router` pods. NetworkPolicies add up, so that policy would widen the namespace's
 * default-deny and egress allowlist to the whole public internet.
 */
export function managedDefaultPolicyProblem(templateName: string, namespace: string): string {
  return (
    `Managed without networkPolicy makes the controller create its default NetworkPolicy "${templateName}-network-policy" ` +
    '(egress to every public IPv4 and IPv6 address on every port, ingress from app: sandbox-router pods); NetworkPolicies add up, ' +
    `so it would open all public egress on every port over the default-deny and egress allowlist of SandboxNamespace "${namespace}"; ` +
    'use networkPolicyManagement: Unmanaged (the namespace policies then apply alone), or give the networkPolicy rules explicitly'
  );
}

export const DEFAULT_MAX_WARM_POOL_REPLICAS = 500;

/**
 * HPA scale to zero (`minReplicas: 0`): feature gate HPAScaleToZero, alpha/off through 1.36, beta and on by default
 * from 1.37 (k8s.io/kubernetes@v1.37.2 pkg/features/kube_features.go; v1.36.3: alpha, off). The API server also
 * requires at least one Object or External metric then (pkg/apis/autoscaling/validation: "must specify at least one
 * Object or External metric to support scaling to zero replicas"), and refuses minReplicas 0 where the gate is off.
 */
export const HPA_SCALE_TO_ZERO_SINCE = '1.37';

/** The replica fields of a warm pool (construct props or config entry). */
export interface WarmPoolReplicas {
  readonly replicas?: number;
  readonly maxReplicas?: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly metrics?: readonly unknown[] };
}

/**
 * Problems with a warm pool's replica settings, as `field: message` lines: the bound (maxReplicas, default 500), the
 * autoscaler's range, its metrics. Shared by the construct and the config validation, so both say the same.
 */
export function warmPoolReplicaProblems(p: WarmPoolReplicas, kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): Problem[] {
  const errors: Problem[] = [];
  const bound = p.maxReplicas ?? DEFAULT_MAX_WARM_POOL_REPLICAS;
  const as = p.autoscaling;
  if (!Number.isInteger(bound) || bound < 1) errors.push(problemAt('maxReplicas', `must be an integer ≥ 1, got ${bound}`, 'warmPoolReplicas'));
  const replicaCheck = (field: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) errors.push(problemAt(field, `must be an integer ≥ ${min}, got ${v}`, 'warmPoolReplicas'));
    else if (v > bound) errors.push(problemAt(field, `must be ≤ ${bound} (maxReplicas), got ${v}`, 'warmPoolReplicas'));
  };
  replicaCheck('replicas', p.replicas ?? as?.minReplicas ?? 1, 0);
  if (as) {
    const scaleToZero = parseMinor(kubernetesVersion) >= parseMinor(HPA_SCALE_TO_ZERO_SINCE);
    if (as.minReplicas === 0 && !scaleToZero) {
      errors.push(
        problemAt('autoscaling.minReplicas', `0 needs Kubernetes ${HPA_SCALE_TO_ZERO_SINCE} or later (HPAScaleToZero is on by default from ${HPA_SCALE_TO_ZERO_SINCE}); the target is ${kubernetesVersion}, where the API server refuses it: use 1 or more, or set kubernetesVersion`, 'warmPoolReplicas'),
      );
    } else if (as.minReplicas === 0 && !as.metrics?.some((m) => ['Object', 'External'].includes(String((m as { type?: unknown })?.type)))) {
      errors.push(problemAt('autoscaling.minReplicas', '0 needs an Object or External metric among autoscaling.metrics (an HPA at 0 replicas has no pods to measure)', 'warmPoolReplicas'));
    } else {
      replicaCheck('autoscaling.minReplicas', as.minReplicas, scaleToZero ? 0 : 1);
    }
    replicaCheck('autoscaling.maxReplicas', as.maxReplicas, 1);
    if (as.maxReplicas < as.minReplicas) errors.push(problemAt('autoscaling.maxReplicas', `must be ≥ minReplicas (${as.minReplicas}), got ${as.maxReplicas}`, 'warmPoolReplicas'));
    if (!as.metrics?.length) errors.push(problemAt('autoscaling.metrics', 'at least one metric is required (e.g. an External metric of the claim rate)', 'warmPoolReplicas'));
    if (p.replicas !== undefined && (p.replicas < as.minReplicas || p.replicas > as.maxReplicas)) {
      errors.push(problemAt('replicas', `${p.replicas} is outside autoscaling ${as.minReplicas}..${as.maxReplicas}; the autoscaler would change it at once`, 'warmPoolReplicas'));
    }
  }
  return errors;
}
