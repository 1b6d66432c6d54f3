import { zipSync } from 'fflate';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchUpstream } from '../../../core/upstream/fetch';
import { definitionsFromSwagger } from '../../../core/upstream/kubernetes-definitions';
import { AGENT_SANDBOX_RELEASES, allUpstreamFiles, KUBERNETES_SCHEMAS, kubernetesSchemaFor, type UpstreamFile } from '../../../core/upstream/pins';
import { clearUpstreamMemo, locateUpstreamFile, readUpstreamText, sha256Hex } from '../../../core/upstream/store';
import { UPSTREAM_DIR } from '../../support/upstream';

const sandboxesCrd = AGENT_SANDBOX_RELEASES['v0.5.6'].crds[0];
/** The verified bytes of a pin, from the test mirror or (pins newer than the mirror) the cache `npm test` fills first. */
const pinnedBytes = (file: UpstreamFile) => Buffer.from(readUpstreamText(file));

describe('pinned upstream files', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-store-'));
    clearUpstreamMemo();
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('every pin matches its reference copy (the mirror, or the cache for pins newer than the mirror), and names both sources', () => {
    for (const file of allUpstreamFiles()) {
      const where = locateUpstreamFile(file);
      expect({ file: file.relativePath, sha256: sha256Hex(readFileSync(where.path)) }).toStrictEqual({ file: file.relativePath, sha256: file.sha256 });
      // GitHub raw files, or (Karpenter's CRDs) a member of the module proxy's zip, pinned by the zip's sha256.
      if (file.urlDerive?.transform === 'zip-member') {
        expect(file.url).toMatch(/^https:\/\/proxy\.golang\.org\/github\.com\/aws\/karpenter-provider-aws\/@v\/v\d+\.\d+\.\d+\.zip$/);
      } else {
        expect(file.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\//);
      }
      expect(file.goModule.module).toMatch(/^(sigs\.k8s\.io\/agent-sandbox|k8s\.io\/kubernetes|github\.com\/aws\/karpenter-provider-aws)$/);
      expect(file.goModule.version).toMatch(/^v\d+\.\d+\.\d+$/);
    }
    expect(sandboxesCrd.url).toBe('https://raw.githubusercontent.com/kubernetes-sigs/agent-sandbox/v0.5.6/k8s/crds/agents.x-k8s.io_sandboxes.yaml');
  });

  test('the mirror wins and is read verified', () => {
    const env = { AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR, AGENT_SANDBOX_INFRA_CACHE: scratch };
    expect(locateUpstreamFile(sandboxesCrd, env)).toStrictEqual({ path: join(UPSTREAM_DIR, sandboxesCrd.relativePath), from: 'mirror' });
    expect(readUpstreamText(sandboxesCrd, env)).toContain('name: sandboxes.agents.x-k8s.io');
  });

  test('a tampered file is rejected with both hashes', () => {
    const mirror = join(scratch, 'mirror');
    cpSync(UPSTREAM_DIR, mirror, { recursive: true });
    const path = join(mirror, sandboxesCrd.relativePath);
    const tampered = readFileSync(path, 'utf8').replace('served: true', 'served: false');
    writeFileSync(path, tampered);
    const env = { AGENT_SANDBOX_INFRA_MIRROR: mirror };
    expect(() => readUpstreamText(sandboxesCrd, env)).toThrow(
      `sha256 mismatch for ${path} (agent-sandbox CRD sandboxes.agents.x-k8s.io v0.5.6): expected ${sandboxesCrd.sha256}, got ${sha256Hex(tampered)}. ` +
        `The file is not the pinned upstream file (${sandboxesCrd.url}); restore it or re-run \`agent-sandbox-infra fetch-upstream\`.`,
    );
  });

  test('a mirror without the file falls back to the cache; neither: the message names both and what to run', () => {
    const mirror = join(scratch, 'mirror');
    const cache = join(scratch, 'cache');
    const env = { AGENT_SANDBOX_INFRA_MIRROR: mirror, AGENT_SANDBOX_INFRA_CACHE: cache };
    expect(() => readUpstreamText(sandboxesCrd, env)).toThrow(
      `agent-sandbox CRD sandboxes.agents.x-k8s.io v0.5.6 is not available (AGENT_SANDBOX_INFRA_MIRROR=${mirror} has no ${sandboxesCrd.relativePath}; ` +
        `the cache has no ${join(cache, sandboxesCrd.relativePath)}). Run \`agent-sandbox-infra fetch-upstream\` (fills ${cache} from ${sandboxesCrd.url}, ` +
        `or from the Go module proxy: sigs.k8s.io/agent-sandbox@v0.5.6), or set AGENT_SANDBOX_INFRA_MIRROR=<dir> to a folder laid out like ../shared/upstream.`,
    );
    cpSync(join(UPSTREAM_DIR, sandboxesCrd.relativePath), join(cache, sandboxesCrd.relativePath), { recursive: true });
    expect(locateUpstreamFile(sandboxesCrd, env)).toStrictEqual({ path: join(cache, sandboxesCrd.relativePath), from: 'cache' });
  });

  test('no mirror and an empty cache tell the user exactly what to run', () => {
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    expect(() => readUpstreamText(KUBERNETES_SCHEMAS['1.36.0'], env)).toThrow(
      `Kubernetes API schema 1.36.0 is not available (AGENT_SANDBOX_INFRA_MIRROR is not set; the cache has no ${join(scratch, 'kubernetes-schemas/v1.36.0/_definitions.json')}). ` +
        `Run \`agent-sandbox-infra fetch-upstream\` (fills ${scratch} from ${KUBERNETES_SCHEMAS['1.36.0'].url}, or from the Go module proxy: k8s.io/kubernetes@v1.36.3), ` +
        'or set AGENT_SANDBOX_INFRA_MIRROR=<dir> to a folder laid out like ../shared/upstream.',
    );
  });

  test('fetch-upstream takes a file from the Go module when HTTPS fails, and names every source when all fail', async () => {
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    const asked: string[] = [];
    const results = await fetchUpstream([sandboxesCrd], {
      env,
      download: async (url) => {
        throw new Error(`GET ${url} failed: getaddrinfo ENOTFOUND raw.githubusercontent.com`);
      },
      readGoModuleFile: async (m) => {
        asked.push(`${m.module}@${m.version} ${m.path}`);
        return readFileSync(join(UPSTREAM_DIR, sandboxesCrd.relativePath));
      },
    });
    expect(asked).toStrictEqual(['sigs.k8s.io/agent-sandbox@v0.5.6 k8s/crds/agents.x-k8s.io_sandboxes.yaml']);
    expect(results.map((r) => [r.status, r.source])).toStrictEqual([['downloaded', 'go-proxy']]);
    expect(sha256Hex(readFileSync(join(scratch, sandboxesCrd.relativePath)))).toBe(sandboxesCrd.sha256);

    await expect(
      fetchUpstream([KUBERNETES_SCHEMAS['1.37.2']], {
        env,
        download: async () => {
          throw new Error('HTTP 404');
        },
        readGoModuleFile: async () => {
          throw new Error('GOPROXY=off refused k8s.io/kubernetes@v1.37.2: module lookup disabled by GOPROXY=off');
        },
      }),
    ).rejects.toThrow(
      'Kubernetes API schema 1.37.2 could not be fetched from any source:\n' +
        `  HTTPS ${KUBERNETES_SCHEMAS['1.37.2'].url}: HTTP 404\n` +
        '  Go module proxy k8s.io/kubernetes@v1.37.2 (api/openapi-spec/swagger.json): GOPROXY=off refused k8s.io/kubernetes@v1.37.2: module lookup disabled by GOPROXY=off\n' +
        'Where neither is reachable, set AGENT_SANDBOX_INFRA_MIRROR=<dir> to a folder laid out like ../shared/upstream holding kubernetes-schemas/v1.37.2/_definitions.json',
    );
  });

  test('a derived schema checks its source first: a swagger.json that is not the pinned one is refused', async () => {
    await expect(
      fetchUpstream([KUBERNETES_SCHEMAS['1.37.2']], {
        env: { AGENT_SANDBOX_INFRA_CACHE: scratch },
        sources: ['go-proxy'],
        readGoModuleFile: async () => Buffer.from('{"definitions":{}}'),
      }),
    ).rejects.toThrow(`sha256 mismatch for k8s.io/kubernetes@v1.37.2 api/openapi-spec/swagger.json: expected ${KUBERNETES_SCHEMAS['1.37.2'].goModule.derive!.sourceSha256}, got ${sha256Hex('{"definitions":{}}')}`);
    expect(readdirSync(scratch)).toStrictEqual([]);
  });

  test("the schema transform: cdk8s's kind enum, Quantity and IntOrString unions, 2-space JSON with non-ASCII escaped", () => {
    const swagger = {
      swagger: '2.0',
      definitions: {
        'io.k8s.api.core.v1.Pod': { description: 'Pod – a group', properties: { kind: { type: 'string' }, spec: { type: 'object' } }, 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }] },
        'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { properties: { kind: { type: 'string' } }, 'x-kubernetes-group-version-kind': [{ group: '', kind: 'DeleteOptions', version: 'v1' }, { group: 'apps', kind: 'Other', version: 'v1' }] },
        'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', format: 'quantity' },
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
      },
    };
    const out = definitionsFromSwagger(JSON.stringify(swagger));
    expect(JSON.parse(out)).toStrictEqual({
      definitions: {
        'io.k8s.api.core.v1.Pod': { ...swagger.definitions['io.k8s.api.core.v1.Pod'], properties: { kind: { type: 'string', enum: ['Pod'] }, spec: { type: 'object' } } },
        'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': swagger.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
        'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
      },
    });
    expect(out).toContain('"description": "Pod \\u2013 a group"');
    expect(out.startsWith('{\n  "definitions": {\n    "io.k8s.api.core.v1.Pod": {')).toBe(true);
    expect(out.endsWith('}')).toBe(true);
  });

  // Every pin but the derived Kubernetes schemas (their sources are swagger.json files of 4–5 MB; the derivation is
  // tested above, and `npm test` fetches them for real through the Go module proxy before running).
  const direct = () => allUpstreamFiles().filter((f) => !f.urlDerive);

  test('fetch-upstream downloads into the cache, verified, and the cache then resolves', async () => {
    const fetched: string[] = [];
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    const results = await fetchUpstream(direct(), {
      env,
      download: async (url) => {
        fetched.push(url);
        return pinnedBytes(direct().find((f) => f.url === url)!);
      },
    });
    expect(results.map((r) => [r.status, r.source])).toStrictEqual(direct().map(() => ['downloaded', 'https']));
    expect(fetched).toStrictEqual(direct().map((f) => f.url));
    expect(locateUpstreamFile(sandboxesCrd, env)).toStrictEqual({ path: join(scratch, sandboxesCrd.relativePath), from: 'cache' });
    expect(readUpstreamText(sandboxesCrd, env)).toContain('sandboxes.agents.x-k8s.io');

    const again = await fetchUpstream(direct(), { env, ifMissing: true, download: async () => Buffer.from('unused') });
    expect(again.map((r) => r.status)).toStrictEqual(direct().map(() => 'cached'));
  });

  test('fetch-upstream refuses a download whose hash differs and writes nothing', async () => {
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    const bad = Buffer.from('not the CRD');
    await expect(fetchUpstream([sandboxesCrd], { env, download: async () => bad })).rejects.toThrow(
      `sha256 mismatch for ${sandboxesCrd.url} (agent-sandbox CRD sandboxes.agents.x-k8s.io v0.5.6): expected ${sandboxesCrd.sha256}, got ${sha256Hex(bad)}`,
    );
    expect(existsSync(join(scratch, 'agent-sandbox'))).toBe(false);
    expect(readdirSync(scratch)).toStrictEqual([]);
  });

  test('with a complete mirror, fetch-upstream --if-missing downloads nothing', async () => {
    const mirror = join(scratch, 'mirror');
    for (const file of allUpstreamFiles()) cpSync(locateUpstreamFile(file).path, join(mirror, file.relativePath), { recursive: true });
    const results = await fetchUpstream(allUpstreamFiles(), {
      env: { AGENT_SANDBOX_INFRA_MIRROR: mirror, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') },
      ifMissing: true,
      download: async () => {
        throw new Error('must not download');
      },
      readGoModuleFile: async () => {
        throw new Error('must not read a module');
      },
    });
    expect(new Set(results.map((r) => r.status))).toStrictEqual(new Set(['mirror']));
  });

  test('a zip-member pin (Karpenter CRDs): the zip is checked against its pinned sha256, then the member against the pin; one download per zip', async () => {
    const member = 'example.com/mod@v1.0.0/pkg/apis/crds/a.yaml';
    const content = Buffer.from('kind: CustomResourceDefinition\n');
    const zip = Buffer.from(zipSync({ [member]: content, 'example.com/mod@v1.0.0/other.txt': Buffer.from('x') }));
    const pin = (file: string, sha256: string): UpstreamFile => ({
      name: `fake CRD ${file}`,
      version: 'v1.0.0',
      url: 'https://proxy.golang.org/example.com/mod/@v/v1.0.0.zip',
      sha256,
      relativePath: `fake/v1.0.0/${file}`,
      urlDerive: { transform: 'zip-member', sourceSha256: sha256Hex(zip), member: `example.com/mod@v1.0.0/pkg/apis/crds/${file}` },
      goModule: { module: 'example.com/mod', version: 'v1.0.0', path: `pkg/apis/crds/${file}` },
    });
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    const urls: string[] = [];
    const results = await fetchUpstream([pin('a.yaml', sha256Hex(content)), pin('a.yaml', sha256Hex(content))], { env, sources: ['https'], download: async (url) => (urls.push(url), zip) });
    expect(urls).toStrictEqual(['https://proxy.golang.org/example.com/mod/@v/v1.0.0.zip']);
    expect(results.map((r) => r.status)).toStrictEqual(['downloaded', 'downloaded']);
    expect(readFileSync(join(scratch, 'fake/v1.0.0/a.yaml')).equals(content)).toBe(true);
    await expect(fetchUpstream([pin('a.yaml', sha256Hex(content))], { env, sources: ['https'], download: async () => Buffer.concat([zip, Buffer.from('x')]) })).rejects.toThrow(/sha256 mismatch for https:\/\/proxy\.golang\.org\/example\.com\/mod\/@v\/v1\.0\.0\.zip/);
    await expect(fetchUpstream([pin('b.yaml', sha256Hex(content))], { env, sources: ['https'], download: async () => zip })).rejects.toThrow(/has no example\.com\/mod@v1\.0\.0\/pkg\/apis\/crds\/b\.yaml/);
  });

  test('the schema pin follows the cluster version', () => {
    expect(kubernetesSchemaFor('1.36').version).toBe('1.36.0');
    expect(kubernetesSchemaFor('1.37.1').version).toBe('1.37.2');
    expect(kubernetesSchemaFor('1.38').version).toBe('1.37.2');
    expect(kubernetesSchemaFor('1.35').version).toBe('1.34.0');
    expect(kubernetesSchemaFor('v1.34.2').version).toBe('1.34.0');
    expect(() => kubernetesSchemaFor('2.0')).toThrow('kubernetesVersion "2.0" is not a Kubernetes version like "1.36"');
  });
});
