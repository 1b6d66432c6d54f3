import { describeKey, keyId } from './key';
import { blockedObjectCount, POLICY_REVIEW_SCOPE, verdictCounts, worstVerdictByObject, type PolicyReview, type PolicyVerdict } from './policy-review';
import { countsSentence, hasChanges, kindTotals, statusLabel } from './summary';
import { DiffResult, ObjectDiff } from './types';

export interface MarkdownOptions {
  /**
   * Maximum length of the output in characters. Per-object blocks are dropped from the end to
   * stay under it; the heading, summary table and truncation note are always kept.
   * @default 60000 (GitHub's comment limit is 65,536)
   */
  readonly maxChars?: number;
  /** @default 'Manifest diff' */
  readonly title?: string;
  /**
   * How to see the full diff, shown when the output is truncated.
   * @default 'run `agent-sandbox-infra diff --format text <base> <head>` locally or see the job log'
   */
  readonly fullDiffHint?: string;
  /**
   * The policy pack's findings on the head (cli/diff/policy-review.ts): a section under the summary table and a
   * marker on each object with findings. Always kept when the output is truncated.
   */
  readonly policy?: PolicyReview;
}

const DEFAULT_MAX_CHARS = 60_000;
const DEFAULT_HINT = 'run `agent-sandbox-infra diff --format text <base> <head>` locally or see the job log';
/** Changed paths listed above each diff before "and N more". */
const MAX_LISTED_PATHS = 10;
/** Space below which the first block that does not fit is dropped rather than cut short. */
const MIN_PARTIAL_BLOCK = 400;
/** Policy findings listed in the comment before "and N more". */
const MAX_POLICY_ROWS = 40;
const VERDICT_LABEL: Record<PolicyVerdict, string> = { mandatory: '⛔ blocks', advisory: '⚠️ advisory', 'opt-out': '🔓 opted out' };

/** Render a diff result as a GitHub PR comment. */
export function renderMarkdown(result: DiffResult, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const heading = `### ${options.title ?? 'Manifest diff'}\n\n`;
  const policy = options.policy ? policySection(options.policy, options.fullDiffHint) : '';
  if (!hasChanges(result)) {
    // Without changes the section is only worth a line when something would still block or warn.
    const findings = options.policy && options.policy.findings.length > 0 ? policy : '';
    return endWithOneNewline(`${heading}No manifest changes. (${result.counts.unchanged} objects compared)\n\n${findings}`);
  }
  const head = heading + summaryTable(result) + policy;
  const markers = options.policy ? worstVerdictByObject(options.policy) : new Map<string, PolicyVerdict>();
  const marker = (o: ObjectDiff) => {
    const verdict = markers.get(keyId(o.key));
    return verdict ? ` ${VERDICT_LABEL[verdict]}` : '';
  };
  const blocks = result.objects.map((o) => renderBlock(o, o.unifiedDiff.split('\n'), '', marker(o)));
  const full = head + blocks.join('');
  if (full.length <= maxChars) return endWithOneNewline(full);

  // Too long: keep whole blocks from the start, cut the first one that does not fit if there is
  // room for a useful part of it, and drop the rest. Blocks are complete units, so no fence or
  // <details> tag is ever left open.
  const total = result.objects.length;
  const reserve = truncationNote(total, total, true, options.fullDiffHint).length;
  let budget = maxChars - head.length - reserve;
  const kept: string[] = [];
  let cut = false;
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i].length <= budget) {
      kept.push(blocks[i]);
      budget -= blocks[i].length;
      continue;
    }
    const partial = budget >= MIN_PARTIAL_BLOCK ? cutBlock(result.objects[i], budget, marker(result.objects[i])) : undefined;
    if (partial) {
      kept.push(partial);
      cut = true;
    }
    break;
  }
  const omitted = total - kept.length;
  return endWithOneNewline(head + truncationNote(omitted, total, cut, options.fullDiffHint) + kept.join(''));
}

function endWithOneNewline(text: string): string {
  return text.replace(/\n*$/, '\n');
}

function summaryTable(result: DiffResult): string {
  const totals = kindTotals(result.kinds);
  const rows = result.kinds.map((k) => `| ${escapeCell(k.kind)} | ${k.added} | ${k.removed} | ${k.changed} |`);
  return [
    `**${countsSentence(result.counts)}**`,
    '',
    '| kind | added | removed | changed |',
    '|---|--:|--:|--:|',
    ...rows,
    `| **total** | **${totals.added}** | **${totals.removed}** | **${totals.changed}** |`,
    '',
    '',
  ].join('\n');
}

