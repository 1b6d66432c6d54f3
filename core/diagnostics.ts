/**
 * One problem, wherever it was found: a config field, a construct's prop, a synthesized or validated object, a stack
 * setting. Printed as one line, `file: object: path: message` (the parts that apply).
 */
export interface Problem {
  /** `error` refuses the input; `warning` is valid but probably not meant (an error with `strict`); `note` is printed only. */
  readonly severity: 'error' | 'warning' | 'note';
  /**
   * What was checked, for tools that act on it: the sandbox rule id (`runAsNonRoot`, …), the object-level check
   * (`apiVersion`, `securityOptOuts`, `podSpec`), or the family of a config/construct check (`schema`, `tenantReference`,
   * `routerSettings`, …). The policy pack reports it as the finding's rule.
   */
  readonly code: string;
  /**
   * The field: a dotted path (`tenants[0].templates[1].containers[0].image`, `spec.template.spec.containers[0].image`),
   * in the terms of whoever reads it (the config, a construct's props, the object). Empty: the input as a whole.
   */
  readonly path: string;
  readonly message: string;
  /** The object the path is in (validate/synth): `Kind namespace/name` or `Kind name`. */
  readonly object?: string;
  /** File the object came from (validate) or the platform folder (synth). */
  readonly file?: string;
}

/** An error problem at `path`. */
export function problemAt(path: string, message: string, code: string): Problem {
  return { severity: 'error', code, path, message };
}

/** `base` + `path`: `a.b` + `c` → `a.b.c`, `a` + `[0].c` → `a[0].c`; either may be empty. */
export function joinPaths(base: string, path: string): string {
  if (!path) return base;
  if (!base) return path;
  return path.startsWith('[') ? `${base}${path}` : `${base}.${path}`;
}

/** The problems with their paths under `base` (a construct's props → the config path it was built from). */
export function underPath(base: string, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, path: joinPaths(base, p.path) }));
}

/** Problems in order, each line once (the same mistake reached by two checks is reported by the first). */
export function distinctProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.severity}\u0000${formatProblem(p)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An extra check on one object (validate/synth): problems without `file` (filled in by the caller). */
export type ObjectChecker = (value: Record<string, unknown>, object: string) => Omit<Problem, 'file'>[];

/** `file: object: path: message`, leaving out the parts a problem does not have. */
export function formatProblem(p: Problem): string {
  return [p.file, p.object, p.path].filter(Boolean).map((part) => `${part}: `).join('') + p.message;
}

/** `1 problem`, `3 problems`. */
export function problemCount(count: number): string {
  return `${count} problem${count === 1 ? '' : 's'}`;
}

/** The problems one per line, each indented under a heading. */
export function problemList(problems: readonly Problem[], indent = '\n  '): string {
  return problems.map((p) => indent + formatProblem(p)).join('');
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
    readonly problems: readonly Problem[],
  ) {
    super(message);
    this.name = 'ProblemsError';
  }
}

/**
 * The problems of an error: its list when it is a ProblemsError, else its message as one problem of the input as a
 * whole (`code` names the check that threw it).
 */
export function problemsOf(err: unknown, code = 'error'): Problem[] {
  return err instanceof ProblemsError ? [...err.problems] : [problemAt('', err instanceof Error ? err.message : String(err), code)];
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
    return `[${f.rule}] ${formatProblem({ file: f.source, object: f.object, path: f.path, message: f.message, severity: 'error', code: f.rule })}`;
  }
  const where = f.source ? `${f.source}: ` : '';
  return `[${f.rule}] ${where}${f.path ? `${f.path}: ` : ''}${f.message}`;
}
