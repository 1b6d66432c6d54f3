/**
 * The pull-request comment of one stack's `pulumi preview --diff --json --event-log <file> --policy-pack policy` (the
 * preview workflow, .github/workflows/preview.yml): what reviewers need from the preview, built from what the CLI
 * writes for machines, never from its display text. The JSON digest has the steps and the stack outputs but no policy
 * finding (CLI 3.277), and a preview that a mandatory policy fails prints no JSON at all; the event log has the policy
 * events, the errors and the summary in both cases, and the steps when there is no JSON:
 *
 * - the verdict: passed, blocked by the policy pack (a mandatory finding), or failed (and why);
 * - the change counts and one row per changed resource (its operation, kind, name, and the fields that change);
 * - every policy finding, mandatory first, with the policy, the resource and the pack's message;
 * - the stack outputs: secrets stay `[secret]` as the CLI printed them, and any other value that looks like a
 *   kubeconfig, a token or a key (cli/diff/redact.ts) is replaced by `<redacted>`; the same holds for every message.
 *
 * Usage: `node scripts/run.js ci/preview-comment.ts --stack <name> --preview <preview.json> --events <events.jsonl>
 * --exit-code <n>` prints the markdown. test/ci/preview-comment.test.ts runs it on previews recorded from real runs
 * (scripts/pulumi/record.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isSensitiveString, REDACTED } from '../../cli/diff/redact';

/** The comment's hidden marker: the workflow edits the comment that carries it (one per stack). */
export const commentMarker = (stack: string): string => `<!-- agent-sandbox-infra:pulumi-preview:${stack} -->`;

/** At most this many resource rows; the rest is counted. */
export const MAX_RESOURCE_ROWS = 60;
/** GitHub comments hold 65,536 characters. */
export const MAX_COMMENT_CHARS = 60_000;

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly detailedDiff?: Record<string, unknown> | null;
  readonly diffReasons?: readonly string[] | null;
  readonly newState?: { readonly type?: string; readonly outputs?: Record<string, unknown> };
  readonly oldState?: { readonly type?: string; readonly outputs?: Record<string, unknown> };
}

interface PreviewDiagnostic {
  readonly urn?: string;
  readonly message?: string;
  readonly severity?: string;
}

/** What `pulumi preview --json` prints (the fields this builder reads). */
export interface PreviewJson {
  readonly steps?: readonly PreviewStep[];
  readonly diagnostics?: readonly PreviewDiagnostic[];
  readonly changeSummary?: Record<string, number>;
  readonly [field: string]: unknown;
}

/** One line of `--event-log` (the fields this builder reads). */
interface EngineEvent {
  readonly resourcePreEvent?: { readonly metadata: { readonly op: string; readonly urn: string; readonly detailedDiff?: Record<string, unknown> | null; readonly diffs?: readonly string[] | null } };
  readonly policyEvent?: { readonly resourceUrn?: string; readonly message: string; readonly policyName: string; readonly enforcementLevel: string };
  readonly diagnosticEvent?: { readonly message: string; readonly severity: string; readonly ephemeral?: boolean; readonly urn?: string };
  readonly summaryEvent?: { readonly resourceChanges?: Record<string, number> };
}

export interface PreviewCommentInput {
  readonly stack: string;
  /** What `pulumi preview --json` printed (empty when it printed nothing). */
  readonly preview: string;
  /** The `--event-log` file's text: one engine event a line (empty when there is none). */
  readonly events?: string;
  /** The CLI's exit code. */
  readonly exitCode: number;
}

function parseEvents(text: string | undefined): EngineEvent[] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EngineEvent];
      } catch {
        return []; // a line cut short when the CLI was killed
      }
    });
}

const OP_LABEL: Readonly<Record<string, string>> = {
  create: '+ create',
  update: '~ update',
  delete: '- delete',
  replace: '+- replace',
  'create-replacement': '+- replace',
  'delete-replaced': '+- replace',
  read: '> read',
  import: '= import',
};

