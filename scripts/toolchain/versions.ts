/**
 * The one version table of every real component the integration tier builds from Go modules and runs: the local
 * control plane, simulated nodes and the agent-sandbox controller. `scripts/toolchain/build.ts` builds each entry
 * into the user cache (keyed by module version), and the harness finds the binaries through it. Change a version
 * here and nothing else.
 *
 * Versions are the newest the Go module proxy served when pinned (2026-12-06): `go list -m -versions <module>`.
 */

export interface GoComponent {
  /** Cache key and the name in progress lines, e.g. `kubernetes`. */
  readonly id: string;
  readonly module: string;
  readonly version: string;
  /** Binary name → main package import path. */
  readonly binaries: Readonly<Record<string, string>>;
  /**
   * How the module's own local `replace` directives (`=> ./staging/src/…`, `=> ../api`) are satisfied in the wrapper
   * module: each replaced module is required at this version instead (`go install m@v` refuses modules with replaces,
   * so every component is built inside a generated wrapper module).
   */
  readonly localReplaceVersion?: string;
  /** `-X` link flags, so the binaries report their real version. */
  readonly ldflags?: readonly string[];
  /** Files of the module (paths inside its zip) the harness needs beside the binaries, e.g. kwok's stage configs. */
  readonly moduleFiles?: readonly string[];
  /**
   * Main packages whose folder needs the module's own `go generate` first (files it embeds are generated, not in the
   * module zip): binary name → the folder in the module and the generator's environment. The folder is copied into
   * the wrapper module as it is, generated there, and the binary built from that copy.
   */
  readonly generate?: Readonly<Record<string, { readonly dir: string; readonly env?: Readonly<Record<string, string>> }>>;
}

/** Kubernetes releases the local control plane runs, by minor. The first is the default. */
export const KUBERNETES_RELEASES = {
  '1.36': 'v1.36.3',
  '1.37': 'v1.37.2',
} as const;
export type LocalKubernetesMinor = keyof typeof KUBERNETES_RELEASES;
export const DEFAULT_LOCAL_KUBERNETES: LocalKubernetesMinor = '1.36';

export function kubernetesComponent(minor: LocalKubernetesMinor): GoComponent {
  const version = KUBERNETES_RELEASES[minor];
  const [, maj, min] = /^v(\d+)\.(\d+)\.\d+$/.exec(version)!;
  const X = (name: string, value: string) => `-X k8s.io/component-base/version.${name}=${value}`;
  return {
    id: 'kubernetes',
    module: 'k8s.io/kubernetes',
    version,
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    },
    // Staging modules are published as v0.<minor>.<patch> tags of the same release.
    localReplaceVersion: version.replace(/^v1\./, 'v0.'),
    ldflags: [
      X('gitVersion', version),
      X('gitMajor', maj),
      X('gitMinor', min),
      X('gitTreeState', 'clean'),
      // Also kubectl's own copy of the version variables.
      `-X k8s.io/client-go/pkg/version.gitVersion=${version}`,
      `-X k8s.io/client-go/pkg/version.gitMajor=${maj}`,
      `-X k8s.io/client-go/pkg/version.gitMinor=${min}`,
    ],
  };
}

export const ETCD: GoComponent = {
  id: 'etcd',
  module: 'go.etcd.io/etcd/server/v3',
  version: 'v3.6.17',
  binaries: { etcd: 'go.etcd.io/etcd/server/v3' },
  localReplaceVersion: 'v3.6.17',
};

export const KWOK: GoComponent = {
  id: 'kwok',
  module: 'sigs.k8s.io/kwok',
  version: 'v0.8.0',
  binaries: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
  ldflags: ['-X sigs.k8s.io/kwok/pkg/consts.Version=v0.8.0'],
  // kwok ships no built-in stages since v0.5: the "fast" node and pod lifecycles (Ready at once).
  moduleFiles: [
    'kustomize/stage/node/fast/node-initialize.yaml',
    'kustomize/stage/node/heartbeat/node-heartbeat.yaml',
    'kustomize/stage/pod/fast/pod-ready.yaml',
    'kustomize/stage/pod/fast/pod-complete.yaml',
    'kustomize/stage/pod/fast/pod-delete.yaml',
  ],
};

/**
 * The agent-sandbox controller of a release, at the tag our pin table installs. Releases the proxy does not serve
 * cannot be built here (see the closing notes of the upstream issue for which are).
 */
export function agentSandboxControllerComponent(release: string): GoComponent {
  return agentSandboxBinary('agent-sandbox-controller', release, 'sigs.k8s.io/agent-sandbox/cmd/agent-sandbox-controller');
}

/**
 * The Go sandbox router of a release (`sandbox-router/cmd` in the same module, no go.mod of its own), at the tag our
 * pin table installs: what `SandboxRouter` deploys, run as its pod on the local cluster.
 */
