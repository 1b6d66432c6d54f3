/** Reading loosely typed Kubernetes objects (parsed YAML, Pulumi resource inputs) without trusting their shape. */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is an object, else undefined. */
export function field(value: unknown, key: string): unknown {
  return isObj(value) ? value[key] : undefined;
}

/** `group` and `version` of an apiVersion (`v1` → group ''). */
export function splitApiVersion(apiVersion: unknown): { readonly group: string; readonly version: string } {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = text.indexOf('/');
  return slash < 0 ? { group: '', version: text } : { group: text.slice(0, slash), version: text.slice(slash + 1) };
}
