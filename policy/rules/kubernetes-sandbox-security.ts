/**
 * Sandbox and SandboxTemplate pods meet the secure profile: the sandbox invariants of
 * constructs/validation/sandbox-invariants.ts (upstream's secure-sandbox-policy plus ours), run through the same
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
 * findings allowed for upstream's trusted init containers, unknown API versions) are not violations, as in `validate`.
 *
 * Policy config: `platform` (checks that platform's RuntimeClasses and pod placement, e.g. GKE's
 * `sandbox.gke.io/runtime` selector and toleration) and `allowedRuntimeClasses` (extra sandboxed RuntimeClasses).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { PLATFORMS, type Platform } from '../../constructs/platform/profiles';
import {
  checkSandboxPodSpec,
  createSandboxInvariantsChecker,
  SANDBOX_POD_KINDS,
  TRUSTED_INIT_CONTAINERS_ANNOTATION,
  type SandboxCheckerOptions,
} from '../../constructs/validation/sandbox-invariants';
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

export function validateKubernetesSandboxSecurity(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const carried = kubernetesObjectsOf(args);
  const sandboxes = carried.objects.filter((o) => isSandboxPodKind(o.value));
  if (sandboxes.length === 0 && carried.problems.length === 0) args.notApplicable('no Sandbox or SandboxTemplate');
  const options = checkerOptions(args.getConfig<KubernetesSandboxSecurityConfig>());
  for (const f of carried.problems) reportViolation(formatFinding(f));
  for (const o of sandboxes) {
    for (const f of sandboxObjectFindings(o.value, o.object, options)) reportViolation(formatFinding({ ...f, source: o.source }));
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
