/**
 * The secure sandbox pod: turns a typed description (containers, volumes, isolation, GPUs, device claims) into the
 * `podTemplate` of a SandboxTemplate or Sandbox, for one platform.
 *
 * Applied by default: the platform's sandboxed RuntimeClass (and, on GKE, the nodeSelector + toleration its
 * admission policy requires), no ServiceAccount token, non-root (uid 65532 unless given), all capabilities dropped,
 * no privilege escalation, seccomp RuntimeDefault, cpu + memory limits required. Every opt-out is an explicit rule id
 * that lands in the `agent-sandbox-infra.io/security-opt-outs` annotation; the result is re-checked with the same
 * invariant checker `validate` runs, so the construct can never emit an unsafe pod silently.
 */
import { ISOLATIONS, platformModule, platformModules, runtimeFor, supportedIsolations, type Isolation, type Platform, type RuntimeFacts, type Toleration } from '../../platforms';
import { Quantity, quantityProblem, unitlessBytesProblem } from '../../core/quantity';
import { imageReferenceProblem } from '../../core/image-reference';
import { limitRequiredReason, resourceKey } from '../../validation/workload-rules';

export { limitRequiredReason, quantityProblem, resourceKey };
import { formatProblem, type Problem, problemAt, problemList, ProblemsError } from '../../core/diagnostics';
import {
  checkSandboxPodSpec,
  formatSecurityOptOuts,
  isSandboxRuleId,
  SANDBOX_RULE_IDS,
  SECURITY_OPT_OUTS_ANNOTATION,
  type SandboxRuleId,
} from '../../validation/sandbox/object';

export type JsonMap = Record<string, unknown>;

/**
 * A container, as a Kubernetes `Container` object (name, image, command, args, ports, env, resources, volumeMounts,
 * probes…). Its `securityContext` is merged over the secure defaults.
 */
