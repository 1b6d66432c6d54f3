/**
 * `agent-sandbox-infra/pulumi`: the Pulumi components, for a team's own Pulumi program (`@pulumi/*` are optional
 * peer dependencies: install the ones of your cloud). Each component creates or adopts a cluster with its sandbox
 * node pools and hands back a kubeconfig; `deployManifests` puts a rendered platform onto it in order.
 *
 *   import { renderPlatform } from 'agent-sandbox-infra';
 *   import { EksSandboxCluster, deployManifests } from 'agent-sandbox-infra/pulumi';
 *   const cluster = new EksSandboxCluster('agents', { cluster: { name: 'agents', sandboxNodeGroups: [...] } });
 *
 * `sandboxStack` is this repository's whole stack program (docs/deploy-with-pulumi.md).
 */
export { GkeSandboxCluster, GKE_SANDBOX_CLUSTER_TYPE, type GkeSandboxClusterArgs } from './gke/cluster';
export { EksSandboxCluster, EKS_SANDBOX_CLUSTER_TYPE, type EksSandboxClusterArgs } from './eks/cluster';
export { AksSandboxCluster } from './aks/cluster';
export { KubernetesSandboxCluster, KUBERNETES_SANDBOX_CLUSTER_TYPE, type KubernetesSandboxClusterArgs } from './kubernetes/cluster';
export type { SandboxClusterOutputs } from './sandbox-cluster';
export { CLUSTER_COMPONENTS, STACK_PLATFORMS, type ClusterRequest, type StackPlatform } from './components';
export { deployManifests, planManifestGroups, type ManifestGroup } from './deploy-manifests';
export { StackConfigError } from './stack-error';
export { checkStack, sandboxStack, type StackOutputs } from './program';
