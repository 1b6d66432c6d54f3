/**
 * The index of the pinned Kubernetes definitions (validation/schema/definitions-index.ts): what it holds is what
 * the parsed file says, it is kept in the private cache with a verified header, anything else there is refused and
 * rebuilt, and the pinned file is still verified on every use.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadKubernetesDefinitions } from '../../../core/upstream/documents';
import { kubernetesSchemaFor } from '../../../core/upstream/pins';
import { sha256Hex, UpstreamError } from '../../../core/upstream/store';
import { indexDefinitions } from '../../../validation/schema/definitions-index';
import { clearCompiledValidators, SchemaCatalog, validatorCacheDir } from '../../../validation/schema/schema-catalog';
import { UPSTREAM_DIR } from '../../support/upstream';

const PIN = kubernetesSchemaFor('1.36');

// Each test has its own cache folder.
let scratch: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-definitions-index-'));
  env = { AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A new instance of the module (it memoizes per process): what another run would read. */
const fresh = () => {
  let mod!: typeof import('../../../validation/schema/definitions-index');
  jest.isolateModules(() => {
    mod = jest.requireActual('../../../validation/schema/definitions-index');
  });
  return mod;
};

describe('Kubernetes definitions index', () => {
  const indexFiles = () => readdirSync(validatorCacheDir(env)).filter((f) => f.endsWith('.definitions-index.json'));

  test('lists every definition and the group/version/kinds of those with metadata, in file order', () => {
    const definitions = loadKubernetesDefinitions(PIN, env);
    const index = indexDefinitions(definitions);
    expect(index.names).toStrictEqual(Object.keys(definitions));
    expect(index.kinds).toContainEqual({ definition: 'io.k8s.api.apps.v1.Deployment', group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(index.kinds).toContainEqual({ definition: 'io.k8s.api.core.v1.Pod', group: '', version: 'v1', kind: 'Pod' });
    // DeleteOptions serves many group/versions but has no metadata: not an object kind.
    expect(index.kinds.some((k) => k.definition === 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions')).toBe(false);
    expect(index.kinds.every((k) => (definitions[k.definition].properties as Record<string, unknown>).metadata)).toBe(true);
  });

  test('is kept in the private cache with a verified header; the kept copy is what the parsed file gives', () => {
    const first = fresh().kubernetesDefinitionsIndex(PIN, env);
    const [name] = indexFiles();
    expect(name).toMatch(/^[0-9a-f]{64}\.definitions-index\.json$/);
    const text = readFileSync(join(validatorCacheDir(env), name), 'utf8');
    expect(text.slice(0, text.indexOf('\n'))).toMatch(/^\/\/ agent-sandbox-infra Kubernetes definitions index v\d+ key=[0-9a-f]{64} sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(text.slice(text.indexOf('\n') + 1))).toStrictEqual(indexDefinitions(loadKubernetesDefinitions(PIN, env)));
    expect(first).toStrictEqual(indexDefinitions(loadKubernetesDefinitions(PIN, env)));
  });

  test('a catalog built from the kept index knows the same kinds and gives the same verdicts', () => {
    clearCompiledValidators();
    const catalog = new SchemaCatalog({ kubernetes: PIN, agentSandboxVersion: 'v0.5.6', env });
    const lookup = catalog.lookup('apps/v1', 'Deployment');
    expect(lookup.status).toBe('found');
    expect(catalog.lookup('apps/v1', 'Deploymint')).toMatchObject({ status: 'unknown-kind', message:
        'Deploymint is not a kind of apps/v1 in the pinned schemas (Kubernetes 1.36.0, agent-sandbox v0.5.6); apps has: ControllerRevision (apps/v1), ControllerRevisionList (apps/v1), DaemonSet (apps/v1), DaemonSetList (apps/v1), Deployment (apps/v1), DeploymentList (apps/v1), ReplicaSet (apps/v1), ReplicaSetList (apps/v1), StatefulSet (apps/v1), StatefulSetList (apps/v1)',
    });
    expect(() => catalog.definition('io.k8s.api.core.v1.Nope')).toThrow('io.k8s.api.core.v1.Nope is not in the Kubernetes');
    expect(catalog.definition('io.k8s.api.core.v1.Affinity')({ nodeAffinity: { bogus: 1 } })).toBe(false);
    // Each use still verifies the pinned file (a Pulumi program whose files went missing must say so).
    env.AGENT_SANDBOX_INFRA_MIRROR = join(scratch, 'empty');
    expect(() => catalog.definition('io.k8s.api.core.v1.Affinity')).toThrow(UpstreamError);
  });
});

describe('Kubernetes definitions index, as a later run reads it', () => {
  test('a kept index that does not verify (another body under its header, cut short, no header) is refused and rewritten', () => {
    const original = fresh().kubernetesDefinitionsIndex(PIN, env);
    const dir = validatorCacheDir(env);
    const [name] = readdirSync(dir).filter((f) => f.endsWith('.definitions-index.json'));
    const file = join(dir, name);
    const kept = readFileSync(file, 'utf8');
    const header = kept.slice(0, kept.indexOf('\n') + 1);
    const forged = JSON.stringify({ names: [], kinds: [] });
    for (const planted of [header + forged, kept.slice(0, kept.length / 2), forged]) {
      writeFileSync(file, planted);
      expect(fresh().kubernetesDefinitionsIndex(PIN, env)).toStrictEqual(original);
      expect(readFileSync(file, 'utf8')).toBe(kept);
    }
  });

  test('a kept index that verifies is what a later run uses (the definitions are not parsed again)', () => {
    fresh().kubernetesDefinitionsIndex(PIN, env);
    const dir = validatorCacheDir(env);
    const [name] = readdirSync(dir).filter((f) => f.endsWith('.definitions-index.json'));
    const kept = readFileSync(join(dir, name), 'utf8');
    const body = JSON.stringify({ names: ['x.Thing'], kinds: [{ definition: 'x.Thing', group: 'x.example', version: 'v1', kind: 'Thing' }] });
    const header = kept.slice(0, kept.indexOf('\n')).replace(/sha256=[0-9a-f]{64}$/, `sha256=${sha256Hex(body)}`);
    writeFileSync(join(dir, name), `${header}\n${body}`);
    expect(fresh().kubernetesDefinitionsIndex(PIN, env)).toStrictEqual(JSON.parse(body));
  });

  test('the pinned file is still read and verified: an altered _definitions.json fails even with the index kept', () => {
    fresh().kubernetesDefinitionsIndex(PIN, env);
    // A mirror holding only an altered copy of the pinned file (one space added).
    const mirror = join(scratch, 'mirror');
    const altered = join(mirror, PIN.relativePath!);
    mkdirSync(dirname(altered), { recursive: true });
    writeFileSync(altered, readFileSync(join(UPSTREAM_DIR, PIN.relativePath!), 'utf8').replace('"definitions"', '"definitions" '));
    expect(() => fresh().kubernetesDefinitionsIndex(PIN, { ...env, AGENT_SANDBOX_INFRA_MIRROR: mirror })).toThrow(/sha256 mismatch for .*_definitions.json/);
  });
});
