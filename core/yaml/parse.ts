/**
 * Reading manifests the way Kubernetes does: sigs.k8s.io/yaml decodes with go-yaml v2 (YAML 1.1), where
 * `enabled: yes` is a boolean. js-yaml's core schema plus the 1.1 booleans gives the API server's view, and
 * timestamps stay strings (as they do in JSON). js-yaml parses large CRD streams ~5x faster than `yaml`.
 */
import { CORE_SCHEMA, load, Type, YAMLException } from 'js-yaml';
import { expandedJsonBytes, formatBytes, LIMITS } from '../limits';

const YAML11_TRUE = ['true', 'True', 'TRUE', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
const YAML11_FALSE = ['false', 'False', 'FALSE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];

const yaml11Bool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && (YAML11_TRUE.includes(data) || YAML11_FALSE.includes(data)),
  construct: (data: string) => YAML11_TRUE.includes(data),
  predicate: (o: unknown) => typeof o === 'boolean',
});

// Not exported: the package's declarations must not refer to js-yaml's types (a devDependency).
const KUBERNETES_READ_SCHEMA = CORE_SCHEMA.extend({ implicit: [yaml11Bool] });

export interface ParsedDocument {
  readonly file: string;
  /** 0-based index of the document in the file. */
  readonly index: number;
  /** 1-based line where the document starts. */
  readonly line: number;
  readonly value: unknown;
}

export interface ParseProblem {
  readonly file: string;
  readonly line: number;
  /** 1-based column of the error, when the parser knows it. */
  readonly column?: number;
  readonly message: string;
}

/** `line 12, column 5` (or `line 12`). */
export function formatPosition(p: Pick<ParseProblem, 'line' | 'column'>): string {
  return p.column === undefined ? `line ${p.line}` : `line ${p.line}, column ${p.column}`;
}

/** Bounds on one document's aliases (billion-laughs style inputs). */
export interface YamlLimits {
  /** Alias nodes (`*name`) allowed in one document. @default LIMITS.yamlAliases */
  readonly maxAliases?: number;
  /** JSON size one document may reach once its aliases are written out. @default LIMITS.yamlExpandedBytes */
  readonly maxExpandedBytes?: number;
}

/** Thrown from the parser's listener: stops reading a document at the first alias over the limit. */
class TooManyAliases extends Error {
  constructor(readonly line: number) {
    super('too many aliases');
  }
}

/**
 * Splits a stream on `---` lines and parses each document; empty documents are skipped; errors carry the line.
 * A document with more aliases than `limits.maxAliases`, or whose aliases expand it beyond `limits.maxExpandedBytes`,
 * is a problem, found without expanding it.
 */
export function parseManifestText(file: string, text: string, limits: YamlLimits = {}): { documents: ParsedDocument[]; problems: ParseProblem[] } {
  const maxAliases = limits.maxAliases ?? LIMITS.yamlAliases;
  const maxExpanded = limits.maxExpandedBytes ?? LIMITS.yamlExpandedBytes;
  const documents: ParsedDocument[] = [];
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  let start = 0;
  let index = 0;
  const flush = (end: number) => {
    const chunk = lines.slice(start, end).join('\n');
    const docIndex = index++;
    // js-yaml reuses the anchored value for every alias (no copy), so aliases are counted here and the expanded size
    // is measured below with a budget. An alias is the one node that closes with no kind and a value; the parser may
    // read a node twice (it tries a mapping key first), so aliases are counted by where they end in the text.
    const aliasEnds = new Set<number>();
    const listener = (event: string, state: { kind: string | null; result: unknown; line: number; position: number }): void => {
      if (event === 'close' && state.kind === null && state.result !== null && state.result !== undefined) {
        aliasEnds.add(state.position);
        if (aliasEnds.size > maxAliases) {
          // The parser has moved past the line break after the alias: report the line the alias is on.
          const text = chunk.slice(0, state.position).trimEnd();
          throw new TooManyAliases(text.split('\n').length - 1);
        }
      }
    };
    try {
      const value = load(chunk, { schema: KUBERNETES_READ_SCHEMA, filename: file, json: false, listener: (event, state) => listener(event, state) });
      const aliases = aliasEnds.size;
      if (aliases > 0) {
        const size = expandedJsonBytes(value, maxExpanded);
        if (size > maxExpanded) {
          problems.push({
            file,
            line: start + 1,
            message: `YAML: the document's ${aliases} alias${aliases === 1 ? '' : 'es'} expand it to more than ${formatBytes(maxExpanded)} (from ${formatBytes(Buffer.byteLength(chunk))} of text); write the repeated parts out or make them smaller`,
          });
          return;
        }
      }
      if (value !== null && value !== undefined) documents.push({ file, index: docIndex, line: start + 1, value });
    } catch (err) {
      if (err instanceof TooManyAliases) {
        problems.push({ file, line: start + err.line + 1, message: `YAML: more than ${maxAliases} aliases in one document (a billion-laughs style input); write the repeated parts out` });
        return;
      }
      if (!(err instanceof YAMLException)) throw err;
      const column = err.mark?.column;
      problems.push({ file, line: start + (err.mark?.line ?? 0) + 1, ...(column !== undefined ? { column: column + 1 } : {}), message: `YAML: ${err.reason}` });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (/^---(\s|$)/.test(lines[i])) {
      if (i > start) flush(i);
      start = i + 1;
    } else if (/^\.\.\.\s*$/.test(lines[i])) {
      flush(i);
      start = i + 1;
    }
  }
  if (start < lines.length) flush(lines.length);
  return { documents, problems };
}
