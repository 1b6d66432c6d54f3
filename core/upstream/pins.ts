/**
 * Pinned upstream artifacts. Nothing upstream is vendored: each file is named by URL and sha256 and read from a
 * mirror folder or the local cache (see store.ts), which `fetch-upstream` fills from the URL or from the same
 * bytes in a Go module (the Go module proxy). Adding a release is data: a new entry in AGENT_SANDBOX_RELEASES.
 */

/**
 * A pinned file made from another upstream file by a documented transform of ours (the source is checked against
 * `sourceSha256` first, the result against the pin's `sha256`).
 */
export type DerivedFrom =
  | { readonly transform: 'kubernetes-definitions'; readonly sourceSha256: string }
  /** One member of a zip (a Go module zip from the module proxy): the zip is checked against `sourceSha256` first. */
  | { readonly transform: 'zip-member'; readonly sourceSha256: string; readonly member: string };

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
  /**
   * `digest`: the registry digest of the tag, only where it could be read from a source other than the registry
   * (kubernetes/k8s.io's image promoter manifest, registry.k8s.io/images/k8s-staging-agent-sandbox/images.yaml); the
   * default reference is then pinned by it. None yet: the copy of that manifest readable here ends at v0.1.1.
   */
  readonly controllerImage: { readonly repository: string; readonly tag: string; readonly digest?: string };
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
  /** The release's own Helm chart (`helm/` at the tag): what the Helm parity test renders beside our output. */
  readonly helmChart?: HelmChartPin;
  /** The release's Go sandbox router (`sandbox-router/` at the tag): its manifests and the flags its binary accepts. */
  readonly router?: SandboxRouterPin;
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

/** A file of the release's repository at the tag: its raw URL, and the same bytes in the Go module zip. */
function repositoryFile(version: string, path: string, sha256: string, name: string): UpstreamFile {
  return {
    name,
    version,
    url: `${AGENT_SANDBOX_REPO_RAW}/${version}/${path}`,
    sha256,
    relativePath: `agent-sandbox/${version}/${path}`,
    goModule: { module: 'sigs.k8s.io/agent-sandbox', version, path },
  };
}

/**
 * The release's Helm chart, file by file (paths inside the chart folder). Never committed: assembled from the pins
 * into a temporary folder by whoever renders it (test/integration/helm-parity.test.ts).
 */
export interface HelmChartPin {
  /** `version:` of its Chart.yaml. */
  readonly chartVersion: string;
  readonly files: Readonly<Record<string, UpstreamFile>>;
}

function helmChart(version: string, chartVersion: string, sha256: Readonly<Record<string, string>>): HelmChartPin {
  return {
    chartVersion,
    files: Object.fromEntries(Object.entries(sha256).map(([file, hash]) => [file, repositoryFile(version, `helm/${file}`, hash, `agent-sandbox Helm chart ${file}`)])),
  };
}

export type RouterFileName =
  | 'deployment.yaml'
  | 'service.yaml'
  | 'pdb.yaml'
  | 'serviceaccount.yaml'
  | 'rbac.yaml'
  | 'rbac-tokenreview.yaml'
  | 'networkpolicy.yaml';

export interface SandboxRouterPin {
  /**
   * The image we install. Upstream's deployment.yaml names `sandbox-router-go:latest` as a placeholder; the release
   * images are tagged with the release (the release's own example `examples/openclaw-fleet-gke/50-router/10-router.yaml`:
   * "registry.k8s.io publishes versioned tags only (no :latest). Bump alongside agent-sandbox releases.").
   */
  readonly image: { readonly repository: string; readonly tag: string };
  /** `sandbox-router/deploy/*.yaml` at the tag: the reference our SandboxRouter is compared with. */
  readonly files: Readonly<Record<RouterFileName, UpstreamFile>>;
  /** Every flag the router binary accepts (sandbox-router/config/flags.go at the tag, plus the zap logging flags). */
  readonly flags: readonly string[];
}

function routerFiles(version: string, sha256: Readonly<Record<RouterFileName, string>>): Record<RouterFileName, UpstreamFile> {
  return Object.fromEntries(
    Object.entries(sha256).map(([file, hash]) => [file, repositoryFile(version, `sandbox-router/deploy/${file}`, hash, `agent-sandbox sandbox-router/deploy/${file}`)]),
  ) as Record<RouterFileName, UpstreamFile>;
}

