/**
 * The order changes are shown in, which is also the order the markdown size budget is spent in: what decides whether
 * untrusted code stays contained comes first, CRD bodies (hundreds of schema lines a reviewer does not read) last.
 */
import { compareKeys } from './key';
import type { Change } from './types';

/** Sandbox templates, warm pools and sandboxes: what runs untrusted code, and how much of it. */
const SANDBOX_KINDS = new Set(['SandboxTemplate', 'SandboxWarmPool', 'Sandbox', 'SandboxClaim']);
/** Who may talk to what, and who may do what: NetworkPolicy, admission policies, RBAC. */
const POLICY_KINDS = new Set([
  'NetworkPolicy',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
]);

export const CRD_KIND = 'CustomResourceDefinition';

/** 0 sandbox objects, 1 policies and RBAC, 2 everything else, 3 changes with no effect, 4 CRDs. */
export function reviewTier(change: Pick<Change, 'key' | 'noEffect'>): number {
  if (change.key.kind === CRD_KIND) return 4;
  if (change.noEffect) return 3;
  if (SANDBOX_KINDS.has(change.key.kind)) return 0;
  if (POLICY_KINDS.has(change.key.kind)) return 1;
  return 2;
}

export function compareForReview(a: Change, b: Change): number {
  const tier = reviewTier(a) - reviewTier(b);
  if (tier !== 0) return tier;
  // By kind, namespace and name, then by the first platform (the same object changed differently on two platforms).
  return compareKeys({ ...a.key, platform: '' }, { ...b.key, platform: '' }) || compareKeys(a.key, b.key);
}
