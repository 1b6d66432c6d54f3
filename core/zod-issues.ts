/** zod issues → `path: message, got value` lines, e.g. `tenants[1].warmPools[0].replicas: must be ≤ 500, got 10000`. */
import type { z } from 'zod';

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

export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = formatPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown field "${key}"`);
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
