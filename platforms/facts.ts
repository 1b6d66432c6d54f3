/**
 * The platform facts table: every cloud fact the code relies on, one row each, with its source and the date it was
 * read. Each cloud keeps its rows beside its code (platforms/<cloud>/facts.ts); docs/platform-facts.md is rendered
 * from them (test/platforms/facts.test.ts keeps the two equal). Code that depends on a fact names its id.
 *
 * `status` is relative to what the issue that asked for the check (17) and the code before it said: `held` (the
 * source confirms it), `wrong` (the source contradicts it; the row says what is right), `new` (needed, not stated
 * before), `unverified` (no source could be read here; the code then does not depend on it, or says so).
 */
export type FactStatus = 'held' | 'wrong' | 'new' | 'unverified';

export interface PlatformFact {
  /** Stable id, e.g. `eks.containerd-per-ami`. */
  readonly id: string;
  readonly fact: string;
  readonly status: FactStatus;
  /** URLs, or `owner/repo@commit:path` for source read from a repository snapshot. */
  readonly source: string;
  /** ISO date the source was read. */
  readonly read: string;
}

/** Renders rows as a Markdown table (the body of docs/platform-facts.md for one cloud). */
export function factsTable(rows: readonly PlatformFact[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| id | fact | status | source | read |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${cell(r.fact)} | ${r.status} | ${cell(r.source)} | ${r.read} |`),
  ].join('\n');
}
