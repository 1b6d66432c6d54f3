import { diffLines, toHunks, unifiedDiff } from '../../../cli/diff';

const letters = (s: string) => s.split('');

describe('line diff', () => {
  test('known input gives the same hunks as GNU diff -u', () => {
    const a = letters('abcdefghijklmnop');
    const b = letters('abCdefghijklmnpq');
    // Expected output taken from `diff -U1 A B` (GNU diffutils).
    expect(unifiedDiff(a, b, 1)).toBe(
      ['@@ -2,3 +2,3 @@', ' b', '-c', '+C', ' d', '@@ -14,3 +14,3 @@', ' n', '-o', ' p', '+q'].join('\n'),
    );
    // With 3 lines of context the two hunks are still separate (gap of 9 equal lines > 6).
    expect(toHunks(diffLines(a, b), 3).map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [1, 6, 1, 6],
      [12, 5, 12, 5],
    ]);
  });

  test('changes at most 2*context apart share one hunk; empty sides use start 0', () => {
    // Both expectations from GNU `diff -U1`: a gap of 2 equal lines merges, a gap of 3 does not.
    expect(unifiedDiff(letters('abcdf'), letters('aBcdF'), 1)).toBe(
      ['@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', '-f', '+F'].join('\n'),
    );
    expect(unifiedDiff(letters('abcdef'), letters('aBcdeF'), 1)).toBe(
      ['@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', '@@ -5,2 +5,2 @@', ' e', '-f', '+F'].join('\n'),
    );
    expect(unifiedDiff([], ['x', 'y'])).toBe('@@ -0,0 +1,2 @@\n+x\n+y');
    expect(unifiedDiff(['x'], [])).toBe('@@ -1 +0,0 @@\n-x');
    expect(unifiedDiff(['same'], ['same'])).toBe('');
  });

  test('edit script is minimal and reproduces both sides (checked against an LCS table)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: Math.floor(random() * 12) }, () => 'abc'[Math.floor(random() * 3)]);
      const b = Array.from({ length: Math.floor(random() * 12) }, () => 'abc'[Math.floor(random() * 3)]);
      const ops = diffLines(a, b);
      expect(ops.filter((o) => o.op !== 'insert').map((o) => o.line)).toEqual(a);
      expect(ops.filter((o) => o.op !== 'delete').map((o) => o.line)).toEqual(b);
      expect(ops.filter((o) => o.op === 'equal').length).toBe(lcsLength(a, b));
    }
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.length][b.length];
}
