/**
 * What the policies share: reading URNs (stack name, parent component types), reading loosely typed resource
 * inputs, finding the Kubernetes objects a resource carries (a resource registered directly, or the manifests inside
 * a `kubernetes:yaml/v2:ConfigGroup`), and the one-line violation format.
 *
 * No cloud SDK is imported: the policies match Pulumi type tokens, so the pack loads (and ts-node type-checks) fast.
 */
import type { ResourceValidationArgs } from '@pulumi/policy';
import { describeObject, type Finding } from '../../core/diagnostics';
import { isObj, type Obj } from '../../core/k8s-object';

// Shared with the Pulumi-free cores (core/, validation/policies.ts), re-exported for the rules.
export { field, isObj, splitApiVersion, type Obj } from '../../core/k8s-object';
export { formatFinding, type Finding } from '../../core/diagnostics';
import { parseManifestText } from '../../core/yaml/parse';

/** How an actual value is shown after `got` (the sandbox invariants' wording). */
export { showValue } from '../../validation/sandbox/object';

// ---------------------------------------------------------------------------------------------------------------
// URNs: urn:pulumi:<stack>::<project>::<parentType$...$type>::<name>

export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** Types of the ancestors, outermost first (excluding `pulumi:pulumi:Stack`, which URNs never carry). */
  readonly parentTypes: readonly string[];
  readonly type: string;
  readonly name: string;
}

export function parseUrn(urn: string): ParsedUrn | undefined {
  const parts = urn.split('::');
  if (parts.length < 4 || !parts[0].startsWith('urn:pulumi:')) return undefined;
  const types = parts[2].split('$');
  return {
    stack: parts[0].slice('urn:pulumi:'.length),
    project: parts[1],
    parentTypes: types.slice(0, -1),
    type: types[types.length - 1],
    // A resource name may itself contain "::".
    name: parts.slice(3).join('::'),
  };
}

/** True when the resource is (transitively) a child of a component of type `componentType`. */
export function isChildOf(args: Pick<ResourceValidationArgs, 'urn'>, componentType: string): boolean {
  return parseUrn(args.urn)?.parentTypes.includes(componentType) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// Violations

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes objects carried by a resource

/** Pulumi type tokens of the YAML components whose `yaml`/`objs` inputs we read. */
export const CONFIG_GROUP_TYPES: readonly string[] = ['kubernetes:yaml/v2:ConfigGroup', 'kubernetes:yaml:ConfigGroup'];

/** `kubernetes:<group>/<version>:<Kind>` (core group: `kubernetes:core/v1:Pod`) → apiVersion and kind. */
export function kubernetesTypeToken(type: string): { readonly apiVersion: string; readonly kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!m || !m[1].includes('/')) return undefined;
  const apiVersion = m[1].startsWith('core/') ? m[1].slice('core/'.length) : m[1];
  return { apiVersion, kind: m[2] };
}

export interface CarriedObject {
  readonly value: Obj;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Undefined for a resource registered directly; the document inside a ConfigGroup otherwise. */
  readonly source?: string;
}

export interface CarriedObjects {
  readonly objects: readonly CarriedObject[];
  /** Manifests that could not be read (YAML errors), as findings with rule `yaml`. */
  readonly problems: readonly Finding[];
}

/**
 * The Kubernetes objects a resource stands for:
 * - a Kubernetes resource registered directly (`kubernetes:<group>/<version>:<Kind>`, which is also how the engine
 *   registers each object a ConfigGroup creates): its inputs, with apiVersion/kind taken from the type token when
 *   the inputs do not carry them;
 * - a ConfigGroup: every document of its `yaml` input (a string, or a list of strings in v1) and every object of its
 *   `objs` input. `files` are not read (the policy runs outside the program's directory).
 * Anything else carries no objects.
 */
export function kubernetesObjectsOf(args: Pick<ResourceValidationArgs, 'type' | 'props'>): CarriedObjects {
  if (CONFIG_GROUP_TYPES.includes(args.type)) return configGroupObjects(args.props);
  const token = kubernetesTypeToken(args.type);
  if (!token) return { objects: [], problems: [] };
  const props = args.props as Obj;
  const value: Obj = { ...props, apiVersion: props.apiVersion ?? token.apiVersion, kind: props.kind ?? token.kind };
  return { objects: [{ value, object: describeObject(value) }], problems: [] };
}

function configGroupObjects(props: Obj): CarriedObjects {
  const objects: CarriedObject[] = [];
  const problems: Finding[] = [];
  const yaml = props.yaml;
  const texts = typeof yaml === 'string' ? [yaml] : Array.isArray(yaml) ? yaml.filter((t): t is string => typeof t === 'string') : [];
  texts.forEach((text, t) => {
    const input = texts.length > 1 ? `yaml[${t}]` : 'yaml';
    const parsed = parseManifestText(input, text);
    for (const p of parsed.problems) problems.push({ rule: 'yaml', path: '', source: `${input} line ${p.line}`, message: `${p.message} (the manifests cannot be checked)` });
    for (const doc of parsed.documents) {
      const source = `${input} document ${doc.index + 1} (line ${doc.line})`;
      if (isObj(doc.value)) objects.push({ value: doc.value, object: describeObject(doc.value, doc.index), source });
    }
  });
  const objs = props.objs;
  const list = Array.isArray(objs) ? objs : isObj(objs) ? [objs] : [];
  list.forEach((value, i) => {
    if (isObj(value)) objects.push({ value, object: describeObject(value, i), source: Array.isArray(objs) ? `objs[${i}]` : 'objs' });
  });
  return { objects, problems };
}
