/**
 * The short line that names what a change does, with its values, so a reviewer need not open the diff:
 * `replicas 2 → 6`, `image agent-sandbox-controller v0.5.6 → v0.5.7`, `no effect: only the order of rules[0].verbs changed`.
 * Values are the diff's redacted values.
 */
import type { FieldChange, ObjectDiff } from './types';

/** One item: `before <label> after`, the label shown as code in markdown. */
export interface HeadlinePart {
  readonly before?: string;
  readonly label: string;
  readonly after?: string;
}

export interface Headline {
  readonly noEffect: boolean;
  readonly parts: readonly HeadlinePart[];
  /** Field changes not in `parts`. */
  readonly more: number;
}

/** Field changes named in a headline before "and N more fields". */
const MAX_PARTS = 3;
/** Longest value in a headline, "…" included. */
const MAX_VALUE_CHARS = 40;

/** The headline of a changed object; undefined for added and removed objects (their kind and name say it). */
export function headlineOf(o: ObjectDiff): Headline | undefined {
  if (o.status !== 'changed') return undefined;
  if (o.fieldChanges.length === 0 && o.noEffect.length > 0) {
    const parts = o.noEffect.slice(0, MAX_PARTS).map((n) => (n.change ? fieldPart(n.change) : { before: 'only the order of', label: n.path, after: 'changed' }));
    return { noEffect: true, parts, more: o.noEffect.length - parts.length };
  }
  const parts = o.fieldChanges.slice(0, MAX_PARTS).map(fieldPart);
  return { noEffect: false, parts, more: o.fieldChanges.length - parts.length };
}

/** `replicas 2 → 6`, `ports added`, `resources removed`, `args changed` (a list or map that changed as a whole). */
function fieldPart(c: FieldChange): HeadlinePart {
  const label = lastSegment(c.path);
  if (c.type !== 'changed') return { label, after: c.type };
  if (!isScalar(c.oldValue) || !isScalar(c.newValue)) return { label, after: 'changed' };
  if (label === 'image' && typeof c.oldValue === 'string' && typeof c.newValue === 'string') {
    const [a, b] = [splitImage(c.oldValue), splitImage(c.newValue)];
    if (a.repository === b.repository && a.version && b.version) {
      return { label, after: `${a.repository.split('/').pop()} ${shorten(a.version)} → ${shorten(b.version)}` };
    }
    // Another repository: its last segment and the tag, the part a long registry path would push out of view.
    const tail = (i: { repository: string; version?: string }) => `${i.repository.split('/').pop()}${i.version ? (i.version.startsWith('@') ? i.version : `:${i.version}`) : ''}`;
    return { label, after: `${shorten(tail(a))} → ${shorten(tail(b))}` };
  }
  return { label, after: `${shorten(scalarText(c.oldValue))} → ${shorten(scalarText(c.newValue))}` };
}

/** `spec.template.spec.containers[0].image` → `image`; `rules[0].resources[1]` → `resources[1]`; `labels["a/b"]` → `a/b`. */
export function lastSegment(path: string): string {
  const quoted = /\[("(?:[^"\\]|\\.)*")\]$/.exec(path);
  if (quoted) return JSON.parse(quoted[1]) as string;
  const index = /^(.*?)((?:\[\d+\])+)$/.exec(path);
  if (index) return `${index[1] ? lastSegment(index[1]) : ''}${index[2]}`;
  return path.slice(path.lastIndexOf('.') + 1);
}

/** `registry/repo:tag@sha256:…` → the repository and its tag (or digest). */
function splitImage(ref: string): { repository: string; version?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at).replace(/:[^/:]*$/, ''), version: `@${ref.slice(at + 1, at + 1 + 'sha256:'.length + 12)}` };
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { repository: ref.slice(0, colon), version: ref.slice(colon + 1) } : { repository: ref };
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS - 1)}…` : oneLine;
}

/** `(all 6 platforms)`-style label: every platform compared, or their names; empty without platforms. */
export function platformsLabel(platforms: readonly string[], allPlatforms: readonly string[]): string {
  const named = platforms.filter((p) => p !== '');
  if (named.length === 0) return '';
  if (named.length > 1 && named.length === allPlatforms.length) return `all ${named.length} platforms`;
  return named.join(', ');
}
