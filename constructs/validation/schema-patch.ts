/**
 * Schema changes that make validation strict the way the API server is: an object schema with `properties` and
 * no `additionalProperties` rejects unknown fields (the server prunes or rejects them; a silently dropped typo is
 * the failure we must make loud), unless it preserves unknown fields on purpose.
 */
import type { JsonObject } from '../upstream/documents';

export const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

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
