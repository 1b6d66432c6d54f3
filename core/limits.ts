/**
 * Input limits: every file the package reads and every object it writes is bounded, so a hostile or mistaken input
 * (a config that expands through YAML aliases, `--config /dev/zero`, a FIFO nobody writes to, a 10,000-tenant
 * config) is refused quickly with a sentence, in bounded time and memory, instead of hanging or passing as valid.
 */

const MiB = 1024 * 1024;

export const LIMITS = {
  /** A configuration file (YAML/JSON): the 1,000-tenant benchmark config is ~0.7 MB as JSON. */
  configFileBytes: 4 * MiB,
  /** A manifest file read by `validate` or `diff` (a 1,000-tenant platform folder is a few MB in all). */
  manifestFileBytes: 64 * MiB,
  /** YAML alias nodes (`*name`) in one document. */
  yamlAliases: 1000,
  /**
   * What one document may grow to when its aliases are expanded (JSON bytes). A 103 KB config whose one 97 KB string
   * is aliased 1,000 times is a 97 MB object: refused here instead of being rendered.
   */
  yamlExpandedBytes: 8 * MiB,
  /**
   * One Kubernetes object as JSON. etcd refuses requests over 1.5 MiB by default (`--max-request-bytes`), which is
   * the practical size limit of an object on every managed cluster:
   * https://etcd.io/docs/v3.5/dev-guide/limit/ and https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
   */
  objectBytes: 1.5 * MiB,
  /** Tenants (namespaces) in one configuration. */
  tenants: 2000,
} as const;

/** `1.5 MiB`, `97.0 MB`-style sizes for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MiB) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/**
 * The size of `value` as JSON (exact for strings without escapes) after every shared (aliased) part is written out in full, counted without building it,
 * stopping as soon as it passes `budget`: returns a number > `budget` then. Bounded time: at most ~`budget` steps.
 */
export function expandedJsonBytes(value: unknown, budget: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') total += Buffer.byteLength(v, 'utf8') + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) total += v === null || v === undefined ? 4 : String(v).length;
    else if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v as object);
      total += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        total += Buffer.byteLength(k, 'utf8') + 3;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else total += 8;
    if (total > budget) return total;
  }
  return total;
}
