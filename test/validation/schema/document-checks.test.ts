/**
 * synth's per-document schema checks and their kept results (validation/schema/document-checks.ts): a kept result is
 * exactly what computing it again gives, it is used only for the same text, catalog inputs and code, anything damaged
 * is refused, and a run whose documents are all known builds no catalog (loads no validator).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateCacheDirPath, verifiedCacheBody, withCacheHeader } from '../../../core/private-cache';
import { DEFAULT_AGENT_SANDBOX_VERSION, kubernetesSchemaFor } from '../../../core/upstream/pins';
import { EXAMPLE_CONFIG } from '../../../config/example';
import { validateConfig } from '../../../config/validate';
import { CRDS_FILE, renderPlatform } from '../../../constructs/output/render';
import { DocumentChecks } from '../../../validation/schema/document-checks';
import { catalogIdentity } from '../../../validation/schema/schema-catalog';
import { UPSTREAM_DIR } from '../../support/upstream';

let scratch: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-document-checks-'));
  env = { AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const options = (kubernetes = '1.36') => ({ kubernetes: kubernetesSchemaFor(kubernetes), agentSandboxVersion: DEFAULT_AGENT_SANDBOX_VERSION, env });

/** Every document of the example's EKS output, as synth checks it: [text, path, object for the CRDs]. */
function exampleDocuments(): [string, string, unknown][] {
  const rendered = renderPlatform('eks', validateConfig(EXAMPLE_CONFIG), env);
  return rendered.files.flatMap((file) => file.documents.map((doc, i): [string, string, unknown] => [doc, `eks/${file.name}`, file.name === CRDS_FILE ? file.objects[i] : undefined]));
}

const WRONG_DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: many\n  selector: {}\n  template: {}\n';
const BROKEN_YAML = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n';

const keptFiles = () => readdirSync(privateCacheDirPath(env)).filter((f) => f.endsWith('.document-checks.json'));

test('kept results are exactly the computed ones, and a run whose documents are all known builds no catalog', () => {
  const documents = exampleDocuments();
  const first = new DocumentChecks(options());
  const computed = documents.map(([text, path, object]) => first.check(text, path, object));
  first.save();
  expect(first.counts).toMatchObject({ fromKept: 0, catalogBuilt: true });
  expect(first.counts.computed).toBe(new Set(documents.map(([text, , object]) => `${object !== undefined}${text}`)).size);
  expect(keptFiles()).toHaveLength(1);

  const second = new DocumentChecks(options());
  const kept = documents.map(([text, path, object]) => second.check(text, path, object));
  expect(kept).toStrictEqual(computed);
  expect(second.counts).toStrictEqual({ computed: 0, fromKept: first.counts.computed, catalogBuilt: false });
  // The CRDs are checked as objects: their kept result hands back the very object given.
  const crd = documents.findIndex(([, , object]) => object !== undefined);
  expect(kept[crd].checkable[0].value).toBe(documents[crd][2]);
});

test('problems are kept too: a wrong document gives the same problems again, a YAML error its line', () => {
  const first = new DocumentChecks(options());
  const wrong = first.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  const broken = first.check(BROKEN_YAML, 'x/20-cm.yaml');
  first.save();
  expect(wrong.problems.map((p) => p.path)).toContain('spec.replicas');
  expect(broken.problems).toStrictEqual([{ object: 'line 5', path: '', message: 'YAML: unexpected end of the stream within a flow collection', severity: 'error', code: 'yaml' }]);
  const second = new DocumentChecks(options());
  expect(second.check(WRONG_DEPLOYMENT, 'y/10-web.yaml')).toStrictEqual(wrong);
  expect(second.check(BROKEN_YAML, 'y/20-cm.yaml')).toStrictEqual(broken);
  expect(second.counts).toStrictEqual({ computed: 0, fromKept: 2, catalogBuilt: false });
});

test('only the same text matches: a changed document is checked again, and its problems are its own', () => {
  const ok = WRONG_DEPLOYMENT.replace('replicas: many', 'replicas: 2').replace('selector: {}', 'selector: {matchLabels: {app: web}}').replace('template: {}', 'template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}');
  const first = new DocumentChecks(options());
  expect(first.check(ok, 'x/10-web.yaml').problems).toStrictEqual([]);
  first.save();
  const second = new DocumentChecks(options());
  expect(second.check(WRONG_DEPLOYMENT, 'x/10-web.yaml').problems.map((p) => p.path)).toContain('spec.replicas');
  expect(second.counts).toMatchObject({ computed: 1, fromKept: 0, catalogBuilt: true });
});

