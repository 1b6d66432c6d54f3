/**
 * Parsed pinned documents, memoized per process so that a synth of every platform parses each file once.
 * The CRDs are controller-gen output: plain YAML without 1.1/1.2 ambiguities, parsed with js-yaml because it is
 * ~5x faster than `yaml` on these 400 KB files (a test checks both parsers agree on every pinned CRD).
 */
import { load } from 'js-yaml';
import { agentSandboxRelease, type AgentSandboxCrdPin, type UpstreamFile } from './pins';
import { readUpstreamText } from './store';

export interface JsonObject {
  [key: string]: unknown;
}

const parsedCrds = new Map<string, JsonObject>();
const parsedDefinitions = new Map<string, Record<string, JsonObject>>();

/** The pinned CRD object (verified). Shared: callers must not mutate it (use structuredClone). */
export function loadPinnedCrd(pin: AgentSandboxCrdPin, env: NodeJS.ProcessEnv = process.env): JsonObject {
  const text = readUpstreamText(pin, env);
  const key = `${pin.sha256}`;
  let crd = parsedCrds.get(key);
  if (!crd) {
    crd = load(text) as JsonObject;
    parsedCrds.set(key, crd);
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
