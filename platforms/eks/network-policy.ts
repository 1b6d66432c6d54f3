/**
 * NetworkPolicy on EKS from a pod's first packet.
 *
 * The VPC CNI's policy agent runs in `standard` mode by default: a new pod's traffic is allowed until its policies are
 * programmed. In `strict` mode every pod starts default-deny and only what a NetworkPolicy allows gets through
 * (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html, "Set up policy enforcement at
 * Pod startup"; platforms/eks/facts.ts eks.vpc-cni-strict-mode). The mode is an env var of the `aws-node` container
 * of the cluster-wide `aws-node` DaemonSet, so it cannot be set "on sandbox nodes" only: it is a cluster decision.
 *
 * Decision: clusters this stack creates run `strict` (they exist for sandboxes; a sandbox's first packets must not
 * escape its namespace's default deny), with policies for what must keep working: CoreDNS (below: every pod resolves
 * through it, and AWS names it as needing one) and the agent-sandbox controller (its own NetworkPolicy, emitted with
 * the controller on every platform). Other workloads a team adds to such a cluster need a NetworkPolicy of their own,
 * or `networkPolicyEnforcingMode: standard`. Adopted clusters are never changed: a warning says what `standard` means.
 * hostNetwork pods (aws-node, kube-proxy, the Pod Identity agent) are not subject to NetworkPolicy at all.
 */

export const NETWORK_POLICY_ENFORCING_MODES = ['strict', 'standard'] as const;
export type NetworkPolicyEnforcingMode = (typeof NETWORK_POLICY_ENFORCING_MODES)[number];

/**
 * The managed `vpc-cni` add-on's configuration: NetworkPolicy enforcement on (`enableNetworkPolicy`, a string) and
 * the enforcing mode as the add-on's `env` for `aws-node` (the form public EKS configurations use; the add-on's
 * configuration schema itself was not readable here: eks.vpc-cni-addon-env).
 */
export function vpcCniAddonConfiguration(mode: NetworkPolicyEnforcingMode): { enableNetworkPolicy: 'true'; env: { NETWORK_POLICY_ENFORCING_MODE: NetworkPolicyEnforcingMode } } {
  return { enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: mode } };
}

/** CoreDNS's own policy for strict mode: DNS in from any pod or node, anything out (upstream resolvers, the API). */
export function coreDnsStrictModePolicy(): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'agent-sandbox-infra-coredns', namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
    spec: {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 9153, protocol: 'TCP' }] }],
      egress: [{}],
    },
  };
}

/** The enforcing mode an add-on's configuration values set (`standard`, the agent's default, when absent). */
export function enforcingModeOf(configurationValues: string | undefined): NetworkPolicyEnforcingMode {
  try {
    const values = configurationValues ? (JSON.parse(configurationValues) as { env?: Record<string, unknown> }) : {};
    return values.env?.NETWORK_POLICY_ENFORCING_MODE === 'strict' ? 'strict' : 'standard';
  } catch {
    return 'standard';
  }
}

/** Warning for a cluster whose VPC CNI runs `standard` mode: sandboxes' first packets bypass their namespace's policy. */
export function standardModeWarning(clusterName: string, adopted: boolean): string {
  return (
    `EKS cluster ${clusterName}: the VPC CNI enforces NetworkPolicy in "standard" mode, so a new sandbox pod's traffic is allowed until its ` +
    "namespace's policies are programmed (typically seconds); strict mode closes that gap but is cluster-wide (every pod without a NetworkPolicy " +
    'is then denied, CoreDNS included). ' +
    (adopted
      ? `To switch after adding policies for the cluster's own pods: aws eks update-addon --cluster-name ${clusterName} --addon-name vpc-cni --configuration-values ` +
        `'${JSON.stringify(vpcCniAddonConfiguration('strict'))}'`
      : 'Remove networkPolicyEnforcingMode: standard to have this stack run strict mode with the policies CoreDNS and the controller need') +
    ' (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html)'
  );
}
