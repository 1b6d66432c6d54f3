/**
 * Pinned upstream artifacts. Nothing upstream is vendored: each file is named by URL and sha256 and read from a
 * mirror folder or the local cache (see store.ts). Adding a release is data: a new entry in AGENT_SANDBOX_RELEASES.
 */

export interface UpstreamFile {
  /** Human name used in messages, e.g. `agent-sandbox CRD sandboxes.agents.x-k8s.io`. */
  readonly name: string;
  readonly version: string;
  /** Where `fetch-upstream` downloads it from (HTTPS only). */
  readonly url: string;
  /** sha256 of the exact bytes at `url`. */
  readonly sha256: string;
  /** Path inside a mirror or the cache, laid out like `../shared/upstream`. */
  readonly relativePath: string;
  /**
   * The file is a member of a Go module zip (`url` is the module proxy's `<module>/@v/<version>.zip`): read from the
   * Go module cache's copy of that zip when the mirror and our cache lack it.
   */
  readonly goModule?: GoModuleMember;
}

/** Where a pinned file sits in a Go module, and the pinned zip it comes in. */
export interface GoModuleMember {
  readonly path: string;
  readonly version: string;
  /** sha256 of the module zip the proxy serves. */
  readonly zipSha256: string;
  /** Path inside the zip: `<module>@<version>/<file>`. */
  readonly member: string;
}

export interface ConversionWebhook {
  /** Path the controller serves conversion on. */
  readonly path: string;
  /** Service port (the CRD clientConfig omits it: 443) and the container port behind it. */
  readonly servicePort: number;
  readonly targetPort: number;
  /** Default names the release's CRDs point at and the controller assumes (`--webhook-service-name/--webhook-namespace`). */
  readonly defaultServiceName: string;
  readonly defaultNamespace: string;
}

export interface AgentSandboxCrdPin extends UpstreamFile {
  readonly crdName: string;
  readonly kind: string;
  readonly group: string;
  /** The CRD needs the controller's extensions (`--extensions`). */
  readonly extension: boolean;
  /**
   * sha256 of `JSON.stringify` of the parsed file: lets a parsed copy in the cache stand in for the 400 KB YAML
   * parse while staying pinned (a cached copy with another hash is ignored).
   */
  readonly parsedSha256?: string;
}

export interface AgentSandboxRelease {
  readonly version: string;
  readonly controllerImage: { readonly repository: string; readonly tag: string };
  readonly crds: readonly AgentSandboxCrdPin[];
  /** The version we emit objects in (served + storage). */
  readonly apiVersion: string;
  /** Every version the CRDs serve, storage first. */
  readonly servedVersions: readonly string[];
  readonly deprecatedVersions: readonly string[];
  /** undefined: the release has no conversion webhook (agent-sandbox v1.x drops v1alpha1 and the webhook). */
  readonly conversionWebhook?: ConversionWebhook;
  /** Controller flags this release's binary understands (unknown flags crash the controller). */
  readonly controllerFlags: readonly string[];
  readonly source: string;
}

const AGENT_SANDBOX_REPO_RAW = 'https://raw.githubusercontent.com/kubernetes-sigs/agent-sandbox';

function crd(
  version: string,
  file: string,
  sha256: string,
  meta: { crdName: string; kind: string; group: string; extension: boolean; parsedSha256?: string },
): AgentSandboxCrdPin {
  return {
    name: `agent-sandbox CRD ${meta.crdName}`,
    version,
    url: `${AGENT_SANDBOX_REPO_RAW}/${version}/k8s/crds/${file}`,
    sha256,
    relativePath: `agent-sandbox/${version}/crds/${file}`,
    ...meta,
  };
}

/** Flags of agent-sandbox-controller v0.5.x (helm/values.yaml and cmd/agent-sandbox-controller/main.go). */
const V0_5_FLAGS = [
  'leader-elect',
  'leader-election-namespace',
  'cluster-domain',
  'extensions',
  'enable-tracing',
  'enable-pprof',
  'enable-pprof-debug',
  'pprof-block-profile-rate',
  'pprof-mutex-profile-fraction',
  'kube-api-qps',
  'kube-api-burst',
  'sandbox-concurrent-workers',
  'sandbox-claim-concurrent-workers',
  'sandbox-warm-pool-concurrent-workers',
  'sandbox-template-concurrent-workers',
  'sandbox-warm-pool-max-batch-size',
  'enable-warm-pool-eviction',
  'webhook-service-name',
  'webhook-namespace',
] as const;

