/**
 * Differences that change nothing Kubernetes acts on, so a reviewer is told "no effect" instead of reading a diff:
 * the order of a list Kubernetes treats as a set, and `spec.replicas` of an object an autoscaler scales.
 */
import { canonicalJson, isPlainMap } from './canonical';
import { joinKey } from './field-diff';
import { groupOf } from './key';
import type { FieldChange, ManifestObject, NoEffectNote } from './types';

/**
 * Lists whose order Kubernetes ignores, per kind (`[*]` is any index). Only objects that run nothing: a reordered
 * list inside a pod template still changes the template (a Deployment rolls its pods), so none are listed there.
 * - RBAC: "Rules are purely additive" (a role is the union of its rules; each rule's lists are sets), and a binding
 *   grants to each subject alike.
 * - NetworkPolicy: policies and their rules are additive ("traffic is allowed if it matches any rule"); each rule's
 *   peers and ports are ORed; `except`, `policyTypes` and a selector's `values` are sets.
 * - ValidatingAdmissionPolicy: a request matches when any resource rule matches; each rule's lists are sets, and so
 *   are a binding's `validationActions`.
 */
const SET_LISTS: Readonly<Record<string, readonly string[]>> = {
  Role: ruleLists('rules'),
  ClusterRole: [...ruleLists('rules'), 'aggregationRule.clusterRoleSelectors'],
  RoleBinding: ['subjects'],
  ClusterRoleBinding: ['subjects'],
  NetworkPolicy: [
    'spec.policyTypes',
    ...selectorLists('spec.podSelector'),
    ...peerLists('spec.ingress', 'from'),
    ...peerLists('spec.egress', 'to'),
  ],
  ValidatingAdmissionPolicy: ['resourceRules', 'excludeResourceRules'].flatMap((r) => resourceRuleLists(`spec.matchConstraints.${r}`)),
  ValidatingAdmissionPolicyBinding: ['spec.validationActions', ...['resourceRules', 'excludeResourceRules'].flatMap((r) => resourceRuleLists(`spec.matchResources.${r}`))],
};

function ruleLists(rules: string): string[] {
  return [rules, ...['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'].map((l) => `${rules}[*].${l}`)];
}

function selectorLists(selector: string): string[] {
  return [`${selector}.matchExpressions`, `${selector}.matchExpressions[*].values`];
}

function peerLists(rules: string, peers: string): string[] {
  const peer = `${rules}[*].${peers}[*]`;
  return [rules, `${rules}[*].${peers}`, `${rules}[*].ports`, `${peer}.ipBlock.except`, ...selectorLists(`${peer}.podSelector`), ...selectorLists(`${peer}.namespaceSelector`)];
}

function resourceRuleLists(rules: string): string[] {
  return [rules, ...['apiGroups', 'apiVersions', 'operations', 'resources', 'resourceNames'].map((l) => `${rules}[*].${l}`)];
}

export const REORDER_REASON = 'only the order changed, and Kubernetes treats this list as a set';

/**
 * The set-like lists of `kind` whose order alone changed between `base` and `head` (unredacted values, only paths
 * are returned). A list reordered as a whole is reported once, not again for its members.
 */
export function reorderedSetLists(kind: string, base: unknown, head: unknown): string[] {
  const patterns = new Set(SET_LISTS[kind] ?? []);
  if (patterns.size === 0) return [];
  const found: string[] = [];
  const walk = (b: unknown, h: unknown, path: string) => {
    if (Array.isArray(b) && Array.isArray(h)) {
      if (patterns.has(pattern(path))) {
        // Members with their own set-like lists sorted: same order → look inside them; same members → reordered.
        const members = (list: unknown[]) => list.map((v, i) => canonicalJson(asSet(v, `${path}[${i}]`, patterns)));
        const [mb, mh] = [members(b), members(h)];
        if (mb.join('\n') !== mh.join('\n') && [...mb].sort().join('\n') === [...mh].sort().join('\n')) {
          found.push(path);
          return;
        }
      }
      for (let i = 0; i < Math.min(b.length, h.length); i++) walk(b[i], h[i], `${path}[${i}]`);
    } else if (isPlainMap(b) && isPlainMap(h)) {
      for (const k of Object.keys(b)) if (k in h) walk(b[k], h[k], joinKey(path, k));
    }
  };
  walk(base, head, '');
  return found;
}

/** `rules[3].verbs` → `rules[*].verbs`. */
function pattern(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]');
}

/** `value` (at `path`) with every set-like list in it, itself included, sorted: equal for equal sets. */
function asSet(value: unknown, path: string, patterns: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const members = value.map((v, i) => asSet(v, `${path}[${i}]`, patterns));
    if (!patterns.has(pattern(path))) return members;
    return members.map((m) => [canonicalJson(m), m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
  }
  if (isPlainMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asSet(v, joinKey(path, k), patterns)]));
  return value;
}

/** HorizontalPodAutoscalers of the head, by the object they scale. */
export class Autoscalers {
  private readonly byTarget = new Map<string, Record<string, unknown>>();

  constructor(head: readonly ManifestObject[]) {
    for (const m of head) {
      if (m.key.kind !== 'HorizontalPodAutoscaler' || m.key.group !== 'autoscaling') continue;
      const ref = isPlainMap(m.object.spec) && isPlainMap(m.object.spec.scaleTargetRef) ? m.object.spec.scaleTargetRef : undefined;
      if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
      const group = typeof ref.apiVersion === 'string' ? groupOf(ref.apiVersion) : '';
      this.byTarget.set(Autoscalers.id(m.key.platform, m.key.namespace, group, ref.kind, ref.name), m.object);
    }
  }

  private static id(...parts: string[]): string {
    return parts.join('\u0000');
  }

  /** Why `spec.replicas` of `target` has no lasting effect, or undefined when nothing scales it. */
  replicasReason(target: ManifestObject): string | undefined {
    const hpa = this.byTarget.get(Autoscalers.id(target.key.platform, target.key.namespace, target.key.group, target.key.kind, target.key.name));
    if (!hpa) return undefined;
    const spec = hpa.spec as Record<string, unknown>;
    const metadata = hpa.metadata as Record<string, unknown>;
    return `HorizontalPodAutoscaler ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name} scales it (minReplicas ${spec.minReplicas ?? 1}, maxReplicas ${spec.maxReplicas}): the autoscaler sets the replicas`;
  }
}

/**
 * Split the (redacted) field changes of a changed object into those that take effect and NoEffectNotes: changes
 * inside a reordered set-like list are replaced by one note for the list; `spec.replicas` of an autoscaled object
 * becomes a note that keeps its values.
 */
export function separateNoEffect(
  changes: readonly FieldChange[],
  reordered: readonly string[],
  replicasReason: string | undefined,
): { fieldChanges: FieldChange[]; noEffect: NoEffectNote[] } {
  const inside = (path: string, list: string) => path === list || path.startsWith(`${list}[`) || path.startsWith(`${list}.`);
  const noEffect: NoEffectNote[] = reordered.map((path) => ({ path, reason: REORDER_REASON }));
  const fieldChanges: FieldChange[] = [];
  for (const c of changes) {
    if (reordered.some((list) => inside(c.path, list))) continue;
    if (replicasReason && c.path === 'spec.replicas') noEffect.push({ path: c.path, reason: replicasReason, change: c });
    else fieldChanges.push(c);
  }
  return { fieldChanges, noEffect };
}
