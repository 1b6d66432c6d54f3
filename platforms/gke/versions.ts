/**
 * GKE version comparisons for pinned versions, which may be fuzzy ("1.35", "1.35.2") or full
 * ("1.35.2-gke.1269000"); full versions are compared with `platforms/gke/addon.ts`.
 */
import { compareGkeVersions, parseGkeVersion } from './addon';

/**
 * True only when every version `pinned` can stand for is below `minimum` (a full GKE version). "latest", and a
 * fuzzy version whose given parts equal the minimum's ("1.35" vs 1.35.2-gke.…), cannot be decided: false.
 */
export function versionBelow(pinned: string, minimum: string): boolean {
  if (parseGkeVersion(pinned)) return compareGkeVersions(pinned, minimum) < 0;
  const fuzzy = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pinned);
  const min = parseGkeVersion(minimum);
  if (!fuzzy || !min) return false;
  const parts = fuzzy.slice(1).filter((p) => p !== undefined).map(Number);
  for (let i = 0; i < parts.length; i++) if (parts[i] !== min[i]) return parts[i] < min[i];
  return false;
}

/**
 * True only when every version `pinned` can stand for is ≥ `minimum` (a full GKE version): a full version compares
 * directly, a fuzzy one by the lowest version it can stand for ("1.37" → 1.37.0-gke.0, "1.36.3" → 1.36.3-gke.0).
 * "latest" pins nothing, so it guarantees nothing: false.
 */
export function versionAtLeast(pinned: string, minimum: string): boolean {
  if (parseGkeVersion(pinned)) return compareGkeVersions(pinned, minimum) >= 0;
  const fuzzy = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(pinned);
  const min = parseGkeVersion(minimum);
  if (!fuzzy || !min) return false;
  const lowest = [Number(fuzzy[1]), Number(fuzzy[2]), Number(fuzzy[3] ?? 0), 0];
  for (let i = 0; i < lowest.length; i++) if (lowest[i] !== min[i]) return lowest[i] > min[i];
  return true;
}
