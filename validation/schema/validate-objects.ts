/**
 * Checks Kubernetes objects: shape (apiVersion/kind/metadata), the pinned schema of their kind, and any extra
 * checkers (sandbox invariants, CEL selectors) registered by callers. Returns every problem, never throws on input.
 */
import { expandedJsonBytes, formatBytes, LIMITS } from '../../core/limits';
import { SchemaCatalog } from './schema-catalog';
import { schemaMessages } from './schema-errors';
import { describeObject, type ObjectChecker, type Problem } from '../../core/diagnostics';

export interface ObjectSource {
  readonly value: unknown;
  readonly file?: string;
  readonly index?: number;
}

export type { ObjectChecker };

export interface ValidateOptions {
  readonly catalog: SchemaCatalog;
  readonly checkers?: readonly ObjectChecker[];
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function validateObjects(sources: readonly ObjectSource[], options: ValidateOptions): Problem[] {
  return validateObjectsAndList(sources, options).problems;
}

/** An object whose shape and size passed: what the checkers judge. */
export interface CheckableObject {
  readonly value: Record<string, unknown>;
  /** describeObject(value, index): how problems name it. */
  readonly object: string;
  readonly file?: string;
}

/**
 * validateObjects, and the objects the checkers judged (shape and size passed). A caller that meets the same
 * document again with other checkers (synth: one document on every platform) keeps the schema's result and runs
 * only its own checkers on `checkable` (runCheckers).
 */
export function validateObjectsAndList(sources: readonly ObjectSource[], options: ValidateOptions): { problems: Problem[]; checkable: CheckableObject[] } {
  const problems: Problem[] = [];
  const checkable: CheckableObject[] = [];
  const seen = new Map<string, string[]>();
  for (const source of sources) {
    const object = describeObject(source.value, source.index);
    const push = (path: string, message: string, severity: Problem['severity'] = 'error', code = 'schema') =>
      problems.push({ file: source.file, object, path, message, severity, code });
    const value = source.value;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      push('', `not a Kubernetes object (a YAML mapping with apiVersion, kind and metadata), got ${Array.isArray(value) ? 'a list' : typeof value}`);
      continue;
    }
    const obj = value as Record<string, unknown>;
    const shapeOk = checkShape(obj, push);
    if (!shapeOk) continue;
    // An object etcd would refuse is refused here, before its schema is walked (bounded time on huge inputs).
    const size = expandedJsonBytes(obj, LIMITS.objectBytes);
    if (size > LIMITS.objectBytes) {
      push('', `is more than ${formatBytes(LIMITS.objectBytes)} as JSON; the API server refuses objects that large (etcd's request limit): make it smaller`, 'error', 'objectSize');
      continue;
    }
    const meta = obj.metadata as { name?: string; namespace?: string };
    duplicateCheck(seen, obj, meta, source.file, push, object);

    const lookup = options.catalog.lookup(obj.apiVersion as string, obj.kind as string);
    if (lookup.status === 'found') {
      if (!lookup.validate(obj)) {
        for (const m of schemaMessages(lookup.validate.errors ?? [], obj)) push(m.path, m.message);
      }
    } else if (lookup.status === 'unknown-kind') {
      push('kind', lookup.message);
    } else {
      push('', lookup.message, 'note');
    }
    const item: CheckableObject = { value: obj, object, file: source.file };
    checkable.push(item);
    problems.push(...runCheckers([item], options.checkers ?? []));
  }
  return { problems, checkable };
}

/** What `checkers` find in objects that passed validateObjects' shape and size checks. */
export function runCheckers(objects: readonly CheckableObject[], checkers: readonly ObjectChecker[]): Problem[] {
  const problems: Problem[] = [];
  for (const { value, object, file } of objects) {
    for (const checker of checkers) {
      for (const p of checker(value, object)) problems.push({ ...p, file });
    }
  }
  return problems;
}

function checkShape(obj: Record<string, unknown>, push: (path: string, message: string) => void): boolean {
  let ok = true;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof obj[field] !== 'string' || !obj[field]) {
      push(field, `missing required field "${field}"`);
      ok = false;
    }
  }
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
    push('metadata', 'missing required field "metadata"');
    return false;
  }
  if (typeof meta.name !== 'string' && typeof meta.generateName !== 'string') {
    push('metadata', 'missing required field "name"');
    ok = false;
  } else if (typeof meta.name === 'string' && (meta.name.length > 253 || !NAME_RE.test(meta.name))) {
    push('metadata.name', `"${meta.name}" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending alphanumeric, at most 253 characters`);
  }
  return ok;
}

/**
 * The same object twice is an error where the copies are applied together: in one file, or in files of one folder
 * (one platform's output: `kubectl apply -f <dir>` applies both and the last one silently wins). Across folders it is
 * fine (one folder per platform or cluster).
 */
function duplicateCheck(
  seen: Map<string, string[]>,
  obj: Record<string, unknown>,
  meta: { name?: string; namespace?: string },
  file: string | undefined,
  push: (path: string, message: string, severity?: Problem['severity'], code?: string) => void,
  object: string,
): void {
  if (!meta.name) return;
  const key = objectIdentity(obj);
  const where = file ?? '';
  const previous = seen.get(key) ?? [];
  const sameFile = previous.includes(where);
  const sameDir = previous.find((f) => f !== where && dirOf(f) === dirOf(where));
  if (sameFile) push('metadata.name', `duplicate object: ${object} is defined twice${where ? ` in ${where}` : ''}`, 'error', 'duplicateObject');
  else if (sameDir !== undefined) push('metadata.name', `duplicate object: ${object} is also defined in ${sameDir}; applied together (one platform's folder), one silently replaces the other`, 'error', 'duplicateObject');
  seen.set(key, [...previous, where]);
}

/** group/kind/namespace/name: what the API server identifies an object by (the version is not part of it). */
export function objectIdentity(obj: Record<string, unknown>): string {
  const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
  const group = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/')[0] : '';
  return `${group}|${String(obj.kind)}|${meta.namespace ?? ''}|${meta.name ?? ''}`;
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i);
}
