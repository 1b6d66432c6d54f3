import { stringify } from 'yaml';

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Deep copy with map keys sorted; list order is kept (it is significant in Kubernetes). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

/** JSON text that is equal for equal values whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

/** Key-sorted YAML lines for the unified diff: no line folding, no anchors/aliases. */
export function toYamlLines(value: unknown): string[] {
  if (value === undefined) return [];
  const text = stringify(value, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
  return text.replace(/\n$/, '').split('\n');
}