export interface SandboxContainer {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly workingDir?: string;
  readonly ports?: readonly { readonly containerPort: number; readonly name?: string; readonly protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  readonly env?: readonly JsonMap[];
  readonly envFrom?: readonly JsonMap[];
  /** cpu and memory limits are required (they bound the sandbox; on Kata they size the VM). */
  readonly resources?: { readonly limits?: Readonly<Record<string, string | number>>; readonly requests?: Readonly<Record<string, string | number>> };
  readonly volumeMounts?: readonly JsonMap[];
  readonly readinessProbe?: JsonMap;
  readonly livenessProbe?: JsonMap;
  readonly startupProbe?: JsonMap;
  readonly securityContext?: JsonMap;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly stdin?: boolean;
  readonly tty?: boolean;
  /** Any other Container field, passed as given (checked by the schema). */
  readonly [field: string]: unknown;
}

/** NVIDIA GPUs through `nvidia.com/gpu` limits (the path gVisor's GPU proxy supports on GKE). */
export interface SandboxGpu {
  readonly count: number;
  /** GKE accelerator type, e.g. `nvidia-l4`, `nvidia-tesla-t4`, `nvidia-a100-80gb`, `nvidia-h100-80gb`. */
  readonly type: string;
}

/** What the pod needs to know of a ResourceClaimTemplate to request devices through it. */
export interface DeviceClaimSource {
  /** Name of the ResourceClaimTemplate object. */
  readonly name: string;
  /** Whether any of its requests allocates a GPU. */
  readonly isGpu: boolean;
  /** Request names (a container may ask for a single request). */
  readonly requestNames: readonly string[];
}

export interface DeviceClaim {
  /** Name of the claim in the pod (`resourceClaims[].name`). */
  readonly name: string;
  readonly template: DeviceClaimSource;
  /** Containers that use the devices. @default - every container */
  readonly containers?: readonly string[];
  /** One request of the template. @default - all of them */
  readonly request?: string;
}

export interface SandboxPodProps {
  readonly containers: readonly SandboxContainer[];
  readonly initContainers?: readonly SandboxContainer[];
  /** Pod volumes (`Volume` objects). hostPath and projected ServiceAccount tokens are refused unless opted out. @default [] */
  readonly volumes?: readonly JsonMap[];
  /** `gvisor` or `kata`. @default - the platform's sandboxed runtime (gvisor; kata on AKS) */
  readonly isolation?: Isolation;
  /** UID the containers run as (the image may default to root). @default 65532 */
  readonly runAsUser?: number;
  /** @default - same as runAsUser */
  readonly runAsGroup?: number;
  /** @default - none */
  readonly fsGroup?: number;
  /** ServiceAccount (its token is not mounted). @default - the namespace default */
  readonly serviceAccountName?: string;
  /** Rules of the secure profile this pod explicitly does not follow (see SANDBOX_RULES). @default [] */
  readonly securityOptOuts?: readonly SandboxRuleId[];
  /** NVIDIA GPUs via `nvidia.com/gpu` limits (GKE). @default - none */
  readonly gpu?: SandboxGpu;
  /** Devices through DRA ResourceClaimTemplates. @default [] */
  readonly deviceClaims?: readonly DeviceClaim[];
  /** Extra scheduling (merged with the platform's placement). @default - none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly affinity?: JsonMap;
  /** @default - Kubernetes default (30) */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - none */
  readonly activeDeadlineSeconds?: number;
  /** Labels and annotations of the sandbox pods. @default {} */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default [] */
  readonly imagePullSecrets?: readonly string[];
}

export interface BuiltSandboxPod {
  readonly podTemplate: { metadata?: JsonMap; spec: JsonMap };
  readonly runtime: RuntimeFacts;
  readonly isolation: Isolation;
  readonly optOuts: readonly SandboxRuleId[];
  /** Annotations the owning object (SandboxTemplate/Sandbox) must carry: the opt-out record. */
  readonly objectAnnotations: Readonly<Record<string, string>>;
  /**
   * The cpu/memory limits of each main container, one entry per container in order, as given (not summed; init
   * containers are not included). For capacity planning: callers add them up per pod (platforms/capacity/plan.ts does).
   */
  readonly containerLimits: readonly { readonly cpu?: string | number; readonly memory?: string | number }[];
}

export const GVISOR_DRA_GPU_ISSUE = 'https://github.com/google/gvisor/issues/13621';

/**
 * Builds the pod template, or throws one ProblemsError listing every problem. `platformSettings`: the platform's
 * `platforms.<id>` settings (they decide the runtime on the generic `kubernetes` platform).
 */
export function buildSandboxPod(platform: Platform, props: SandboxPodProps, where: string, platformSettings?: unknown): BuiltSandboxPod {
  const errors: Problem[] = [];
  const fail = (problem: Problem): never => {
    throw new ProblemsError(`${where}: ${formatProblem(problem)}`, [problem]);
  };
  let supported: Isolation[];
  try {
    supported = supportedIsolations(platform, platformSettings);
  } catch (err) {
    return fail(problemAt('', (err as Error).message, 'platform'));
  }
  const isolation = props.isolation ?? supported[0];
  if (!(ISOLATIONS as readonly string[]).includes(isolation)) {
    fail(problemAt('isolation', `"${String(isolation)}" is not an isolation; allowed: ${ISOLATIONS.join(', ')} (${platform} supports: ${supported.join(', ')})`, 'isolation'));
  }
  let runtime: RuntimeFacts;
  try {
    runtime = runtimeFor(platform, isolation, platformSettings);
  } catch {
    return fail(problemAt('isolation', `"${isolation}" is not available on ${platform} (sandboxed runtimes there: ${supported.join(', ')})`, 'isolation'));
  }
  const optOuts = [...(props.securityOptOuts ?? [])];
  for (const [i, id] of optOuts.entries()) {
    if (!isSandboxRuleId(id)) errors.push(problemAt(`securityOptOuts[${i}]`, `"${String(id)}" is not a sandbox rule id; allowed: ${SANDBOX_RULE_IDS.join(', ')}`, 'sandboxPod'));
  }
  const off = (id: SandboxRuleId) => optOuts.includes(id);
  if (props.containers.length === 0) errors.push(problemAt('containers', 'at least one container is required', 'sandboxPod'));
  const names = [...props.containers, ...(props.initContainers ?? [])].map((c) => c.name);
  for (const dup of names.filter((n, i) => names.indexOf(n) !== i)) errors.push(problemAt('containers', `the name "${dup}" is used twice`, 'sandboxPod'));

  for (const [list, containers] of [['containers', props.containers], ['initContainers', props.initContainers ?? []]] as const) {
    containers.forEach((c, i) => {
      if (typeof c.image !== 'string' || c.image.trim() === '') errors.push(problemAt(`${list}[${i}] (${c.name}).image`, `is required, got ${JSON.stringify(c.image) ?? 'nothing'}`, 'sandboxPod'));
      else {
        // Kubernetes accepts any string here; the runtime then leaves the pod in InvalidImageName.
        const problem = imageReferenceProblem(c.image);
        if (problem) errors.push(problemAt(`${list}[${i}] (${c.name}).image`, problem, 'sandboxPod'));
      }
    });
  }
  const limitsRequired = !off('resourceLimits');
  const lists = [['containers', props.containers], ['initContainers', props.initContainers ?? []]] as const;
  // Quantities: the limits size and bound the sandbox (and feed capacity planning), so a malformed one is an error here.
  for (const [list, containers] of lists) containers.forEach((c, i) => {
    for (const kind of ['limits', 'requests'] as const) {
      for (const [resource, value] of Object.entries(c.resources?.[kind] ?? {})) {
        const problem = quantityProblem(value) ?? unitlessBytesProblem(resource, value);
        if (problem) errors.push(problemAt(`${list}[${i}] (${c.name}).resources.${kind}${resourceKey(resource)}`, problem, 'sandboxPod'));
      }
    }
    // The API server rejects a container whose request is above its limit (a request without a limit is defaulted
    // from the namespace LimitRange, which SandboxTenant checks).
    const limits = c.resources?.limits ?? {};
    for (const [resource, request] of Object.entries(c.resources?.requests ?? {})) {
      const limit = limits[resource];
      if (limit === undefined || quantityProblem(request) || quantityProblem(limit)) continue;
      if (Quantity.parse(String(request)).isGreaterThan(Quantity.parse(String(limit)))) {
        errors.push(
          problemAt(`${list}[${i}] (${c.name}).resources.requests${resourceKey(resource)}`, `${String(request)} is above the limit ${String(limit)} (the API server rejects a container whose request exceeds its limit)`, 'sandboxPod'),
        );
      }
    }
  });
  for (const [list, containers] of lists) containers.forEach((c, i) => {
    const limits = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (limitsRequired && limits[r] === undefined) {
        errors.push(problemAt(`${list}[${i}] (${c.name}).resources.limits.${r}`, `${limitRequiredReason({ platform, ...runtime })}`, 'sandboxPod'));
      }
    }
  });

