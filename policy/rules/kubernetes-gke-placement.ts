/**
 * In a stack that runs on GKE, every gVisor sandbox pod carries GKE's gVisor placement: nodeSelector and toleration
 * `sandbox.gke.io/runtime=gvisor` (NoSchedule). GKE ≥ 1.35.5 admits `runtimeClassName: gvisor` pods only with both;
 * without them a warm pool silently stays at 0.
 *
 * A stack validation policy, because a pod with neither half of the placement gives no sign of its platform on its
 * own (the resource policy `kubernetes-sandbox-secure-profile` reports pods with one half, and every pod when its
 * `platform` is configured). The stack is taken to run on GKE when it has any of
 * `gcp:container/cluster:Cluster`, `gcp:container/nodePool:NodePool` or our `agent-sandbox-infra:gke:SandboxCluster`
 * component (an adopted Autopilot cluster registers only that component), and no cluster of another cloud
 * (`aws:eks/cluster:Cluster`, `eks:index:Cluster`, `azure-native:containerservice:ManagedCluster`, our EKS or AKS
 * component): in a stack with clusters on two clouds the objects cannot be told apart, and the resource policy's
 * `platform` config is the way to check them.
 *
 * Checked: Sandbox and SandboxTemplate objects with `runtimeClassName: gvisor` and neither half of the placement,
 * registered directly (each object of a ConfigGroup, as the engine registers them) or inside a ConfigGroup's
 * `yaml`/`objs` inputs.
 */
import type { StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { formatFinding, kubernetesObjectsOf, type Finding } from './shared';
import { gkePlacementHalves, isSandboxPodKind, sandboxObjectFindings, sandboxPodSpec } from './kubernetes-sandbox-security';

/** Resources that put the stack on GKE. */
export const GKE_STACK_TYPES: readonly string[] = ['gcp:container/cluster:Cluster', 'gcp:container/nodePool:NodePool', 'agent-sandbox-infra:gke:SandboxCluster'];
/** Clusters of other clouds: with one of these too, the platform of a pod cannot be inferred from the stack. */
export const OTHER_CLUSTER_TYPES: readonly string[] = [
  'aws:eks/cluster:Cluster',
  'eks:index:Cluster',
  'azure-native:containerservice:ManagedCluster',
  'agent-sandbox-infra:eks:SandboxCluster',
  'agent-sandbox-infra:aks:SandboxCluster',
];

export function validateGkePlacement(args: Pick<StackValidationArgs, 'resources' | 'notApplicable'>, reportViolation: (message: string) => void): void {
  const gke = args.resources.find((r) => GKE_STACK_TYPES.includes(r.type));
  if (!gke) args.notApplicable('the stack has no GKE cluster, node pool or GKE sandbox cluster');
  const other = args.resources.find((r) => OTHER_CLUSTER_TYPES.includes(r.type));
  if (other) args.notApplicable(`the stack also has ${other.type} "${other.name}": configure platform on kubernetes-sandbox-secure-profile instead`);
  const why = ` [GKE inferred: the stack has ${gke!.type} "${gke!.name}"]`;
  for (const r of args.resources) {
    for (const o of kubernetesObjectsOf(r).objects) {
      if (!isSandboxPodKind(o.value)) continue;
      const podSpec = sandboxPodSpec(o.value);
      if (podSpec?.runtimeClassName !== 'gvisor') continue;
      const halves = gkePlacementHalves(podSpec);
      // One half present: the resource policy infers GKE from the pod itself and reports it.
      if (halves.nodeSelector || halves.toleration) continue;
      const findings: Finding[] = sandboxObjectFindings(o.value, o.object, { platform: 'gke-standard' }).filter((f) => f.rule === 'sandboxPlacement');
      for (const f of findings) reportViolation(formatFinding({ ...f, message: `${f.message}${why}`, source: o.source }));
    }
  }
}

export const kubernetesGkePlacementPolicy: StackValidationPolicy = {
  name: 'kubernetes-sandbox-gke-placement',
  description:
    "In a stack with a GKE cluster or node pool, gVisor Sandbox and SandboxTemplate pods carry GKE's gVisor placement (nodeSelector and toleration sandbox.gke.io/runtime=gvisor).",
  enforcementLevel: 'mandatory',
  validateStack: validateGkePlacement,
};