export const AGENT_SANDBOX_RELEASES = {
  'v0.5.6': {
    version: 'v0.5.6',
    controllerImage: { repository: 'registry.k8s.io/agent-sandbox/agent-sandbox-controller', tag: 'v0.5.6' },
    crds: [
      crd('v0.5.6', 'agents.x-k8s.io_sandboxes.yaml', '9e60ea33d214c74588f3d07b7f606121fe0544df05d0e7310ceec1267c5887f4', {
        crdName: 'sandboxes.agents.x-k8s.io',
        kind: 'Sandbox',
        group: 'agents.x-k8s.io',
        extension: false, parsedSha256: 'e30bcee75c1ca6ac5bdb8c4fb40dbc54b20d9327619796f218a6330fd9b1a8e9',
      }),
      crd(
        'v0.5.6',
        'extensions.agents.x-k8s.io_sandboxclaims.yaml',
        '6d8a4cc45c3c5a3d3a2f2013a67035726940d4e1d24177e8e119716b883cdd35',
        { crdName: 'sandboxclaims.extensions.agents.x-k8s.io', kind: 'SandboxClaim', group: 'extensions.agents.x-k8s.io', extension: true, parsedSha256: '81315b80e364c545679cc75eed34901d98f9b572ebb055ff21f62b471b2d46ef' },
      ),
      crd(
        'v0.5.6',
        'extensions.agents.x-k8s.io_sandboxtemplates.yaml',
        'af22468bd579fd6779fbe93cf6516dec7b08606d4fb225ed910890b27d0d6819',
        {
          crdName: 'sandboxtemplates.extensions.agents.x-k8s.io',
          kind: 'SandboxTemplate',
          group: 'extensions.agents.x-k8s.io',
          extension: true, parsedSha256: 'e362d18c4a709a5e2754e16c226adb57ad9c4246ee270ae61458a199bcc1335f',
        },
      ),
      crd(
        'v0.5.6',
        'extensions.agents.x-k8s.io_sandboxwarmpools.yaml',
        'cd217c623532e81c57cac24c3eccd02b23b6e8886bb50a609d61309cca548258',
        {
          crdName: 'sandboxwarmpools.extensions.agents.x-k8s.io',
          kind: 'SandboxWarmPool',
          group: 'extensions.agents.x-k8s.io',
          extension: true, parsedSha256: '2f08a29c5fd0879987d8ae1a7fe2e9328cc7905a0440cd298dac84b3443c1069',
        },
      ),
    ],
    apiVersion: 'v1beta1',
    servedVersions: ['v1beta1', 'v1alpha1'],
    deprecatedVersions: ['v1alpha1'],
    conversionWebhook: {
      path: '/convert',
      servicePort: 443,
      targetPort: 9443,
      defaultServiceName: 'agent-sandbox-webhook-service',
      defaultNamespace: 'agent-sandbox-system',
    },
    controllerFlags: V0_5_FLAGS,
    source: 'https://github.com/kubernetes-sigs/agent-sandbox/releases/tag/v0.5.6',
  },
} as const satisfies Record<string, AgentSandboxRelease>;

export type AgentSandboxVersion = keyof typeof AGENT_SANDBOX_RELEASES;
export const AGENT_SANDBOX_VERSIONS = Object.keys(AGENT_SANDBOX_RELEASES) as AgentSandboxVersion[];
export const DEFAULT_AGENT_SANDBOX_VERSION: AgentSandboxVersion = 'v0.5.6';

export function agentSandboxRelease(version: string): AgentSandboxRelease {
  const release = (AGENT_SANDBOX_RELEASES as Record<string, AgentSandboxRelease>)[version];
  if (!release) {
    throw new Error(`agent-sandbox version "${version}" is not pinned; pinned versions: ${AGENT_SANDBOX_VERSIONS.join(', ')}`);
  }
  return release;
}

/**
 * Every API version of the agent-sandbox kinds that some pinned release serves, sorted: what the sandbox invariant
 * checker can read. A release entry added as data (e.g. agent-sandbox v1.x serving `v1`) extends it.
 */
export const AGENT_SANDBOX_SERVED_VERSIONS: readonly string[] = [
  ...new Set(Object.values(AGENT_SANDBOX_RELEASES as Record<string, AgentSandboxRelease>).flatMap((r) => r.servedVersions)),
].sort();

/** cdk8s-team/cdk8s commit whose kubernetes-schemas/ we pin (the files `cdk8s import k8s@<v>` downloads). */
const CDK8S_SCHEMAS_COMMIT = '71f8cba7ecc809d861e837e842217202d5e5a16c';

