import { crdSummaryText } from './crd-summary';
import { headlineOf, type Headline, type HeadlinePart } from './headline';
import { describeKey, keyId } from './key';
import { blockedObjectCount, POLICY_REVIEW_SCOPE, verdictCounts, worstVerdictByObject, type PolicyReview, type PolicyVerdict } from './policy-review';
import { CRD_KIND } from './review-order';
import { changePlatforms, diffTextsDiffer, distinctCountsText, hasChanges, kindTotals, noChangesSentence, spreadText, statusLabel } from './summary';
import { Change, DiffResult, FieldChange, ObjectDiff } from './types';

export interface MarkdownOptions {
  /**
   * Maximum length of the output in characters. It is spent in review order (templates, warm pools, policies and
   * RBAC first); blocks that do not fit are named in the truncation note, CRD bodies summarized in one line. The
   * heading, summary table and truncation note are always kept.
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
    const text = `${heading}${noChangesSentence(result)}\n\n`;
    const findings = options.policy && options.policy.findings.length > 0 ? fitPolicySection(options.policy, maxChars - text.length, options.fullDiffHint) : '';
    return endWithOneNewline(text + findings);
  }
  const markers = options.policy ? worstVerdictByObject(options.policy) : new Map<string, PolicyVerdict>();
  const marker = (c: Change) => {
    const verdicts = c.objects.map((o) => markers.get(keyId(o.key)));
    const worst = (['mandatory', 'advisory', 'opt-out'] as const).find((v) => verdicts.includes(v));
    return worst ? ` ${VERDICT_LABEL[worst]}` : '';
  };
  const summaryLine = (c: Change) => changeSummary(c, result, marker(c));
  const summary = heading + summaryTable(result);
  const blocks = result.changes.map((c) => renderBlock(c, summaryLine(c), c.objects[0].unifiedDiff.split('\n')));
  const full = summary + policy + blocks.join('');
  if (full.length <= maxChars) return endWithOneNewline(full);

  // Too long. The summary, the policy verdict and a note naming every change whose diff is not shown come first;
  // the policy rows and the list of names get a share of the limit each, so the whole stays under it. Then whole
  // blocks in review order (templates, pools, policies and RBAC first), the first one that does not fit cut short if
  // there is room for a useful part of it. CRD bodies come last: a CRD gets its full diff only when everything
  // before it is shown in full, else a one-line summary of it. Blocks are complete units, so no fence or <details>
  // tag is ever left open.
  const total = result.changes.length;
  const listBudget = Math.min(MAX_OMITTED_LIST_CHARS, Math.floor(maxChars * 0.15));
  const crdCount = result.changes.filter((c) => c.key.kind === CRD_KIND).length;
  const reserve = truncationNote(['-'], total, true, options.fullDiffHint, 0, crdCount).length + listBudget;
  const fittedPolicy = options.policy ? fitPolicySection(options.policy, maxChars - summary.length - reserve, options.fullDiffHint) : '';
  let budget = maxChars - summary.length - fittedPolicy.length - reserve;
  const isCrd = (c: Change) => c.key.kind === CRD_KIND;
  const crdSummaries = result.changes.map((c) => (isCrd(c) ? renderCrdSummary(c, summaryLine(c)) : ''));
  const crdReserve = crdSummaries.reduce((n, b) => n + b.length, 0);
  // CRD summaries are small; they are kept when they take at most half of what is left.
  const keepCrdSummaries = crdReserve <= budget / 2;
  if (keepCrdSummaries) budget -= crdReserve;

  const shown: (string | undefined)[] = result.changes.map(() => undefined);
  let cut = false;
  let allShown = true;
  for (let i = 0; i < blocks.length; i++) {
    if (isCrd(result.changes[i])) continue;
    if (!allShown) break;
    if (blocks[i].length <= budget) {
      shown[i] = blocks[i];
      budget -= blocks[i].length;
      continue;
    }
    const partial = budget >= MIN_PARTIAL_BLOCK ? cutBlock(result.changes[i], summaryLine(result.changes[i]), budget) : undefined;
    if (partial) {
      shown[i] = partial;
      budget -= partial.length;
      cut = true;
    }
    allShown = false;
  }
  if (keepCrdSummaries) budget += crdReserve;
  for (let i = 0; i < blocks.length; i++) {
    if (!isCrd(result.changes[i])) continue;
    const whole = allShown && blocks[i].length <= budget - (keepCrdSummaries ? remainingSummaries(crdSummaries, i) : 0);
    const block = whole ? blocks[i] : keepCrdSummaries || crdSummaries[i].length <= budget ? crdSummaries[i] : undefined;
    if (block) {
      shown[i] = block;
      budget -= block.length;
    }
  }
  const summarized = result.changes.filter((c, i) => isCrd(c) && shown[i] === crdSummaries[i]).length;
  const omitted = result.changes.flatMap((c, i) => {
    if (shown[i] !== undefined) return [];
    const platforms = changePlatforms(c, result);
    return [`- <code>${statusLabel(c.status)}</code> ${escapeHtml(describeKey(c.key))}${platforms ? ` (${escapeHtml(platforms)})` : ''}${marker(c)}`];
  });
  const kept = shown.filter((b): b is string => b !== undefined);
  return endWithOneNewline(summary + fittedPolicy + truncationNote(omitted, total, cut, options.fullDiffHint, listBudget, summarized) + kept.join(''));
}

/** Characters of the CRD summaries after index `i` (still to be placed). */
function remainingSummaries(summaries: readonly string[], i: number): number {
  return summaries.slice(i + 1).reduce((n, b) => n + b.length, 0);
}

function endWithOneNewline(text: string): string {
  return text.replace(/\n*$/, '\n');
}

function summaryTable(result: DiffResult): string {
  const totals = kindTotals(result.kinds);
  const rows = result.kinds.map((k) => `| ${escapeCell(k.kind)} | ${k.added} | ${k.removed} | ${k.changed} | ${k.objects} |`);
  return [
    `**${distinctCountsText(result)}**${escapeHtml(spreadText(result))}, ${result.counts.unchanged} unchanged`,
    '',
    '| kind | added | removed | changed | objects |',
    '|---|--:|--:|--:|--:|',
    ...rows,
    `| **total** | **${totals.added}** | **${totals.removed}** | **${totals.changed}** | **${totals.objects}** |`,
    '',
    '',
  ].join('\n');
}

/**
 * What was cut: how many diffs are not shown, and the name of each of those objects (as many as `listBudget`
 * characters hold, then how many more), so no changed object goes unmentioned in the comment.
 */
function truncationNote(omitted: readonly string[], total: number, cut: boolean, hint = DEFAULT_HINT, listBudget = 0, summarized = 0): string {
  const cutText = cut ? ' (and the diff of the last one shown is cut short)' : '';
  const what = [
    ...(omitted.length > 0 || cut || summarized === 0 ? [`the diffs of ${omitted.length} of ${total} changes are not shown${cutText}`] : []),
    ...(summarized > 0 ? [`${summarized} CustomResourceDefinition${summarized === 1 ? ' is' : 's are'} summarized, not printed`] : []),
  ];
  const lines = [`> **Output truncated:** ${what.join('; ')}, to stay under the comment size limit. For the full diff, ${hint}.`];
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

/** `<code>~ changed</code> <b>Kind ns/name</b>: <code>replicas</code> 2 → 6 (all 6 platforms) ⛔ blocks` */
function changeSummary(c: Change, result: DiffResult, marker: string): string {
  const headline = headlineOf(c.objects[0]);
  const platforms = changePlatforms(c, result);
  return `<code>${statusLabel(c.status)}</code> <b>${escapeHtml(describeKey(c.key))}</b>${headline ? `: ${headlineHtml(headline)}` : ''}${platforms ? ` (${escapeHtml(platforms)})` : ''}${marker}`;
}

function headlineHtml(h: Headline): string {
  const part = (p: HeadlinePart) => [p.before && escapeHtml(p.before), `<code>${escapeHtml(p.label)}</code>`, p.after && escapeHtml(p.after)].filter(Boolean).join(' ');
  const more = h.more > 0 ? ` and ${h.more} more field${h.more === 1 ? '' : 's'}` : '';
  return `${h.noEffect ? 'no effect: ' : ''}${h.parts.map(part).join(', ')}${more}`;
}

/** One collapsible block: the change's headline, its changed paths and no-effect notes, its diff. */
function renderBlock(c: Change, summary: string, diffLines: readonly string[], cutNote = ''): string {
  const fence = fenceFor(diffLines);
  const o = c.objects[0];
  return [
    `<details><summary>${summary}</summary>`,
    '',
    ...changedPaths(o),
    ...o.noEffect.flatMap((n) => [`No effect: <code>${escapeHtml(n.path)}</code>${n.change ? ` ${escapeHtml(valuesText(n.change))}` : ''}: ${escapeHtml(n.reason)}`, '']),
    ...(diffTextsDiffer(c) ? [`<i>The diff as on ${escapeHtml(o.key.platform)} (the unchanged lines around it differ on the other platforms).</i>`, ''] : []),
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

/** A CRD's block without its body: what it defines, its versions, how much changed. */
function renderCrdSummary(c: Change, summary: string): string {
  return [`<details><summary>${summary}</summary>`, '', `<i>${escapeHtml(crdSummaryText(c.objects[0]))}</i>`, '', '</details>', '', ''].join('\n');
}

/** `2 → 6`, `added 3`, `removed "x"` (JSON values, shortened). */
function valuesText(c: FieldChange): string {
  const v = (x: unknown) => {
    const text = JSON.stringify(x) ?? String(x);
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
  };
  return c.type === 'changed' ? `${v(c.oldValue)} → ${v(c.newValue)}` : `${c.type} ${v(c.type === 'added' ? c.newValue : c.oldValue)}`;
}

/** The block for `c` with as many diff lines as fit in `budget` characters, or undefined. */
function cutBlock(c: Change, summary: string, budget: number): string | undefined {
  const lines = c.objects[0].unifiedDiff.split('\n');
  const note = (shown: number) => `<i>… ${lines.length - shown} more diff lines not shown</i>`;
  let shown = 0;
  let size = renderBlock(c, summary, [], note(0)).length;
  while (shown < lines.length && size + lines[shown].length + 1 <= budget) size += lines[shown++].length + 1;
  return shown === 0 ? undefined : renderBlock(c, summary, lines.slice(0, shown), note(shown));
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
