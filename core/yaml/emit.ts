/**
 * YAML output that every reader sees the same way: strings that a YAML 1.1 parser (go-yaml v2, which kubectl and
 * sigs.k8s.io/yaml use) or a YAML 1.2 parser would read as something else — `yes`, `on`, `0777`, `1_000`, `12:30`,
 * `1e3`, `0o17` — are quoted. js-yaml already quotes everything its 1.2 schema or the 1.1 booleans would resolve;
 * the extra implicit types below make it quote the remaining 1.1-only forms (underscored numbers).
 */
import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';
import { join } from 'node:path';
import { privateCacheDir, readKeptWithCode, writeKeptWithCode } from '../private-cache';
import { sha256Hex } from '../upstream/store';

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

/**
 * The texts of one run that renders several platforms: most of one platform's objects (RBAC, the controller, the
 * tenants' policies) recur on every other platform as new, equal objects, emitted once here. The key is the
 * object's JSON text, used only for objects JSON holds exactly (plainJsonText), so equal keys mean equal input to
 * dump(). One per run (renderConfig): it keeps every text until the run ends. A single platform has nothing to
 * share and does without (building the keys would cost 3 % of a 1,000-tenant synth).
 */
export class SharedYamlTexts {
  private readonly byJson = new Map<string, string>();

  /** toYamlDocument(value), or the text of an equal object emitted through this before. */
  emit(value: unknown): string {
    if (value === null || typeof value !== 'object' || emitted.has(value)) return toYamlDocument(value);
    const json = plainJsonText(value);
    const known = json === undefined ? undefined : this.byJson.get(json);
    if (known !== undefined) {
      emitted.set(value, known);
      return known;
    }
    const text = toYamlDocument(value);
    if (json !== undefined) this.byJson.set(json, text);
    return text;
  }
}

/** A multi-document stream: `---`-separated, trailing newline. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map(toYamlDocument).join('---\n');
}

/** Bump when the layout of kept texts changes. */
const KEPT_FORMAT = 1;
const KEPT_HEADER = `# agent-sandbox-infra emitted YAML v${KEPT_FORMAT}`;

/**
 * Makes `value`'s text available to toYamlDocument from the private cache (core/private-cache.ts) when this machine
 * has emitted the same object before, else emits it now and keeps it. For large objects that recur across runs:
 * the pinned agent-sandbox CRDs (~450 KB of YAML, the largest part of synth's emitting).
 *
 * The key is the sha256 of this module's path and the object's JSON text, so only exactly this content matches;
 * objects that JSON cannot represent exactly (undefined, -0, NaN, class instances…) are not kept. The entry lists the
 * emitter's code (this module and js-yaml, each file's sha256), checked again before the text is used. `value` must
 * not change later (toYamlDocument's per-object memo already assumes that).
 */
export function keepEmittedText(value: object, env: NodeJS.ProcessEnv = process.env): void {
  if (emitted.has(value)) return;
  const json = plainJsonText(value);
  const dir = json === undefined ? undefined : privateCacheDir(env);
  if (json === undefined || dir === undefined) return;
  // This file is part of the key: copies of the package sharing the per-user cache keep apart entries.
  const key = sha256Hex(`${KEPT_FORMAT}\n${__filename}\n${json}`);
  const file = join(dir, `${key}.yaml`);
  const kept = readKeptWithCode(file, KEPT_HEADER, key, [__filename]);
  if (kept !== undefined) {
    emitted.set(value, kept);
    return;
  }
  writeKeptWithCode(file, KEPT_HEADER, key, [__filename], toYamlDocument(value));
}

/**
 * JSON.stringify(value) when JSON holds exactly what `value` holds (what dump() reads), else undefined: plain objects
 * and dense arrays of strings, booleans, null and finite numbers other than -0 (no undefined, functions, class
 * instances, symbols, holes).
 */
export function plainJsonText(value: unknown): string | undefined {
  const plain = (v: unknown): boolean => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!(i in v) || !plain(v[i])) return false;
      return true;
    }
    if (typeof v !== 'object') return false;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) if (!plain((v as Record<string, unknown>)[keys[i]])) return false;
    return true;
  };
  return plain(value) ? JSON.stringify(value) : undefined;
}
