/**
 * YAML output that every reader sees the same way: strings that a YAML 1.1 parser (go-yaml v2, which kubectl and
 * sigs.k8s.io/yaml use) or a YAML 1.2 parser would read as something else — `yes`, `on`, `0777`, `1_000`, `12:30`,
 * `1e3`, `0o17` — are quoted. js-yaml already quotes everything its 1.2 schema or the 1.1 booleans would resolve;
 * the extra implicit types below make it quote the remaining 1.1-only forms (underscored numbers).
 */
import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';

const yaml11UnderscoreNumber = new Type('tag:yaml.org,2002:yaml11-underscore-number', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+][0-9]+)?)$/.test(data) && data.includes('_'),
  construct: (data: string) => data,
});

const EMIT_SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [yaml11UnderscoreNumber] });

/** Emitted text per object, for objects emitted more than once (the pinned CRDs on every platform). */
const emitted = new WeakMap<object, string>();

/** One YAML document (no `---`), block style, no line folding, no anchors. */
export function toYamlDocument(value: unknown): string {
  const cached = value !== null && typeof value === 'object' ? emitted.get(value) : undefined;
  if (cached !== undefined) return cached;
  const text = dump(value, { schema: EMIT_SCHEMA, noRefs: true, lineWidth: -1, sortKeys: false });
  if (value !== null && typeof value === 'object') emitted.set(value, text);
  return text;
}

/** A multi-document stream: `---`-separated, trailing newline. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map(toYamlDocument).join('---\n');
}