  // GPUs: nvidia.com/gpu limits work under gVisor on GKE; DRA GPUs do not work under gVisor at all.
  const nodeSelector: Record<string, string> = { ...runtime.podPlacement.nodeSelector };
  if (props.gpu) {
    const gpu = platformModule(platform).gpu;
    if (!gpu) {
      const gpuPlatforms = platformModules().filter((m) => m.gpu).map((m) => m.platform);
      errors.push(problemAt('gpu', `GPU sandboxes are supported on ${gpuPlatforms.join(' and ')} (gVisor with nvidia.com/gpu limits), not on ${platform}`, 'sandboxPod'));
    } else if (!Number.isInteger(props.gpu.count) || props.gpu.count < 1) {
      errors.push(problemAt('gpu.count', `must be an integer ≥ 1, got ${props.gpu.count}`, 'sandboxPod'));
    } else if (!gpu.typePattern.test(props.gpu.type)) {
      errors.push(problemAt('gpu.type', `must be ${gpu.typeExample}, got "${props.gpu.type}"`, 'sandboxPod'));
    } else {
      // A GPU selector that contradicts the platform settings' placement (GKE Autopilot's Accelerator class vs the
      // settings' computeClass) would leave the pod on neither: say so instead of silently dropping one.
      const gpuSelector = gpu.nodeSelector(props.gpu.type);
      for (const [key, value] of Object.entries(gpuSelector)) {
        const placed = runtime.podPlacement.nodeSelector[key];
        if (placed !== undefined && placed !== value) {
          errors.push(
            problemAt('gpu', `GPU sandboxes on ${platform} select ${key}=${value}, but the platform settings place every sandbox pod with ${key}=${placed} ` +
              `(platforms.${platform}); a pod cannot select both: run GPU sandboxes from a configuration without that setting`, 'sandboxPod'),
          );
        }
      }
      Object.assign(nodeSelector, gpuSelector);
    }
  }
  const claimNames = new Set<string>();
  for (const [i, claim] of (props.deviceClaims ?? []).entries()) {
    const path = `deviceClaims[${i}]`;
    if (claimNames.has(claim.name)) errors.push(problemAt(`${path}.name`, `"${claim.name}" is used twice`, 'sandboxPod'));
    claimNames.add(claim.name);
    if (claim.template.isGpu && isolation === 'gvisor') {
      errors.push(
        problemAt(path, `ResourceClaimTemplate "${claim.template.name}" allocates a GPU through DRA, which gVisor's GPU proxy does not support ` +
          `(${GVISOR_DRA_GPU_ISSUE}); use gpu: { count, type } (nvidia.com/gpu limits) for gVisor GPU sandboxes`, 'sandboxPod'),
      );
    }
    if (claim.request !== undefined && !claim.template.requestNames.includes(claim.request)) {
      errors.push(problemAt(`${path}.request`, `"${claim.request}" is not a request of ResourceClaimTemplate "${claim.template.name}" (${claim.template.requestNames.join(', ')})`, 'sandboxPod'));
    }
    for (const c of claim.containers ?? []) {
      if (!props.containers.some((x) => x.name === c)) errors.push(problemAt(`${path}.containers`, `"${c}" is not a container of this pod`, 'sandboxPod'));
    }
  }
  const runAsUser = props.runAsUser ?? 65532;
  for (const [field, id] of [['runAsUser', props.runAsUser], ['runAsGroup', props.runAsGroup], ['fsGroup', props.fsGroup]] as const) {
    if (id !== undefined && (!Number.isInteger(id) || id < 0)) errors.push(problemAt(field, `must be an integer ≥ 0, got ${id}`, 'sandboxPod'));
  }
  // runAsNonRoot with UID 0 is a pod the kubelet refuses to start (and Pod Security "restricted" rejects).
  if (!off('runAsNonRoot')) {
    if (runAsUser === 0) {
      errors.push(problemAt('runAsUser', '0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the containers); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]', 'sandboxPod'));
    }
    lists.forEach(([list, containers]) =>
      containers.forEach((c, i) => {
        if (c.securityContext?.runAsUser === 0) {
          errors.push(
            problemAt(`${list}[${i}] (${c.name}).securityContext.runAsUser`, '0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the container); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]', 'sandboxPod'),
          );
        }
      }),
    );
  }
  const podSecurityContext: JsonMap = {
    ...(off('runAsNonRoot') ? {} : { runAsNonRoot: true, runAsUser, runAsGroup: props.runAsGroup ?? runAsUser }),
    ...(props.fsGroup !== undefined ? { fsGroup: props.fsGroup } : {}),
    ...(off('seccompProfile') ? {} : { seccompProfile: { type: 'RuntimeDefault' } }),
  };
  const containerSecurity = (c: SandboxContainer): JsonMap => {
    // `capabilities` is merged one level deep: adding a capability (opted out) keeps `drop: [ALL]` unless drop is given.
    const { capabilities: ownCapabilities, ...own } = c.securityContext ?? {};
    const capabilities = off('capabilitiesDrop')
      ? ownCapabilities
      : { drop: ['ALL'], ...(typeof ownCapabilities === 'object' && ownCapabilities !== null ? ownCapabilities : {}) };
    return {
      ...(off('allowPrivilegeEscalation') ? {} : { allowPrivilegeEscalation: false }),
      ...(capabilities !== undefined ? { capabilities } : {}),
      ...(off('runAsNonRoot') ? {} : { runAsNonRoot: true }),
      ...own,
    };
  };
  const container = (c: SandboxContainer): JsonMap => {
    const { securityContext: _s, resources, ...rest } = c;
    const claims = (props.deviceClaims ?? [])
      .filter((d) => !d.containers || d.containers.includes(c.name))
      .map((d) => ({ name: d.name, ...(d.request ? { request: d.request } : {}) }));
    const limits: Record<string, string | number> = { ...(resources?.limits ?? {}) };
    if (props.gpu) limits['nvidia.com/gpu'] = props.gpu.count;
    const res: JsonMap = {
      ...(Object.keys(limits).length ? { limits: stringify(limits) } : {}),
      ...(resources?.requests ? { requests: stringify(resources.requests) } : {}),
      ...(claims.length ? { claims } : {}),
    };
    return { ...rest, ...(Object.keys(res).length ? { resources: res } : {}), securityContext: containerSecurity(c) };
  };

