/**
 * Where sandbox pods may send DNS (UDP+TCP 53) under default-deny egress, per platform.
 *
 * - Cluster DNS pods: `kube-system` pods labelled `k8s-app: kube-dns`. Upstream's CoreDNS manifest keeps that label
 *   for compatibility (https://github.com/kubernetes/kubernetes/blob/master/cluster/addons/dns/coredns/coredns.yaml.base),
 *   and the managed clusters keep it: EKS's CoreDNS add-on (https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html;
 *   this exact rule is the one EKS network policy maintainers confirm in aws/aws-network-policy-agent#230), AKS's CoreDNS
 *   (https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/connectivity/dns/basic-troubleshooting-dns-resolution-problems)
 *   and GKE's kube-dns (https://cloud.google.com/kubernetes-engine/docs/concepts/kube-dns). EKS Auto Mode runs CoreDNS
 *   on the node instead of as pods: this selector does not match there (our EKS stack uses managed node groups).
 *   The namespace is matched by `kubernetes.io/metadata.name`, which the API server sets on every namespace (≥ 1.22).
 * - NodeLocal DNSCache: a per-node cache listening on 169.254.20.10 (hostNetwork upstream, so only an ipBlock matches)
 *   or running as `kube-system` pods labelled `k8s-app: node-local-dns`. Always on in GKE Autopilot and on by default in
 *   recent GKE Standard (https://cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache).
 * - Cloud DNS for GKE: the resolver in pods' resolv.conf is the node's metadata server 169.254.169.254, which no pod
 *   selector matches (tektoncd/operator#4000). It is the default DNS provider of Autopilot
 *   (https://cloud.google.com/kubernetes-engine/docs/concepts/about-cloud-dns). The rule opens port 53 only: the
 *   metadata server's credential endpoints (HTTP) stay unreachable.
 *
 * If DNS still fails (a CNI that evaluates policy before Service DNAT, a custom resolver), allow the kube-dns
 * Service ClusterIP (`<ip>/32`, UDP+TCP 53) through `egressAllowlist`.
 */
import type { NetworkPolicyPeer } from '../../imports/k8s';
import { CLUSTER_DNS_ONLY, isPlatform, platformModule, type Platform } from '../../platforms';

export interface DnsEgressOptions {
  /** `kube-system` pods labelled `k8s-app: kube-dns` (CoreDNS on EKS/AKS/kind, kube-dns on GKE). @default true */
  readonly clusterDns?: boolean;
  /** NodeLocal DNSCache: 169.254.20.10/32 and `kube-system` pods labelled `k8s-app: node-local-dns`. @default - true on GKE, else false */
  readonly nodeLocalDnsCache?: boolean;
  /** Cloud DNS for GKE: port 53 (only) of the node metadata server 169.254.169.254. @default - true on GKE Autopilot, else false */
  readonly gkeMetadataServerDns?: boolean;
}

export const NODE_LOCAL_DNS_IP = '169.254.20.10';
export const GKE_METADATA_SERVER_IP = '169.254.169.254';

/** DNS resolvers a platform's pods use by default. */
export function platformDnsDefaults(platform: Platform | undefined): Required<DnsEgressOptions> {
  if (platform !== undefined && !isPlatform(platform)) throw new Error(`platform "${String(platform)}" has no DNS defaults`);
  return { ...(platform === undefined ? CLUSTER_DNS_ONLY : platformModule(platform).dns) };
}

export function resolveDnsOptions(platform: Platform | undefined, options: DnsEgressOptions = {}): Required<DnsEgressOptions> {
  const defaults = platformDnsDefaults(platform);
  return {
    clusterDns: options.clusterDns ?? defaults.clusterDns,
    nodeLocalDnsCache: options.nodeLocalDnsCache ?? defaults.nodeLocalDnsCache,
    gkeMetadataServerDns: options.gkeMetadataServerDns ?? defaults.gkeMetadataServerDns,
  };
}

/** The `to` peers of the DNS egress rule (empty: no DNS allowed). */
export function dnsPeers(dns: Required<DnsEgressOptions>): NetworkPolicyPeer[] {
  const kubeSystemPods = (app: string): NetworkPolicyPeer => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': app } },
  });
  return [
    ...(dns.clusterDns ? [kubeSystemPods('kube-dns')] : []),
    ...(dns.nodeLocalDnsCache ? [kubeSystemPods('node-local-dns'), { ipBlock: { cidr: `${NODE_LOCAL_DNS_IP}/32` } }] : []),
    ...(dns.gkeMetadataServerDns ? [{ ipBlock: { cidr: `${GKE_METADATA_SERVER_IP}/32` } }] : []),
  ];
}