/** A table cell: one line, pipes escaped, sensitive text replaced. */
function cell(text: string, max = 300): string {
  const safe = isSensitiveString(text) ? REDACTED : text;
  const one = safe.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>` → type and name. */
function typeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split('::');
  const types = (parts[2] ?? '').split('$');
  return { type: types[types.length - 1] ?? '', name: parts.slice(3).join('::') };
}

/** `kubernetes:apps/v1:Deployment` → `Deployment`; `aws:eks/nodeGroup:NodeGroup` → `aws:eks/nodeGroup:NodeGroup`. */
function shownType(type: string): string {
  return type.startsWith('kubernetes:') ? type.split(':').pop()! : type;
}

/** A ConfigGroup child is named `<group>:<namespace>/<name>`: the object's own name is what reviewers know. */
function shownName(type: string, name: string): string {
  return type.startsWith('kubernetes:') && name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}

function changedFields(step: PreviewStep): string {
  const fields = Object.keys(step.detailedDiff ?? {});
  const list = fields.length ? fields : [...(step.diffReasons ?? [])];
  return list.map((f) => `\`${cell(f, 80)}\``).join(', ');
}

/** A stack output as shown: `[secret]` as the CLI masked it, anything sensitive-looking redacted. */
function outputValue(value: unknown): string {
  if (value === '[secret]') return '`[secret]`';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return '';
  if (isSensitiveString(text)) return `\`${REDACTED}\``;
  return `\`${cell(text, 120).replace(/`/g, "'")}\``;
}

function policyFindingsOf(events: readonly EngineEvent[]): { level: string; policy: string; resource: string; message: string }[] {
  const fromEvents = events.flatMap((e) =>
    e.policyEvent ? [{ level: e.policyEvent.enforcementLevel, policy: e.policyEvent.policyName, urn: e.policyEvent.resourceUrn ?? '', message: e.policyEvent.message }] : [],
  );
  const findings = fromEvents.map((f) => {
    const { type, name } = f.urn ? typeAndName(f.urn) : { type: '', name: '' };
    // The engine puts the policy's description before the violation: the violation is what reviewers act on.
    const cut = f.message.indexOf('\n');
    const violation = (cut < 0 ? f.message : f.message.slice(cut + 1)).trim() || f.message.trim();
    return { level: f.level, policy: f.policy, resource: type ? `${shownType(type)} ${shownName(type, name)}` : 'the stack', message: violation };
  });
  const order = ['mandatory', 'remediate', 'advisory'];
  return findings.sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
}

const VERDICT_ICON: Readonly<Record<string, string>> = { mandatory: '⛔ mandatory', remediate: '🔧 remediate', advisory: '⚠️ advisory' };

