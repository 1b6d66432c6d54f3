/**
 * Finds and compiles the JSON schema for an apiVersion/kind: the pinned Kubernetes `_definitions.json` for
 * built-in kinds, the pinned CRD `openAPIV3Schema` (every served version) for agent-sandbox kinds.
 *
 * Compiling a pod-bearing schema with ajv costs ~0.2–0.5 s, so compiled validators are kept per process and on disk
 * (ajv standalone code in the cache folder, keyed by the sha256 of the exact schema and the ajv version).
 */
import type { default as Ajv, ValidateFunction } from 'ajv';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubernetesDefinitions, loadReleaseCrds, type JsonObject } from '../upstream/documents';
import type { UpstreamFile } from '../upstream/pins';
import { agentSandboxRelease } from '../upstream/pins';
import { cacheDir, sha256Hex } from '../upstream/store';
import { closeObjects, crdVersionSchema, reachableDefinitions } from './schema-patch';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION: string = require('ajv/package.json').version;
/** Bump when the layout of cached validator files changes. */
const CACHE_FORMAT = 2;

export interface CatalogOptions {
  readonly kubernetes: UpstreamFile;
  readonly agentSandboxVersion: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Keep compiled validators on disk. @default true */
  readonly diskCache?: boolean;
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

/**
 * The derivation code is part of the cache key: changing how schemas are patched invalidates the cache by itself
 * (no version constant to forget).
 */
const DERIVATION = sha256Hex([closeObjects, crdVersionSchema, reachableDefinitions].map((f) => f.toString()).join('\n'));

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
          build: () => {
            const names = reachableDefinitions([{ $ref: `#/definitions/${name}` }], definitions);
            return { $ref: `#/definitions/${name}`, definitions: closeObjects(pick(definitions, names)) as JsonObject };
          },
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
          build: () => {
            const root = closeObjects(crdVersionSchema(version.schema.openAPIV3Schema)) as JsonObject;
            const names = reachableDefinitions([root], definitions);
            return { ...root, definitions: closeObjects(pick(definitions, names)) as JsonObject };
          },
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
      build: () => {
        const names = reachableDefinitions([{ $ref: `#/definitions/${name}` }], definitions);
        return { $ref: `#/definitions/${name}`, definitions: closeObjects(pick(definitions, names)) as JsonObject };
      },
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
    const file = join(cacheDir(this.env), 'validators', `${hash}.js`);
    if (existsSync(file)) {
      try {
        return loadStandalone(file);
      } catch {
        // a broken cache entry is rebuilt below
      }
    }
    const { validate, ajv } = compileSchema(entry.build(), true);
    try {
      mkdirSync(join(cacheDir(this.env), 'validators'), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
      writeFileSync(tmp, standaloneCode(ajv, validate));
      renameSync(tmp, file);
    } catch {
      rmSync(`${file}.tmp-${process.pid}`, { force: true }); // read-only cache: validation still works, only slower
    }
    return validate;
  }
}

/** ajv itself is loaded only when something must be compiled (a warm cache never needs it). */
function compileSchema(schema: JsonObject, source = false): { validate: ValidateFunction; ajv: Ajv } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, allowUnionTypes: true, code: { source } });
  return { validate: ajv.compile(schema), ajv };
}

function loadStandalone(file: string): ValidateFunction {
  const module = { exports: {} as Record<string, unknown> };
  // Standalone code is CommonJS that requires ajv's runtime helpers: resolve them from this package.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('module', 'exports', 'require', readFileSync(file, 'utf8'));
  factory(module, module.exports, require);
  const fn = (module.exports.default ?? module.exports) as ValidateFunction;
  if (typeof fn !== 'function') throw new Error(`not a validator: ${file}`);
  return fn;
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
