/**
 * GKE Standard sandbox node pools run gVisor the supported way: `nodeConfig.sandboxConfig.type: "GVISOR"` (the
 * `sandboxType` field is deprecated) on `imageType: "COS_CONTAINERD"` (the only image GKE Sandbox supports), and
 * keep the node's credentials from sandbox pods: `nodeConfig.workloadMetadataConfig.mode: "GKE_METADATA"` (Workload
 * Identity's metadata server; with `GCE_METADATA`, or unset on a cluster without Workload Identity, pods read the node
 * service account's token from the metadata server).
 * https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods ,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/protecting-cluster-metadata
 *
 * A node pool is a sandbox pool when any of these holds:
 * - its `nodeConfig.sandboxConfig` is set (any field);
 * - its `nodeConfig.labels` or `nodeConfig.taints` use the GKE gVisor key `sandbox.gke.io/runtime` or our
 *   sandbox-node key `sandbox.agent-sandbox-infra.io/runtime`;
 * - it is a child of our `agent-sandbox-infra:gke:SandboxCluster` component other than its `<name>-system` pool
 *   (every other pool that component creates is a gVisor pool: stacks/gke/node-pools.ts), so deleting the
 *   `sandboxConfig` from our code cannot make a pool slip past the rule.
 * Checked on `gcp:container/nodePool:NodePool` and on the inline `nodeConfig` and `nodePools[*].nodeConfig` of
 * `gcp:container/cluster:Cluster`.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { GKE_GVISOR_NODE_LABEL, SANDBOX_NODE_LABEL_KEY } from '../../platforms';
import { SANDBOX_IMAGE_TYPE } from '../../platforms/gke/cluster-config';
import { field, formatFinding, isChildOf, isObj, parseUrn, showValue, type Finding, type Obj } from './shared';

export const GKE_NODE_POOL_TYPE = 'gcp:container/nodePool:NodePool';
export const GKE_CLUSTER_TYPE = 'gcp:container/cluster:Cluster';
/** Type token of our GKE component (stacks/gke/cluster.ts `GKE_SANDBOX_CLUSTER_TYPE`). */
export const GKE_SANDBOX_COMPONENT_TYPE = 'agent-sandbox-infra:gke:SandboxCluster';
/** `sandboxConfig.type` of a gVisor pool. */
export const GKE_SANDBOX_TYPE_GVISOR = 'GVISOR';
/** `workloadMetadataConfig.mode` that hides the node's credentials (stacks/gke/node-pools.ts sets it). */
export const GKE_METADATA_MODE = 'GKE_METADATA';

const SANDBOX_NODE_KEYS: readonly string[] = [GKE_GVISOR_NODE_LABEL.key, SANDBOX_NODE_LABEL_KEY];

/** Why a node config belongs to a sandbox pool, or undefined when it does not. */
export function gkeSandboxPoolReason(nodeConfig: unknown, ourSandboxPool: boolean): string | undefined {
  const sandboxConfig = field(nodeConfig, 'sandboxConfig');
  if (sandboxConfig !== undefined && sandboxConfig !== null) return 'nodeConfig.sandboxConfig is set';
  const labels = field(nodeConfig, 'labels');
  const label = isObj(labels) ? SANDBOX_NODE_KEYS.find((k) => k in labels) : undefined;
  if (label) return `nodeConfig.labels has ${label}`;
  const taints = field(nodeConfig, 'taints');
  const taint = Array.isArray(taints) ? SANDBOX_NODE_KEYS.find((k) => taints.some((t) => field(t, 'key') === k)) : undefined;
  if (taint) return `nodeConfig.taints has ${taint}`;
  if (ourSandboxPool) return `it is a sandbox pool of ${GKE_SANDBOX_COMPONENT_TYPE}`;
  return undefined;
}

