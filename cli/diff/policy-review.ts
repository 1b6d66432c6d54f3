/**
 * What the policy pack (policy/) says about the manifests of a diff's head, so the one diff comment on a pull request
 * shows, next to every object that changed, why `pulumi preview --policy-pack policy` would block it.
 *
 * The Kubernetes policies of the pack are run as they are, not re-implemented: `kubernetes-sandbox-secure-profile`
 * (mandatory: Sandbox/SandboxTemplate pods against the sandbox invariants, with the platform's RuntimeClasses and
 * GKE's gVisor placement when the folder names the platform) and `sandbox-warm-pool-upper-bound` (advisory). Rules a
 * pod explicitly opted out of are listed too: they pass the policy, and a reviewer should see each one.
 *
 * Not here, because a folder of manifests cannot know them: the cloud node-pool policies (they check Pulumi
 * resources), the controller-replicas advisory (it depends on the stack name) and GKE placement of pods that give
 * no sign of their platform (a stack policy). Those appear in each stack's `pulumi preview` comment.
 */
import { isPlatform, type Platform } from '../../platforms';
import { checkSandboxObjectPod } from '../../validation/sandbox/object';
import { describeObject } from '../../core/diagnostics';
import type { Obj } from '../../core/k8s-object';
import {
  inferredGkePlatform,
  isSandboxPodKind,
  isWarmPoolOrItsAutoscaler,
  SANDBOX_SECURITY_POLICY,
  sandboxObjectFindings,
  WARM_POOL_POLICY,
  WARM_POOL_REPLICAS_BOUND,
  warmPoolBoundFindings,
} from '../../validation/policies';
import { keyId } from './key';
import { redactPair } from './redact';
import type { DiffResult, ManifestObject, ObjectKey, ObjectStatus } from './types';

/** mandatory: the policy pack blocks the preview; advisory: it warns; opt-out: allowed by the object's own opt-out. */
export type PolicyVerdict = 'mandatory' | 'advisory' | 'opt-out';

export interface PolicyFinding {
  readonly verdict: PolicyVerdict;
  /** Policy name in the pack, e.g. `kubernetes-sandbox-secure-profile`. */
  readonly policy: string;
  /** Rule id inside the policy (a sandbox rule id such as `capabilities`, or `warmPoolReplicas`). */
  readonly rule: string;
  readonly key: ObjectKey;
  /** How the object fares in the diff; `unchanged` findings still block the preview. */
  readonly status: ObjectStatus | 'unchanged';
  readonly path: string;
  readonly message: string;
}

export interface PolicyReview {
  /** Mandatory first, then advisory, then opt-outs; within each in object order. */
  readonly findings: readonly PolicyFinding[];
  /** Head objects a policy applies to (Sandbox, SandboxTemplate, SandboxWarmPool, autoscalers of warm pools). */
  readonly checked: number;
}

export interface PolicyReviewOptions {
  /** Platform of objects whose key carries none (the head is one platform's folder). */
  readonly platform?: Platform;
  /**
   * The config's `platforms` settings the head was synthesized with (the pack's `platformSettings`): on `kubernetes`
   * they name the RuntimeClass and sandbox nodes pods are checked against. @default - each platform's defaults
   */
  readonly platformSettings?: Readonly<Record<string, unknown>>;
  /** Warm pool bound, as the policy config `maxReplicas`. @default 500 */
  readonly maxWarmPoolReplicas?: number;
}

const VERDICT_ORDER: readonly PolicyVerdict[] = ['mandatory', 'advisory', 'opt-out'];

/** Runs the pack's Kubernetes policies on every head object (values redacted first, like the rest of the diff). */
export function reviewPolicies(head: readonly ManifestObject[], result: DiffResult, options: PolicyReviewOptions = {}): PolicyReview {
  const statusById = new Map(result.objects.map((o) => [keyId(o.key), o.status]));
  const bound = options.maxWarmPoolReplicas ?? WARM_POOL_REPLICAS_BOUND;
  const findings: PolicyFinding[] = [];
  let checked = 0;
  for (const m of head) {
    // Only the kinds the policies read (a cheap test first: redacting the 850 KB of CRDs would cost more than the review).
    if (!isSandboxPodKind(m.object) && !isWarmPoolOrItsAutoscaler(m.object)) continue;
    const value = redactPair(undefined, m.object).head as Obj;
    const object = describeObject(value);
    const status = statusById.get(keyId(m.key)) ?? 'unchanged';
    const add = (verdict: PolicyVerdict, policy: string, f: { rule: string; path: string; message: string }) =>
      findings.push({ verdict, policy, rule: f.rule, key: m.key, status, path: f.path, message: f.message });
    if (isSandboxPodKind(value)) {
      checked++;
      const platform = (isPlatform(m.key.platform) ? m.key.platform : options.platform) ?? inferredGkePlatform(value);
      const policy = SANDBOX_SECURITY_POLICY;
      const checkAs = platform ? { platform, platformSettings: options.platformSettings?.[platform] } : {};
      for (const f of sandboxObjectFindings(value, object, checkAs)) add('mandatory', policy, f);
      for (const f of optedOutFindings(value, checkAs)) add('opt-out', policy, f);
      continue;
    }
    checked++;
    for (const f of warmPoolBoundFindings(value, object, bound)) add('advisory', WARM_POOL_POLICY, f);
  }
  findings.sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
  return { findings, checked };
}

/** The rules this Sandbox/SandboxTemplate would violate but opted out of with the opt-out annotation. */
function optedOutFindings(value: Obj, checkAs: { platform?: Platform; platformSettings?: unknown }): { rule: string; path: string; message: string }[] {
  const checked = checkSandboxObjectPod(value, checkAs);
  return checked ? checked.violations.filter((v) => v.severity === 'note' && checked.optOuts.includes(v.rule)) : [];
}

/** Counts per verdict. */
export function verdictCounts(review: PolicyReview): Record<PolicyVerdict, number> {
  const count = (v: PolicyVerdict) => review.findings.filter((f) => f.verdict === v).length;
  return { mandatory: count('mandatory'), advisory: count('advisory'), 'opt-out': count('opt-out') };
}

/** Distinct objects with a mandatory finding. */
export function blockedObjectCount(review: PolicyReview): number {
  return new Set(review.findings.filter((f) => f.verdict === 'mandatory').map((f) => keyId(f.key))).size;
}

/** The worst verdict per object (for markers on the per-object diffs). */
export function worstVerdictByObject(review: PolicyReview): Map<string, PolicyVerdict> {
  const worst = new Map<string, PolicyVerdict>();
  for (const f of review.findings) {
    const id = keyId(f.key);
    const current = worst.get(id);
    if (!current || VERDICT_ORDER.indexOf(f.verdict) < VERDICT_ORDER.indexOf(current)) worst.set(id, f.verdict);
  }
  return worst;
}

/** What the review does not cover, said once under the findings. */
export const POLICY_REVIEW_SCOPE =
  "Objects under a platform's folder are checked as that platform (the pack's `platform` config). Cloud node-pool policies, the controller-replicas advisory (production stacks) and GKE placement of pods with no platform are checked per stack by `pulumi preview --policy-pack policy`.";