  const tolerations = [...runtime.podPlacement.tolerations, ...(props.tolerations ?? [])].map((t) => ({ ...t }));
  const spec: JsonMap = {
    runtimeClassName: runtime.runtimeClassName,
    ...(off('automountServiceAccountToken') ? {} : { automountServiceAccountToken: false }),
    ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
    enableServiceLinks: false,
    securityContext: podSecurityContext,
    ...(props.initContainers?.length ? { initContainers: props.initContainers.map(container) } : {}),
    containers: props.containers.map(container),
    ...(props.volumes?.length ? { volumes: props.volumes.map((v) => ({ ...v })) } : {}),
    ...(props.deviceClaims?.length
      ? { resourceClaims: props.deviceClaims.map((d) => ({ name: d.name, resourceClaimTemplateName: d.template.name })) }
      : {}),
    ...(Object.keys({ ...nodeSelector, ...(props.nodeSelector ?? {}) }).length ? { nodeSelector: { ...nodeSelector, ...(props.nodeSelector ?? {}) } } : {}),
    ...(tolerations.length ? { tolerations } : {}),
    ...(props.affinity ? { affinity: props.affinity } : {}),
    ...(props.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds } : {}),
    ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: props.activeDeadlineSeconds } : {}),
    ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
    ...(props.imagePullSecrets?.length ? { imagePullSecrets: props.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
  const metadata: JsonMap = {
    ...(props.podLabels && Object.keys(props.podLabels).length ? { labels: { ...props.podLabels } } : {}),
    ...(props.podAnnotations && Object.keys(props.podAnnotations).length ? { annotations: { ...props.podAnnotations } } : {}),
  };

  // The same floor `validate` enforces: anything not explicitly opted out is an error here, at construction.
  // (Missing limits are already reported above with a platform-specific reason.)
  const violations = checkSandboxPodSpec(spec, {
    path: 'podTemplate.spec',
    platform,
    platformSettings,
    optOuts,
    podAnnotations: props.podAnnotations,
    podAnnotationsPath: 'podTemplate.metadata.annotations',
  }).filter(
    // Missing limits and uid 0 under runAsNonRoot are already reported above, with their platform-specific reasons.
    (v) => v.severity === 'error' && v.rule !== 'resourceLimits' && !(v.rule === 'runAsUser' && !off('runAsNonRoot')),
  );
  errors.push(...violations.map((v) => problemAt(v.path, `${v.message} [rule ${v.rule}; opt out with securityOptOuts: [${v.rule}] if intended]`, v.rule)));
  if (errors.length) throw new ProblemsError(`${where} is invalid:${problemList(errors)}`, errors);
  const annotationValue = formatSecurityOptOuts(optOuts);
  return {
    podTemplate: { ...(Object.keys(metadata).length ? { metadata } : {}), spec },
    runtime,
    isolation,
    optOuts,
    objectAnnotations: annotationValue ? { [SECURITY_OPT_OUTS_ANNOTATION]: annotationValue } : {},
    containerLimits: props.containers.map((c) => ({ cpu: c.resources?.limits?.cpu, memory: c.resources?.limits?.memory })),
  };
}

function stringify(map: Readonly<Record<string, string | number>>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? String(v) : v]));
}
