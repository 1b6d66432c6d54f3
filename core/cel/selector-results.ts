/**
 * What the DRA constructs and `validate` need to know about a CEL selector — its problems and its evaluation against
 * the sample devices (cel-check.ts), what it refers to (cel-references.ts) — computed once per process and kept in
 * the private cache (core/private-cache.ts), so that a synth whose selectors this machine has checked before does not
 * load the CEL engine at all (@bufbuild/cel with protobuf and re2: ~130 modules, about a tenth of synth's time).
 *
 * A kept result is used only while everything it was computed from is unchanged, so it can never stand in for a
 * check that would now fail: the expression, the devices, the Node.js version and this copy's engine files are its key; the code is listed in
 * the entry — every module file the engine had loaded (ours and the packages'), with its sha256 — and each file is
 * hashed again before the entry is believed. Where the module graph is not visible, nothing is kept on disk and
 * every check runs.
 */
import { join } from 'node:path';
import { clearCodeHashes, codeUnchanged, moduleCode, privateCacheDir, readPrivateFile, verifiedCacheBody, withCacheHeader, writePrivateFile, type CodeList } from '../private-cache';
import { sha256Hex } from '../upstream/store';
import { summarize, type CelCheckResult, type DeviceMatch } from './cel-results';
import type { DraDevice } from './cel-device';
import type { SelectorReferences } from './cel-references';
import { SAMPLE_DEVICES } from './sample-devices';

export type { SelectorReferences };

/** Bump when the shape of a kept entry changes. */
const FORMAT = 1;
const HEADER_PREFIX = `# agent-sandbox-infra CEL selector result v${FORMAT}`;

/** What checkCelSelector found, without the caller's path (added back on every use). */
interface CheckFacts {
  readonly problems: readonly string[];
  readonly devices: readonly DeviceMatch[];
}

interface Kinds {
  readonly check: CheckFacts;
  readonly references: SelectorReferences;
}

/** A kept entry: the facts and the code they were computed with. */
interface Entry<K extends keyof Kinds> {
  readonly kind: K;
  readonly expression: string;
  readonly facts: Kinds[K];
  /** [module file, sha256] of every module the engine had loaded. */
  readonly code: CodeList;
}

const memo = new Map<string, unknown>();

/** Checks one selector expression and evaluates it against the devices (the sample devices by default). */
export function checkSelector(expression: string, options: { readonly path?: string; readonly devices?: readonly DraDevice[] } = {}): CelCheckResult {
  if (typeof expression !== 'string') return engine().check.checkCelSelector(expression, options); // parsed YAML may hold anything
  const devices = options.devices ?? SAMPLE_DEVICES;
  const facts = known('check', expression, devicesKey(devices), () => {
    const result = engine().check.checkCelSelector(expression, { devices });
    return { problems: result.problems.map((p) => p.message), devices: result.devices };
  });
  const matches = facts.devices.map((d) => ({ ...d }));
  return {
    expression,
    problems: facts.problems.map((message) => ({ ...(options.path !== undefined ? { path: options.path } : {}), expression, message })),
    devices: matches,
    summary: summarize(matches),
  };
}

/** The references of `expression`; empty when it does not parse (checkSelector reports that). */
export function selectorReferences(expression: string): SelectorReferences {
  const facts = known('references', expression, '', () => engine().references.selectorReferences(expression));
  return { drivers: [...facts.drivers], domains: [...facts.domains], allowMultipleAllocations: facts.allowMultipleAllocations };
}

/** Forgets what this process computed or read (tests: the next call reads the disk cache). */
export function clearSelectorResults(): void {
  memo.clear();
  clearCodeHashes();
}

// ---------------------------------------------------------------------------------------------------------------

interface Engine {
  readonly check: typeof import('./cel-check');
  readonly references: typeof import('./cel-references');
}

/** The engine modules, loaded on first use (they pull in @bufbuild/cel, protobuf and re2). */
const ENGINE_MODULES = ['./cel-check', './cel-references'] as const;
let loaded: Engine | undefined;

let roots: string[] | undefined;

/** The engine's root module files of this copy of the package (resolved, not loaded). */
function engineRoots(): string[] {
  roots ??= ENGINE_MODULES.map((m) => require.resolve(m));
  return roots;
}

function engine(): Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= { check: require('./cel-check') as Engine['check'], references: require('./cel-references') as Engine['references'] };
  return loaded;
}

function known<K extends keyof Kinds>(kind: K, expression: string, devices: string | undefined, compute: () => Kinds[K]): Kinds[K] {
  if (devices === undefined) return compute();
  // The engine's files are part of the key: copies of the package sharing the per-user cache keep apart entries.
  const key = sha256Hex(`${FORMAT}\n${process.version}\n${engineRoots().join('\n')}\n${kind}\n${devices}\n${expression}`);
  const hit = memo.get(key) as Kinds[K] | undefined;
  if (hit) return hit;
  const dir = privateCacheDir();
  const file = dir && join(dir, `${key}.cel.json`);
  let facts = file ? readEntry(file, key, kind, expression) : undefined;
  if (!facts) {
    facts = compute();
    const code = file ? moduleCode(engineRoots()) : undefined;
    if (file && code) writePrivateFile(file, withCacheHeader(HEADER_PREFIX, key, JSON.stringify({ kind, expression, facts, code } satisfies Entry<K>)));
  }
  memo.set(key, facts);
  return facts;
}

/** The facts of a kept entry whose header verifies and whose code is unchanged; undefined for anything else. */
function readEntry<K extends keyof Kinds>(file: string, key: string, kind: K, expression: string): Kinds[K] | undefined {
  const text = readPrivateFile(file);
  const body = text === undefined ? undefined : verifiedCacheBody(text, HEADER_PREFIX, key);
  if (body === undefined) return undefined;
  try {
    const entry = JSON.parse(body) as Entry<K>;
    return entry.kind === kind && entry.expression === expression && codeUnchanged(entry.code, engineRoots()) ? entry.facts : undefined;
  } catch {
    return undefined;
  }
}

/** The devices as the key sees them; undefined when they cannot be written as JSON (then nothing is kept). */
function devicesKey(devices: readonly DraDevice[]): string | undefined {
  if (devices === SAMPLE_DEVICES) return (sampleDevicesKey ??= JSON.stringify(SAMPLE_DEVICES));
  try {
    return JSON.stringify(devices);
  } catch {
    return undefined;
  }
}
let sampleDevicesKey: string | undefined;
