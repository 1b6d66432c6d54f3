/** One problem found in one object: printed as one line. */
export interface Problem {
  /** File the object came from (validate) or the platform folder (synth). */
  readonly file?: string;
  /** `Kind namespace/name` or `Kind name`. */
  readonly object: string;
  /** Dotted JSON path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly message: string;
  /** `error` fails validation; `note` is printed but does not (e.g. a kind with no pinned schema). */
  readonly severity: 'error' | 'note';
}

export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${where}${p.object}: ${path}${p.message}`;
}

/** `Kind namespace/name`, `Kind name` (cluster-scoped), or what is known about a broken object. */
export function describeObject(value: unknown, index?: number): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `document ${index ?? '?'}`;
  const obj = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; generateName?: unknown } };
  const kind = typeof obj.kind === 'string' && obj.kind ? obj.kind : '<no kind>';
  const name =
    typeof obj.metadata?.name === 'string' ? obj.metadata.name : typeof obj.metadata?.generateName === 'string' ? `${obj.metadata.generateName}*` : '<no name>';
  const ns = typeof obj.metadata?.namespace === 'string' ? `${obj.metadata.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

/** JSON pointer (`/spec/containers/0/image`) → `spec.containers[0].image`; keys that are not identifiers are bracketed. */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}
