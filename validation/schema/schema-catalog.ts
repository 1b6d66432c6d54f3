/**
 * Finds and compiles the JSON schema for an apiVersion/kind: the pinned Kubernetes `_definitions.json` for
 * built-in kinds, the pinned CRD `openAPIV3Schema` (every served version) for agent-sandbox kinds.
 *
 * Compiling a pod-bearing schema with ajv costs ~0.2–0.5 s, so compiled validators are kept per process and on disk
 * (ajv standalone code, keyed by the sha256 of the exact schema inputs, the derivation code and the ajv version).
 *
 * Trust assumption (core/private-cache.ts): the validator cache is code generated on this machine; it must not be
 * shared or restored from an untrusted source. Loading a cached validator executes it (with its V8 code cache), and a
 * validator that always answers "valid" silently turns validation off. So it lives in the private per-user folder
 * `<cache>/validators-<uid>` (mode 0700), apart from the pinned upstream files that CI caches
 * (`agent-sandbox/`, `kubernetes-schemas/`: .github/workflows/preview.yml caches only those), and each file starts
 * with a header line carrying its cache key and the sha256 of the code below it; anything that does not verify is
 * refused and recompiled.
 */
import type { default as Ajv, ValidateFunction } from 'ajv';
import { join } from 'node:path';
import { loadKubernetesDefinitions, loadPinnedCrd, loadReleaseCrds, type JsonObject } from '../../core/upstream/documents';
import type { UpstreamFile } from '../../core/upstream/pins';
import { agentSandboxRelease } from '../../core/upstream/pins';
import { readUpstreamText, sha256Hex } from '../../core/upstream/store';
import { compileWithCodeCache } from '../../core/code-cache';
import { privateCacheDir, privateCacheDirName, privateCacheDirPath, readPrivateFile, verifiedCacheBody, withCacheHeader, writePrivateFile } from '../../core/private-cache';
import { kubernetesDefinitionsIndex } from './definitions-index';
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

/**
 * Everything a catalog with these options derives its validators and answers from, as one sha256: the pinned inputs
 * (the Kubernetes definitions, the release's CRDs and any extra CRDs, each by its pinned sha256), the versions its
 * messages name, the derivation code, the ajv version and the Node.js version (ajv's `pattern` checks are V8's
 * regular expressions). Reads no file. A result computed with one catalog holds for any catalog of the same identity.
 */
export function catalogIdentity(options: Pick<CatalogOptions, 'kubernetes' | 'agentSandboxVersion' | 'crds'>): string {
  const release = agentSandboxRelease(options.agentSandboxVersion);
  return sha256Hex(
    JSON.stringify([
      CACHE_FORMAT,
      AJV_VERSION,
      DERIVATION,
      process.version,
      [options.kubernetes.version, options.kubernetes.sha256],
      [release.version, release.crds.map((pin) => pin.sha256)],
      (options.crds ?? []).map((pin) => [pin.name, pin.version, pin.sha256]),
    ]),
  );
}

const compiled = new Map<string, ValidateFunction>();

