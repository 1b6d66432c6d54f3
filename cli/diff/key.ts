import { ObjectKey } from './types';

/** `apps/v1` → `apps`, `v1` → `""` (core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A string that identifies the key uniquely (used for maps and sorting). */
export function keyId(key: ObjectKey): string {
  return [key.platform, key.group, key.kind, key.namespace, key.name].join('\u0000');
}

/** Display order: platform, kind, namespace, name, group. */
export function compareKeys(a: ObjectKey, b: ObjectKey): number {
  const fields = (k: ObjectKey) => [k.platform, k.kind, k.namespace, k.name, k.group];
  const x = fields(a);
  const y = fields(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** `Deployment ns/name`, or `ClusterRole name` for cluster-scoped objects. */
export function describeKey(key: ObjectKey): string {
  return `${key.kind} ${key.namespace ? `${key.namespace}/${key.name}` : key.name}`;
}
