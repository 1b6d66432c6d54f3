/**
 * Pinned upstream artifacts. Nothing upstream is vendored: each file is named by URL and sha256 and read from a
 * mirror folder or the local cache (see store.ts), which `fetch-upstream` fills from the URL or from the same
 * bytes in a Go module (the Go module proxy). Adding a release is data: a new entry in AGENT_SANDBOX_RELEASES.
 */

/**
 * A pinned file made from another upstream file by a documented transform of ours (the source is checked against
 * `sourceSha256` first, the result against the pin's `sha256`).
 */
export interface DerivedFrom {
  readonly transform: 'kubernetes-definitions';
  readonly sourceSha256: string;
}

/** The same file inside a Go module (the module zip holds the repository at the tag, byte for byte). */
export interface GoModuleFile {
  readonly module: string;
  /** An exact version: the proxy may list none (sigs.k8s.io/agent-sandbox lists only v1.0.1). */
  readonly version: string;
  readonly path: string;
  /** The module holds the source of the pinned file, not the file itself. */
  readonly derive?: DerivedFrom;
}

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
  /** `url` holds the source of the pinned file, not the file itself. */
  readonly urlDerive?: DerivedFrom;
  /** Where the same bytes are in a Go module: the second source of `fetch-upstream` (sites with a Go proxy). */
  readonly goModule: GoModuleFile;
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
  /**
   * Upstream's own install manifests of the release (`k8s/*.yaml`): the reference our AgentSandbox construct is
   * compared with (parity tests, the Helm parity check, the upgrade plan's list of objects to remove).
   */
  readonly installFiles: Readonly<Record<InstallFileName, UpstreamFile>>;
  /** The version we emit objects in (served + storage). */
  readonly apiVersion: string;
  /** Every version the CRDs serve, storage first. */
  readonly servedVersions: readonly string[];
  readonly deprecatedVersions: readonly string[];
  /** undefined: the release has no conversion webhook (agent-sandbox v1.x drops v1alpha1 and the webhook). */
  readonly conversionWebhook?: ConversionWebhook;
  /** Every flag this release's binary accepts (cmd/agent-sandbox-controller at the tag; an unknown flag exits 2). */
  readonly controllerFlags: readonly string[];
  /** Set when the release is kept selectable but should not be installed any more: the warning, with what to do. */
  readonly deprecation?: string;
  readonly source: string;
}

const AGENT_SANDBOX_REPO_RAW = 'https://raw.githubusercontent.com/kubernetes-sigs/agent-sandbox';

export type InstallFileName =
  | 'controller.yaml'
  | 'extensions.controller.yaml'
  | 'extensions.yaml'
  | 'rbac.generated.yaml'
  | 'extensions-rbac.generated.yaml'
  | 'kustomization.yaml';

function installFiles(version: string, sha256: Readonly<Record<InstallFileName, string>>): Record<InstallFileName, UpstreamFile> {
  return Object.fromEntries(
    Object.entries(sha256).map(([file, hash]) => [
      file,
      {
        name: `agent-sandbox k8s/${file}`,
        version,
        url: `${AGENT_SANDBOX_REPO_RAW}/${version}/k8s/${file}`,
        sha256: hash,
        relativePath: `agent-sandbox/${version}/${file}`,
        goModule: { module: 'sigs.k8s.io/agent-sandbox', version, path: `k8s/${file}` },
      },
    ]),
  ) as Record<InstallFileName, UpstreamFile>;
}

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
    goModule: { module: 'sigs.k8s.io/agent-sandbox', version, path: `k8s/crds/${file}` },
    ...meta,
  };
}

/**
 * Flags every release from v0.5.6 to v1.0.3 accepts (cmd/agent-sandbox-controller/main.go at each tag, checked
 * against the v1.0.3 binary's --help; controller-runtime adds --kubeconfig and the zap logging flags).
 */
const COMMON_FLAGS = [
  'version',
  'cluster-domain',
  'metrics-bind-address',
  'health-probe-bind-address',
  'leader-elect',
  'leader-election-namespace',
  'extensions',
  'enable-tracing',
  'enable-pprof',
  'enable-pprof-debug',
  'pprof-block-profile-rate',
  'pprof-mutex-profile-fraction',
  'kube-api-qps',
  'kube-api-burst',
  'api-connections',
  'separate-watch-connection',
  'sandbox-concurrent-workers',
  'sandbox-claim-concurrent-workers',
  'sandbox-warm-pool-concurrent-workers',
  'sandbox-template-concurrent-workers',
  'sandbox-warm-pool-max-batch-size',
  'sandbox-warm-pool-replenish-delay',
  'sandbox-warm-pool-max-refill-rate',
  'sandbox-warm-pool-readiness-grace-period',
  'sandbox-warm-pool-unschedulable-recheck-interval',
  'enable-warm-pool-eviction',
  'cache-label-selectors',
  'disable-claim-events',
  'disable-claim-observability-annotations',
  'sandbox-write-behind-window',
  'kubeconfig',
  'zap-devel',
  'zap-encoder',
  'zap-log-level',
  'zap-stacktrace-level',
  'zap-time-encoding',
] as const;

