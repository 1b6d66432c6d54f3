/**
 * The Kubernetes JSON schema we validate built-in objects against (`kubernetes-schemas/v<version>/_definitions.json`,
 * the file `cdk8s import k8s` downloads) is a fixed transform of Kubernetes' own `api/openapi-spec/swagger.json`:
 * its `definitions`, in order, with `kind` narrowed to the one kind a definition serves, and `Quantity` and
 * `IntOrString` as the two-type unions cdk8s uses; printed with a 2-space indent and non-ASCII escaped. This lets
 * the pinned file come from the `k8s.io/kubernetes` Go module (the same bytes as the release's swagger.json): the
 * result is checked against the pinned sha256 like any other upstream file. Reproduces cdk8s-team/cdk8s's
 * kubernetes-schemas v1.34.0 and v1.36.0 byte for byte (test/core/upstream/kubernetes-definitions.test.ts).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export function definitionsFromSwagger(swaggerText: string): string {
  const swagger = JSON.parse(swaggerText) as { definitions?: Record<string, { [key: string]: Json }> };
  if (!swagger.definitions) throw new Error('swagger.json has no "definitions"');
  const out: Record<string, Json> = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    if (name === QUANTITY) out[name] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
    else if (name === INT_OR_STRING) out[name] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    else {
      const gvks = definition['x-kubernetes-group-version-kind'] as { kind: string }[] | undefined;
      const properties = definition.properties as Record<string, { [key: string]: Json }> | undefined;
      if (gvks?.length && new Set(gvks.map((g) => g.kind)).size === 1 && properties?.kind) {
        properties.kind.enum = [gvks[0].kind];
      }
      out[name] = definition;
    }
  }
  // Python's json.dumps(indent=2, ensure_ascii=True): the same layout as JSON.stringify, non-ASCII as \uXXXX.
  return JSON.stringify({ definitions: out }, null, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
