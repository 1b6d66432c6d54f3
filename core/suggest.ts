/** "Did you mean …?" for a mistyped name: the closest candidates by edit distance, as commander does for flags. */

/** Damerau–Levenshtein distance (adjacent transpositions count once). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidates closest to `word` (case-insensitive), at most 3 edits away and similar enough (same rule as
 * commander's suggestSimilar: (length − distance) / length > 0.4); empty when nothing is close.
 */
export function closestNames(word: string, candidates: readonly string[]): string[] {
  let best = Infinity;
  let out: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const length = Math.max(word.length, candidate.length);
    if (distance > 3 || (length - distance) / length <= 0.4) continue;
    if (distance < best) {
      best = distance;
      out = [candidate];
    } else if (distance === best) out.push(candidate);
  }
  return out.sort();
}

/** ` (did you mean "namespace"?)`, or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const close = closestNames(word, candidates);
  return close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : '';
}
