/**
 * The Kubernetes versions the pinned schemas cover: every minor from the oldest pinned schema's to the newest's (a
 * minor between two pins is validated against the older one, whose API it includes). A version outside that range
 * would be validated against a schema of another release: refused, naming the supported versions.
 */
import { KUBERNETES_SCHEMAS, parseMinor } from './pins';

/** `["1.34", "1.35", "1.36"]` for pins 1.34.0 and 1.36.0. */
export function supportedKubernetesVersions(): string[] {
  const minors = Object.values(KUBERNETES_SCHEMAS).map((s) => parseMinor(s.version));
  const out: string[] = [];
  for (let m = Math.min(...minors); m <= Math.max(...minors); m++) out.push(`1.${m}`);
  return out;
}

/** Why `version` is not a Kubernetes version the pins support, or undefined (`1.35`, `1.36.2`, `v1.34` are fine). */
export function kubernetesVersionProblem(version: string): string | undefined {
  let minor: number;
  try {
    minor = parseMinor(version);
  } catch {
    return `must be a Kubernetes version like "1.36" or "1.34.2", got ${JSON.stringify(version)}`;
  }
  const supported = supportedKubernetesVersions();
  if (supported.includes(`1.${minor}`)) return undefined;
  const pins = Object.values(KUBERNETES_SCHEMAS).map((s) => s.version).sort().join(', ');
  return `${JSON.stringify(version)} is outside the pinned range: supported Kubernetes versions are ${supported.join(', ')} (pinned API schemas ${pins})`;
}
