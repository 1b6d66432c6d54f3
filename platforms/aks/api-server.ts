/**
 * AKS API server reachability and the AKS-managed Agent Sandbox extension.
 *
 * - Authorized IP ranges work with a public API server only (not with private clusters); at most 200 ranges
 *   (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges; platforms/aks/facts.ts aks.authorized-ip-ranges).
 *   A public API server without them accepts connections from any address (authentication still applies): a warning.
 * - A private cluster's API server has a private endpoint in the cluster's VNet: `pulumi up` (which deploys the
 *   manifests) must then run from a network that reaches it (peered VNet, VPN, a runner in the VNet), or the manifest
 *   steps fail after the cluster is created (https://learn.microsoft.com/azure/aks/private-clusters).
 * - The Agent Sandbox cluster extension (preview) installs the same open-source agent-sandbox controller and CRDs;
 *   the ARM property is `agentSandboxProfile.enabled` (ManagedClusterAgentSandboxProfile, preview API). A second
 *   controller beside it would fight it over the CRDs: refused (aks.agent-sandbox-extension).
 */

export const MAX_AUTHORIZED_IP_RANGES = 200;

export interface ApiServerAccess {
  readonly enablePrivateCluster?: boolean;
  readonly authorizedIPRanges?: readonly string[];
}

/** Warning for a public API server without authorized ranges, or undefined. */
export function publicApiServerWarning(clusterName: string, access: ApiServerAccess | undefined, adopted: boolean): string | undefined {
  if (access?.enablePrivateCluster) return undefined;
  if ((access?.authorizedIPRanges ?? []).length > 0) return undefined;
  const fix = adopted
    ? `az aks update --name ${clusterName} --resource-group <group> --api-server-authorized-ip-ranges <your admin and CI ranges>`
    : 'set cluster.apiServer.authorizedIpRanges to your admin and CI ranges (e.g. ["203.0.113.0/24"]), or cluster.apiServer.private: true';
  return (
    `AKS cluster ${clusterName}: the API server is public and accepts connections from any IP address (no authorized IP ranges; ` +
    `authentication still applies); ${fix} (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges)`
  );
}

/** Preview API version of the managed cluster that carries `agentSandboxProfile` (read through a generic ARM get). */
export const AGENT_SANDBOX_PROFILE_API_VERSION = '2026-05-02-preview';

/**
 * Refusal for an adopted cluster whose AKS-managed Agent Sandbox extension is on, or undefined. `properties` is the
 * managed cluster's ARM `properties` (preview API).
 */
export function agentSandboxExtensionProblem(clusterName: string, resourceGroupName: string, properties: unknown): string | undefined {
  const profile = (properties as { agentSandboxProfile?: { enabled?: unknown } } | undefined)?.agentSandboxProfile;
  if (profile?.enabled !== true) return undefined;
  return (
    `AKS cluster ${clusterName} runs the AKS-managed Agent Sandbox extension (agentSandboxProfile.enabled), which installs the agent-sandbox ` +
    'controller and CRDs itself; installing ours beside it would put two controllers on the same CRDs. Disable the extension ' +
    `(az aks update --name ${clusterName} --resource-group ${resourceGroupName} --disable-agent-sandbox, preview CLI) or use another cluster; ` +
    'this stack offers no "agentSandbox: managed" on AKS while the extension is in preview and its RuntimeClass names are not documented ' +
    '(https://learn.microsoft.com/azure/aks/agent-sandbox-cluster-extension)'
  );
}
