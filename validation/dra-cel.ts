/**
 * DRA CEL selectors in manifests (`resource.k8s.io` DeviceClass, ResourceClaim, ResourceClaimTemplate): each
 * `cel.expression` is parsed, linted and evaluated against the sample devices exactly as the DRA constructs do
 * (core/cel/cel-check.ts), so a hand-written `device.attributes["gpu.nvidia.com/model"]` or a selector that
 * does not return a bool is reported by `validate` too. The API server cannot see these mistakes: such a selector
 * is accepted and then never matches a device, and the claim stays pending.
 *
 * Where selectors live: DeviceClass `spec.selectors[]`; a claim's `devices.requests[].exactly.selectors[]` and
 * `devices.requests[].firstAvailable[].selectors[]` (resource.k8s.io/v1), `devices.requests[].selectors[]`
 * (v1beta1); a template's claim is under `spec.spec`. The CEL engine is loaded only when an object has a selector.
 */
import { joinPath, type Problem } from '../core/diagnostics';
import { checkSelector } from '../core/cel/selector-results';
import type { ObjectChecker } from './schema/validate-objects';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `[path, expression]` of every CEL selector in one selector list. */
function selectorsAt(selectors: unknown, path: string): [string, unknown][] {
  return list(selectors).flatMap((s, i) => (isObj(s) && isObj(s.cel) && 'expression' in s.cel ? [[joinPath(joinPath(joinPath(path, i), 'cel'), 'expression'), s.cel.expression] as [string, unknown]] : []));
}

/** Selectors of a claim spec (`ResourceClaim.spec`, `ResourceClaimTemplate.spec.spec`) at `path`. */
function claimSelectors(claimSpec: unknown, path: string): [string, unknown][] {
  const requests = isObj(claimSpec) && isObj(claimSpec.devices) ? claimSpec.devices.requests : undefined;
  const devicesPath = joinPath(joinPath(path, 'devices'), 'requests');
  return list(requests).flatMap((r, i) => {
    if (!isObj(r)) return [];
    const at = joinPath(devicesPath, i);
    const exactly = isObj(r.exactly) ? selectorsAt(r.exactly.selectors, joinPath(joinPath(at, 'exactly'), 'selectors')) : [];
    const alternatives = list(r.firstAvailable).flatMap((sub, j) =>
      isObj(sub) ? selectorsAt(sub.selectors, joinPath(joinPath(joinPath(at, 'firstAvailable'), j), 'selectors')) : [],
    );
    return [...exactly, ...alternatives, ...selectorsAt(r.selectors, joinPath(at, 'selectors'))];
  });
}

/** Every CEL selector of a DRA object, with its path; none for other kinds. */
export function draCelSelectors(value: Obj): [string, unknown][] {
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  if (!apiVersion.startsWith('resource.k8s.io/')) return [];
  const spec = value.spec;
  switch (value.kind) {
    case 'DeviceClass':
      return isObj(spec) ? selectorsAt(spec.selectors, 'spec.selectors') : [];
    case 'ResourceClaim':
      return claimSelectors(spec, 'spec');
    case 'ResourceClaimTemplate':
      return isObj(spec) ? claimSelectors(spec.spec, 'spec.spec') : [];
    default:
      return [];
  }
}

export const draCelChecker: ObjectChecker = (value, object) => {
  const selectors = draCelSelectors(value);
  if (selectors.length === 0) return [];
  const problems: Omit<Problem, 'file'>[] = [];
  for (const [path, expression] of selectors) {
    for (const p of checkSelector(expression as string).problems) problems.push({ object, path, message: p.message, severity: 'error', code: 'celSelector' });
  }
  return problems;
};
