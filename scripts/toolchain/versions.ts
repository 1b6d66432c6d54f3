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
  return {
    id: 'agent-sandbox-controller',
    module: 'sigs.k8s.io/agent-sandbox',
    version: release,
    binaries: { 'agent-sandbox-controller': 'sigs.k8s.io/agent-sandbox/cmd/agent-sandbox-controller' },
    ldflags: [`-X sigs.k8s.io/agent-sandbox/internal/version.gitVersion=${release}`],
  };
}
