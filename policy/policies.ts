/**
 * The policies of the `agent-sandbox-infra` policy pack, separate from the `PolicyPack` (index.ts) so tests can call
 * each `validateResource` directly. One file per policy under rules/.
 */
import type { Policies } from '@pulumi/policy';
import { aksSandboxAgentPoolPolicy } from './rules/aks-sandbox-agent-pools';
import { controllerReplicasPolicy } from './rules/controller-replicas';
import { eksSandboxLaunchTemplatePolicy } from './rules/eks-sandbox-launch-templates';
import { gkeSandboxNodePoolPolicy } from './rules/gke-sandbox-node-pools';
import { kubernetesGkePlacementPolicy } from './rules/kubernetes-gke-placement';
import { kubernetesSandboxSecurityPolicy } from './rules/kubernetes-sandbox-security';
import { warmPoolUpperBoundPolicy } from './rules/warm-pool-upper-bound';

export {
  aksSandboxAgentPoolPolicy,
  controllerReplicasPolicy,
  eksSandboxLaunchTemplatePolicy,
  gkeSandboxNodePoolPolicy,
  kubernetesGkePlacementPolicy,
  kubernetesSandboxSecurityPolicy,
  warmPoolUpperBoundPolicy,
};

/** Mandatory first (cloud sandbox pools, then Kubernetes), then advisory. All validate resources except the GKE placement one (the stack). */
export const policies: Policies = [
  gkeSandboxNodePoolPolicy,
  eksSandboxLaunchTemplatePolicy,
  aksSandboxAgentPoolPolicy,
  kubernetesSandboxSecurityPolicy,
  kubernetesGkePlacementPolicy,
  warmPoolUpperBoundPolicy,
  controllerReplicasPolicy,
];
