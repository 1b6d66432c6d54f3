import { platformsLabel } from './headline';
import { Change, DiffResult, KindSummary, ObjectStatus } from './types';

export function hasChanges(result: DiffResult): boolean {
  const { added, removed, changed } = result.counts;
  return added + removed + changed > 0;
}

/** `2 changed (1 with no effect), 1 added, 0 removed`: distinct changes. */
export function distinctCountsText(result: DiffResult): string {
  const c = result.counts;
  return `${c.changed} changed${c.noEffect > 0 ? ` (${c.noEffect} with no effect)` : ''}, ${c.added} added, ${c.removed} removed`;
}

/**
 * ` (6 objects on 6 platforms: aks, eks, …)` when changes were made on more than one platform (or grouped several
 * objects); empty otherwise.
 */
export function spreadText(result: DiffResult): string {
  const platforms = [...new Set(result.changes.flatMap((c) => c.platforms))].filter((p) => p !== '').sort();
  const objects = result.objectCounts.added + result.objectCounts.removed + result.objectCounts.changed;
  if (platforms.length < 2 && objects === result.changes.length) return '';
  const on = platforms.length > 0 ? ` on ${platforms.length} platform${platforms.length === 1 ? '' : 's'}: ${platforms.join(', ')}` : '';
  return ` (${objects} object${objects === 1 ? '' : 's'}${on})`;
}

/** `No manifest changes: no change to any rendered object (225 objects compared on 6 platforms: aks, …).` */
export function noChangesSentence(result: DiffResult): string {
  const n = result.counts.unchanged;
  const p = result.platforms;
  const on = p.length > 0 ? ` on ${p.length} platform${p.length === 1 ? '' : 's'}: ${p.join(', ')}` : '';
  return `No manifest changes: no change to any rendered object (${n} object${n === 1 ? '' : 's'} compared${on}).`;
}

export function kindTotals(kinds: readonly KindSummary[]): Omit<KindSummary, 'kind'> {
  const sum = (f: 'added' | 'removed' | 'changed' | 'objects') => kinds.reduce((n, k) => n + k[f], 0);
  return { added: sum('added'), removed: sum('removed'), changed: sum('changed'), objects: sum('objects') };
}

/** The marker shown before each object: `~ changed`, `+ added`, `- removed`. */
export function statusLabel(status: ObjectStatus): string {
  switch (status) {
    case 'changed':
      return '~ changed';
    case 'added':
      return '+ added';
    case 'removed':
      return '- removed';
    default: {
      const never: never = status;
      return never;
    }
  }
}

/** The platforms of a change as shown after its headline (`all 6 platforms`, `eks, aks`), or ''. */
export function changePlatforms(change: Change, result: DiffResult): string {
  return platformsLabel(change.platforms, result.platforms);
}

/** Whether the platforms' unified diffs of a change differ (their unchanged context lines do). */
export function diffTextsDiffer(change: Change): boolean {
  return change.objects.some((o) => o.unifiedDiff !== change.objects[0].unifiedDiff);
}
