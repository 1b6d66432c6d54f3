/**
 * `validate --platform P` on objects rendered for another platform: a sandbox pod (or a RuntimeClass's scheduling)
 * that selects or tolerates node labels only other platforms use — GKE's `sandbox.gke.io/runtime` and accelerator
 * labels, our EKS/AKS sandbox-node label — was placed for that platform, and on P its pods would never schedule (or
 * would land on the wrong nodes). The keys come from the platform modules.
 */
import { platformModules, type Platform, type PlatformModule } from '../platforms';
import type { Problem } from '../core/diagnostics';
import type { ObjectChecker } from './schema/validate-objects';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Node label and taint keys a platform's sandbox pods and RuntimeClasses use. */
function placementKeys(m: PlatformModule): Set<string> {
  const keys = new Set<string>();
  for (const runtime of Object.values(m.runtimes)) {
    for (const placement of [runtime?.podPlacement, runtime?.runtimeClassScheduling]) {
      for (const k of Object.keys(placement?.nodeSelector ?? {})) keys.add(k);
      for (const t of placement?.tolerations ?? []) keys.add(t.key);
    }
  }
  if (m.sandboxNode) {
    keys.add(m.sandboxNode.label.key);
    if (m.sandboxNode.taint) keys.add(m.sandboxNode.taint.key);
  }
  for (const k of m.optionalPlacementKeys ?? []) keys.add(k);
  if (m.gpu) {
    keys.add(m.gpu.acceleratorLabel);
    for (const k of Object.keys(m.gpu.nodeSelector('nvidia-l4'))) keys.add(k);
  }
  return keys;
}

/** Keys that belong to other platforms than `platform`, with the platforms that use each. */
function foreignKeys(platform: Platform): Map<string, string[]> {
  const own = placementKeys(platformModules().find((m) => m.platform === platform)!);
  const out = new Map<string, string[]>();
  for (const m of platformModules()) {
    if (m.platform === platform) continue;
    for (const k of placementKeys(m)) if (!own.has(k)) out.set(k, [...(out.get(k) ?? []), m.platform]);
  }
  return out;
}

export function createPlatformPlacementChecker(platform: Platform): ObjectChecker {
  const foreign = foreignKeys(platform);
  return (value, object) => {
    const kind = String(value.kind);
    const spec = isObj(value.spec) ? value.spec : undefined;
    const at =
      kind === 'Sandbox' || kind === 'SandboxTemplate'
        ? { path: 'spec.podTemplate.spec', placement: isObj(spec?.podTemplate) && isObj(spec.podTemplate.spec) ? spec.podTemplate.spec : undefined }
        : kind === 'RuntimeClass'
          ? { path: 'scheduling', placement: isObj(value.scheduling) ? value.scheduling : undefined }
          : undefined;
    if (!at?.placement) return [];
    const problems: Omit<Problem, 'file'>[] = [];
    const flag = (path: string, key: string) => {
      const owners = foreign.get(key);
      if (owners) {
        problems.push({
          object,
          path,
          message: `"${key}" is ${owners.join(', ')} placement, not ${platform}'s: this object was rendered for ${owners.length === 1 ? 'that platform' : 'one of those platforms'} (\`synth --platform ${platform}\` renders ${platform}'s), and on ${platform} its pods would not land on sandbox nodes`,
          severity: 'error',
          code: 'foreignPlacement',
        });
      }
    };
    for (const key of Object.keys(isObj(at.placement.nodeSelector) ? at.placement.nodeSelector : {})) flag(`${at.path}.nodeSelector[${JSON.stringify(key)}]`, key);
    const tolerations = Array.isArray(at.placement.tolerations) ? at.placement.tolerations : [];
    tolerations.forEach((t, i) => {
      if (isObj(t) && typeof t.key === 'string') flag(`${at.path}.tolerations[${i}].key`, t.key);
    });
    return problems;
  };
}
