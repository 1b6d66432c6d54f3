import { createHash } from 'node:crypto';
import { canonicalJson, toYamlLines } from './canonical';
import { diffFields } from './field-diff';
import { compareKeys, keyId } from './key';
import { unifiedDiff } from './line-diff';
import { loadManifests } from './load';
import { Autoscalers, reorderedSetLists, separateNoEffect } from './no-effect';
import { redactPair } from './redact';
import { compareForReview } from './review-order';
import { Change, DiffOptions, DiffResult, KindSummary, ManifestObject, ObjectDiff, ObjectStatus } from './types';

/**
 * Load `base` and `head` (each a directory or a single file) and compare them object by object.
 * Throws ManifestLoadError when either side cannot be loaded.
 */
export function diffDirectories(base: string, head: string, options: DiffOptions = {}): DiffResult {
  return diffManifests(loadManifests(base, options), loadManifests(head, options), options);
}

/**
 * Compare two object sets by key. Objects are equal when their key-sorted content is equal, so
 * document order, file layout within a platform and map key order do not matter; list order does
 * (a reorder of a list Kubernetes treats as a set is reported as a change with no effect).
 * The same change on several platforms is one Change. Everything in the result is redacted (see redactPair).
 */
export function diffManifests(
  base: readonly ManifestObject[],
  head: readonly ManifestObject[],
  options: Pick<DiffOptions, 'contextLines'> = {},
): DiffResult {
  const context = options.contextLines ?? 3;
  const headById = new Map(head.map((o) => [keyId(o.key), o]));
  const baseIds = new Set(base.map((o) => keyId(o.key)));
  const autoscalers = new Autoscalers(head);
  const found: { diff: ObjectDiff; signature: string }[] = [];
  let unchanged = 0;

  for (const b of base) {
    const h = headById.get(keyId(b.key));
    if (!h) found.push(objectDiff('removed', b, undefined, context, autoscalers));
    else if (canonicalJson(b.object) === canonicalJson(h.object)) unchanged++;
    else found.push(objectDiff('changed', b, h, context, autoscalers));
  }
  for (const h of head) {
    if (!baseIds.has(keyId(h.key))) found.push(objectDiff('added', undefined, h, context, autoscalers));
  }
  found.sort((x, y) => compareKeys(x.diff.key, y.diff.key));
  const objects = found.map((f) => f.diff);
  const changes = groupChanges(found);

  const count = (status: ObjectStatus) => changes.filter((c) => c.status === status).length;
  const countObjects = (status: ObjectStatus) => objects.filter((o) => o.status === status).length;
  const platforms = [...new Set([...base, ...head].map((o) => o.key.platform).filter((p) => p !== ''))].sort();
  return {
    counts: { added: count('added'), removed: count('removed'), changed: count('changed'), noEffect: changes.filter((c) => c.noEffect).length, unchanged },
    objectCounts: { added: countObjects('added'), removed: countObjects('removed'), changed: countObjects('changed') },
    platforms,
    kinds: summarizeKinds(changes),
    changes,
    objects,
  };
}

function objectDiff(
  status: ObjectStatus,
  base: ManifestObject | undefined,
  head: ManifestObject | undefined,
  context: number,
  autoscalers: Autoscalers,
): { diff: ObjectDiff; signature: string } {
  // Redact first: the field list and the unified diff are computed from redacted values only.
  const redacted = redactPair(base?.object, head?.object);
  const key = (head ?? base)!.key;
  const { fieldChanges, noEffect } =
    status === 'changed'
      ? separateNoEffect(diffFields(redacted.base, redacted.head), reorderedSetLists(key.kind, base!.object, head!.object), autoscalers.replicasReason(head!))
      : { fieldChanges: [], noEffect: [] };
  const diff: ObjectDiff = {
    status,
    key,
    baseSource: base?.source,
    headSource: head?.source,
    base: redacted.base,
    head: redacted.head,
    fieldChanges,
    noEffect,
    unifiedDiff: unifiedDiff(toYamlLines(redacted.base), toYamlLines(redacted.head), context),
  };
  return { diff, signature: changeSignature(status, base, head, noEffect.map((n) => `${n.path}\u0000${n.reason}`)) };
}

/**
 * What makes two platforms' changes of one object the same change: the unredacted values before and after (two
 * secrets changed to different values are two changes, though both show as redacted). Only a digest is kept, never
 * put in the result.
 */
function changeSignature(status: ObjectStatus, base: ManifestObject | undefined, head: ManifestObject | undefined, notes: string[]): string {
  const what = status === 'changed' ? diffFields(base!.object, head!.object) : (base ?? head)!.object;
  return createHash('sha256').update(`${status}\u0000${canonicalJson(what)}\u0000${notes.join('\u0001')}`).digest('hex');
}

/** One Change per object (kind, namespace, name, group) and signature, with the platforms it was made on. */
function groupChanges(found: readonly { diff: ObjectDiff; signature: string }[]): Change[] {
  const groups = new Map<string, ObjectDiff[]>();
  for (const { diff, signature } of found) {
    const id = `${keyId({ ...diff.key, platform: '' })}\u0000${signature}`;
    groups.set(id, [...(groups.get(id) ?? []), diff]);
  }
  const changes: Change[] = [...groups.values()].map((objects) => ({
    status: objects[0].status,
    key: objects[0].key,
    platforms: objects.map((o) => o.key.platform),
    objects,
    noEffect: objects[0].status === 'changed' && objects[0].fieldChanges.length === 0 && objects[0].noEffect.length > 0,
  }));
  return changes.sort(compareForReview);
}

function summarizeKinds(changes: readonly Change[]): KindSummary[] {
  const rows = new Map<string, { kind: string; added: number; removed: number; changed: number; objects: number }>();
  for (const c of changes) {
    const row = rows.get(c.key.kind) ?? { kind: c.key.kind, added: 0, removed: 0, changed: 0, objects: 0 };
    row[c.status]++;
    row.objects += c.objects.length;
    rows.set(c.key.kind, row);
  }
  return [...rows.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
