import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifestText as parseYaml } from '../../core/yaml/parse';
import { InputLimitError, readBoundedTextFile } from '../../core/input-file';
import { LIMITS } from '../../core/limits';
import { FileSystemError } from '../../core/system-error';
import { NotUtf8Error } from '../../core/utf8-text';
import { isPlainMap } from './canonical';
import { describeKey, groupOf, keyId } from './key';
import { LoadOptions, ManifestObject, ObjectKey } from './types';
import { ProblemsError } from '../../core/diagnostics';

/** A manifest that cannot be read or parsed. The message names the file (and line when known). */
export class ManifestLoadError extends ProblemsError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    const at = line === undefined ? file : `${file}:${line}`;
    super(`${at}: ${reason}`, [{ severity: 'error', code: 'manifestLoad', file: at, path: '', message: reason }]);
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
    const file = path.join(baseDir, rel);
    for (const obj of parseManifestText(readManifestFile(file), rel, platform, file)) {
      const previous = seen.get(keyId(obj.key));
      if (previous) {
        const where = `${path.join(baseDir, previous.source)}:${previous.line}`;
        throw new ManifestLoadError(file, obj.line, `${describeKey(obj.key)} is defined twice, also at ${where}`);
      }
      seen.set(keyId(obj.key), obj);
      objects.push(obj);
    }
  }
  return objects;
}

/** A manifest file's text, bounded in size; a FIFO, device or oversized file is a ManifestLoadError. */
function readManifestFile(file: string): string {
  try {
    return readBoundedTextFile(file, LIMITS.manifestFileBytes, 'manifest file');
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new ManifestLoadError(file, err.line, err.reason);
    if (err instanceof InputLimitError) throw new ManifestLoadError(file, undefined, err.reason);
    if (err instanceof FileSystemError) throw new ManifestLoadError(file, undefined, err.message.replace(/^cannot \w+ [^:]*: /, ''));
    throw err;
  }
}

/**
 * Relative POSIX paths of all YAML files under `dir`, sorted. Names starting with a dot are skipped: `synth` stages
 * its next output in dot-folders (and older versions staged inside the output folder), which are never compared.
 */
function listYamlFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listYamlFiles(dir, rel));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(rel);
  }
  return out;
}

/**
 * Parse one file's text into objects. `source` is recorded in each object; errors name `filePath`
 * (defaults to `source`).
 */
export function parseManifestText(text: string, source: string, platform = '', filePath = source): ManifestObject[] {
  // The same reader `validate` uses (the API server's YAML 1.1 view, js-yaml: ~7x faster than `yaml` on the
  // 850 KB CRD files); its messages never quote the offending line, which may hold a secret.
  const { documents, problems } = parseYaml(filePath, text);
  if (problems.length) {
    const column = problems[0].column === undefined ? '' : ` (column ${problems[0].column})`;
    throw new ManifestLoadError(filePath, problems[0].line, problems[0].message.replace(/^YAML: /, 'YAML parse error: ') + column);
  }
  const objects: ManifestObject[] = [];
  for (const doc of documents) {
    const line = firstContentLine(text, doc.line);
    for (const obj of expandList(doc.value, filePath, line)) {
      objects.push({ key: keyOf(obj, filePath, line, platform), source, line, object: obj });
    }
  }
  return objects;
}

/** The first line of a document that is not blank or a comment (where its content starts). */
function firstContentLine(text: string, from: number): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    if (lines[i].trim() && !lines[i].trimStart().startsWith('#')) return i + 1;
  }
  return from;
}

/** `kind: List` (what `kubectl get -o yaml` prints) stands for its items. */
function expandList(value: unknown, filePath: string, line: number): Record<string, unknown>[] {
  if (!isPlainMap(value)) throw new ManifestLoadError(filePath, line, 'document is not a mapping (expected a Kubernetes object)');
  if (value.kind === 'List' && Array.isArray(value.items)) {
    return value.items.map((item) => {
      if (!isPlainMap(item)) throw new ManifestLoadError(filePath, line, 'List item is not a mapping');
      return item;
    });
  }
  return [value];
}

function keyOf(obj: Record<string, unknown>, filePath: string, line: number, platform: string): ObjectKey {
  const metadata = isPlainMap(obj.metadata) ? obj.metadata : {};
  const missing = (field: string) => new ManifestLoadError(filePath, line, `not a Kubernetes object: missing ${field}`);
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
