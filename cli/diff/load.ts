import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { groupOf, keyId, describeKey } from './key';
import { LoadOptions, ManifestObject } from './types';

/** A manifest that cannot be read or parsed. The message names the file (and line when known). */
export class ManifestLoadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${reason}`);
    this.name = 'ManifestLoadError';
  }
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Load every object from a `.yaml`/`.yml` file or, recursively, a directory (files read in sorted
 * order; symlinks are not followed). Multi-document files are split, empty documents skipped and
 * `kind: List` expanded. Throws ManifestLoadError on a parse error, a non-object document, or the
 * same key defined twice.
 */
export function loadManifests(root: string, options: LoadOptions = {}): ManifestObject[] {
  const platformFromPath = options.platformFromPath ?? true;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new ManifestLoadError(root, undefined, 'no such file or directory');
  }
  const files = stat.isDirectory() ? listYamlFiles(root) : [path.basename(root)];
  const baseDir = stat.isDirectory() ? root : path.dirname(root);

  const objects: ManifestObject[] = [];
  const seen = new Map<string, ManifestObject>();
  for (const rel of files) {
    const segments = rel.split('/');
    const platform = platformFromPath && segments.length > 1 ? segments[0] : '';
    const text = fs.readFileSync(path.join(baseDir, rel), 'utf8');
    for (const obj of parseManifestText(text, rel, platform)) {
      const previous = seen.get(keyId(obj.key));
      if (previous) {
        throw new ManifestLoadError(
          rel,
          obj.line,
          `${describeKey(obj.key)} is also defined at ${previous.source}:${previous.line}`,
        );
      }
      seen.set(keyId(obj.key), obj);
      objects.push(obj);
    }
  }
  return objects;
}

/** Relative POSIX paths of all YAML files under `dir`, sorted. */
function listYamlFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listYamlFiles(dir, rel));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Parse one file's text. `source` is only used in messages and in the returned objects. */
export function parseManifestText(text: string, source: string, platform = ''): ManifestObject[] {
  const lineCounter = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending source line, which may hold a secret.
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  const objects: ManifestObject[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      throw new ManifestLoadError(source, lineCounter.linePos(error.pos[0]).line, `YAML parse error: ${error.message}`);
    }
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // empty document
    for (const obj of expandList(value, source, line)) {
      objects.push({ key: keyOf(obj, source, line, platform), source, line, object: obj });
    }
  }
  return objects;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `kind: List` (what `kubectl get -o yaml` prints) stands for its items. */
function expandList(value: unknown, source: string, line: number): Record<string, unknown>[] {
  if (!isMap(value)) throw new ManifestLoadError(source, line, 'document is not a mapping (expected a Kubernetes object)');
  if (value.kind === 'List' && Array.isArray(value.items)) {
    return value.items.map((item) => {
      if (!isMap(item)) throw new ManifestLoadError(source, line, 'List item is not a mapping');
      return item;
    });
  }
  return [value];
}

function keyOf(obj: Record<string, unknown>, source: string, line: number, platform: string) {
  const metadata = isMap(obj.metadata) ? obj.metadata : {};
  const missing = (field: string) => new ManifestLoadError(source, line, `not a Kubernetes object: missing ${field}`);
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) throw missing('apiVersion');
  if (typeof obj.kind !== 'string' || !obj.kind) throw missing('kind');
  if (typeof metadata.name !== 'string' || !metadata.name) throw missing('metadata.name');
  return {
    platform,
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: metadata.name,
  };
}
