/** zod issues → `path: message, got value` lines, e.g. `tenants[1].warmPools[0].replicas: must be ≤ 500, got 10000`. */
import type { z } from 'zod';
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

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || '(config)';
}

function got(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** With `schema` (the one that produced the issues), an unknown key gets a "did you mean" from the keys allowed there. */
export function issueLines(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = formatPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const hint = schema ? didYouMean(key, knownKeysAt(schema, issue.path)) : '';
          lines.push(`${formatPath([...issue.path, key])}: unknown field "${key}"${hint}`);
        }
        break;
      case 'invalid_type':
        lines.push(`${at}: ${input === undefined ? 'is required' : `must be ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${got(input)}`}`);
        break;
      case 'invalid_value':
        lines.push(`${at}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got(input)}`);
        break;
      case 'too_big':
        lines.push(`${at}: must be ${issue.origin === 'array' ? 'at most' : issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}, got ${issue.origin === 'array' && Array.isArray(input) ? `${input.length} items` : got(input)}`);
        break;
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1) {
          lines.push(`${at}: must not be empty`);
          break;
        }
        lines.push(`${at}: must be ${issue.origin === 'array' ? 'at least' : issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}, got ${issue.origin === 'array' && Array.isArray(input) ? `${input.length} items` : got(input)}`);
        break;
      case 'invalid_format':
      case 'custom':
        lines.push(`${at}: ${issue.message}${input !== undefined && issue.code === 'invalid_format' ? `, got ${got(input)}` : ''}`);
        break;
      case 'invalid_union':
        lines.push(`${at}: ${issue.message}, got ${got(input)}`);
        break;
      default:
        lines.push(`${at}: ${issue.message}`);
    }
  }
  return lines;
}
