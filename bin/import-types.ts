/**
 * `npm run import`: regenerate imports/ with `cdk8s import`, from the pinned upstream files only
 * (mirror or cache; nothing is downloaded here). Schema `description` text is stripped first so the generated
 * code stays small; Kubernetes types are limited to the kinds the constructs emit. Re-running gives identical files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadKubernetesDefinitions, type JsonObject } from '../core/upstream/documents';
import { KUBERNETES_SCHEMAS } from '../core/upstream/pins';

const KUBERNETES_VERSION = '1.36.0';

/**
 * The Kubernetes kinds the constructs emit (`Kube*` classes; test/bin/import-types.test.ts checks that each is used
 * and nothing else is generated). Types they reference come along. The agent-sandbox kinds are emitted as plain
 * ApiObjects (their version comes from the pin table), so no CRD is imported.
 */
const EMITTED_KINDS = new Set([
  '/v1/Namespace',
  '/v1/ServiceAccount',
  '/v1/Service',
  '/v1/ConfigMap',
  '/v1/ResourceQuota',
  '/v1/LimitRange',
  'apps/v1/Deployment',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget',
  'node.k8s.io/v1/RuntimeClass',
  'resource.k8s.io/v1/DeviceClass',
  'resource.k8s.io/v1/ResourceClaimTemplate',
]);

/** Drops `description` from every schema node (not properties that happen to be called "description"). */
export function stripDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripDescriptions);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema as JsonObject)) {
    if (key === 'description' && typeof value === 'string') continue;
    if ((key === 'properties' || key === 'definitions' || key === 'patternProperties') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, stripDescriptions(v)]));
      continue;
    }
    out[key] = stripDescriptions(value);
  }
  return out;
}

function wanted(def: JsonObject): boolean | undefined {
  const gvks = def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined;
  const properties = def.properties as JsonObject | undefined;
  // Not an API object (cdk8s's own rule: a GVK and a metadata field): kept, generated only when referenced.
  if (!gvks || !gvks.length || !properties?.metadata) return undefined;
  const { group, version, kind } = gvks[0];
  return EMITTED_KINDS.has(`${group}/${version}/${kind}`);
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  // AGENT_SANDBOX_INFRA_IMPORT_OUT: write elsewhere (a test regenerates into a temp folder and compares).
  const outdir = resolve(process.env.AGENT_SANDBOX_INFRA_IMPORT_OUT ?? join(root, 'imports'));
  const work = mkdtempSync(join(tmpdir(), 'asi-import-'));
  try {
    const definitions = loadKubernetesDefinitions(KUBERNETES_SCHEMAS[KUBERNETES_VERSION]);
    const filtered: JsonObject = {};
    for (const [name, def] of Object.entries(definitions)) {
      if (wanted(def) !== false) filtered[name] = def;
    }
    const k8sSchemaPath = join(work, '_definitions.json');
    writeFileSync(k8sSchemaPath, JSON.stringify(stripDescriptions({ definitions: filtered })));

    // cdk8s-cli has no flag for a local k8s schema; its downloader is looked up at call time, so redirect the one URL.
    // (cdk8s-cli's exports map hides lib/, so load the files by path.)
    const cli = dirname(require.resolve('cdk8s-cli/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require(join(cli, 'lib/util.js'));
    const original = util.download;
    util.download = async (url: string) =>
      url.endsWith(`/kubernetes-schemas/v${KUBERNETES_VERSION}/_definitions.json`) ? original(k8sSchemaPath) : original(url);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { importDispatch } = require(join(cli, 'lib/import/dispatch.js'));
    const specs = [{ source: `k8s@${KUBERNETES_VERSION}` }];
    await importDispatch(specs, {}, { outdir, targetLanguage: 'typescript', save: false });
    // Generated code is not ours to type-check (cdk8s checks its generator); its types still check our code.
    // Skipping it takes ~3 s off `npm run typecheck`.
    for (const file of readdirSync(outdir).filter((f) => f.endsWith('.ts'))) {
      const path = join(outdir, file);
      writeFileSync(path, `// @ts-nocheck\n${readFileSync(path, 'utf8')}`);
    }
    process.stderr.write(`${outdir} regenerated from Kubernetes ${KUBERNETES_VERSION}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