function kubernetesSchema(version: string, sha256: string): UpstreamFile {
  return {
    name: `Kubernetes API schema`,
    version,
    url: `https://raw.githubusercontent.com/cdk8s-team/cdk8s/${CDK8S_SCHEMAS_COMMIT}/kubernetes-schemas/v${version}/_definitions.json`,
    sha256,
    relativePath: `kubernetes-schemas/v${version}/_definitions.json`,
  };
}

export const KUBERNETES_SCHEMAS = {
  '1.36.0': kubernetesSchema('1.36.0', 'a9e98cdc6ab09980f23b5e987a5f11d0ec1fc838187efb92f347ccf38ed8fd65'),
  '1.34.0': kubernetesSchema('1.34.0', '20c1170fc31e4e0021067e9d9c4969eee2ad54bbf851cb83239d69438a3de774'),
} as const satisfies Record<string, UpstreamFile>;

export type KubernetesSchemaVersion = keyof typeof KUBERNETES_SCHEMAS;
export const DEFAULT_KUBERNETES_SCHEMA: KubernetesSchemaVersion = '1.36.0';
/** The Kubernetes version manifests target when none is given. */
export const DEFAULT_KUBERNETES_VERSION = '1.36';

/** The pinned schema to validate a cluster of Kubernetes `minor` (e.g. "1.35") against: the newest pin ≤ it, else the oldest. */
export function kubernetesSchemaFor(kubernetesVersion: string): UpstreamFile {
  const minor = parseMinor(kubernetesVersion);
  const pins = Object.values(KUBERNETES_SCHEMAS).sort((a, b) => parseMinor(b.version) - parseMinor(a.version));
  return pins.find((p) => parseMinor(p.version) <= minor) ?? pins[pins.length - 1];
}

/** "1.34", "1.34.2", "v1.34" → 34 (the major is always 1). */
export function parseMinor(kubernetesVersion: string): number {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(kubernetesVersion);
  if (!m) throw new Error(`kubernetesVersion "${kubernetesVersion}" is not a Kubernetes version like "1.36"`);
  return Number(m[1]);
}

/** The Go module proxy (the one `go` uses by default); module zips are served at `<proxy>/<module>/@v/<version>.zip`. */
export const GO_MODULE_PROXY = 'https://proxy.golang.org';

/**
 * Karpenter's CRDs, from the AWS provider's Go module (it ships them in pkg/apis/crds/; its NodePool CRD differs from
 * the core module's, so the provider's is the one a cluster installs). v1.15.2: the newest version the Go module
 * proxy served on 2026-12-06 (`go list -m -versions`); only `v1` is served and stored.
 */
export const KARPENTER_MODULE = { path: 'github.com/aws/karpenter-provider-aws', version: 'v1.15.2', zipSha256: '052bf797ae5b731de7f7395b9e957eb182c34b30c9b8b77e068d51599a3f0b81' } as const;

function karpenterCrd(file: string, sha256: string): UpstreamFile {
  const { path, version, zipSha256 } = KARPENTER_MODULE;
  return {
    name: `Karpenter CRD ${file.replace(/\.yaml$/, '')}`,
    version,
    url: `${GO_MODULE_PROXY}/${path}/@v/${version}.zip`,
    sha256,
    relativePath: `karpenter/${version}/crds/${file}`,
    goModule: { path, version, zipSha256, member: `${path}@${version}/pkg/apis/crds/${file}` },
  };
}

export const KARPENTER_CRDS = {
  nodePools: karpenterCrd('karpenter.sh_nodepools.yaml', 'f93038f695635eeaca2106906dad09a16283664ae54596756580721d29b566ac'),
  nodeClaims: karpenterCrd('karpenter.sh_nodeclaims.yaml', 'd1409d900c6250b77f8f6c105f6431c8eced9cece204d153b9822982d5373f3b'),
  ec2NodeClasses: karpenterCrd('karpenter.k8s.aws_ec2nodeclasses.yaml', '6c7e7c1785149a3c512d625d2f99375e2731a2c8d80f88fe708464257a62e935'),
} as const satisfies Record<string, UpstreamFile>;

/** Every pinned file, for `fetch-upstream`. */
export function allUpstreamFiles(): UpstreamFile[] {
  return [...Object.values(AGENT_SANDBOX_RELEASES).flatMap((r) => r.crds), ...Object.values(KUBERNETES_SCHEMAS), ...Object.values(KARPENTER_CRDS)];
}