/** v0.5.x: its conversion webhook's flags (main.go lines 102–109 at v0.5.6). */
const V0_5_FLAGS = [
  ...COMMON_FLAGS,
  'webhook-port',
  'webhook-cert-dir',
  'webhook-cert-name',
  'webhook-key-name',
  'webhook-service-name',
  'webhook-namespace',
  'manage-webhook-certs',
  'enable-webhook',
] as const;

/** v1.0.3: no webhook; HTTPS metrics (main.go lines 165–180 at v1.0.3). */
const V1_0_3_FLAGS = [...COMMON_FLAGS, 'metrics-secure-serving', 'metrics-cert-dir', 'tls-min-version', 'tls-cipher-suites'] as const;

export const AGENT_SANDBOX_RELEASES = {
  // The newest v1.0.x the Go module proxy serves (v1.0.4–v1.0.13 are refused with 403: not available), tagged
  // 2026-09-16 at 527d9346fe1d237dea5c003f3c720531c7bab1df. Four CRDs at v1beta1 only, no conversion webhook.
  'v1.0.3': {
    version: 'v1.0.3',
    controllerImage: { repository: 'registry.k8s.io/agent-sandbox/agent-sandbox-controller', tag: 'v1.0.3' },
    crds: [
      crd('v1.0.3', 'agents.x-k8s.io_sandboxes.yaml', 'bc6d66863decb675ce6da2c835ee3bb06aaaf8d73ad03aae9fe971fde5e8acce', {
        crdName: 'sandboxes.agents.x-k8s.io',
        kind: 'Sandbox',
        group: 'agents.x-k8s.io',
        extension: false,
        parsedSha256: '52180bdba1fb433e928d939cff5164d2bc4a2a6efc184290578c69ddd12b44a1',
      }),
      crd('v1.0.3', 'extensions.agents.x-k8s.io_sandboxclaims.yaml', 'a56399ca6ce8708910a8f6c1ff2fecd355100b0a6807b7f5c955868bb3963d18', {
        crdName: 'sandboxclaims.extensions.agents.x-k8s.io',
        kind: 'SandboxClaim',
        group: 'extensions.agents.x-k8s.io',
        extension: true,
        parsedSha256: 'b770a8d8c9b79e94f5c37b32b26e842dfa319a426070e95c33ae778265c9b8e4',
      }),
      crd('v1.0.3', 'extensions.agents.x-k8s.io_sandboxtemplates.yaml', '90f3ace51db1d30ae5d1de78ed3aafc80395ce66f4c617cbc73d5d8532f1f999', {
        crdName: 'sandboxtemplates.extensions.agents.x-k8s.io',
        kind: 'SandboxTemplate',
        group: 'extensions.agents.x-k8s.io',
        extension: true,
        parsedSha256: '6f83b3a0df42612c2c3ee22d402c0bc67d5ceeca61a7fea6c2c92b9dda70c18f',
      }),
      crd('v1.0.3', 'extensions.agents.x-k8s.io_sandboxwarmpools.yaml', 'f90a1db800dc04625d370abc59e5166f7b0ca909a2d869176be8abc08cd3a13d', {
        crdName: 'sandboxwarmpools.extensions.agents.x-k8s.io',
        kind: 'SandboxWarmPool',
        group: 'extensions.agents.x-k8s.io',
        extension: true,
        parsedSha256: 'e6c37dfd9c368088f764d57da82c6d0d661d7bf661cd5d2faec62fd316fbbbfc',
      }),
    ],
    installFiles: installFiles('v1.0.3', {
      'controller.yaml': '70b69b516a34be26f66c1cd84fb97e6d65d0425bf5cdad650a78b022ad5689f7',
      'extensions.controller.yaml': '26abc4ef85b93abb948242f70017f85ae967d1cce31dc606f64350390f8915fd',
      'extensions.yaml': '40cbfd3e97c768d78f7de9ec9d399ad3389801ff96354ef724c4ccc3a287352d',
      'rbac.generated.yaml': '5a6ca69f3ff8538d759fa35b45e4044086d1de1686acde19faf5f8f7251e89c5',
      'extensions-rbac.generated.yaml': 'c40a97bf17e3c1a8d13dd0d549142c97bb46ef6f20926330fc70d475f66ea66a',
      'kustomization.yaml': '2b4a21a27e653d5cfc5abb5e19e70d1dc04bcec221381fbea6d2dc2d7fb1ea2f',
    }),
    apiVersion: 'v1beta1',
    servedVersions: ['v1beta1'],
    deprecatedVersions: [],
    controllerFlags: V1_0_3_FLAGS,
    source: 'https://github.com/kubernetes-sigs/agent-sandbox/releases/tag/v1.0.3',
  },
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
    installFiles: installFiles('v0.5.6', {
      'controller.yaml': 'ecee13858bcb38d384226db70fa7f751b4bca29ae650b3f21d28e5ce779b1e3f',
      'extensions.controller.yaml': '0519b62e9aa3e02ffae89847c217af2cffd807a7eebf0349e1775483ac9f9408',
      'extensions.yaml': '40cbfd3e97c768d78f7de9ec9d399ad3389801ff96354ef724c4ccc3a287352d',
      'rbac.generated.yaml': '0d559e2b96c913aca5fc80252b7ab68160b1874f4fb35acf6decde0ac766d111',
      'extensions-rbac.generated.yaml': 'c40a97bf17e3c1a8d13dd0d549142c97bb46ef6f20926330fc70d475f66ea66a',
      'kustomization.yaml': '2da747579f9407bd67d815f79e4acb2f0cfd382f073be4b8b422561d4302e112',
    }),
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
    deprecation:
      'agent-sandbox v0.5.6 is deprecated: v1.0.3 is the current release (v1beta1 only, no conversion webhook). ' +
      'Plan the move with `agent-sandbox-infra upgrade-plan --from v0.5.6 --to v1.0.3` (storage migration first: the API server refuses the v1 CRDs while status.storedVersions names v1alpha1).',
    source: 'https://github.com/kubernetes-sigs/agent-sandbox/releases/tag/v0.5.6',
  },
} as const satisfies Record<string, AgentSandboxRelease>;

