import { headlineOf, type Headline } from './headline';
import { describeKey, keyId } from './key';
import { blockedObjectCount, POLICY_REVIEW_SCOPE, verdictCounts, worstVerdictByObject, type PolicyReview, type PolicyVerdict } from './policy-review';
import { changePlatforms, diffTextsDiffer, distinctCountsText, hasChanges, kindTotals, noChangesSentence, spreadText, statusLabel } from './summary';
import { Change, DiffResult, FieldChange, NoEffectNote } from './types';

export interface TextOptions {
  /**
   * Color with ANSI escapes (red deletions, green additions, cyan hunk headers, bold object headers).
   * @default false
   */
  readonly color?: boolean;
  /**
   * List the field-level changes (with redacted values) above each object's unified diff.
   * @default true
   */
  readonly fieldChanges?: boolean;
  /** The policy pack's findings on the head (cli/diff/policy-review.ts): a marker per object and a section at the end. */
  readonly policy?: PolicyReview;
}

const VERDICT_LABEL: Record<PolicyVerdict, string> = { mandatory: 'BLOCKS', advisory: 'advisory', 'opt-out': 'opted out' };

/** Longest value shown in a field-change line before it is shortened with "…". */
const MAX_VALUE_CHARS = 120;

/** Render a diff result for a terminal or a CI job log. */
export function renderText(result: DiffResult, options: TextOptions = {}): string {
  const paint = painter(options.color ?? false);
  const policy = options.policy;
  if (!hasChanges(result)) {
    const findings = policy && policy.findings.length > 0 ? ['', ...policySection(policy, paint)] : [];
    return [noChangesSentence(result), ...findings].join('\n').replace(/\n*$/, '\n');
  }

  const markers = policy ? worstVerdictByObject(policy) : new Map<string, PolicyVerdict>();
  const out = [`Manifest diff: ${distinctCountsText(result)}${spreadText(result)}, ${result.counts.unchanged} unchanged`, '', ...kindTable(result), ''];
  for (const change of result.changes) {
    const o = change.objects[0];
    const verdict = worstVerdict(change, markers);
    out.push(paint.bold(changeHeader(change, result)) + (verdict ? ` ${verdict === 'mandatory' ? paint.red(`[${VERDICT_LABEL[verdict]}]`) : `[${VERDICT_LABEL[verdict]}]`}` : ''));
    if (options.fieldChanges ?? true) out.push(...o.fieldChanges.map(formatFieldChange));
    out.push(...o.noEffect.map(formatNoEffect));
    if (diffTextsDiffer(change)) out.push(`  (the diff as on ${o.key.platform}: the unchanged lines around it differ on the other platforms)`);
    for (const line of o.unifiedDiff.split('\n')) {
      if (line.startsWith('@@')) out.push(paint.cyan(line));
      else if (line.startsWith('+')) out.push(paint.green(line));
      else if (line.startsWith('-')) out.push(paint.red(line));
      else out.push(line);
    }
    out.push('');
  }
  if (policy) out.push(...policySection(policy, paint));
  return out.join('\n').replace(/\n*$/, '\n');
}

/** `Policy pack: …` and one line per finding: `BLOCKS Sandbox ns/name [eks] (changed): policy [rule]: path: why`. */
function policySection(review: PolicyReview, paint: ReturnType<typeof painter>): string[] {
  const counts = verdictCounts(review);
  const blocked = blockedObjectCount(review);
  const heading =
    review.findings.length === 0
      ? `Policy pack: no findings (${review.checked} sandbox, template and warm-pool objects checked)`
      : `Policy pack: ${blocked} object${blocked === 1 ? '' : 's'} would block \`pulumi preview --policy-pack policy\` (${counts.mandatory} mandatory, ${counts.advisory} advisory, ${counts['opt-out']} opted out)`;
  const lines = [paint.bold(heading)];
  for (const f of review.findings) {
    const platform = f.key.platform ? ` [${f.key.platform}]` : '';
    const line = `  ${VERDICT_LABEL[f.verdict]} ${describeKey(f.key)}${platform} (${f.status}): ${f.policy} [${f.rule}]: ${f.path}: ${f.message}`;
    lines.push(f.verdict === 'mandatory' ? paint.red(line) : line);
  }
  lines.push(`  ${POLICY_REVIEW_SCOPE}`);
  return lines;
}