export function previewComment(input: PreviewCommentInput): string {
  const events = parseEvents(input.events);
  let preview: PreviewJson | undefined;
  let unreadable: string | undefined;
  if (input.preview.trim()) {
    try {
      preview = JSON.parse(input.preview) as PreviewJson;
    } catch (err) {
      unreadable = (err as Error).message;
    }
  }
  // Without the JSON (a failed preview prints none), the steps are the engine's own, from the event log.
  const steps: readonly PreviewStep[] =
    preview?.steps ??
    events.flatMap((e) => {
      const m = e.resourcePreEvent?.metadata;
      return m ? [{ op: m.op, urn: m.urn, detailedDiff: m.detailedDiff ?? (m.diffs ? Object.fromEntries(m.diffs.map((d) => [d, {}])) : null) }] : [];
    });
  const findings = policyFindingsOf(events);
  const mandatory = findings.filter((f) => f.level === 'mandatory');
  const errors = [
    ...(preview?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => d.message ?? ''),
    ...events.flatMap((e) => (e.diagnosticEvent?.severity === 'error' && !e.diagnosticEvent.ephemeral ? [e.diagnosticEvent.message] : [])),
  ].map((m) => m.trim()).filter((m, i, all) => m && all.indexOf(m) === i);
  const verdict = input.exitCode === 0 ? '✅ passed' : mandatory.length ? `⛔ blocked by the policy pack (${mandatory.length} mandatory finding${mandatory.length === 1 ? '' : 's'})` : '❌ failed';
  const counts = preview?.changeSummary ?? [...events].reverse().find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges ?? {};
  const summary = ['create', 'update', 'replace', 'delete', 'same']
    .filter((op) => counts[op] !== undefined)
    .map((op) => `${counts[op]} ${op === 'same' ? 'unchanged' : `to ${op}`}`)
    .join(' · ');

  const lines: string[] = [commentMarker(input.stack), `### Pulumi preview: \`${input.stack}\` — ${verdict}`, ''];
  if (!preview && !events.length) {
    lines.push(`\`pulumi preview\` left neither JSON nor an event log (exit code ${input.exitCode}${unreadable ? `; the JSON is unreadable: ${cell(unreadable)}` : ''}); see the job log.`, '');
    return lines.join('\n');
  }
  lines.push(summary ? `**${summary}**` : '**no changes**', '');

  const changed = steps.filter((s) => s.op !== 'same' && OP_LABEL[s.op] !== undefined && !typeAndName(s.urn).type.startsWith('pulumi:'));
  if (changed.length) {
    lines.push('| | kind | resource | changes |', '|---|---|---|---|');
    for (const s of changed.slice(0, MAX_RESOURCE_ROWS)) {
      const { type, name } = typeAndName(s.urn);
      lines.push(`| ${OP_LABEL[s.op]} | ${cell(shownType(type), 80)} | ${cell(shownName(type, name), 120)} | ${s.op === 'update' ? changedFields(s) : ''} |`);
    }
    if (changed.length > MAX_RESOURCE_ROWS) lines.push('', `…and ${changed.length - MAX_RESOURCE_ROWS} more changed resources (see the job log).`);
    lines.push('');
  }

  lines.push('#### Policy pack', '');
  if (findings.length) {
    lines.push('| verdict | policy | resource | finding |', '|---|---|---|---|');
    for (const f of findings) lines.push(`| ${VERDICT_ICON[f.level] ?? cell(f.level)} | \`${cell(f.policy, 80)}\` | ${cell(f.resource, 120)} | ${cell(f.message, 600)} |`);
  } else {
    lines.push(events.length ? 'No findings.' : 'Not known: no event log.');
  }
  lines.push('');

  const stackStep = steps.find((s) => typeAndName(s.urn).type === 'pulumi:pulumi:Stack');
  const outputs = stackStep?.newState?.outputs ?? stackStep?.oldState?.outputs;
  if (outputs && Object.keys(outputs).length) {
    lines.push('<details><summary>Stack outputs</summary>', '', '| output | value |', '|---|---|');
    for (const [k, v] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| \`${cell(k, 80)}\` | ${outputValue(v)} |`);
    lines.push('', '</details>', '');
  }
  if (errors.length) {
    lines.push('#### Errors', '');
    for (const e of errors) lines.push(`- ${cell(e, 1000)}`);
    lines.push('');
  }
  const text = lines.join('\n');
  return text.length <= MAX_COMMENT_CHARS ? text : `${text.slice(0, MAX_COMMENT_CHARS - 80)}\n\n…(cut at ${MAX_COMMENT_CHARS} characters; see the job log)\n`;
}

/** `--stack <name> --preview <file> --events <file> --exit-code <n>`: prints the comment (a missing file reads as empty). */
export async function main(args: string[]): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const stack = opt('--stack');
  const file = opt('--preview');
  const eventsFile = opt('--events');
  const exitCode = Number(opt('--exit-code'));
  if (!stack || !file || !Number.isInteger(exitCode)) {
    process.stderr.write('usage: preview-comment.ts --stack <name> --preview <preview.json> [--events <events.jsonl>] --exit-code <n>\n');
    return 2;
  }
  const read = (f: string | undefined) => (f && existsSync(f) ? readFileSync(f, 'utf8') : '');
  process.stdout.write(previewComment({ stack, preview: read(file), events: read(eventsFile), exitCode }));
  return 0;
}
