/**
 * Schema changes that make validation strict the way the API server is:
 *  - an object schema with `properties` and no `additionalProperties` rejects unknown fields (the server prunes or
 *    rejects them; a silently dropped typo is the failure we must make loud), unless it preserves unknown fields on
 *    purpose (`closeObjects`);
 *  - scalars the server parses (`tightenScalars`): `_definitions.json` declares resource.Quantity as any string or
 *    number and meta/v1 Time as a string with `format: date-time`, which ajv does not check (`validateFormats: false`),
 *    so `cpu: lots` or `shutdownTime: tomorrow` would pass here and be rejected by the API server (or by the
 *    controller that decodes the object). They get patterns for the grammars the server parses.
 *
 * Everything in this module is part of the validator cache key (`SCHEMA_DERIVATION`): a change here recompiles
 * cached validators by itself. Add every new function or constant to that list (a test checks it).
 */
import type { JsonObject } from '../../core/upstream/documents';

export const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The Kubernetes definition of resource quantities (`cpu`, `memory`, `pods`, ResourceQuota `hard`…). */
export const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * A Kubernetes quantity, the grammar of core/quantity.ts `parseQuantity` (itself
 * k8s.io/apimachinery resource.ParseQuantity, with its documented differences): an optional sign, a number with
 * at least one digit (`1`, `1.5`, `1.`, `.5`), then a binary suffix (Ki…Ei), a decimal suffix (n u m k M G T P E),
 * a decimal exponent of at most ±1000 (`e3`, `E-3`, `e+03`), or nothing. Only strings are checked: a JSON number is
 * a quantity already.
 */
export const QUANTITY_PATTERN =
  '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?0*(?:1000|[0-9]{1,3}))?$';

/**
 * The quantity pattern controller-gen writes into CRDs (`x-kubernetes-int-or-string` resource fields). It accepts
 * fractional exponents (`1e1.5`) that Kubernetes cannot parse, so it is replaced by QUANTITY_PATTERN (which accepts
 * a subset of it: never weaker).
 */
export const CONTROLLER_GEN_QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/**
 * An RFC 3339 date-time as meta/v1 Time reads it (Go `time.Parse(time.RFC3339, s)`): `YYYY-MM-DDTHH:MM:SS`, optional
 * fractional seconds, then `Z` or `±HH:MM`; upper-case `T` and `Z`; a real calendar date (days per month, Feb 29 only
 * in leap years); no leap second (Go rejects second 60).
 */
export const RFC3339_PATTERN =
  '^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))' +
  '|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)' +
  'T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$';

/** Keys whose values are data, not schemas: never patched, never searched for `$ref`. */
export const DATA_KEYS: readonly string[] = ['enum', 'default', 'example', 'x-kubernetes-validations'];
/** Keys whose values are maps of schemas keyed by names (the names are not keywords). */
export const SCHEMA_MAP_KEYS: readonly string[] = ['properties', 'definitions', 'patternProperties'];

/**
 * A deep copy of `schema` where the scalars Kubernetes parses are checked like the API server parses them:
 * the Quantity definition (and controller-gen's CRD quantity pattern) gets QUANTITY_PATTERN, every
 * `format: date-time` string gets RFC3339_PATTERN. A schema that already has another pattern keeps it and gets
 * the new one in `allOf` (both must hold).
 */
export function tightenScalars(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tightenScalars);
  if (schema === null || typeof schema !== 'object') return schema;
  const src = schema as JsonObject;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(src)) {
    if (SCHEMA_MAP_KEYS.includes(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value as JsonObject).map(([k, v]) => [k, tightenScalars(key === 'definitions' && k === QUANTITY_DEFINITION ? withPattern(v, QUANTITY_PATTERN) : v)]),
      );
    } else if (DATA_KEYS.includes(key)) {
      out[key] = value;
    } else {
      out[key] = tightenScalars(value);
    }
  }
  if (out.pattern === CONTROLLER_GEN_QUANTITY_PATTERN) out.pattern = QUANTITY_PATTERN;
  if (out.format === 'date-time') return withPattern(out, RFC3339_PATTERN);
  return out;
}

/** `schema` with `pattern` required too (top level: it applies to strings only, whatever `type`/`oneOf` allow). */
export function withPattern(schema: unknown, pattern: string): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as JsonObject;
  if (s.pattern === undefined || s.pattern === pattern) return { ...s, pattern };
  if (Array.isArray(s.allOf) && s.allOf.some((x) => (x as JsonObject | null)?.pattern === pattern)) return s;
  return { ...s, allOf: [...(Array.isArray(s.allOf) ? s.allOf : []), { pattern }] };
}

/** Every patch, in order: what validators are compiled from (after picking the reachable definitions). */
export function patchSchema(schema: unknown): unknown {
  return closeObjects(tightenScalars(schema));
}

/** A deep copy of `schema` with `additionalProperties: false` where the schema lists properties and keeps nothing else. */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const src = schema as JsonObject;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(src)) {
    if ((key === 'properties' || key === 'definitions' || key === 'patternProperties') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, closeObjects(v)]));
    } else if (key === 'enum' || key === 'default' || key === 'example' || key === 'x-kubernetes-validations') {
      out[key] = value; // data, not schema
    } else {
      out[key] = closeObjects(value);
    }
  }
  if (src.properties && src.additionalProperties === undefined && src['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** Names of every `#/definitions/<name>` reachable from `roots` (the roots included). */
export function reachableDefinitions(roots: readonly unknown[], definitions: Record<string, JsonObject>): string[] {
  const seen = new Set<string>();
  const stack: unknown[] = [...roots];
  const visit = (name: string) => {
    if (!seen.has(name) && definitions[name]) {
      seen.add(name);
      stack.push(definitions[name]);
    }
  };
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node as JsonObject)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith('#/definitions/')) visit(value.slice('#/definitions/'.length));
      } else if ((key === 'properties' || key === 'definitions' || key === 'patternProperties') && value && typeof value === 'object') {
        stack.push(...Object.values(value as JsonObject)); // a map of schemas: its keys are names, not keywords
      } else if (key !== 'enum' && key !== 'default' && key !== 'example' && key !== 'x-kubernetes-validations') {
        stack.push(value);
      }
    }
  }
  return [...seen].sort();
}

/** The openAPIV3Schema of a CRD version, with `metadata` checked as ObjectMeta (CRD schemas leave it open). */
export function crdVersionSchema(openAPIV3Schema: JsonObject): JsonObject {
  const schema = structuredClone(openAPIV3Schema);
  const properties = (schema.properties ?? {}) as JsonObject;
  properties.metadata = { $ref: OBJECT_META_REF };
  schema.properties = properties;
  return schema;
}

/**
 * Everything that shapes a compiled validator in this module (functions by their source, constants by value): the
 * schema catalog hashes it into the validator cache key. test/validation/schema/schema-patch.test.ts checks that
 * every top-level declaration of this file is listed.
 */
export const SCHEMA_DERIVATION: readonly (((...args: never[]) => unknown) | string | readonly string[])[] = [
  OBJECT_META_REF,
  QUANTITY_DEFINITION,
  QUANTITY_PATTERN,
  CONTROLLER_GEN_QUANTITY_PATTERN,
  RFC3339_PATTERN,
  DATA_KEYS,
  SCHEMA_MAP_KEYS,
  tightenScalars,
  withPattern,
  patchSchema,
  closeObjects,
  reachableDefinitions,
  crdVersionSchema,
];
