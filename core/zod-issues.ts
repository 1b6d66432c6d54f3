/**
 * zod issues → Problems (`code: 'schema'`) whose path is the field and whose message says what is allowed and what
 * was given, e.g. `tenants[1].warmPools[0].replicas` / `must be ≤ 500, got 10000`.
 */
import type { z } from 'zod';
import { formatProblem, problemAt, type Problem } from './diagnostics';
import { didYouMean } from './suggest';

type Def = { type?: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType; out?: z.ZodType; valueType?: z.ZodType };
const defOf = (schema: z.ZodType | undefined): Def | undefined => (schema as unknown as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The object schemas `schema` has at `path` (through optional/nullable/default wrappers, arrays, records, unions). */
function objectsAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): Def[] {
  const def = defOf(schema);
  if (!def) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return objectsAt(def.innerType, path);
    case 'pipe':
      return objectsAt(def.in, path);
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path));
  }
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === 'array' && typeof head === 'number') return objectsAt(def.element, rest);
  if (def.type === 'record') return objectsAt(def.valueType, rest);
  if (def.type === 'object' && typeof head === 'string') return objectsAt(def.shape?.[head], rest);
  return [];
}

/** The keys the object at `path` of `schema` allows (empty when unknown). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/** The path of an issue about the parsed value as a whole. */
export const ROOT_PATH = '(config)';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || ROOT_PATH;
}

function got(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * With `schema` (the one that produced the issues), an unknown key gets a "did you mean" from the keys allowed there.
 * `root`: the path the parsed value sits at (`['cluster']`), in front of every issue's path.
 */
export function issueProblems(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, root: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  const push = (path: readonly PropertyKey[], message: string) => problems.push(problemAt(formatPath([...root, ...path]), message, 'schema'));
  for (const issue of issues) {
    const at = issue.path;
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const hint = schema ? didYouMean(key, knownKeysAt(schema, issue.path)) : '';
          push([...issue.path, key], `unknown field "${key}"${hint}`);
        }
        break;
      case 'invalid_type':
        push(at, `${input === undefined ? 'is required' : `must be ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${got(input)}`}`);
        break;
      case 'invalid_value':
        push(at, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got(input)}`);
        break;
      case 'too_big':
        push(at, `must be ${issue.origin === 'array' ? 'at most' : issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}, got ${issue.origin === 'array' && Array.isArray(input) ? `${input.length} items` : got(input)}`);
        break;
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1) {
          push(at, 'must not be empty');
          break;
        }
        push(at, `must be ${issue.origin === 'array' ? 'at least' : issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}, got ${issue.origin === 'array' && Array.isArray(input) ? `${input.length} items` : got(input)}`);
        break;
      case 'invalid_format':
      case 'custom':
        push(at, `${issue.message}${input !== undefined && issue.code === 'invalid_format' ? `, got ${got(input)}` : ''}`);
        break;
      case 'invalid_union':
        push(at, `${issue.message}, got ${got(input)}`);
        break;
      default:
        push(at, issue.message);
    }
  }
  return problems;
}

/** The issues as `path: message` lines (`(config)` for the value as a whole). */
export function issueLines(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): string[] {
  return issueProblems(issues, schema).map(formatProblem);
}
