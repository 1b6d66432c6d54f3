/**
 * `container.Cluster` arguments for a cluster we create, Autopilot or Standard. Pure.
 *
 * The managed agent-sandbox add-on and Pod Snapshots are `ClusterAddonsConfig` fields in @pulumi/gcp 9.37
 * (node_modules/@pulumi/gcp/types/input.d.ts, `interface ClusterAddonsConfig`:
 * `agentSandboxConfig?: ClusterAddonsConfigAgentSandboxConfig` and `podSnapshotConfig?: ClusterAddonsConfigPodSnapshotConfig`,
 * each `{ enabled: boolean }`).
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as container from '@pulumi/gcp/container';
import type { GkeClusterConfig } from './cluster-config';
import { NODE_OAUTH_SCOPES } from './node-service-account';

/** Cluster-level defaults (pool defaults: `GKE_POOL_DEFAULTS` in `./node-pools.ts`). */
export const GKE_CLUSTER_DEFAULTS = {
  releaseChannel: 'REGULAR',
  deletionProtection: true,
  privateNodes: false,
} as const;

export interface ClusterSettings {
  readonly autopilot: boolean;
  readonly project: string;
  readonly location: string;
  readonly nodeServiceAccount: pulumi.Input<string>;
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
    addonsConfig: {
      agentSandboxConfig: { enabled: config.addons?.agentSandbox ?? false },
      podSnapshotConfig: { enabled: config.addons?.podSnapshots ?? false },
    },
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
    enableShieldedNodes: true,
  };
}