/** Findings for one node config of a sandbox pool; `base` is its path in the resource inputs. */
export function checkGkeSandboxNodeConfig(nodeConfig: unknown, base: string): Finding[] {
  const findings: Finding[] = [];
  const sandboxConfig = field(nodeConfig, 'sandboxConfig');
  const type = field(sandboxConfig, 'type');
  if (type !== GKE_SANDBOX_TYPE_GVISOR) {
    findings.push({
      rule: 'gkeSandboxType',
      path: `${base}.sandboxConfig.type`,
      message: `must be "${GKE_SANDBOX_TYPE_GVISOR}" (a sandbox pool runs pods under gVisor; GKE then labels and taints the nodes ${GKE_GVISOR_NODE_LABEL.key}=${GKE_GVISOR_NODE_LABEL.value}), got ${showValue(type)}`,
    });
  }
  const deprecated = field(sandboxConfig, 'sandboxType');
  if (deprecated !== undefined && deprecated !== null) {
    findings.push({
      rule: 'gkeDeprecatedSandboxType',
      path: `${base}.sandboxConfig.sandboxType`,
      message: `must not be set (deprecated; use sandboxConfig.type: "${GKE_SANDBOX_TYPE_GVISOR}"), got ${showValue(deprecated)}`,
    });
  }
  const imageType = field(nodeConfig, 'imageType');
  if (imageType !== SANDBOX_IMAGE_TYPE) {
    findings.push({
      rule: 'gkeImageType',
      path: `${base}.imageType`,
      message: `must be "${SANDBOX_IMAGE_TYPE}" (GKE Sandbox runs only on Container-Optimized OS with containerd), got ${showValue(imageType)}`,
    });
  }
  const mode = field(field(nodeConfig, 'workloadMetadataConfig'), 'mode');
  if (mode !== GKE_METADATA_MODE) {
    findings.push({
      rule: 'gkeWorkloadMetadata',
      path: `${base}.workloadMetadataConfig.mode`,
      message: `must be "${GKE_METADATA_MODE}" (Workload Identity's metadata server: otherwise a sandbox pod reads the node service account's credentials from the metadata server), got ${showValue(mode)}`,
    });
  }
  return findings;
}

export function validateGkeSandboxNodePools(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const props = args.props as Obj;
  const configs: { nodeConfig: unknown; base: string; ours: boolean }[] = [];
  if (args.type === GKE_NODE_POOL_TYPE) {
    const name = parseUrn(args.urn)?.name ?? args.name;
    const ours = isChildOf(args, GKE_SANDBOX_COMPONENT_TYPE) && !name.endsWith('-system');
    configs.push({ nodeConfig: props.nodeConfig, base: 'nodeConfig', ours });
  } else if (args.type === GKE_CLUSTER_TYPE) {
    if (props.nodeConfig !== undefined) configs.push({ nodeConfig: props.nodeConfig, base: 'nodeConfig', ours: false });
    const pools = props.nodePools;
    if (Array.isArray(pools)) {
      pools.forEach((pool, i) => configs.push({ nodeConfig: field(pool, 'nodeConfig'), base: `nodePools[${i}].nodeConfig`, ours: false }));
    }
  } else {
    args.notApplicable(`only ${GKE_NODE_POOL_TYPE} and ${GKE_CLUSTER_TYPE}`);
  }
  const sandbox = configs.filter((c) => gkeSandboxPoolReason(c.nodeConfig, c.ours) !== undefined);
  if (sandbox.length === 0) args.notApplicable('no sandbox node pool');
  for (const c of sandbox) for (const f of checkGkeSandboxNodeConfig(c.nodeConfig, c.base)) reportViolation(formatFinding(f));
}

export const gkeSandboxNodePoolPolicy: ResourceValidationPolicy = {
  name: 'gke-sandbox-node-pool-gvisor',
  description:
    'GKE sandbox node pools use sandboxConfig.type "GVISOR" (not the deprecated sandboxType), imageType "COS_CONTAINERD" and workloadMetadataConfig.mode "GKE_METADATA".',
  enforcementLevel: 'mandatory',
  validateResource: validateGkeSandboxNodePools,
};