test('other catalog inputs (another Kubernetes schema, another agent-sandbox release) never take these results', () => {
  const first = new DocumentChecks(options('1.36'));
  first.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  first.save();
  const other = new DocumentChecks(options('1.37'));
  other.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  expect(other.counts).toMatchObject({ computed: 1, fromKept: 0 });
  other.save();
  const otherRelease = new DocumentChecks({ ...options('1.36'), agentSandboxVersion: 'v0.5.6' });
  otherRelease.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  expect(otherRelease.counts).toMatchObject({ computed: 1, fromKept: 0 });
  otherRelease.save();
  expect(keptFiles()).toHaveLength(3);
  expect(catalogIdentity({ kubernetes: kubernetesSchemaFor('1.36'), agentSandboxVersion: 'v0.5.6' })).not.toBe(catalogIdentity({ kubernetes: kubernetesSchemaFor('1.36'), agentSandboxVersion: DEFAULT_AGENT_SANDBOX_VERSION }));
});

test('the kept file lists the code the results came from: every module the check reaches, not only its own', () => {
  const first = new DocumentChecks(options());
  first.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  first.save();
  const [name] = keptFiles();
  const text = readFileSync(join(privateCacheDirPath(env), name), 'utf8');
  const code = JSON.parse(text.split('\n')[1]) as [string, string][];
  const files = code.map(([file]) => file.replace(/\\/g, '/'));
  for (const part of ['validation/schema/document-checks', 'validation/schema/validate-objects', 'validation/schema/schema-errors', 'validation/schema/schema-catalog', 'core/limits', 'core/yaml/parse', 'node_modules/js-yaml/']) {
    expect(files.some((file) => file.includes(part))).toBe(true);
  }
  expect(code.every(([, sha]) => /^[0-9a-f]{64}$/.test(sha))).toBe(true);
});

test('a damaged file, or one listing other code, is never used: results are computed again and the file rewritten', () => {
  const first = new DocumentChecks(options());
  first.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  first.save();
  const [name] = keptFiles();
  const file = join(privateCacheDirPath(env), name);
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, original.replace('spec.replicas', 'spec.replicaz'), { mode: 0o600 });
  const afterEdit = new DocumentChecks(options());
  expect(afterEdit.check(WRONG_DEPLOYMENT, 'x/10-web.yaml').problems.map((p) => p.path)).toContain('spec.replicas');
  expect(afterEdit.counts).toMatchObject({ computed: 1, fromKept: 0 });
  afterEdit.save();

  // A well-formed file whose code list names a module file with another sha256: the code changed since.
  const key = /key=([0-9a-f]{64})/.exec(original)![1];
  const body = verifiedCacheBody(readFileSync(file, 'utf8'), '# agent-sandbox-infra document checks v1', key)!;
  const newline = body.indexOf('\n');
  const code = JSON.parse(body.slice(0, newline)) as [string, string][];
  code[0] = [code[0][0], '0'.repeat(64)];
  writeFileSync(file, withCacheHeader('# agent-sandbox-infra document checks v1', key, `${JSON.stringify(code)}\n${body.slice(newline + 1)}`), { mode: 0o600 });
  const afterCodeChange = new DocumentChecks(options());
  afterCodeChange.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  expect(afterCodeChange.counts).toMatchObject({ computed: 1, fromKept: 0 });
});

test('a document whose parsed values JSON cannot hold exactly (.inf) is not kept: it is computed every time', () => {
  const infinite = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\ndata:\n  a: .inf\n';
  const first = new DocumentChecks(options());
  const result = first.check(infinite, 'x/10-cm.yaml');
  expect(result.checkable[0].value).toMatchObject({ data: { a: Infinity } });
  first.save();
  const second = new DocumentChecks(options());
  expect(second.check(infinite, 'x/10-cm.yaml')).toStrictEqual(result);
  expect(second.counts).toMatchObject({ computed: 1, fromKept: 0 });
});

test('without a private cache folder (diskCache: false) nothing is read or written', () => {
  const checks = new DocumentChecks({ ...options(), diskCache: false });
  checks.check(WRONG_DEPLOYMENT, 'x/10-web.yaml');
  checks.save();
  expect(existsSync(privateCacheDirPath(env))).toBe(false);
});
