/**
 * What a CustomResourceDefinition's diff holds, in one line, for when its body (hundreds of schema lines) does not fit
 * the comment: the resource it defines, its versions and how much changed.
 */
import { isPlainMap } from './canonical';
import type { ObjectDiff } from './types';

/** `Body not shown (412 lines): Sandbox (agents.x-k8s.io), versions v1alpha1 (served, storage).` */
export function crdSummaryText(o: ObjectDiff): string {
  const diffLines = o.unifiedDiff.split('\n').filter((l) => /^[+-]/.test(l)).length;
  const resource = describeResource(o.head ?? o.base);
  if (o.status !== 'changed') return `Body not shown (${diffLines} lines): ${resource}, versions ${versionsOf(o.head ?? o.base)}.`;
  const [before, after] = [versionsOf(o.base), versionsOf(o.head)];
  const versions = before === after ? `versions ${after}` : `versions ${before} → ${after}`;
  const fields = o.fieldChanges.length;
  return `Body not shown (${diffLines} changed lines): ${resource}, ${versions}; ${fields} field${fields === 1 ? '' : 's'} changed.`;
}

/** `Sandbox (agents.x-k8s.io)` */
function describeResource(crd: Record<string, unknown> | undefined): string {
  const spec = isPlainMap(crd?.spec) ? crd.spec : {};
  const kind = isPlainMap(spec.names) && typeof spec.names.kind === 'string' ? spec.names.kind : '?';
  return `${kind} (${typeof spec.group === 'string' ? spec.group : '?'})`;
}

/** `v1alpha1 (served), v1beta1 (served, storage)` */
function versionsOf(crd: Record<string, unknown> | undefined): string {
  const spec = isPlainMap(crd?.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainMap) : [];
  if (versions.length === 0) return 'none';
  return versions
    .map((v) => {
      const flags = [v.served === true ? 'served' : '', v.storage === true ? 'storage' : ''].filter(Boolean);
      return `${String(v.name)}${flags.length ? ` (${flags.join(', ')})` : ''}`;
    })
    .join(', ');
}
