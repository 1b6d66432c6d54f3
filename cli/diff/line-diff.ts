/**
 * Line diff (Myers' O(ND) algorithm) and unified-diff hunks, as produced by `diff -u`.
 */

export type LineOp = { readonly op: 'equal' | 'delete' | 'insert'; readonly line: string };

export interface Hunk {
  /** 1-based start line in the old text (the line *before* the hunk when oldLines is 0, as in GNU diff). */
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** Lines prefixed with ' ', '-' or '+'. */
  readonly lines: readonly string[];
}

/** Shortest edit script turning `a` into `b`; deletions come before insertions in a changed run. */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) {
    return [...a.map((line) => ({ op: 'delete' as const, line })), ...b.map((line) => ({ op: 'insert' as const, line }))];
  }
  // v[offset + k] = furthest x reached on diagonal k (y = x - k). trace[d] keeps v for
  // k in [-d-1, d+1] as it was *before* step d (O(D²) memory); backtracking needs nothing else.
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const trace: Int32Array[] = [];
  for (let d = 0, done = false; d <= n + m && !done; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      // Come down from diagonal k+1 (an insertion) or right from k-1 (a deletion).
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }

  // Walk back from (n, m) through the saved states, emitting ops in reverse.
  const ops: LineOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const at = (k: number) => trace[d][k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: 'equal', line: a[--x] });
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ op: 'insert', line: b[--y] });
      else ops.push({ op: 'delete', line: a[--x] });
    }
  }
  return ops.reverse();
}

/** Group an edit script into hunks with `context` unchanged lines around each change. */
export function toHunks(ops: readonly LineOp[], context = 3): Hunk[] {
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].op === 'equal') {
      i++;
      continue;
    }
    // A hunk starts `context` lines before this change and grows while the next change is
    // within 2*context equal lines (closer changes share their context).
    const start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      let next = end;
      while (next < ops.length && ops[next].op !== 'equal') next++;
      let equalRun = 0;
      while (next + equalRun < ops.length && ops[next + equalRun].op === 'equal') equalRun++;
      const atEnd = next + equalRun >= ops.length;
      if (atEnd || equalRun > 2 * context) {
        end = Math.min(ops.length, next + context);
        break;
      }
      end = next + equalRun;
    }
    hunks.push(makeHunk(ops, start, end));
    i = end;
  }
  return hunks;
}

function makeHunk(ops: readonly LineOp[], start: number, end: number): Hunk {
  // Line numbers of the hunk's first line in each text = lines of that text before `start`.
  let oldBefore = 0;
  let newBefore = 0;
  for (let j = 0; j < start; j++) {
    if (ops[j].op !== 'insert') oldBefore++;
    if (ops[j].op !== 'delete') newBefore++;
  }
  const lines: string[] = [];
  let oldLines = 0;
  let newLines = 0;
  for (let j = start; j < end; j++) {
    const { op, line } = ops[j];
    if (op !== 'insert') oldLines++;
    if (op !== 'delete') newLines++;
    lines.push((op === 'equal' ? ' ' : op === 'delete' ? '-' : '+') + line);
  }
  return {
    oldStart: oldLines === 0 ? oldBefore : oldBefore + 1,
    oldLines,
    newStart: newLines === 0 ? newBefore : newBefore + 1,
    newLines,
    lines,
  };
}

/** `@@ -1,3 +1,4 @@` followed by the hunk lines; a count of 1 is omitted as GNU diff does. */
export function formatHunks(hunks: readonly Hunk[]): string {
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  return hunks
    .flatMap((h) => [`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines])
    .join('\n');
}

/** Unified diff of two line lists (hunks only, no file headers); empty string when equal. */
export function unifiedDiff(a: readonly string[], b: readonly string[], context = 3): string {
  return formatHunks(toHunks(diffLines(a, b), context));
}