export class SchemaCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Set<string>();
  private readonly kindsByGroup = new Map<string, Set<string>>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly definitionNames: ReadonlySet<string>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly diskCache: boolean;

  constructor(private readonly options: CatalogOptions) {
    this.env = options.env ?? process.env;
    this.diskCache = options.diskCache ?? true;
    // The definitions' bodies are parsed only when a validator must be compiled (a warm cache never needs them).
    const definitions = () => loadKubernetesDefinitions(options.kubernetes, this.env);
    const index = kubernetesDefinitionsIndex(options.kubernetes, this.env);
    this.definitionNames = new Set(index.names);
    for (const { definition: name, group, version, kind } of index.kinds) {
      this.add(group, version, kind, {
        source: `Kubernetes ${options.kubernetes.version} schema (${name})`,
        identity: `k8s:${options.kubernetes.sha256}:${name}`,
        build: () => kubernetesSchema(name, definitions()),
      });
    }
    const release = agentSandboxRelease(options.agentSandboxVersion);
    for (const { pin, crd } of loadReleaseCrds(release.version, this.env)) {
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
      for (const version of spec.versions) {
        this.add(spec.group, version.name, spec.names.kind, {
          source: `agent-sandbox ${release.version} CRD ${pin.crdName} ${version.name}`,
          identity: `crd:${pin.sha256}:${version.name}:${options.kubernetes.sha256}`,
          build: () => crdSchema(version.schema.openAPIV3Schema, definitions()),
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
          build: () => crdSchema(version.schema.openAPIV3Schema, definitions()),
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
    // The pinned file is still verified on every use, as when this parsed it: a later call with the file gone fails.
    readUpstreamText(this.options.kubernetes, this.env);
    if (!this.definitionNames.has(name)) throw new Error(`${name} is not in the Kubernetes ${this.options.kubernetes.version} schema`);
    return this.validator(key, {
      source: `Kubernetes ${this.options.kubernetes.version} schema (${name})`,
      identity: `definition:${this.options.kubernetes.sha256}:${name}`,
      build: () => kubernetesSchema(name, loadKubernetesDefinitions(this.options.kubernetes, this.env)),
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
    const dir = privateCacheDir(this.env);
    const file = dir && join(dir, `${hash}.js`);
    if (file) {
      const cached = loadStandalone(file, hash, dir);
      if (cached) return cached;
    }
    const { validate, ajv } = compileSchema(entry.build(), true);
    if (!file) return validate; // no private cache folder: validation still works, only slower
    let code: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      code = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default(ajv, validate);
    } catch {
      // not kept: validation still works, only slower
    }
    if (code !== undefined) writePrivateFile(file, withHeader(hash, code));
    return validate;
  }
}

/** Folder name of the validator cache: one per user, so that no other account's code is ever loaded. */
export function validatorCacheDirName(): string {
  return privateCacheDirName();
}

/** Where compiled validators are kept: `<cache>/validators-<uid>`. */
export function validatorCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return privateCacheDirPath(env);
}

/** The cache file text: the header line (cache key, sha256 of the code), then the code. */
export function withHeader(key: string, code: string): string {
  return withCacheHeader(HEADER_PREFIX, key, code);
}

/**
 * The code of a cache file whose header names `key` and the sha256 of the code; undefined for anything else
 * (missing file, no or foreign header, a hash that does not match).
 */
export function verifiedValidatorCode(text: string, key: string): string | undefined {
  return verifiedCacheBody(text, HEADER_PREFIX, key);
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
function loadStandalone(file: string, key: string, dir: string): ValidateFunction | undefined {
  try {
    const text = readPrivateFile(file);
    const code = text === undefined ? undefined : verifiedValidatorCode(text, key);
    if (code === undefined) return undefined;
    const module = { exports: {} as Record<string, unknown> };
    // Standalone code is CommonJS that requires ajv's runtime helpers: resolve them from this package. Compiled with
    // V8's code cache (core/code-cache.ts): the header's sha256 is the verified code's, so it identifies the source.
    const codeSha256 = text!.slice(text!.indexOf(' sha256=') + ' sha256='.length, text!.indexOf('\n'));
    const script = compileWithCodeCache(`${STANDALONE_HEAD}${code}${STANDALONE_TAIL}`, file, dir, sha256Hex(`${STANDALONE_HEAD}\0${codeSha256}\0${STANDALONE_TAIL}`));
    const factory = script.runInThisContext() as (module: unknown, exports: unknown, require: NodeJS.Require) => void;
    factory(module, module.exports, require);
    const fn = (module.exports.default ?? module.exports) as ValidateFunction;
    return typeof fn === 'function' ? fn : undefined;
  } catch {
    return undefined; // a broken cache entry is rebuilt
  }
}

/** Cached validator code runs as the body of this function (what `new Function('module', 'exports', 'require', code)` makes). */
const STANDALONE_HEAD = '(function (module, exports, require) {\n';
const STANDALONE_TAIL = '\n})';

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
