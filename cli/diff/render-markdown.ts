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
/** Longest list of the objects whose diffs were cut (and at most 15% of the limit). */
const MAX_OMITTED_LIST_CHARS = 6000;
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
    const text = `${heading}No manifest changes. (${result.counts.unchanged} objects compared)\n\n`;
    const findings = options.policy && options.policy.findings.length > 0 ? fitPolicySection(options.policy, maxChars - text.length, options.fullDiffHint) : '';
    return endWithOneNewline(text + findings);
  }
  const markers = options.policy ? worstVerdictByObject(options.policy) : new Map<string, PolicyVerdict>();
  const marker = (o: ObjectDiff) => {
    const verdict = markers.get(keyId(o.key));
    return verdict ? ` ${VERDICT_LABEL[verdict]}` : '';
  };
  const summary = heading + summaryTable(result);
  const blocks = result.objects.map((o) => renderBlock(o, o.unifiedDiff.split('\n'), '', marker(o)));
  const full = summary + policy + blocks.join('');
  if (full.length <= maxChars) return endWithOneNewline(full);

  // Too long. The summary, the policy verdict and a note naming every object whose diff is not shown come first;
  // the policy rows and the list of names get a share of the limit each, so the whole stays under it. Then whole
  // blocks from the start, the first one that does not fit cut short if there is room for a useful part of it.
  // Blocks are complete units, so no fence or <details> tag is ever left open.
  const total = result.objects.length;
  const listBudget = Math.min(MAX_OMITTED_LIST_CHARS, Math.floor(maxChars * 0.15));
  const reserve = truncationNote([], total, true, options.fullDiffHint).length + listBudget;
  const fittedPolicy = options.policy ? fitPolicySection(options.policy, maxChars - summary.length - reserve, options.fullDiffHint) : '';
  let budget = maxChars - summary.length - fittedPolicy.length - reserve;
  const kept: string[] = [];
  let cut = false;
  for (let i = 0; i < blocks.length && budget > 0; i++) {
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
  const omitted = result.objects.slice(kept.length).map((o) => `- <code>${statusLabel(o.status)}</code> ${escapeHtml(describeKey(o.key))}${o.key.platform ? ` (${escapeHtml(o.key.platform)})` : ''}${marker(o)}`);
  return endWithOneNewline(summary + fittedPolicy + truncationNote(omitted, total, cut, options.fullDiffHint, listBudget) + kept.join(''));
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

/**
 * What was cut: how many diffs are not shown, and the name of each of those objects (as many as `listBudget`
 * characters hold, then how many more), so no changed object goes unmentioned in the comment.
 */
function truncationNote(omitted: readonly string[], total: number, cut: boolean, hint = DEFAULT_HINT, listBudget = 0): string {
  const cutText = cut ? ' (and the diff of the last one shown is cut short)' : '';
  const lines = [
    `> **Output truncated:** the diffs of ${omitted.length} of ${total} objects with changes are not shown${cutText} ` +
      `to stay under the comment size limit. For the full diff, ${hint}.`,
  ];
  if (omitted.length > 0) {
    lines.push('', 'Not shown:');
    let used = 'Not shown:\n'.length;
    for (let i = 0; i < omitted.length; i++) {
      const more = `- … and ${omitted.length - i} more`;
      const last = i === omitted.length - 1;
      if (used + omitted[i].length + 1 + (last ? 0 : more.length + 1) > listBudget) {
        lines.push(more);
        break;
      }
      lines.push(omitted[i]);
      used += omitted[i].length + 1;
    }
  }
  return lines.join('\n') + '\n\n';
}

/** The policy section with as many rows as fit in `room` characters; at least the verdict line. */
function fitPolicySection(review: PolicyReview, room: number, hint?: string): string {
  for (let rows = MAX_POLICY_ROWS; rows >= 0; rows--) {
    const section = policySection(review, hint, rows);
    if (section.length <= room) return section;
  }
  return policySection(review, hint, 0, false);
}

/**
 * The policy pack's verdict on the head: one row per finding (mandatory first), objects that would block the
 * preview counted in the heading line.
 */
function policySection(review: PolicyReview, hint = DEFAULT_HINT, maxRows = MAX_POLICY_ROWS, scopeNote = true): string {
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
      ...(maxRows > 0 ? ['| | object | status | policy [rule] | path | why |', '|---|---|---|---|---|---|'] : []),
    );
    for (const f of review.findings.slice(0, maxRows)) {
      const platform = f.key.platform ? ` (${f.key.platform})` : '';
      lines.push(
        `| ${VERDICT_LABEL[f.verdict]} | ${escapeCell(describeKey(f.key) + platform)} | ${f.status} | ${escapeCell(`${f.policy} [${f.rule}]`)} | <code>${escapeCell(f.path)}</code> | ${escapeCell(f.message)} |`,
      );
    }
    const more = review.findings.length - maxRows;
    if (more > 0) lines.push('', `… and ${more} more findings; for all of them, ${hint}.`);
  }
  if (scopeNote) lines.push('', `<sub>${escapeHtml(POLICY_REVIEW_SCOPE)}</sub>`);
  lines.push('', '');
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
