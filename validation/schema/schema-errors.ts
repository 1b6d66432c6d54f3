/** ajv errors → one readable line each, with the field, the value and what is allowed. */
import type { ErrorObject } from 'ajv';
import { joinPath, pointerToPath } from '../../core/diagnostics';
import { CONTROLLER_GEN_QUANTITY_PATTERN, QUANTITY_PATTERN, RFC3339_PATTERN } from './schema-patch';

/** What the patterns schema-patch adds (and controller-gen's quantity pattern) mean, said in words. */
const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  [QUANTITY_PATTERN]: 'must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi',
  [CONTROLLER_GEN_QUANTITY_PATTERN]: 'must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi',
  [RFC3339_PATTERN]: 'must be an RFC 3339 time like 2026-12-31T23:59:59Z',
};

export interface SchemaMessage {
  readonly path: string;
  readonly message: string;
}

export function schemaMessages(errors: readonly ErrorObject[], root: unknown): SchemaMessage[] {
  // anyOf/oneOf failures come with one error per failed branch at the same path: keep one combined message.
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath));
  const out: SchemaMessage[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const inBranch = unionPaths.has(e.instancePath) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.schemaPath.includes('Of/');
    if (inBranch) continue;
    const msg = render(e, errors, root);
    const key = `${msg.path}\n${msg.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(msg);
    }
  }
  return out;
}

function render(e: ErrorObject, all: readonly ErrorObject[], root: unknown): SchemaMessage {
  const path = pointerToPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: joinPath(path, String(p.additionalProperty)), message: `unknown field "${String(p.additionalProperty)}"` };
    case 'required':
      return { path, message: `missing required field "${String(p.missingProperty)}"` };
    case 'type':
      return { path, message: `must be ${String(p.type).replace(',', ' or ')}, got ${describe(value)}` };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}` };
    case 'anyOf':
    case 'oneOf': {
      const types = all
        .filter((o) => o.instancePath === e.instancePath && o.keyword === 'type' && o.schemaPath.startsWith(e.schemaPath.replace(/\/(anyOf|oneOf)$/, '')))
        .map((o) => String((o.params as { type: string }).type));
      const allowed = [...new Set(types)];
      return { path, message: allowed.length ? `must be ${allowed.join(' or ')}, got ${describe(value)}` : `${e.message ?? 'does not match the schema'}, got ${describe(value)}` };
    }
    case 'pattern': {
      const meaning = Object.prototype.hasOwnProperty.call(PATTERN_MEANINGS, String(p.pattern)) ? PATTERN_MEANINGS[String(p.pattern)] : undefined;
      if (meaning && typeof value === 'string') return { path, message: `${meaning}, got ${shown(value)}` };
      return { path, message: `${e.message ?? 'must match a pattern'}, got ${describe(value)}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)}, got ${describe(value)}` };
    default:
      return { path, message: `${e.message ?? e.keyword}, got ${describe(value)}` };
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  if (!pointer) return cur;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value} ${shown(value)}`;
}

/** A scalar as JSON, cut at 60 characters. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
