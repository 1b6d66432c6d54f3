/**
 * Node pool settings for GKE Standard: a non-sandboxed system pool, the gVisor sandbox pool and an optional gVisor
 * GPU pool. Pure: returns `container.NodePoolArgs` without the cluster reference.
 *
 * gVisor pools: `sandboxConfig.type: "GVISOR"` (the `sandboxType` field is deprecated) on `COS_CONTAINERD`;
 * GKE then labels and taints the nodes `sandbox.gke.io/runtime=gvisor` itself.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as container from '@pulumi/gcp/container';
import type { GkeGpuPoolConfig, GkePoolConfig, GkeSystemPoolConfig } from '../../platforms/gke/cluster-config';
import { GKE_POOL_DEFAULTS } from '../../platforms/gke/cluster-config';

export { GKE_POOL_DEFAULTS };
import { gpuCountFor, GKE_SANDBOX_GPUS } from '../../platforms/gke/gpu';
import { NODE_OAUTH_SCOPES } from '../../platforms/gke/node-service-account';
import { defaultBootDiskType } from '../../platforms/gke/boot-disk';
import { COMPUTE_CLASS_LABEL } from '../../platforms/gke/compute-class';

export type GkePoolArgs = Omit<container.NodePoolArgs, 'cluster' | 'location' | 'project'>;

export type GkePoolRequest =
  | { readonly role: 'system'; readonly pool: GkeSystemPoolConfig }
  | { readonly role: 'sandbox'; readonly pool: GkePoolConfig }
  | { readonly role: 'gpu'; readonly pool: GkeGpuPoolConfig };

/**
 * `computeClassName`: the sandbox config's ComputeClass; the gVisor pools join it with its node label and NoSchedule
 * taint (how node pools you create are tied to a class; the pods select the label and tolerate the taint).
 */
export function gkeNodePoolArgs(request: GkePoolRequest, serviceAccountEmail: pulumi.Input<string>, computeClassName?: string): GkePoolArgs {
  const { role, pool } = request;
  const sizes = GKE_POOL_DEFAULTS[role];
  const machineType = pool.machineType ?? (request.role === 'gpu' ? GKE_SANDBOX_GPUS[request.pool.gpuType].defaultMachineType : GKE_POOL_DEFAULTS[request.role].machineType);
  const minNodes = pool.minNodes ?? sizes.minNodes;
  return {
    // Set once at creation (changes are ignored by the component): the autoscaler owns the size afterwards.
    initialNodeCount: minNodes,
    autoscaling: { minNodeCount: minNodes, maxNodeCount: pool.maxNodes ?? sizes.maxNodes },
    management: { autoRepair: true, autoUpgrade: true },
    // Surge upgrades: one new node before an old one is drained, none taken away first (sandbox capacity stays).
    upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
    nodeLocations: pool.nodeLocations,
    nodeConfig: {
      machineType,
      imageType: pool.imageType ?? GKE_POOL_DEFAULTS.imageType,
      diskSizeGb: pool.diskSizeGb ?? GKE_POOL_DEFAULTS.diskSizeGb,
      diskType: pool.diskType ?? defaultBootDiskType(machineType),
      spot: pool.spot ?? false,
      serviceAccount: serviceAccountEmail,
      oauthScopes: NODE_OAUTH_SCOPES,
      // Workload Identity's metadata server: pods never see the node's own credentials.
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      metadata: { 'disable-legacy-endpoints': 'true' },
      ...(role === 'system' ? {} : { sandboxConfig: { type: 'GVISOR' } }),
      ...(role !== 'system' && computeClassName !== undefined
        ? {
            labels: { [COMPUTE_CLASS_LABEL]: computeClassName },
            taints: [{ key: COMPUTE_CLASS_LABEL, value: computeClassName, effect: 'NO_SCHEDULE' }],
          }
        : {}),
      ...(request.role === 'gpu'
        ? {
            guestAccelerators: [
              {
                type: GKE_SANDBOX_GPUS[request.pool.gpuType].acceleratorType,
                count: gpuCountFor(request.pool.gpuType, machineType, request.pool.gpuCount),
                gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' },
              },
            ],
          }
        : {}),
    },
  };
}
