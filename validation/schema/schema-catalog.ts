/**
 * Finds and compiles the JSON schema for an apiVersion/kind: the pinned Kubernetes `_definitions.json` for
 * built-in kinds, the pinned CRD `openAPIV3Schema` (every served version) for agent-sandbox kinds.
 *
 * Compiling a pod-bearing schema with ajv costs ~0.2–0.5 s, so compiled validators are kept per process and on disk
 * (ajv standalone code, keyed by the sha256 of the exact schema inputs, the derivation code and the ajv version).
 *
 * Trust assumption: the validator cache is code generated on this machine; it must not be shared or restored from
 * an untrusted source. Loading a cached validator executes it (`new Function`), and a validator that always
 * answers "valid" silently turns validation off. So:
 *  - it lives in its own per-user folder, `<cache>/validators-<uid>` (mode 0700), apart from the pinned upstream
 *    files that CI caches (`agent-sandbox/`, `kubernetes-schemas/`: .github/workflows/preview.yml caches only those);
 *    a folder not owned by this user, or writable by group/others, is never read from nor written to;
 *  - each file starts with a header line carrying its cache key and the sha256 of the code below it; a file whose
 *    header does not match (truncated, corrupted, edited, or another key's file) is refused and recompiled.
 * The header catches corruption and careless edits, not a deliberate attacker who recomputes the hash: keeping the
 * folder private to this user is what keeps untrusted code out.
 */
import type { default as Ajv, ValidateFunction } from 'ajv';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadKubernetesDefinitions, loadPinnedCrd, loadReleaseCrds, type JsonObject } from '../../core/upstream/documents';
import type { UpstreamFile } from '../../core/upstream/pins';
import { agentSandboxRelease } from '../../core/upstream/pins';
import { cacheDir, sha256Hex } from '../../core/upstream/store';
import { crdVersionSchema, patchSchema, reachableDefinitions, SCHEMA_DERIVATION } from './schema-patch';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION: string = require('ajv/package.json').version;
/** Bump when the layout of cached validator files changes. */
const CACHE_FORMAT = 3;
/** First line of every cached validator: `<prefix> key=<cache key> sha256=<sha256 of the rest of the file>`. */
const HEADER_PREFIX = `// agent-sandbox-infra validator cache v${CACHE_FORMAT}`;

export interface CatalogOptions {
  readonly kubernetes: UpstreamFile;
  readonly agentSandboxVersion: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep compiled validators on disk. @default true */
  readonly diskCache?: boolean;
  /** More pinned CRD files whose kinds become checkable (e.g. Karpenter's NodePool and EC2NodeClass). @default none */
  readonly crds?: readonly UpstreamFile[];
}

export type SchemaLookup =
  | { readonly status: 'found'; readonly validate: ValidateFunction; readonly source: string }
  | { readonly status: 'unknown-kind'; readonly message: string }
  | { readonly status: 'unknown-group'; readonly message: string };

interface Entry {
  readonly source: string;
  /** What the schema is derived from (pins and names): the cache key, so a cache hit builds nothing. */
  readonly identity: string;
  readonly build: () => JsonObject;
}

/** The schema of a built-in kind or definition: the definition and everything it references, patched. */
function kubernetesSchema(name: string, definitions: Record<string, JsonObject>): JsonObject {
  const names = reachableDefinitions([{ $ref: `#/definitions/${name}` }], definitions);
  return patchSchema({ $ref: `#/definitions/${name}`, definitions: pick(definitions, names) }) as JsonObject;
}

/** The schema of one CRD version, with the Kubernetes definitions it references (ObjectMeta), patched. */
function crdSchema(openAPIV3Schema: JsonObject, definitions: Record<string, JsonObject>): JsonObject {
  const root = crdVersionSchema(openAPIV3Schema);
  const names = reachableDefinitions([root], definitions);
  return patchSchema({ ...root, definitions: pick(definitions, names) }) as JsonObject;
}

/**
 * The derivation code is part of the cache key: changing how schemas are patched or compiled invalidates the cache
 * by itself (no version constant to forget). Functions count by their source, constants by their value.
 */
