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

export function compareKeys(a: ObjectKey, b: ObjectKey): number {
  const x = keyId(a);
  const y = keyId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `Deployment ns/name`, `ClusterRole name` (cluster-scoped), group shown only when not core: `Sandbox.agents.x-k8s.io`. */
export function describeKey(key: ObjectKey, withPlatform = true): string {
  const kind = key.group ? `${key.kind}.${key.group}` : key.kind;
  const name = key.namespace ? `${key.namespace}/${key.name}` : key.name;
  return withPlatform && key.platform ? `${kind} ${name} [${key.platform}]` : `${kind} ${name}`;
}
