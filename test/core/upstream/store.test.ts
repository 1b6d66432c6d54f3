import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchUpstream } from '../../../core/upstream/fetch';
import { zipSync } from 'fflate';
import { AGENT_SANDBOX_RELEASES, allUpstreamFiles as allPins, KARPENTER_CRDS, KUBERNETES_SCHEMAS, kubernetesSchemaFor, type UpstreamFile } from '../../../core/upstream/pins';
import { clearUpstreamMemo, goModuleZipPath, locateUpstreamFile, readUpstreamText, sha256Hex } from '../../../core/upstream/store';
import { UPSTREAM_DIR } from '../../support/upstream';

const sandboxesCrd = AGENT_SANDBOX_RELEASES['v0.5.6'].crds[0];
/** The pins a mirror laid out like ../shared/upstream holds (Go-module files come from their module zip). */
const allUpstreamFiles = () => allPins().filter((f) => f.goModule === undefined);

describe('pinned upstream files', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-store-'));
    clearUpstreamMemo();
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test('every pin matches the reference copy in the mirror', () => {
    for (const file of allUpstreamFiles()) {
      expect({ file: file.relativePath, sha256: sha256Hex(readFileSync(join(UPSTREAM_DIR, file.relativePath))) }).toStrictEqual({
        file: file.relativePath,
        sha256: file.sha256,
      });
      expect(file.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\//);
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

  test('a mirror without the file says what is missing', () => {
    const env = { AGENT_SANDBOX_INFRA_MIRROR: scratch };
    expect(() => readUpstreamText(sandboxesCrd, env)).toThrow(
      `agent-sandbox CRD sandboxes.agents.x-k8s.io v0.5.6 is missing from the mirror: ${join(scratch, sandboxesCrd.relativePath)} does not exist. ` +
        `AGENT_SANDBOX_INFRA_MIRROR=${scratch} must be laid out like ../shared/upstream`,
    );
  });

  test('no mirror and an empty cache tell the user exactly what to run', () => {
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    expect(() => readUpstreamText(KUBERNETES_SCHEMAS['1.36.0'], env)).toThrow(
      'Kubernetes API schema 1.36.0 is not available: no AGENT_SANDBOX_INFRA_MIRROR is set and the cache has no kubernetes-schemas/v1.36.0/_definitions.json. ' +
        `Run \`agent-sandbox-infra fetch-upstream\` (downloads the pinned files into ${scratch}), or set AGENT_SANDBOX_INFRA_MIRROR=<dir> to a folder laid out like ../shared/upstream.`,
    );
  });

  test('fetch-upstream downloads into the cache, verified, and the cache then resolves', async () => {
    const fetched: string[] = [];
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch };
    const results = await fetchUpstream(allUpstreamFiles(), {
      env,
      download: async (url) => {
        fetched.push(url);
        const file = allUpstreamFiles().find((f) => f.url === url)!;
        return readFileSync(join(UPSTREAM_DIR, file.relativePath));
      },
    });
    expect(results.map((r) => r.status)).toStrictEqual(allUpstreamFiles().map(() => 'downloaded'));
    expect(fetched).toStrictEqual(allUpstreamFiles().map((f) => f.url));
    expect(locateUpstreamFile(sandboxesCrd, env)).toStrictEqual({ path: join(scratch, sandboxesCrd.relativePath), from: 'cache' });
    expect(readUpstreamText(sandboxesCrd, env)).toContain('sandboxes.agents.x-k8s.io');

    const again = await fetchUpstream(allUpstreamFiles(), { env, ifMissing: true, download: async () => Buffer.from('unused') });
    expect(again.map((r) => r.status)).toStrictEqual(allUpstreamFiles().map(() => 'cached'));
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

  test('with a mirror, fetch-upstream --if-missing downloads nothing', async () => {
    const results = await fetchUpstream(allUpstreamFiles(), {
      env: { AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR, AGENT_SANDBOX_INFRA_CACHE: scratch },
      ifMissing: true,
      download: async () => {
        throw new Error('must not download');
      },
    });
    expect(new Set(results.map((r) => r.status))).toStrictEqual(new Set(['mirror']));
  });

  test('Go module files (Karpenter CRDs) are pinned by the proxy zip URL, the zip sha256 and the member path', () => {
    const modules = allPins().filter((f) => f.goModule !== undefined);
    expect(modules.map((f) => f.relativePath)).toStrictEqual(Object.values(KARPENTER_CRDS).map((f) => f.relativePath));
    for (const f of modules) {
      expect(f.url).toBe('https://proxy.golang.org/github.com/aws/karpenter-provider-aws/@v/v1.15.2.zip');
      expect(f.goModule?.member).toBe(`github.com/aws/karpenter-provider-aws@v1.15.2/pkg/apis/crds/${f.relativePath.split('/').pop()}`);
    }
  });

  /** A module pin over a zip made here (the real zip's hash is pinned; this exercises the same code on small data). */
  function fakeModule(member: string, content: string): { pin: UpstreamFile; zip: Buffer } {
    const zip = Buffer.from(zipSync({ [`example.com/Mod@v1.0.0/${member}`]: Buffer.from(content), 'example.com/Mod@v1.0.0/other.txt': Buffer.from('x') }));
    const pin: UpstreamFile = {
      name: 'fake CRD',
      version: 'v1.0.0',
      url: 'https://proxy.golang.org/example.com/!mod/@v/v1.0.0.zip',
      sha256: sha256Hex(content),
      relativePath: `fake/v1.0.0/${member}`,
      goModule: { path: 'example.com/Mod', version: 'v1.0.0', zipSha256: sha256Hex(zip), member: `example.com/Mod@v1.0.0/${member}` },
    };
    return { pin, zip };
  }

  test('a Go module file is read from the Go module cache zip (case-escaped path), the zip and the member verified', () => {
    const { pin, zip } = fakeModule('crds/a.yaml', 'kind: CustomResourceDefinition\n');
    const env = { GOMODCACHE: join(scratch, 'gomod'), AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache'), AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR };
    expect(() => locateUpstreamFile(pin, env)).toThrow(/fetch-upstream.*go mod download example\.com\/Mod@v1\.0\.0/s);
    const zipPath = goModuleZipPath(pin.goModule!, env);
    expect(zipPath).toBe(join(scratch, 'gomod/cache/download/example.com/!mod/@v/v1.0.0.zip'));
    mkdirSync(join(scratch, 'gomod/cache/download/example.com/!mod/@v'), { recursive: true });
    writeFileSync(zipPath, zip);
    expect(locateUpstreamFile(pin, env)).toStrictEqual({ path: zipPath, from: 'go-module-cache' });
    expect(readUpstreamText(pin, env)).toBe('kind: CustomResourceDefinition\n');
    clearUpstreamMemo();
    writeFileSync(zipPath, Buffer.concat([zip, Buffer.from('tampered')]));
    expect(() => readUpstreamText(pin, env)).toThrow(/sha256 mismatch for .*v1\.0\.0\.zip \(example\.com\/Mod@v1\.0\.0\)/);
  });

  test('fetch-upstream downloads a module zip once for all its members, keeps the verified members in the cache', async () => {
    const a = fakeModule('crds/a.yaml', 'a\n');
    const fetched: string[] = [];
    const env = { AGENT_SANDBOX_INFRA_CACHE: scratch, GOMODCACHE: join(scratch, 'none') };
    const results = await fetchUpstream([a.pin, a.pin], { env, download: async (url) => (fetched.push(url), a.zip) });
    expect(fetched).toStrictEqual([a.pin.url]);
    expect(results.map((r) => r.status)).toStrictEqual(['downloaded', 'downloaded']);
    expect(locateUpstreamFile(a.pin, env)).toStrictEqual({ path: join(scratch, 'fake/v1.0.0/crds/a.yaml'), from: 'cache' });
    await expect(fetchUpstream([fakeModule('crds/b.yaml', 'b\n').pin], { env, download: async () => a.zip })).rejects.toThrow(/sha256 mismatch/);
  });

  test('the schema pin follows the cluster version', () => {
    expect(kubernetesSchemaFor('1.36').version).toBe('1.36.0');
    expect(kubernetesSchemaFor('1.37.1').version).toBe('1.36.0');
    expect(kubernetesSchemaFor('1.35').version).toBe('1.34.0');
    expect(kubernetesSchemaFor('v1.34.2').version).toBe('1.34.0');
    expect(() => kubernetesSchemaFor('2.0')).toThrow('kubernetesVersion "2.0" is not a Kubernetes version like "1.36"');
  });
});
