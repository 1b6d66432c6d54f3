/**
 * Sandbox and SandboxTemplate pods meet the secure profile: the sandbox invariants of
 * validation/sandbox/object.ts (upstream's secure-sandbox-policy plus ours), run through the same
 * checker `synth` and `validate` use. Nothing is re-implemented here: the checker decides; this module only says
 * which objects to give it and adds each finding's rule id.
 *
 * Objects checked:
 * - `kubernetes:agents.x-k8s.io/<version>:Sandbox` and `kubernetes:extensions.agents.x-k8s.io/<version>:SandboxTemplate`
 *   resources. This is what a real `pulumi preview` sees: a ConfigGroup is a remote component, so the engine
 *   registers each object of its manifests as its own resource with the object as inputs;
 * - the Sandbox/SandboxTemplate documents in the `yaml` and `objs` inputs of a `kubernetes:yaml/v2:ConfigGroup`
 *   (and v1 `kubernetes:yaml:ConfigGroup`), for engines and tests that hand the component's inputs to policies
 *   (today's engine does not send component inputs to analyzers: pulumi/pulumi#10533).
 * Findings with severity `note` (rules the object opted out of with `agent-sandbox-infra.io/security-opt-outs`,
 * findings allowed for upstream's trusted init containers) are not violations, as in `validate`; an unknown version of a sandbox kind is one (rule `apiVersion`).
 *
 * Policy config: `platform` (checks that platform's RuntimeClasses and pod placement, e.g. GKE's
 * `sandbox.gke.io/runtime` selector and toleration), `platformSettings` (the stack's `platforms.<platform>`: on the
 * generic `kubernetes` platform its RuntimeClass and sandbox nodes) and `allowedRuntimeClasses` (extra sandboxed
 * RuntimeClasses).
 *
 * GKE placement without `platform` configured — checked anyway, from what can be known for sure:
 * - here, per object: a pod with `runtimeClassName: gvisor` that carries either half of GKE's gVisor placement (the
 *   `sandbox.gke.io/runtime` nodeSelector, or a toleration with that key) targets GKE's gVisor nodes, so it is
 *   checked as a GKE pod and the missing or wrong half is reported (GKE's admission policy refuses such pods, or
 *   they never schedule and a warm pool stays at 0). Nothing else uses that key, so no other platform is misjudged;
 * - a pod with neither half gives no sign of its platform on its own: the stack policy
 *   `kubernetes-sandbox-gke-placement` (./kubernetes-gke-placement.ts) reports those in stacks that run on GKE.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { PLATFORMS } from '../../platforms';
import { formatFinding, kubernetesObjectsOf } from './shared';
import {
  checkerOptions,
  inferredGkePlatform,
  isSandboxPodKind,
  SANDBOX_SECURITY_POLICY,
  sandboxObjectFindings,
  type KubernetesSandboxSecurityConfig,
} from '../../validation/policies';

export { gkePlacementHalves, inferredGkePlatform, isSandboxPodKind, sandboxObjectFindings, sandboxPodSpec, type KubernetesSandboxSecurityConfig } from '../../validation/policies';

export function validateKubernetesSandboxSecurity(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const carried = kubernetesObjectsOf(args);
  const sandboxes = carried.objects.filter((o) => isSandboxPodKind(o.value));
  if (sandboxes.length === 0 && carried.problems.length === 0) args.notApplicable('no Sandbox or SandboxTemplate');
  const options = checkerOptions(args.getConfig<KubernetesSandboxSecurityConfig>());
  for (const f of carried.problems) reportViolation(formatFinding(f));
  for (const o of sandboxes) {
    const inferred = options.platform ? undefined : inferredGkePlatform(o.value);
    const findings = sandboxObjectFindings(o.value, o.object, inferred ? { ...options, platform: inferred } : options);
    for (const f of findings) {
      const why = inferred && f.rule === 'sandboxPlacement' ? ' [GKE inferred: the pod carries half of GKE\'s gVisor placement]' : '';
      reportViolation(formatFinding({ ...f, message: `${f.message}${why}`, source: o.source }));
    }
  }
}

export const kubernetesSandboxSecurityPolicy: ResourceValidationPolicy = {
  name: SANDBOX_SECURITY_POLICY,
  description:
    'Sandbox and SandboxTemplate pods (registered directly or inside a ConfigGroup) meet the sandbox secure profile: sandboxed RuntimeClass, no host namespaces/ports/paths, no ServiceAccount token, drop ALL capabilities, non-root, seccomp, cpu/memory limits.',
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      platform: { type: 'string', enum: [...PLATFORMS] },
      // The stack's `platforms.<platform>` sandbox settings (on `kubernetes`: its RuntimeClass and sandbox nodes).
      platformSettings: { type: 'object' },
      allowedRuntimeClasses: { type: 'array', items: { type: 'string' }, default: [] },
    },
  },
  validateResource: validateKubernetesSandboxSecurity,
};