/** sandbox-router/config/flags.go `RegisterFlags` at v1.0.3, and zap's `BindFlags` (cmd/main.go). */
const V1_0_3_ROUTER_FLAGS = [
  'http-bind-address',
  'https-bind-address',
  'metrics-bind-address',
  'health-probe-bind-address',
  'tls-cert-file',
  'tls-key-file',
  'tls-client-ca-file',
  'mtls-mode',
  'tls-min-version',
  'tls-cipher-suites',
  'cluster-domain',
  'proxy-timeout',
  'response-header-timeout',
  'shutdown-timeout',
  'max-request-body-bytes',
  'allow-loopback-pod-ip',
  'path-routing-prefix',
  'upstream-max-retries',
  'upstream-retry-initial-delay',
  'upstream-retry-max-delay',
  'enable-tracing',
  'enable-otel-metrics',
  'authz-mode',
  'authz-tokenreview-ttl',
  'authz-tokenreview-cache-size',
  'authz-tokenreview-require-token',
  'authz-tokenreview-audiences',
  'authz-scoped-token-secret-file',
  'authz-scoped-token-verification-keys-file',
  'authz-scoped-token-v1-accept-until',
  'authz-cookie-name',
  'authz-cookie-query-param',
  'authz-cookie-samesite',
  'authz-cookie-insecure',
  'authz-cookie-allowed-origins',
  'authz-trust-forwarded-proto',
  'cache-enabled',
  'cache-namespace',
  'kubeconfig',
  'access-log',
  'version',
  'config',
  'zap-devel',
  'zap-encoder',
  'zap-log-level',
  'zap-stacktrace-level',
  'zap-time-encoding',
] as const;

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
    // Chart 0.1.0 (Chart.yaml unchanged since v0.4.5); helm/crds/ holds the same bytes as k8s/crds/.
    helmChart: helmChart('v1.0.3', '0.1.0', {
      'Chart.yaml': '63715ddb9b453c419f3560b7ac60589e1fcd0c92ecb980df290ab17d3228a588',
      'values.yaml': '6003e3b64117f12be5520e39da52f597b62e93661a7766c85a48d5be3f61682a',
      'templates/_controller-args.tpl': '5986cd6403fda611963d3f3128854e8543fc4fc62390fefdbc5e78092a2dfb1f',
      'templates/_helpers.tpl': '4dec353064938dbb39fb3e43ba052566917cb7c2b5327dd3c6926fe49241b7a7',
      'templates/clusterrolebinding-extensions.yaml': '70fbd444e96f18dbecd03017a4a9f5be06e7c7a71e450d6c8a20539c2962f4c8',
      'templates/clusterrolebinding.yaml': 'd4ea8c6c5bde6d2b6d8ec4dbe7d6ad5903649f51f5d65933ba587a824a6792b7',
      'templates/deployment.yaml': '579a15f470872f675bb416f993eb6068189e70a565cf14b45ee48d26d738b310',
      'templates/extensions-rbac.generated.yaml': 'c40a97bf17e3c1a8d13dd0d549142c97bb46ef6f20926330fc70d475f66ea66a',
      'templates/namespace.yaml': 'fa6001720344d0ec4a3aafe2baafe03e528cfd970657b2988a3accc1bfe15d8f',
      'templates/prometheusrule.yaml': '705b4c083d2fe96e02f490bd519c6147f34e803621bdb333969bd0dc64a36060',
      'templates/rbac.generated.yaml': '5a6ca69f3ff8538d759fa35b45e4044086d1de1686acde19faf5f8f7251e89c5',
      'templates/service.yaml': 'a11906cdd079ecd693b35be2378ee881024a10a689edb52ce540eef623ba2ced',
      'templates/serviceaccount.yaml': 'd605561d8b3d83b3c67cc6feebc11f994ec2c9f75e2a7fb1d5697d7aead84496',
      'templates/servicemonitor.yaml': '043d1c61c83f46afe4db4d04459b586fe380c870ee57edb868187a1bc8f7b7e8',
      'crds/agents.x-k8s.io_sandboxes.yaml': 'bc6d66863decb675ce6da2c835ee3bb06aaaf8d73ad03aae9fe971fde5e8acce',
      'crds/extensions.agents.x-k8s.io_sandboxclaims.yaml': 'a56399ca6ce8708910a8f6c1ff2fecd355100b0a6807b7f5c955868bb3963d18',
      'crds/extensions.agents.x-k8s.io_sandboxtemplates.yaml': '90f3ace51db1d30ae5d1de78ed3aafc80395ce66f4c617cbc73d5d8532f1f999',
      'crds/extensions.agents.x-k8s.io_sandboxwarmpools.yaml': 'f90a1db800dc04625d370abc59e5166f7b0ca909a2d869176be8abc08cd3a13d',
    }),
    router: {
      image: { repository: 'registry.k8s.io/agent-sandbox/sandbox-router-go', tag: 'v1.0.3' },
      files: routerFiles('v1.0.3', {
        'deployment.yaml': 'c05847535c0dfe5727e5ff151e897cf76f7be24ca3e1f5231c6a53a26bf0ae72',
        'service.yaml': 'e83393378f862434f473582b0a0053affccf74528b5159623207fb0066b3ce5c',
        'pdb.yaml': '82fb0c8554c73de844930fdc15e65a527c7befe0a8efe3089fb0aa372725bce2',
        'serviceaccount.yaml': '39808f12dbf319a6871890777b70524f9ac1294a531ef22d1b80ac573a1a823a',
        'rbac.yaml': '5d96efd0ab305d614812ad2204bd53f250ffd0e8739281827fb5f9c4448be242',
        'rbac-tokenreview.yaml': '4b1736c2b3dd0ff3f4e8471113f14d8bc065d4176aea029e19a8254a189db28e',
        'networkpolicy.yaml': 'fcd0a1511f0b5f11005215aaa3a9973af90dbd440804bd540c5663a542ab49dc',
      }),
      flags: V1_0_3_ROUTER_FLAGS,
    },
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