const DERIVATION = sha256Hex(
  [...SCHEMA_DERIVATION, kubernetesSchema, crdSchema, pick, compileSchema]
    .map((x) => (typeof x === 'function' ? x.toString() : JSON.stringify(x)))
    .join('\n'),
);

const compiled = new Map<string, ValidateFunction>();

export class SchemaCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Set<string>();
  private readonly kindsByGroup = new Map<string, Set<string>>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly diskCache: boolean;

  constructor(private readonly options: CatalogOptions) {
    this.env = options.env ?? process.env;
    this.diskCache = options.diskCache ?? true;
    const definitions = loadKubernetesDefinitions(options.kubernetes, this.env);
    for (const [name, def] of Object.entries(definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[]) ?? []) {
        if (!(def.properties as JsonObject | undefined)?.metadata) continue;
        this.add(gvk.group, gvk.version, gvk.kind, {
          source: `Kubernetes ${options.kubernetes.version} schema (${name})`,
          identity: `k8s:${options.kubernetes.sha256}:${name}`,
          build: () => kubernetesSchema(name, definitions),
        });
      }
    }
    const release = agentSandboxRelease(options.agentSandboxVersion);
    for (const { pin, crd } of loadReleaseCrds(release.version, this.env)) {
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
      for (const version of spec.versions) {
        this.add(spec.group, version.name, spec.names.kind, {
          source: `agent-sandbox ${release.version} CRD ${pin.crdName} ${version.name}`,
          identity: `crd:${pin.sha256}:${version.name}:${options.kubernetes.sha256}`,
          build: () => crdSchema(version.schema.openAPIV3Schema, definitions),
        });
      }
    }
    for (const pin of options.crds ?? []) {
      const crd = loadPinnedCrd(pin, this.env);
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
      for (const version of spec.versions) {
        this.add(spec.group, version.name, spec.names.kind, {
          source: `${pin.name} ${pin.version} ${version.name}`,
          identity: `crd:${pin.sha256}:${version.name}:${options.kubernetes.sha256}`,
          build: () => crdSchema(version.schema.openAPIV3Schema, definitions),
        });
      }
    }
  }

  /** The validator for `apiVersion`/`kind`, or why there is none. */
  lookup(apiVersion: string, kind: string): SchemaLookup {
    const { group, version } = splitApiVersion(apiVersion);
    const key = `${group}/${version}/${kind}`;
    const entry = this.entries.get(key);
    if (entry) return { status: 'found', validate: this.validator(key, entry), source: entry.source };
    if (this.groups.has(group)) {
      const known = [...(this.kindsByGroup.get(group) ?? [])].sort();
      return {
        status: 'unknown-kind',
        message: `${kind} is not a kind of ${apiVersion} in the pinned schemas (Kubernetes ${this.options.kubernetes.version}, agent-sandbox ${this.options.agentSandboxVersion}); ${group || 'core'} has: ${known.join(', ')}`,
      };
    }
    return { status: 'unknown-group', message: `no pinned schema for ${apiVersion} ${kind}: not checked` };
  }

  /** A validator for one Kubernetes definition (e.g. `io.k8s.api.core.v1.Affinity`), unknown fields rejected. */
  definition(name: string): ValidateFunction {
    const key = `definition:${name}`;
    const definitions = loadKubernetesDefinitions(this.options.kubernetes, this.env);
    if (!definitions[name]) throw new Error(`${name} is not in the Kubernetes ${this.options.kubernetes.version} schema`);
    return this.validator(key, {
      source: `Kubernetes ${this.options.kubernetes.version} schema (${name})`,
      identity: `definition:${this.options.kubernetes.sha256}:${name}`,
      build: () => kubernetesSchema(name, definitions),
    });
  }

  private add(group: string, version: string, kind: string, entry: Entry): void {
    this.entries.set(`${group}/${version}/${kind}`, entry);
    this.groups.add(group);
    const kinds = this.kindsByGroup.get(group) ?? new Set<string>();
    kinds.add(`${kind} (${group ? `${group}/` : ''}${version})`);
    this.kindsByGroup.set(group, kinds);
  }

  private validator(key: string, entry: Entry): ValidateFunction {
    let fn = this.validators.get(key);
    if (fn) return fn;
    const hash = sha256Hex(`${CACHE_FORMAT}\n${AJV_VERSION}\n${DERIVATION}\n${entry.identity}`);
    fn = compiled.get(hash) ?? (this.diskCache ? this.loadOrCompile(hash, entry) : compileSchema(entry.build()).validate);
    compiled.set(hash, fn);
    this.validators.set(key, fn);
    return fn;
  }

  private loadOrCompile(hash: string, entry: Entry): ValidateFunction {
    const dir = privateValidatorDir(this.env);
    const file = dir && join(dir, `${hash}.js`);
    if (file) {
      const cached = loadStandalone(file, hash);
      if (cached) return cached;
    }
    const { validate, ajv } = compileSchema(entry.build(), true);
    if (!file) return validate; // no private cache folder: validation still works, only slower
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
      writeFileSync(tmp, withHeader(hash, standaloneCode(ajv, validate)), { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true }); // read-only cache: validation still works, only slower
    }
    return validate;
  }
}

