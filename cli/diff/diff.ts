import { canonicalJson, toYamlLines } from './canonical';
import { diffFields } from './field-diff';
import { compareKeys, keyId } from './key';
import { unifiedDiff } from './line-diff';
import { loadManifests } from './load';
import { redactPair } from './redact';
import { DiffOptions, DiffResult, KindSummary, ManifestObject, ObjectDiff, ObjectStatus } from './types';

/**
 * Load `base` and `head` (each a directory or a single file) and compare them object by object.
 * Throws ManifestLoadError when either side cannot be loaded.
 */
export function diffDirectories(base: string, head: string, options: DiffOptions = {}): DiffResult {
  return diffManifests(loadManifests(base, options), loadManifests(head, options), options);
}

/**
 * Compare two object sets by key. Objects are equal when their key-sorted content is equal, so
 * document order, file layout within a platform and map key order do not matter; list order does.
 * Everything in the result is redacted (see redactPair).
 */
export function diffManifests(
  base: readonly ManifestObject[],
  head: readonly ManifestObject[],
  options: Pick<DiffOptions, 'contextLines'> = {},
): DiffResult {
  const context = options.contextLines ?? 3;
  const headById = new Map(head.map((o) => [keyId(o.key), o]));
  const baseIds = new Set(base.map((o) => keyId(o.key)));
  const objects: ObjectDiff[] = [];
  let unchanged = 0;

  for (const b of base) {
    const h = headById.get(keyId(b.key));
    if (!h) objects.push(objectDiff('removed', b, undefined, context));
    else if (canonicalJson(b.object) === canonicalJson(h.object)) unchanged++;
    else objects.push(objectDiff('changed', b, h, context));
  }
  for (const h of head) {
    if (!baseIds.has(keyId(h.key))) objects.push(objectDiff('added', undefined, h, context));
  }
  objects.sort((x, y) => compareKeys(x.key, y.key));

  const count = (status: ObjectStatus) => objects.filter((o) => o.status === status).length;
  return {
    counts: { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged },
    kinds: summarizeKinds(objects),
    objects,
  };
}

function objectDiff(
  status: ObjectStatus,
  base: ManifestObject | undefined,
  head: ManifestObject | undefined,
  context: number,
): ObjectDiff {
  // Redact first: the field list and the unified diff are computed from redacted values only.
  const redacted = redactPair(base?.object, head?.object);
  return {
    status,
    key: (head ?? base)!.key,
    baseSource: base?.source,
    headSource: head?.source,
    base: redacted.base,
    head: redacted.head,
    fieldChanges: status === 'changed' ? diffFields(redacted.base, redacted.head) : [],
    unifiedDiff: unifiedDiff(toYamlLines(redacted.base), toYamlLines(redacted.head), context),
  };
}

function summarizeKinds(objects: readonly ObjectDiff[]): KindSummary[] {
  const rows = new Map<string, { kind: string; added: number; removed: number; changed: number }>();
  for (const o of objects) {
    const row = rows.get(o.key.kind) ?? { kind: o.key.kind, added: 0, removed: 0, changed: 0 };
    row[o.status]++;
    rows.set(o.key.kind, row);
  }
  return [...rows.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
