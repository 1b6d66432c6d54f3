/**
 * Default maximum pods per node, per cloud. A pool's `maxPodsPerNode` overrides these.
 */

/**
 * GKE Standard allows 110 pods per node by default (configurable lower per node pool); Autopilot nodes hold at most
 * 32. https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr
 */
export const GKE_STANDARD_DEFAULT_MAX_PODS = 110;
export const GKE_AUTOPILOT_MAX_PODS = 32;
export const GKE_MAX_PODS_SOURCE = 'https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr';

/** AKS network plugin modes, as named on the IP-planning page. */
export const AKS_NETWORK_PLUGINS = ['azure-cni-overlay', 'azure-cni-pod-subnet', 'azure-cni-node-subnet', 'kubenet'] as const;
export type AksNetworkPlugin = (typeof AKS_NETWORK_PLUGINS)[number];

/**
 * AKS default max pods: Azure CNI Overlay 250, Azure CNI Pod Subnet 110, Azure CNI legacy (node subnet) 30,
 * kubenet 110; all configurable up to 250.
 * https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node
 */
export const AKS_DEFAULT_MAX_PODS: Readonly<Record<AksNetworkPlugin, number>> = {
  'azure-cni-overlay': 250,
  'azure-cni-pod-subnet': 110,
  'azure-cni-node-subnet': 30,
  kubenet: 110,
};
export const AKS_MAX_PODS_SOURCE = 'https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node';

/**
 * EKS managed node groups without a custom AMI cap kubelet `maxPods` at 110 below 30 vCPUs and 250 above, over the
 * VPC CNI's ENI limit (ENIs × (IPv4 per ENI − 1) + 2, nodeadm's eni-max-pods.txt).
 * https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html#max-pods-precedence
 * (nodeadm's legacy limit uses `vCPUs > 30 ? 250 : 110`; so does this.)
 */
export function eksManagedNodeGroupMaxPods(eniMaxPods: number, vcpus: number): number {
  return Math.min(eniMaxPods, vcpus > 30 ? 250 : 110);
}
export const EKS_MAX_PODS_SOURCE = 'https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html#max-pods-precedence';
