import { wrapperReplaces } from '../../../scripts/toolchain/build';
import { agentSandboxControllerComponent, kubernetesComponent, KUBERNETES_RELEASES } from '../../../scripts/toolchain/versions';

// Excerpts of the real go.mod files (k8s.io/kubernetes v1.36.3, go.etcd.io/etcd/server/v3 v3.6.17).
const KUBERNETES_GO_MOD = `module k8s.io/kubernetes

go 1.26.0

require (
	github.com/spf13/cobra v1.10.0
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0 // indirect
	k8s.io/kube-openapi v0.0.0-20260317180543-43fb72c5454a
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/sample-cli-plugin => ./staging/src/k8s.io/sample-cli-plugin
)
`;

const ETCD_GO_MOD = `module go.etcd.io/etcd/server/v3

go 1.26.0

require go.etcd.io/etcd/api/v3 v3.6.17

replace (
	go.etcd.io/etcd/api/v3 => ../api
)

// Bad imports are sometimes causing attempts to pull that code.
// This makes the error more explicit.
replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY

replace example.com/fork v1.0.0 => example.com/other v1.2.3
`;

describe('wrapperReplaces', () => {
  it('pins each staging module the component requires to the matching v0 tag, and leaves out what it does not require', () => {
    expect(wrapperReplaces(KUBERNETES_GO_MOD, 'v0.36.3')).toEqual(['\tk8s.io/api => k8s.io/api v0.36.3', '\tk8s.io/client-go => k8s.io/client-go v0.36.3']);
  });

  it('drops replaces to a forbidding placeholder folder and keeps replaces to other modules', () => {
    expect(wrapperReplaces(ETCD_GO_MOD, 'v3.6.17')).toEqual(['\tgo.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.6.17', '\texample.com/fork v1.0.0 => example.com/other v1.2.3']);
  });

  it('refuses a local replace when the component names no version for it', () => {
    expect(() => wrapperReplaces(ETCD_GO_MOD, undefined)).toThrow('go.etcd.io/etcd/api/v3 is replaced by the local folder ../api, and the component names no version for it');
  });
});

describe('the version table', () => {
  it('builds Kubernetes with its staging modules at the v0 tag of the same release and the real version in the binaries', () => {
    for (const version of Object.values(KUBERNETES_RELEASES)) {
      const c = kubernetesComponent(version === KUBERNETES_RELEASES['1.36'] ? '1.36' : '1.37');
      expect(c.localReplaceVersion).toBe(version.replace(/^v1\./, 'v0.'));
      expect(c.ldflags).toContain(`-X k8s.io/component-base/version.gitVersion=${version}`);
      expect(Object.keys(c.binaries).sort()).toEqual(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl']);
    }
  });

  it('builds the agent-sandbox controller at the release tag it installs', () => {
    const c = agentSandboxControllerComponent('v0.5.6');
    expect([c.module, c.version, c.binaries['agent-sandbox-controller']]).toEqual(['sigs.k8s.io/agent-sandbox', 'v0.5.6', 'sigs.k8s.io/agent-sandbox/cmd/agent-sandbox-controller']);
  });
});