function truncationNote(omitted: number, total: number, cut: boolean, hint = DEFAULT_HINT): string {
  const cutText = cut ? ' (and the diff of the last one shown is cut short)' : '';
  return (
    `> **Output truncated:** ${omitted} of ${total} objects with changes are not shown${cutText} ` +
    `to stay under the comment size limit. For the full diff, ${hint}.\n\n`
  );
}

/**
 * The policy pack's verdict on the head: one row per finding (mandatory first), objects that would block the
 * preview counted in the heading line.
 */
function policySection(review: PolicyReview, hint = DEFAULT_HINT): string {
  const counts = verdictCounts(review);
  const lines = ['#### Policy pack', ''];
  if (review.findings.length === 0) {
    lines.push(`No findings: ${review.checked} sandbox, template and warm-pool objects pass \`kubernetes-sandbox-secure-profile\` and \`sandbox-warm-pool-upper-bound\`.`);
  } else {
    const blocked = blockedObjectCount(review);
    lines.push(
      blocked > 0
        ? `**⛔ ${blocked} object${blocked === 1 ? '' : 's'} would block \`pulumi preview --policy-pack policy\`** (${counts.mandatory} mandatory finding${counts.mandatory === 1 ? '' : 's'}); ${counts.advisory} advisory, ${counts['opt-out']} opted out.`
        : `Nothing blocks: ${counts.advisory} advisory finding${counts.advisory === 1 ? '' : 's'}, ${counts['opt-out']} rule${counts['opt-out'] === 1 ? '' : 's'} opted out.`,
      '',
      '| | object | status | policy [rule] | path | why |',
      '|---|---|---|---|---|---|',
    );
    for (const f of review.findings.slice(0, MAX_POLICY_ROWS)) {
      const platform = f.key.platform ? ` (${f.key.platform})` : '';
      lines.push(
        `| ${VERDICT_LABEL[f.verdict]} | ${escapeCell(describeKey(f.key) + platform)} | ${f.status} | ${escapeCell(`${f.policy} [${f.rule}]`)} | <code>${escapeCell(f.path)}</code> | ${escapeCell(f.message)} |`,
      );
    }
    const more = review.findings.length - MAX_POLICY_ROWS;
    if (more > 0) lines.push('', `… and ${more} more findings; for all of them, ${hint}.`);
  }
  lines.push('', `<sub>${escapeHtml(POLICY_REVIEW_SCOPE)}</sub>`, '', '');
  return lines.join('\n');
}

/** One collapsible block: status, kind, namespace/name and platform, policy marker, changed paths, diff. */
function renderBlock(o: ObjectDiff, diffLines: readonly string[], cutNote = '', marker = ''): string {
  const platform = o.key.platform ? ` (${escapeHtml(o.key.platform)})` : '';
  const summary = `<code>${statusLabel(o.status)}</code> <b>${escapeHtml(describeKey(o.key))}</b>${platform}${marker}`;
  const fence = fenceFor(diffLines);
  return [
    `<details><summary>${summary}</summary>`,
    '',
    ...changedPaths(o),
    fence + 'diff',
    ...diffLines,
    fence,
    ...(cutNote ? ['', cutNote] : []),
    '',
    '</details>',
    '',
    '',
  ].join('\n');
}

/** The block for `o` with as many diff lines as fit in `budget` characters, or undefined. */
function cutBlock(o: ObjectDiff, budget: number, marker: string): string | undefined {
  const lines = o.unifiedDiff.split('\n');
  const note = (shown: number) => `<i>… ${lines.length - shown} more diff lines not shown</i>`;
  let shown = 0;
  let size = renderBlock(o, [], note(0), marker).length;
  while (shown < lines.length && size + lines[shown].length + 1 <= budget) size += lines[shown++].length + 1;
  return shown === 0 ? undefined : renderBlock(o, lines.slice(0, shown), note(shown), marker);
}

function changedPaths(o: ObjectDiff): string[] {
  if (o.fieldChanges.length === 0) return [];
  const paths = o.fieldChanges.slice(0, MAX_LISTED_PATHS).map((c) => `<code>${escapeHtml(c.path)}</code>`);
  const more = o.fieldChanges.length - MAX_LISTED_PATHS;
  return [`Changed: ${paths.join(', ')}${more > 0 ? ` and ${more} more` : ''}`, ''];
}

/** A backtick fence longer than any backtick run in the content, so content cannot close it. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|');
}
