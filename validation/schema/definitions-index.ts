/**
 * What SchemaCatalog needs from a pinned Kubernetes `_definitions.json` on every run — which definitions serve
 * which group/version/kind (those with `metadata`), and which definition names exist — without parsing the 1.4 MB
 * file (~10 ms of every synth): a warm run takes each validator from the cache and never needs a definition's body.
 *
 * The index is derived from the pinned file's verified text and kept in the private cache (core/private-cache.ts:
 * per-user folder, header line with the key and the sha256 of the body), keyed by the pin's sha256 and this
 * module's derivation code. The pinned file is still read and its sha256 checked on every run, so a missing or
 * altered file fails exactly as before; only the parse is skipped.
 */
import { join } from 'node:path';
import { loadKubernetesDefinitions } from '../../core/upstream/documents';
import type { UpstreamFile } from '../../core/upstream/pins';
import { readUpstreamText, sha256Hex } from '../../core/upstream/store';
import { privateCacheDir, readPrivateFile, verifiedCacheBody, withCacheHeader, writePrivateFile } from '../../core/private-cache';

/** One group/version/kind a definition serves. */
export interface IndexedKind {
  readonly definition: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface DefinitionsIndex {
  /** Every definition's name, in file order. */
  readonly names: readonly string[];
  /** The kinds of the definitions that have `properties.metadata` (objects the API serves), in file order. */
  readonly kinds: readonly IndexedKind[];
}

/** Bump when the index layout changes. */
const FORMAT = 1;
const HEADER_PREFIX = `// agent-sandbox-infra Kubernetes definitions index v${FORMAT}`;

/** The index of the parsed definitions (what a cache miss computes). */
export function indexDefinitions(definitions: Record<string, Record<string, unknown>>): DefinitionsIndex {
  const kinds: IndexedKind[] = [];
  for (const [name, def] of Object.entries(definitions)) {
    if (!(def.properties as Record<string, unknown> | undefined)?.metadata) continue;
    for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[]) ?? []) {
      kinds.push({ definition: name, group: gvk.group, version: gvk.version, kind: gvk.kind });
    }
  }
  return { names: Object.keys(definitions), kinds };
}

// The derivation is part of the key: a change to indexDefinitions invalidates kept indexes by itself.
const DERIVATION = sha256Hex(`${FORMAT}\n${indexDefinitions.toString()}`);
const memo = new Map<string, DefinitionsIndex>();

/**
 * The index of the pinned definitions file `pin` (verified like every read of it), from the private cache when it
 * holds one for exactly this pin, else computed from the parsed file and kept.
 */
export function kubernetesDefinitionsIndex(pin: UpstreamFile, env: NodeJS.ProcessEnv = process.env): DefinitionsIndex {
  readUpstreamText(pin, env); // present and pinned, or UpstreamError (memoized per process)
  let index = memo.get(pin.sha256);
  if (index) return index;
  const key = sha256Hex(`${DERIVATION}\n${pin.sha256}`);
  const dir = privateCacheDir(env);
  const file = dir && join(dir, `${key}.definitions-index.json`);
  index = file ? readIndex(file, key) : undefined;
  if (!index) {
    index = indexDefinitions(loadKubernetesDefinitions(pin, env));
    if (file) writePrivateFile(file, withCacheHeader(HEADER_PREFIX, key, JSON.stringify(index)));
  }
  memo.set(pin.sha256, index);
  return index;
}

function readIndex(file: string, key: string): DefinitionsIndex | undefined {
  const text = readPrivateFile(file);
  const body = text === undefined ? undefined : verifiedCacheBody(text, HEADER_PREFIX, key);
  if (body === undefined) return undefined;
  try {
    const index = JSON.parse(body) as DefinitionsIndex;
    return Array.isArray(index.names) && Array.isArray(index.kinds) ? index : undefined;
  } catch {
    return undefined;
  }
}