/** Folder name of the validator cache: one per user, so that no other account's code is ever loaded. */
export function validatorCacheDirName(): string {
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `validators-${uid}`;
}

/** Where compiled validators are kept: `<cache>/validators-<uid>`. */
export function validatorCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), validatorCacheDirName());
}

/**
 * The validator cache folder, created 0700 if missing; undefined (no disk cache) when it cannot be created or is
 * not private to this user (owned by someone else, or writable by group or others: anyone who can write there can
 * make validation pass).
 */
function privateValidatorDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir = validatorCacheDir(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) return undefined;
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The cache file text: the header line (cache key, sha256 of the code), then the code. */
export function withHeader(key: string, code: string): string {
  return `${HEADER_PREFIX} key=${key} sha256=${sha256Hex(code)}\n${code}`;
}

/**
 * The code of a cache file whose header names `key` and the sha256 of the code; undefined for anything else
 * (missing file, no or foreign header, a hash that does not match).
 */
export function verifiedValidatorCode(text: string, key: string): string | undefined {
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const header = /^(.*) key=([0-9a-f]{64}) sha256=([0-9a-f]{64})$/.exec(text.slice(0, newline));
  const code = text.slice(newline + 1);
  if (!header || header[1] !== HEADER_PREFIX || header[2] !== key || header[3] !== sha256Hex(code)) return undefined;
  return code;
}

/** ajv itself is loaded only when something must be compiled (a warm cache never needs it). */
function compileSchema(schema: JsonObject, source = false): { validate: ValidateFunction; ajv: Ajv } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, allowUnionTypes: true, code: { source } });
  return { validate: ajv.compile(schema), ajv };
}

/**
 * A cached validator, or undefined when the file is missing, not this user's, not verified by its header, or does
 * not load (then it is recompiled and rewritten). Executes the cached code: see the trust assumption at the top.
 */
function loadStandalone(file: string, key: string): ValidateFunction | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile() || (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0))) return undefined;
    const code = verifiedValidatorCode(readFileSync(file, 'utf8'), key);
    if (code === undefined) return undefined;
    const module = { exports: {} as Record<string, unknown> };
    // Standalone code is CommonJS that requires ajv's runtime helpers: resolve them from this package.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('module', 'exports', 'require', code);
    factory(module, module.exports, require);
    const fn = (module.exports.default ?? module.exports) as ValidateFunction;
    return typeof fn === 'function' ? fn : undefined;
  } catch {
    return undefined; // a broken cache entry is rebuilt
  }
}

/** Forgets the validators compiled or loaded by this process (tests: the next lookup reads the disk cache). */
export function clearCompiledValidators(): void {
  compiled.clear();
}

function pick(definitions: Record<string, JsonObject>, names: readonly string[]): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const name of names) out[name] = definitions[name];
  return out;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