function kindTable(result: DiffResult): string[] {
  const totals = kindTotals(result.kinds);
  const rows = [
    ['KIND', 'ADDED', 'REMOVED', 'CHANGED', 'OBJECTS'],
    ...result.kinds.map((k) => [k.kind, String(k.added), String(k.removed), String(k.changed), String(k.objects)]),
    ['total', String(totals.added), String(totals.removed), String(totals.changed), String(totals.objects)],
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((r) =>
    r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ').trimEnd(),
  );
}

/** The worst policy verdict on any of the change's objects. */
function worstVerdict(change: Change, markers: ReadonlyMap<string, PolicyVerdict>): PolicyVerdict | undefined {
  const verdicts = change.objects.map((o) => markers.get(keyId(o.key)));
  return (['mandatory', 'advisory', 'opt-out'] as const).find((v) => verdicts.includes(v));
}

/** `~ changed Deployment ns/name: replicas 2 → 3 [all 6 platforms] (<platform>/10-agent-sandbox.yaml)` */
function changeHeader(change: Change, result: DiffResult): string {
  const headline = headlineOf(change.objects[0]);
  const platforms = changePlatforms(change, result);
  const source = sourceOf(change);
  return `${statusLabel(change.status)} ${describeKey(change.key)}${headline ? `: ${headlineText(headline)}` : ''}${platforms ? ` [${platforms}]` : ''}${source ? ` (${source})` : ''}`;
}

/** The file of the change: `eks/a.yaml`, `<platform>/a.yaml` when each platform has it in the same file. */
function sourceOf(change: Change): string {
  const sources = change.objects.map((o) => o.headSource ?? o.baseSource ?? '');
  if (sources.length === 1) return sources[0];
  const rests = new Set(change.objects.map((o, i) => (o.key.platform && sources[i].startsWith(`${o.key.platform}/`) ? sources[i].slice(o.key.platform.length + 1) : sources[i])));
  return rests.size === 1 ? `<platform>/${[...rests][0]}` : sources.join(', ');
}

function headlineText(h: Headline): string {
  const parts = h.parts.map((p) => [p.before, p.label, p.after].filter((x) => x !== undefined).join(' ')).join(', ');
  const more = h.more > 0 ? ` and ${h.more} more field${h.more === 1 ? '' : 's'}` : '';
  return `${h.noEffect ? 'no effect: ' : ''}${parts}${more}`;
}

/** `  = rules[0].verbs: only the order changed, …`, `  = spec.replicas: 4 → 6: HorizontalPodAutoscaler …` */
function formatNoEffect(n: NoEffectNote): string {
  const c = n.change;
  const values = !c ? '' : c.type === 'changed' ? `: ${formatValue(c.oldValue)} → ${formatValue(c.newValue)}` : `: ${c.type} ${formatValue(c.type === 'added' ? c.newValue : c.oldValue)}`;
  return `  = ${n.path}${values}: ${n.reason}`;
}

function formatFieldChange(c: FieldChange): string {
  switch (c.type) {
    case 'added':
      return `  + ${c.path}: ${formatValue(c.newValue)}`;
    case 'removed':
      return `  - ${c.path}: ${formatValue(c.oldValue)}`;
    case 'changed':
      return `  ~ ${c.path}: ${formatValue(c.oldValue)} → ${formatValue(c.newValue)}`;
    default: {
      const never: never = c.type;
      return never;
    }
  }
}

function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function painter(enabled: boolean) {
  const wrap = (code: string) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { bold: wrap('1'), red: wrap('31'), green: wrap('32'), cyan: wrap('36') };
}