/** The Go module proxy (the one `go` uses by default); module zips are served at `<proxy>/<module>/@v/<version>.zip`. */
export const GO_MODULE_PROXY = 'https://proxy.golang.org';

/**
 * Karpenter's CRDs, from the AWS provider's Go module (it ships them in pkg/apis/crds/; its NodePool CRD differs from
 * the core module's, so the provider's is the one a cluster installs). v1.15.2: the newest version the Go module
 * proxy served on 2026-12-06 (`go list -m -versions`); only `v1` is served and stored. Its go.mod needs Go ≥
 * 1.26.11, so `go mod download` refuses it under an older local Go (GOTOOLCHAIN=local): the HTTPS source is the
 * proxy's module zip itself, pinned by its sha256, and the CRD is the member of it.
 */
export const KARPENTER_MODULE = { module: 'github.com/aws/karpenter-provider-aws', version: 'v1.15.2', zipSha256: '052bf797ae5b731de7f7395b9e957eb182c34b30c9b8b77e068d51599a3f0b81' } as const;

function karpenterCrd(file: string, sha256: string): UpstreamFile {
  const { module, version, zipSha256 } = KARPENTER_MODULE;
  const path = `pkg/apis/crds/${file}`;
  return {
    name: `Karpenter CRD ${file.replace(/\.yaml$/, '')}`,
    version,
    url: `${GO_MODULE_PROXY}/${module}/@v/${version}.zip`,
    sha256,
    relativePath: `karpenter/${version}/crds/${file}`,
    urlDerive: { transform: 'zip-member', sourceSha256: zipSha256, member: `${module}@${version}/${path}` },
    goModule: { module, version, path },
  };
}

export const KARPENTER_CRDS = {
  nodePools: karpenterCrd('karpenter.sh_nodepools.yaml', 'f93038f695635eeaca2106906dad09a16283664ae54596756580721d29b566ac'),
  nodeClaims: karpenterCrd('karpenter.sh_nodeclaims.yaml', 'd1409d900c6250b77f8f6c105f6431c8eced9cece204d153b9822982d5373f3b'),
  ec2NodeClasses: karpenterCrd('karpenter.k8s.aws_ec2nodeclasses.yaml', '6c7e7c1785149a3c512d625d2f99375e2731a2c8d80f88fe708464257a62e935'),
} as const satisfies Record<string, UpstreamFile>;

/** Every pinned file, for `fetch-upstream`. */
export function allUpstreamFiles(): UpstreamFile[] {
  const releases = Object.values(AGENT_SANDBOX_RELEASES) as AgentSandboxRelease[];
  return [
    ...releases.flatMap((r) => [
      ...r.crds,
      ...Object.values(r.installFiles),
      ...Object.values(r.helmChart?.files ?? {}),
      ...Object.values(r.router?.files ?? {}),
    ]),
    ...Object.values(KUBERNETES_SCHEMAS),
    ...Object.values(KARPENTER_CRDS),
  ];
}
