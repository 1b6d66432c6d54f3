/**
 * Parsed pinned documents, memoized per process so that a synth of every platform parses each file once.
 * The CRDs are controller-gen output: plain YAML without 1.1/1.2 ambiguities, parsed with js-yaml (~5x faster than
 * `yaml` on these 400 KB files); the parsed JSON is kept in the cache and reused only while its sha256 matches the
 * pin's `parsedSha256`, so a cached copy can never stand in for anything but the pinned content.
 */
import { load } from 'js-yaml';
import { agentSandboxRelease, type AgentSandboxCrdPin, type UpstreamFile } from './pins';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, readUpstreamText, sha256Hex } from './store';

export interface JsonObject {
  [key: string]: unknown;
}

const parsedCrds = new Map<string, JsonObject>();
const parsedDefinitions = new Map<string, Record<string, JsonObject>>();

/** A pinned CRD file: agent-sandbox's (with a parsed-copy hash) or any other pinned CRD (Karpenter's). */
type CrdPin = UpstreamFile & Pick<Partial<AgentSandboxCrdPin>, 'parsedSha256'>;

/** The pinned CRD object (verified). Shared: callers must not mutate it (use structuredClone). */
export function loadPinnedCrd(pin: CrdPin, env: NodeJS.ProcessEnv = process.env): JsonObject {
  const text = readUpstreamText(pin, env);
  let crd = parsedCrds.get(pin.sha256);
  if (!crd) {
    crd = readParsedCopy(pin, env) ?? parseAndKeep(pin, text, env);
    parsedCrds.set(pin.sha256, crd);
  }
  return crd;
}

/** The parsed copy in the cache, if its JSON has the pinned `parsedSha256` (anything else is ignored). */
function readParsedCopy(pin: CrdPin, env: NodeJS.ProcessEnv): JsonObject | undefined {
  if (!pin.parsedSha256) return undefined;
  try {
    const json = readFileSync(join(cacheDir(env), 'parsed', `${pin.sha256}.json`), 'utf8');
    return sha256Hex(json) === pin.parsedSha256 ? (JSON.parse(json) as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function parseAndKeep(pin: CrdPin, text: string, env: NodeJS.ProcessEnv): JsonObject {
  const crd = load(text) as JsonObject;
  const json = JSON.stringify(crd);
  if (pin.parsedSha256 && sha256Hex(json) === pin.parsedSha256) {
    const dir = join(cacheDir(env), 'parsed');
    const tmp = join(dir, `${pin.sha256}.json.tmp-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, json);
      renameSync(tmp, join(dir, `${pin.sha256}.json`));
    } catch {
      // a read-only cache only costs speed; so does a temp file that cannot be removed
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing was written there (a folder this process may not enter)
      }
    }
  }
  return crd;
}

export function loadReleaseCrds(version: string, env: NodeJS.ProcessEnv = process.env): { pin: AgentSandboxCrdPin; crd: JsonObject }[] {
  return agentSandboxRelease(version).crds.map((pin) => ({ pin, crd: loadPinnedCrd(pin, env) }));
}

/** The `definitions` map of a pinned Kubernetes `_definitions.json` (verified). Shared: do not mutate. */
export function loadKubernetesDefinitions(pin: UpstreamFile, env: NodeJS.ProcessEnv = process.env): Record<string, JsonObject> {
  const text = readUpstreamText(pin, env);
  let defs = parsedDefinitions.get(pin.sha256);
  if (!defs) {
    defs = (JSON.parse(text) as { definitions: Record<string, JsonObject> }).definitions;
    parsedDefinitions.set(pin.sha256, defs);
  }
  return defs;
}