export type AgentSandboxVersion = keyof typeof AGENT_SANDBOX_RELEASES;
export const AGENT_SANDBOX_VERSIONS = Object.keys(AGENT_SANDBOX_RELEASES) as AgentSandboxVersion[];
export const DEFAULT_AGENT_SANDBOX_VERSION: AgentSandboxVersion = 'v1.0.3';

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

/**
 * A schema cdk8s publishes, and the `k8s.io/kubernetes` release whose swagger.json it is the transform of
 * (core/upstream/kubernetes-definitions.ts; the 1.36.0 and 1.36.3 definitions are equal).
 */
function kubernetesSchema(version: string, sha256: string, kubernetesModuleVersion: string, swaggerSha256: string): UpstreamFile {
  return {
    name: `Kubernetes API schema`,
    version,
    url: `https://raw.githubusercontent.com/cdk8s-team/cdk8s/${CDK8S_SCHEMAS_COMMIT}/kubernetes-schemas/v${version}/_definitions.json`,
    sha256,
    relativePath: `kubernetes-schemas/v${version}/_definitions.json`,
    goModule: {
      module: 'k8s.io/kubernetes',
      version: kubernetesModuleVersion,
      path: 'api/openapi-spec/swagger.json',
      derive: { transform: 'kubernetes-definitions', sourceSha256: swaggerSha256 },
    },
  };
}

/**
 * A schema cdk8s has not published (1.37): Kubernetes' own swagger.json at the release tag, transformed the way
 * cdk8s does (core/upstream/kubernetes-definitions.ts).
 */
function derivedKubernetesSchema(version: string, sha256: string, swaggerSha256: string): UpstreamFile {
  return {
    name: `Kubernetes API schema`,
    version,
    url: `https://raw.githubusercontent.com/kubernetes/kubernetes/v${version}/api/openapi-spec/swagger.json`,
    sha256,
    relativePath: `kubernetes-schemas/v${version}/_definitions.json`,
    urlDerive: { transform: 'kubernetes-definitions', sourceSha256: swaggerSha256 },
    goModule: { module: 'k8s.io/kubernetes', version: `v${version}`, path: 'api/openapi-spec/swagger.json', derive: { transform: 'kubernetes-definitions', sourceSha256: swaggerSha256 } },
  };
}

export const KUBERNETES_SCHEMAS = {
  '1.37.2': derivedKubernetesSchema('1.37.2', 'e1d22fd4a24696a48ed62cbc5facd39b3ff64293f8605b0dc6e7df0f32ed0c40', '465276aedf437726de5a6ed23a41b86d78bb0d347edf251a755ae26a93cdd8a6'),
  '1.36.0': kubernetesSchema('1.36.0', 'a9e98cdc6ab09980f23b5e987a5f11d0ec1fc838187efb92f347ccf38ed8fd65', 'v1.36.3', 'dcede2063da1d7ad62ecb5af8adb6d7fabd0b52385a7fa0048afb491dac90450'),
  '1.34.0': kubernetesSchema('1.34.0', '20c1170fc31e4e0021067e9d9c4969eee2ad54bbf851cb83239d69438a3de774', 'v1.34.0', 'd3b0cdc2fda15c753206d25ab459dc7c12df64e2fd652b6809687471ea751c37'),
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

/** Every pinned file, for `fetch-upstream`. */
export function allUpstreamFiles(): UpstreamFile[] {
  const releases = Object.values(AGENT_SANDBOX_RELEASES) as AgentSandboxRelease[];
  return [...releases.flatMap((r) => [...r.crds, ...Object.values(r.installFiles)]), ...Object.values(KUBERNETES_SCHEMAS)];
}
