/** One problem found in one object: printed as one line. */
export interface Problem {
  /** File the object came from (validate) or the platform folder (synth). */
  readonly file?: string;
  /** `Kind namespace/name` or `Kind name`. */
  readonly object: string;
  /** Dotted JSON path inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly message: string;
  /**
   * What was checked, for tools that act on it: the sandbox rule id (`runAsNonRoot`, …), or the object-level check
   * (`apiVersion`, `securityOptOuts`, `podSpec`). The policy pack reports it as the finding's rule.
   */
  readonly code?: string;
  /** `error` fails validation; `note` is printed but does not (e.g. a kind with no pinned schema). */
  readonly severity: 'error' | 'note';
}

/** An extra check on one object (validate/synth): problems without `file` (filled in by the caller). */
export type ObjectChecker = (value: Record<string, unknown>, object: string) => Omit<Problem, 'file'>[];

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

/**
 * An error that carries its problems as a list, so an owner that has problems of its own can report them together
 * with these in one error (instead of only the first it met).
 */
export class ProblemsError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/** The problems of an error: its list when it is a ProblemsError, else its message as one problem. */
export function problemsOf(err: unknown): string[] {
  return err instanceof ProblemsError ? [...err.problems] : [err instanceof Error ? err.message : String(err)];
}

/** One input error: `propertyPath` is the config path (e.g. `cluster.sandboxPool.machineType`). */
export interface InputProblem {
  readonly propertyPath: string;
  readonly reason: string;
}

/** One finding: a rule id, where (path inside the resource inputs or the Kubernetes object) and what. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
  /** `Kind namespace/name` for Kubernetes objects. */
  readonly object?: string;
  /** Where inside a ConfigGroup the object came from, e.g. `yaml document 12 (line 340)`. */
  readonly source?: string;
}

/**
 * `[rule] <source>: <object>: <path>: <message>`: the `validate` command's line (`file: object: path: message`)
 * with the rule id in front. Parts that do not apply are left out.
 */
export function formatFinding(f: Finding): string {
  if (f.object !== undefined) {
    return `[${f.rule}] ${formatProblem({ file: f.source, object: f.object, path: f.path, message: f.message, severity: 'error' })}`;
  }
  const where = f.source ? `${f.source}: ` : '';
  return `[${f.rule}] ${where}${f.path ? `${f.path}: ` : ''}${f.message}`;
}
