import { canonicalJson, isPlainMap } from './canonical';
import { FieldChange } from './types';

/**
 * Leaf-level differences between two values. Maps are compared key by key (key order does not
 * matter); lists are compared by position (order matters, as it does for containers, args, env…),
 * so an insertion in the middle of a list shows as changes at every later index plus one addition
 * at the end. A subtree present on one side only is reported once, at its root.
 */
export function diffFields(base: unknown, head: unknown, path = ''): FieldChange[] {
  if (isPlainMap(base) && isPlainMap(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
    return keys.flatMap((k) => diffPresent(base, head, k, joinKey(path, k)));
  }
  if (Array.isArray(base) && Array.isArray(head)) {
    const length = Math.max(base.length, head.length);
    const changes: FieldChange[] = [];
    for (let i = 0; i < length; i++) changes.push(...diffPresent(base, head, i, `${path}[${i}]`));
    return changes;
  }
  if (canonicalJson(base) === canonicalJson(head)) return [];
  return [{ path: path || '.', type: 'changed', oldValue: base, newValue: head }];
}

/** Compare one member that may be missing on either side. */
function diffPresent(base: object, head: object, k: string | number, path: string): FieldChange[] {
  const inBase = Object.prototype.hasOwnProperty.call(base, k);
  const inHead = Object.prototype.hasOwnProperty.call(head, k);
  const oldValue = (base as Record<string | number, unknown>)[k];
  const newValue = (head as Record<string | number, unknown>)[k];
  if (!inHead) return [{ path, type: 'removed', oldValue }];
  if (!inBase) return [{ path, type: 'added', newValue }];
  return diffFields(oldValue, newValue, path);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec` + `replicas` → `spec.replicas`; keys that are not identifiers are quoted: `labels["app.kubernetes.io/name"]`. */
export function joinKey(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}
