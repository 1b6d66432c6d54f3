/**
 * `container.Cluster` arguments for a cluster we create, Autopilot or Standard. Pure.
 *
 * The managed agent-sandbox add-on is a `ClusterAddonsConfig` field in @pulumi/gcp 9.37
 * (node_modules/@pulumi/gcp/types/input.d.ts, `interface ClusterAddonsConfig`:
 * `agentSandboxConfig?: ClusterAddonsConfigAgentSandboxConfig`, `{ enabled: boolean }`). Pod Snapshots are refused by
 * the config check (platforms/gke/cluster-config.ts), so `podSnapshotConfig` is left to GKE's default (off).
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as container from '@pulumi/gcp/container';
import type { GkeClusterConfig } from '../../platforms/gke/cluster-config';
import { NODE_OAUTH_SCOPES } from '../../platforms/gke/node-service-account';

/** Cluster-level defaults (pool defaults: `GKE_POOL_DEFAULTS` in platforms/gke/cluster-config.ts). */
export const GKE_CLUSTER_DEFAULTS = {
  releaseChannel: 'REGULAR',
  deletionProtection: true,
  privateNodes: false,
  /**
   * Standard clusters: GKE Dataplane V2 (eBPF/Cilium), which always enforces Kubernetes NetworkPolicy — the tenant
   * namespaces' default deny and egress allowlists depend on it. The legacy datapath (the API's default for Standard)
   * enforces no NetworkPolicy unless Calico is turned on separately. The datapath can only be chosen when the cluster
   * is created (`datapathProvider` "selects the implementation of the Kubernetes networking model for service
   * resolution and network policy enforcement"; ADVANCED_DATAPATH = "the eBPF based GKE Dataplane V2"):
   * https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/DatapathProvider ,
   * https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2 ("GKE Dataplane V2 and NetworkPolicy").
   * Autopilot clusters have Dataplane V2 already (enabled for all new Autopilot clusters since 1.24, same page).
   */
  datapathProvider: 'ADVANCED_DATAPATH',
} as const;

export interface ClusterSettings {
  readonly autopilot: boolean;
  readonly project: string;
  readonly location: string;
  readonly nodeServiceAccount: pulumi.Input<string>;
}

/**
 * `nodeConfig` of a Standard cluster: used only for the temporary default pool GKE creates with the cluster (and
 * that `removeDefaultNodePool` deletes right after). Without it that pool runs as the Compute Engine default service
 * account (project Editor) with the node's metadata server open to pods, for as long as it exists
 * (terraform-provider-google#4435; gruntwork-io/terraform-google-gke#56). The pulumi-gcp doc of `Cluster.nodeConfig`:
 * "Parameters used in creating the default node pool". GKE's hardening guide asks for exactly these on every pool:
 * a least-privilege service account, the GKE metadata server (Workload Identity) and Shielded VMs
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster). After the default pool is gone, the
 * API reports the first remaining pool's config here, so the component ignores later diffs of this field
 * (terraform-provider-google#2115, #12070: otherwise every update would plan a replacement).
 */
export function defaultPoolNodeConfig(serviceAccount: pulumi.Input<string>): container.ClusterArgs['nodeConfig'] {
  return {
    serviceAccount,
    oauthScopes: NODE_OAUTH_SCOPES,
    workloadMetadataConfig: { mode: 'GKE_METADATA' },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
  };
}

/** `container.Cluster` arguments for a cluster we create. */
export function clusterArgs(config: GkeClusterConfig, s: ClusterSettings): container.ClusterArgs {
  const common: container.ClusterArgs = {
    project: s.project,
    location: s.location,
    name: config.name,
    releaseChannel: { channel: config.releaseChannel ?? GKE_CLUSTER_DEFAULTS.releaseChannel },
    minMasterVersion: config.minMasterVersion,
    deletionProtection: config.deletionProtection ?? GKE_CLUSTER_DEFAULTS.deletionProtection,
    network: config.network,
    subnetwork: config.subnetwork,
    workloadIdentityConfig: { workloadPool: `${s.project}.svc.id.goog` },
    privateClusterConfig:
      (config.privateNodes ?? GKE_CLUSTER_DEFAULTS.privateNodes) ? { enablePrivateNodes: true, masterIpv4CidrBlock: config.masterIpv4CidrBlock } : undefined,
    // https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks
    masterAuthorizedNetworksConfig: config.masterAuthorizedNetworks
      ? { cidrBlocks: config.masterAuthorizedNetworks.map((n) => ({ cidrBlock: n.cidrBlock, displayName: n.displayName })) }
      : undefined,
    addonsConfig: { agentSandboxConfig: { enabled: config.addons?.agentSandbox ?? false } },
  };
  if (s.autopilot) {
    return {
      ...common,
      enableAutopilot: true,
      // Autopilot's nodes use these too (the field doc: "used by NAP and GKE Autopilot when creating node pools").
      clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: s.nodeServiceAccount, oauthScopes: NODE_OAUTH_SCOPES } },
    };
  }
  return {
    ...common,
    // GKE needs a pool to create the cluster; it is deleted right away in favour of the pools we manage.
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    // ...and even that short-lived pool runs least-privilege (see defaultPoolNodeConfig).
    nodeConfig: defaultPoolNodeConfig(s.nodeServiceAccount),
    enableShieldedNodes: true,
    datapathProvider: GKE_CLUSTER_DEFAULTS.datapathProvider,
  };
}
