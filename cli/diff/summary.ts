import { DiffCounts, DiffResult, KindSummary, ObjectStatus } from './types';

export function hasChanges(result: DiffResult): boolean {
  const { added, removed, changed } = result.counts;
  return added + removed + changed > 0;
}

/** `2 changed, 1 added, 0 removed, 37 unchanged` */
export function countsSentence(counts: DiffCounts): string {
  return `${counts.changed} changed, ${counts.added} added, ${counts.removed} removed, ${counts.unchanged} unchanged`;
}

export function kindTotals(kinds: readonly KindSummary[]): Omit<KindSummary, 'kind'> {
  const sum = (f: 'added' | 'removed' | 'changed') => kinds.reduce((n, k) => n + k[f], 0);
  return { added: sum('added'), removed: sum('removed'), changed: sum('changed') };
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
