/**
 * Config fields that take a Kubernetes structure as-is (affinity, container specs, volumes…) are checked against
 * the pinned Kubernetes schema at config time, with unknown fields rejected: the typed cdk8s converters would
 * otherwise drop a misspelled field silently.
 */
import { z } from 'zod';
import { DEFAULT_KUBERNETES_SCHEMA, KUBERNETES_SCHEMAS, DEFAULT_AGENT_SANDBOX_VERSION } from '../core/upstream/pins';
import { SchemaCatalog } from '../validation/schema/schema-catalog';
import { schemaMessages } from '../validation/schema/schema-errors';

let catalog: SchemaCatalog | undefined;

function defaultCatalog(): SchemaCatalog {
  catalog ??= new SchemaCatalog({ kubernetes: KUBERNETES_SCHEMAS[DEFAULT_KUBERNETES_SCHEMA], agentSandboxVersion: DEFAULT_AGENT_SANDBOX_VERSION });
  return catalog;
}

/** A zod schema for a value of Kubernetes type `definition`; schema problems become issues at their sub-path. */
export function kubernetesType<T = Record<string, unknown>>(definition: string) {
  return z.custom<T>((v) => v !== null && typeof v === 'object', { message: `must be an object (${definition.split('.').pop()})` }).superRefine((value, ctx) => {
    const validate = defaultCatalog().definition(definition);
    if (validate(value)) return;
    for (const m of schemaMessages(validate.errors ?? [], value)) {
      ctx.addIssue({ code: 'custom', message: m.message, path: m.path ? splitPath(m.path) : [] });
    }
  });
}

/** `a.b[0]["x.y"]` → ['a', 'b', 0, 'x.y'] (the inverse of the dotted paths in schema messages). */
function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(m[3])));
  return out;
}
