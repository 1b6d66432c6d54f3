/**
 * Rendering of the CEL fragments shared by the selector builder and the checker's suggestions, so
 * that both always print the same, correct form: device.attributes["<domain>"].<name>.
 */

/** The two maps of a DRA device that are keyed by domain, then by name. */
export type DeviceMapField = 'attributes' | 'capacity';

// CEL keywords and reserved words (cel-spec langdef.md "Syntax"). A name equal to one of them cannot
// follow a ".", so it is looked up with ["name"] instead.
const CEL_RESERVED = new Set([
  'false', 'in', 'null', 'true',
  'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop',
  'package', 'namespace', 'return', 'var', 'void', 'while',
]);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A double-quoted CEL string literal for `value`: backslash, quote and control characters are
 * escaped, everything else (including non-ASCII text) is kept as is. Deterministic.
 * @throws if `value` holds a lone UTF-16 surrogate (not representable in a CEL string)
 */
export function celString(value: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new Error(`string ${JSON.stringify(value)} contains a lone UTF-16 surrogate; CEL strings must be valid Unicode`);
  }
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `.name`, or `["name"]` when `name` cannot follow a dot in CEL. */
export function celMember(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !CEL_RESERVED.has(name) ? `.${name}` : `[${celString(name)}]`;
}

/** device.attributes["<domain>"].<name> (or device.capacity[...]...). Inputs are not validated here. */
export function deviceLookup(field: DeviceMapField, domain: string, name: string): string {
  return `device.${field}[${celString(domain)}]${celMember(name)}`;
}
