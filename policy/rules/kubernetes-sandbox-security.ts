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
 * `sandbox.gke.io/runtime` selector and toleration) and `allowedRuntimeClasses` (extra sandboxed RuntimeClasses).
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
import { GKE_GVISOR_NODE_LABEL, PLATFORMS, type Platform } from '../../platforms/platform';
import {
  checkSandboxPodSpec,
  createSandboxInvariantsChecker,
  SANDBOX_POD_KINDS,
  TRUSTED_INIT_CONTAINERS_ANNOTATION,
  type SandboxCheckerOptions,
} from '../../validation/sandbox/object';
import { field, formatFinding, isObj, kubernetesObjectsOf, splitApiVersion, type Finding, type Obj } from './shared';

export interface KubernetesSandboxSecurityConfig {
  /** Platform the manifests run on. @default undefined: any sandboxed RuntimeClass of the platform table; placement not checked */
  readonly platform?: Platform;
  /** RuntimeClass names accepted as sandboxed beyond the platform table. @default [] */
  readonly allowedRuntimeClasses?: readonly string[];
}

/** Is this object a Sandbox or SandboxTemplate (any version)? */
export function isSandboxPodKind(value: Obj): boolean {
  const { group } = splitApiVersion(value.apiVersion);
  return SANDBOX_POD_KINDS.some((k) => k.group === group && k.kind === value.kind);
}

/**
 * The checker's error findings for one Sandbox/SandboxTemplate, each with its rule id. The checker's problems carry
 * no rule id, so the ids come from `checkSandboxPodSpec` run on the same pod spec (same path, platform and trusted
 * init containers, no opt-outs): a problem is that violation when the path matches and the message starts with the
 * violation's message (the checker only appends the opt-out or trusted-init note). Object-level problems the pod
 * spec check does not produce get `securityOptOuts` (the opt-out annotation), `podSpec` or `apiVersion`.
 */
export function sandboxObjectFindings(value: Obj, object: string, options: SandboxCheckerOptions = {}): Finding[] {
  const problems = createSandboxInvariantsChecker(options)(value, object).filter((p) => p.severity === 'error');
  if (problems.length === 0) return [];
  const entry = SANDBOX_POD_KINDS.find((k) => k.group === splitApiVersion(value.apiVersion).group && k.kind === value.kind);
  let podSpec: unknown = value;
  for (const key of entry?.podSpecPath ?? []) podSpec = field(podSpec, key);
  const trusted = field(field(value.metadata, 'annotations'), TRUSTED_INIT_CONTAINERS_ANNOTATION);
  const violations =
    entry && isObj(podSpec)
      ? checkSandboxPodSpec(podSpec, {
          ...options,
          path: entry.podSpecPath.join('.'),
          trustedInitContainers: typeof trusted === 'string' ? trusted : undefined,
        })
      : [];
  return problems.map((p) => {
    const match = violations.find((v) => v.path === p.path && p.message.startsWith(v.message));
    const rule = match?.rule ?? (p.path.startsWith('metadata.annotations') ? 'securityOptOuts' : p.path === 'apiVersion' ? 'apiVersion' : 'podSpec');
    return { rule, path: p.path, message: p.message, object };
  });
}

function checkerOptions(config: KubernetesSandboxSecurityConfig): SandboxCheckerOptions {
  const platform = config.platform && (PLATFORMS as readonly string[]).includes(config.platform) ? config.platform : undefined;
  return { platform, allowedRuntimeClasses: [...(config.allowedRuntimeClasses ?? [])] };
}

/** The pod spec of a Sandbox/SandboxTemplate (undefined when missing). */
export function sandboxPodSpec(value: Obj): Obj | undefined {
  const entry = SANDBOX_POD_KINDS.find((k) => k.group === splitApiVersion(value.apiVersion).group && k.kind === value.kind);
  let podSpec: unknown = value;
  for (const key of entry?.podSpecPath ?? []) podSpec = field(podSpec, key);
  return isObj(podSpec) ? podSpec : undefined;
}

/** Which halves of GKE's gVisor placement (`sandbox.gke.io/runtime` nodeSelector, toleration) a pod spec carries. */
export function gkePlacementHalves(podSpec: Obj | undefined): { readonly nodeSelector: boolean; readonly toleration: boolean } {
  const key = GKE_GVISOR_NODE_LABEL.key;
  const selector = podSpec?.nodeSelector;
  const tolerations = podSpec?.tolerations;
  return {
    nodeSelector: isObj(selector) && key in selector,
    toleration: Array.isArray(tolerations) && tolerations.some((t) => field(t, 'key') === key),
  };
}

/**
 * GKE, when a `gvisor` pod targets GKE's gVisor nodes by one half of the placement but not both; undefined when it
 * carries both (nothing to report) or neither (no sign of GKE in the object itself).
 */
export function inferredGkePlatform(value: Obj): Platform | undefined {
  const podSpec = sandboxPodSpec(value);
  if (podSpec?.runtimeClassName !== 'gvisor') return undefined;
  const halves = gkePlacementHalves(podSpec);
  // Both GKE platforms share the runtime and the placement rule; gke-standard stands for either.
  return halves.nodeSelector !== halves.toleration ? 'gke-standard' : undefined;
}

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
  name: 'kubernetes-sandbox-secure-profile',
  description:
    'Sandbox and SandboxTemplate pods (registered directly or inside a ConfigGroup) meet the sandbox secure profile: sandboxed RuntimeClass, no host namespaces/ports/paths, no ServiceAccount token, drop ALL capabilities, non-root, seccomp, cpu/memory limits.',
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      platform: { type: 'string', enum: [...PLATFORMS] },
      allowedRuntimeClasses: { type: 'array', items: { type: 'string' }, default: [] },
    },
  },
  validateResource: validateKubernetesSandboxSecurity,
};