export function sandboxRouterComponent(release: string): GoComponent {
  return agentSandboxBinary('sandbox-router', release, 'sigs.k8s.io/agent-sandbox/sandbox-router/cmd');
}

/** One binary of the `sigs.k8s.io/agent-sandbox` module at a release tag, reporting that release as its version. */
function agentSandboxBinary(id: string, release: string, pkg: string): GoComponent {
  return { id, module: 'sigs.k8s.io/agent-sandbox', version: release, binaries: { [id]: pkg }, ldflags: [`-X sigs.k8s.io/agent-sandbox/internal/version.gitVersion=${release}`] };
}

/**
 * Helm, for the chart parity test: `helm template` of agent-sandbox's own chart beside our AgentSandbox output.
 * helm.sh/helm/v4 (the line the package list prefers; v3.22.0 is served but not approved): no replace directives,
 * the version stamped as the release Makefile does.
 */
export const HELM: GoComponent = {
  id: 'helm',
  module: 'helm.sh/helm/v4',
  version: 'v4.3.2',
  binaries: { helm: 'helm.sh/helm/v4/cmd/helm' },
  ldflags: ['-X helm.sh/helm/v4/internal/version.version=v4.3.2'],
};

/**
 * The Pulumi engine the integration tier runs the stacks with (issue 13): the CLI and the Kubernetes provider,
 * from their Go modules. The CLI's release is the newest the proxy serves; the wrapper module requires `pkg/v3`
 * and, in place of its `sdk/v3 => ../sdk` replace, `sdk/v3` at the same version.
 */
export const PULUMI_RELEASE = 'v3.277.0';

export const PULUMI_CLI: GoComponent = {
  id: 'pulumi-cli',
  module: 'github.com/pulumi/pulumi/pkg/v3',
  version: PULUMI_RELEASE,
  binaries: { pulumi: 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi' },
  localReplaceVersion: PULUMI_RELEASE,
  // What the release build links in, so `pulumi version` (and the Automation API's version check) sees the release.
  ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_RELEASE}`],
};

/**
 * The Node.js language host of the same release. It is its own module
 * (`sdk/nodejs/cmd/pulumi-language-nodejs/go.mod`, never tagged: upstream builds it from the repository), and the
 * Go module proxy here refuses it (403 "This module version is not available", for the module's version list, for
 * `@v3.277.0` and for `@latest`). It stays in the table so `npm run toolchain -- pulumi-language-nodejs` shows the
 * refusal and builds it the day it is served; nothing depends on it: programs run through the Automation API's
 * in-process language host (scripts/pulumi/engine.ts).
 */
export const PULUMI_LANGUAGE_NODEJS: GoComponent = {
  id: 'pulumi-language-nodejs',
  module: 'github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3',
  version: PULUMI_RELEASE,
  binaries: { 'pulumi-language-nodejs': 'github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3' },
  localReplaceVersion: PULUMI_RELEASE,
  ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_RELEASE}`],
};

/**
 * The Kubernetes provider. The proxy serves one version of `provider/v4`, a pseudo-version: upstream tags releases
 * as `v4.x` on the repository, not `provider/v4.x`, so Go sees none. Its commit f47bc2d6f199 is the commit tagged
 * `v4.25.0` (and `sdk/v4.25.0`), so the binary reports 4.25.0 and is installed as plugin `kubernetes` 4.25.0; the
 * provider's `sdk/v4 => ../sdk` replace becomes `sdk/v4` at that tag. package.json pins `@pulumi/kubernetes` to
 * exactly this release: the SDK asks the engine for the plugin of its own version, and with downloads off a newer
 * SDK (4.34.2 was pinned before) fails every run ("no resource plugin 'pulumi-resource-kubernetes' found in the
 * workspace at version v4.34.2"); test/toolchain/pulumi-versions.test.ts keeps the two equal.
 */
export const PULUMI_KUBERNETES_PLUGIN_VERSION = '4.25.0';

export const PULUMI_KUBERNETES_PROVIDER: GoComponent = {
  id: 'pulumi-resource-kubernetes',
  module: 'github.com/pulumi/pulumi-kubernetes/provider/v4',
  version: 'v4.0.0-20260115033456-f47bc2d6f199',
  binaries: { 'pulumi-resource-kubernetes': 'github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes' },
  localReplaceVersion: `v${PULUMI_KUBERNETES_PLUGIN_VERSION}`,
  ldflags: [`-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_PLUGIN_VERSION}`],
  // main.go embeds schema-embed.json and terraform-mapping-embed.json, which its own `go generate` step writes from
  // the module's schema.json (stamped with the version) and is not in the module zip.
  generate: {
    'pulumi-resource-kubernetes': { dir: 'cmd/pulumi-resource-kubernetes', env: { VERSION: PULUMI_KUBERNETES_PLUGIN_VERSION } },
  },
};
