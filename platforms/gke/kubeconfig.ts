/**
 * A kubeconfig for a GKE cluster that authenticates with the `gke-gcloud-auth-plugin` exec plugin (what
 * `gcloud container clusters get-credentials` writes), so it holds no token: credentials come from the caller's
 * gcloud / Application Default Credentials each time. Works with kubectl and the @pulumi/kubernetes Provider.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
 */
import { execKubeconfig } from '../../core/kubeconfig';

export interface GkeKubeconfigInput {
  readonly project: string;
  readonly location: string;
  readonly clusterName: string;
  /** `cluster.endpoint`: the control plane's IP or DNS name, without scheme. */
  readonly endpoint: string;
  /** `cluster.masterAuth.clusterCaCertificate`, base64 as GKE returns it. */
  readonly clusterCaCertificate: string;
}

export const GKE_AUTH_PLUGIN = 'gke-gcloud-auth-plugin';
export const GKE_AUTH_PLUGIN_INSTALL_HINT =
  'Install gke-gcloud-auth-plugin for use with kubectl by following ' +
  'https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin';

export function gkeKubeconfig(input: GkeKubeconfigInput): string {
  // gcloud's context naming, so it lines up with `get-credentials`.
  const name = `gke_${input.project}_${input.location}_${input.clusterName}`;
  return execKubeconfig({
    name,
    server: input.endpoint.startsWith('https://') ? input.endpoint : `https://${input.endpoint}`,
    certificateAuthorityData: input.clusterCaCertificate,
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: GKE_AUTH_PLUGIN,
      installHint: GKE_AUTH_PLUGIN_INSTALL_HINT,
      provideClusterInfo: true,
    },
  });
}
