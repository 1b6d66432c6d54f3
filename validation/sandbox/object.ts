/**
 * Sandbox invariants: the security floor every agent-sandbox pod (Sandbox and SandboxTemplate `spec.podTemplate.spec`)
 * must meet before untrusted agent code runs in it.
 *
 * The floor is upstream's reference admission policy, kubernetes-sigs/agent-sandbox
 * `examples/policy/vap/secure-sandbox-policy.yaml` (read at commit 3a8c6ce8dc9a1f5852ffb11873e3e654fc9f1513:
 * https://github.com/kubernetes-sigs/agent-sandbox/blob/3a8c6ce8dc9a1f5852ffb11873e3e654fc9f1513/examples/policy/vap/secure-sandbox-policy.yaml).
 * Every one of its validations has a rule here (numbers in `SANDBOX_RULES[*].upstream`), with these differences:
 *  - `runtimeClassName` may be any sandboxed RuntimeClass (gVisor `gvisor`, AKS Kata `kata-vm-isolation`, or names the
 *    caller declares), not only `gvisor`; `runc` or no RuntimeClass is a violation.
 *  - upstream rules 15/16 (GKE nodeSelector + toleration `sandbox.gke.io/runtime=gvisor`) are GKE-only: they are the
 *    `sandboxPlacement` rule, checked when the caller names the platform (the platform table's `podPlacement`).
 *  - stricter than upstream: `allowPrivilegeEscalation: false` and a RuntimeDefault/Localhost seccomp profile on every
 *    container, and `runAsNonRoot` on ephemeral containers too.
 *  - beyond upstream, everything else of the Pod Security `restricted` standard (validation/pod-security.ts has the
 *    standard itself): no HostProcess, AppArmor and SELinux within the allowed values (field and annotation), only
 *    restricted's volume types, no `host` in probes or lifecycle handlers (a probe to 169.254.169.254 is made by the
 *    kubelet, from the node), no `runAsUser: 0`. A pod that passes these rules passes `restricted` (a test holds it).
 * Upstream's `agents.x-k8s.io/trusted-init-containers` annotation keeps its meaning: init containers it names (that
 * are not main/ephemeral containers and do not use `restartPolicy: Always`) may add capabilities and run as root;
 * those findings are reported as notes.
 *
 * Objects can opt out of rules explicitly with the annotation `agent-sandbox-infra.io/security-opt-outs`
 * (comma-separated rule ids): violations of those rules become notes (printed, not failing).
 */
import { platformFacts, PLATFORMS, type Platform, type RuntimeFacts, type Toleration } from '../../platforms';
import { AGENT_SANDBOX_SERVED_VERSIONS } from '../../core/upstream/pins';
import { joinPath, type Problem } from '../../core/diagnostics';
import type { ObjectChecker } from '../../core/diagnostics';

/** Upstream reference policy these rules mirror (the floor). */
export const UPSTREAM_SECURE_SANDBOX_POLICY =
  'https://github.com/kubernetes-sigs/agent-sandbox/blob/3a8c6ce8dc9a1f5852ffb11873e3e654fc9f1513/examples/policy/vap/secure-sandbox-policy.yaml';

/** Annotation on a Sandbox/SandboxTemplate listing rule ids it explicitly opts out of (comma-separated). */
export const SECURITY_OPT_OUTS_ANNOTATION = 'agent-sandbox-infra.io/security-opt-outs';

/** Upstream's annotation naming init containers that may add capabilities and run as root (comma-separated). */
export const TRUSTED_INIT_CONTAINERS_ANNOTATION = 'agents.x-k8s.io/trusted-init-containers';

export const SANDBOX_RULE_IDS = [
  'runtimeClassName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'automountServiceAccountToken',
  'sysctls',
  'sandboxPlacement',
  'trustedInitContainers',
  'privileged',
  'capabilitiesDrop',
  'capabilitiesAdd',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'seccompProfile',
  'procMount',
  'hostPort',
  'resourceLimits',
  'hostPath',
  'projectedServiceAccountToken',
  'clusterTrustBundle',
  'podCertificate',
  'hostProcess',
  'appArmorProfile',
  'seLinuxOptions',
  'volumeTypes',
  'probeHost',
  'runAsUser',
] as const;

export type SandboxRuleId = (typeof SANDBOX_RULE_IDS)[number];

export interface SandboxRule {
  readonly id: SandboxRuleId;
  /** What the rule requires, one sentence. */
  readonly description: string;
  /** Number of the validation in upstream's secure-sandbox-policy.yaml, or `ours` for rules beyond it. */
  readonly upstream: string;
}

/** Every sandbox rule, by id. Shared by the construct validations, the `validate` command and policy packs. */
export const SANDBOX_RULES: Readonly<Record<SandboxRuleId, SandboxRule>> = {
  runtimeClassName: {
    id: 'runtimeClassName',
    description: 'the pod names a sandboxed RuntimeClass (gvisor, kata-vm-isolation or a declared one); runc or none is not allowed',
    upstream: '1',
  },
  hostNetwork: { id: 'hostNetwork', description: 'hostNetwork is false or unset', upstream: '2' },
  hostPID: { id: 'hostPID', description: 'hostPID is false or unset', upstream: '11' },
  hostIPC: { id: 'hostIPC', description: 'hostIPC is false or unset', upstream: '11' },
  automountServiceAccountToken: {
    id: 'automountServiceAccountToken',
    description: 'automountServiceAccountToken is explicitly false on the pod',
    upstream: '3',
  },
  sysctls: { id: 'sysctls', description: 'the pod sets no sysctls', upstream: '13' },
  sandboxPlacement: {
    id: 'sandboxPlacement',
    description: "the pod carries the platform's sandbox node selector and toleration (GKE: sandbox.gke.io/runtime=gvisor); checked when the platform is known",
    upstream: '15, 16',
  },
  trustedInitContainers: {
    id: 'trustedInitContainers',
    description: `${TRUSTED_INIT_CONTAINERS_ANNOTATION} names only init containers, none with restartPolicy: Always`,
    upstream: '0a, 0b',
  },
  privileged: { id: 'privileged', description: 'no container is privileged', upstream: '4' },
  capabilitiesDrop: { id: 'capabilitiesDrop', description: 'every container drops ALL capabilities', upstream: '5' },
  capabilitiesAdd: {
    id: 'capabilitiesAdd',
    description: 'no container adds capabilities (trusted init containers excepted)',
    upstream: '10a, 10b',
  },
  allowPrivilegeEscalation: {
    id: 'allowPrivilegeEscalation',
    description: 'every container sets allowPrivilegeEscalation: false',
    upstream: 'ours',
  },
  runAsNonRoot: {
    id: 'runAsNonRoot',
    description: 'every container runs with runAsNonRoot: true (container or pod level; trusted init containers excepted)',
    upstream: '7',
  },
  seccompProfile: {
    id: 'seccompProfile',
    description: 'every container runs under a RuntimeDefault or Localhost seccomp profile (container or pod level)',
    upstream: 'ours',
  },
  procMount: { id: 'procMount', description: 'no container sets a procMount other than Default', upstream: '14' },
  hostPort: { id: 'hostPort', description: 'no container port sets hostPort', upstream: '12' },
  resourceLimits: { id: 'resourceLimits', description: 'every container sets cpu and memory limits', upstream: '6' },
  hostPath: { id: 'hostPath', description: 'no hostPath volumes', upstream: '9' },
  projectedServiceAccountToken: {
    id: 'projectedServiceAccountToken',
    description: 'no projected volume source serviceAccountToken',
    upstream: '8',
  },
  clusterTrustBundle: {
    id: 'clusterTrustBundle',
    description: 'no projected volume source clusterTrustBundle',
    upstream: '8',
  },
  podCertificate: { id: 'podCertificate', description: 'no projected volume source podCertificate', upstream: '8' },
  hostProcess: { id: 'hostProcess', description: 'no pod or container sets windowsOptions.hostProcess: true', upstream: 'PSS baseline' },
  appArmorProfile: {
    id: 'appArmorProfile',
    description: 'AppArmor is RuntimeDefault or Localhost (field) and runtime/default or localhost/* (annotation), never Unconfined',
    upstream: 'PSS baseline',
  },
  seLinuxOptions: {
    id: 'seLinuxOptions',
    description: 'SELinux type is container_t, container_init_t, container_kvm_t, container_engine_t or unset (not spc_t); no user or role',
    upstream: 'PSS baseline',
  },
  volumeTypes: {
    id: 'volumeTypes',
    description: "volumes are of restricted's types only: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret",
    upstream: 'PSS restricted',
  },
  probeHost: { id: 'probeHost', description: 'no probe or lifecycle handler sets host (the kubelet would make that request from the node)', upstream: 'PSS baseline' },
  runAsUser: { id: 'runAsUser', description: 'no pod or container sets runAsUser: 0', upstream: 'PSS restricted' },
};

/** Volume sources the `restricted` standard allows (hostPath has its own rule). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;
/** SELinux types the `baseline` standard allows (latest). */
export const ALLOWED_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'] as const;
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export function isSandboxRuleId(value: string): value is SandboxRuleId {
  return (SANDBOX_RULE_IDS as readonly string[]).includes(value);
}

/** The annotation value for a list of opt-outs (validated, deduplicated, in table order). */
export function formatSecurityOptOuts(ids: readonly SandboxRuleId[]): string {
  for (const id of ids) {
    if (!isSandboxRuleId(id)) throw new Error(`"${String(id)}" is not a sandbox rule id; allowed: ${SANDBOX_RULE_IDS.join(', ')}`);
  }
  return SANDBOX_RULE_IDS.filter((id) => ids.includes(id)).join(',');
}

/** Splits the opt-out annotation value into known rule ids and unknown entries. */
export function parseSecurityOptOuts(value: string): { readonly ids: SandboxRuleId[]; readonly unknown: string[] } {
  const ids: SandboxRuleId[] = [];
  const unknown: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (isSandboxRuleId(entry)) {
      if (!ids.includes(entry)) ids.push(entry);
    } else if (!unknown.includes(entry)) {
      unknown.push(entry);
    }
  }
  return { ids, unknown };
}

/**
 * Sandboxed RuntimeClass names in the platform table (one platform under its `platforms.<id>` settings, or every
 * platform's defaults).
 */
export function sandboxedRuntimeClasses(platform?: Platform, platformSettings?: unknown): string[] {
  const names: string[] = [];
  for (const p of platform ? [platform] : PLATFORMS) {
    for (const facts of Object.values(platformFacts(p, p === platform ? platformSettings : undefined).runtimes)) {
      if (facts && !names.includes(facts.runtimeClassName)) names.push(facts.runtimeClassName);
    }
  }
  return names;
}

export interface SandboxCheckOptions {
  /**
   * Dotted path of the pod spec inside its object; violation paths start with it.
   * @default 'spec.podTemplate.spec'
   */
  readonly path?: string;
  /**
   * RuntimeClass names accepted as sandboxed beyond the platform table (e.g. a self-managed Kata class).
   * @default []
   */
  readonly allowedRuntimeClasses?: readonly string[];
  /**
   * Platform the pod runs on. When set, `runtimeClassName` must be one of that platform's runtimes (or a declared
   * one) and the platform's pod placement (GKE: nodeSelector + toleration `sandbox.gke.io/runtime=gvisor`) is required.
   * @default undefined: any RuntimeClass of the platform table; placement not checked
   */
  readonly platform?: Platform;
  /**
   * The platform's `platforms.<id>` settings (on the generic `kubernetes` platform they name the RuntimeClass and the
   * sandbox nodes). @default undefined: the platform's defaults
   */
  readonly platformSettings?: unknown;
  /**
   * Rules the object explicitly opted out of: their violations are reported with severity `note`.
   * @default []
   */
  readonly optOuts?: readonly SandboxRuleId[];
  /**
   * Value of the upstream annotation `agents.x-k8s.io/trusted-init-containers` (split on `,` exactly as upstream does).
   * @default undefined: no trusted init containers
   */
  readonly trustedInitContainers?: string;
  /** The pod's own annotations (`podTemplate.metadata.annotations`: AppArmor's annotation lives there). @default {} */
  readonly podAnnotations?: Readonly<Record<string, unknown>>;
  /** Dotted path of those annotations, for messages. @default 'spec.podTemplate.metadata.annotations' */
  readonly podAnnotationsPath?: string;
}

export interface SandboxViolation {
  readonly rule: SandboxRuleId;
  /** Path relative to the object, e.g. `spec.podTemplate.spec.containers[0].securityContext.capabilities.drop`. */
  readonly path: string;
  /** What is wrong and what is expected, ending in `got <actual>`. */
  readonly message: string;
  /** `error`, or `note` when the rule is opted out or the finding is allowed for a trusted init container. */
  readonly severity: 'error' | 'note';
}

type Obj = Record<string, unknown>;

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
type ContainerList = (typeof CONTAINER_LISTS)[number];

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** How an actual value is shown after `got`. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Upstream rule 16: a toleration with the same key, value and effect (operator Equal or unset). */
function tolerates(tolerations: unknown, wanted: Toleration): boolean {
  if (!Array.isArray(tolerations)) return false;
  return tolerations.some(
    (t) =>
      isObj(t) &&
      t.key === wanted.key &&
      t.value === wanted.value &&
      t.effect === wanted.effect &&
      (t.operator === undefined || t.operator === wanted.operator),
  );
}

function formatToleration(t: Toleration): string {
  return `{key: ${t.key}, operator: ${t.operator}${t.value !== undefined ? `, value: ${t.value}` : ''}, effect: ${t.effect}}`;
}

/**
 * Checks one pod spec against the sandbox rules. Pure; never throws on malformed input (what is not there is
 * reported as missing). Returns every violation, pod-level first, then each container, then volumes.
 */
export function checkSandboxPodSpec(podSpec: Obj, options: SandboxCheckOptions = {}): SandboxViolation[] {
  const base = options.path ?? 'spec.podTemplate.spec';
  const optOuts = options.optOuts ?? [];
  const out: SandboxViolation[] = [];
  const add = (rule: SandboxRuleId, path: string, message: string, exemption?: string) => {
    if (exemption) out.push({ rule, path, message: `${message} (allowed: ${exemption})`, severity: 'note' });
    else if (optOuts.includes(rule)) {
      out.push({ rule, path, message: `${message} (opted out: "${rule}" in ${optOutPath()})`, severity: 'note' });
    } else out.push({ rule, path, message, severity: 'error' });
  };
  const at = (...keys: (string | number)[]) => keys.reduce<string>((p, k) => joinPath(p, k), base);
  const podSc = isObj(podSpec.securityContext) ? podSpec.securityContext : {};

  // Pod level.
  const allowed = [...sandboxedRuntimeClasses(options.platform, options.platformSettings)];
  for (const name of options.allowedRuntimeClasses ?? []) if (!allowed.includes(name)) allowed.push(name);
  const rc = podSpec.runtimeClassName;
  if (typeof rc !== 'string' || !allowed.includes(rc)) {
    add(
      'runtimeClassName',
      at('runtimeClassName'),
      `must name a sandboxed RuntimeClass (${allowed.join(', ')}${options.platform ? ` on ${options.platform}` : ''}) so untrusted code does not run on the host kernel, got ${showValue(rc)}`,
    );
  }
  const hostNamespaces = [
    ['hostNetwork', "network namespace (and reach the cloud metadata server)"],
    ['hostPID', 'process namespace'],
    ['hostIPC', 'IPC namespace'],
  ] as const;
  for (const [field, what] of hostNamespaces) {
    if (present(podSpec[field]) && podSpec[field] !== false) {
      add(field, at(field), `must be false or unset (a sandbox must not share the node's ${what}), got ${showValue(podSpec[field])}`);
    }
  }
  if (podSpec.automountServiceAccountToken !== false) {
    add(
      'automountServiceAccountToken',
      at('automountServiceAccountToken'),
      `must be false (a sandbox must not get a ServiceAccount token), got ${showValue(podSpec.automountServiceAccountToken)}`,
    );
  }
  if (present(podSc.sysctls) && !(Array.isArray(podSc.sysctls) && podSc.sysctls.length === 0)) {
    add('sysctls', at('securityContext', 'sysctls'), `must be empty or unset (a sandbox must not tune kernel parameters), got ${showValue(podSc.sysctls)}`);
  }
  if (options.platform) checkPlacement(podSpec, options.platform, options.platformSettings, at, add);
  checkPodSecurityExtras(podSpec, podSc, options, at, add);

  // Upstream's trusted init containers (rules 0a, 0b).
  const trustedNames = options.trustedInitContainers !== undefined ? options.trustedInitContainers.split(',') : [];
  const trusted = new Set<string>();
  const annotationPath = joinPath('metadata.annotations', TRUSTED_INIT_CONTAINERS_ANNOTATION);
  const listOf = (list: ContainerList): unknown[] => (Array.isArray(podSpec[list]) ? (podSpec[list] as unknown[]) : []);
  for (const name of trustedNames) {
    const elsewhere = (['containers', 'ephemeralContainers'] as const).find((l) => listOf(l).some((c) => isObj(c) && c.name === name));
    if (elsewhere) {
      add(
        'trustedInitContainers',
        annotationPath,
        `may only name init containers (a main or ephemeral container cannot be trusted), got "${name}", which is in ${at(elsewhere)}`,
      );
      continue;
    }
    const index = listOf('initContainers').findIndex((c) => isObj(c) && c.name === name);
    if (index < 0) continue;
    const init = listOf('initContainers')[index] as Obj;
    if (init.restartPolicy === 'Always') {
      add(
        'trustedInitContainers',
        annotationPath,
        `may only name init containers that run to completion (a sidecar stays alive next to the agent), got "${name}", whose ${at('initContainers', index, 'restartPolicy')} is "Always"`,
      );
      continue;
    }
    trusted.add(name);
  }

  // Containers.
  for (const list of CONTAINER_LISTS) {
    listOf(list).forEach((raw, i) => {
      const c = isObj(raw) ? raw : {};
      const sc = isObj(c.securityContext) ? c.securityContext : {};
      const caps = isObj(sc.capabilities) ? sc.capabilities : {};
      const cp = (...keys: (string | number)[]) => at(list, i, ...keys);
      const exempt =
        list === 'initContainers' && typeof c.name === 'string' && trusted.has(c.name)
          ? `trusted init container "${c.name}" in ${annotationPath}`
          : undefined;

      if (present(sc.privileged) && sc.privileged !== false) {
        add('privileged', cp('securityContext', 'privileged'), `must be false or unset (a privileged container controls the node), got ${showValue(sc.privileged)}`);
      }
      if (!(Array.isArray(caps.drop) && caps.drop.includes('ALL'))) {
        add('capabilitiesDrop', cp('securityContext', 'capabilities', 'drop'), `must include ALL (a sandbox keeps no Linux capabilities), got ${showValue(caps.drop)}`);
      }
      if (present(caps.add) && !(Array.isArray(caps.add) && caps.add.length === 0)) {
        add('capabilitiesAdd', cp('securityContext', 'capabilities', 'add'), `must be empty or unset (a sandbox must not add Linux capabilities), got ${showValue(caps.add)}`, exempt);
      }
      if (sc.allowPrivilegeEscalation !== false) {
        add(
          'allowPrivilegeEscalation',
          cp('securityContext', 'allowPrivilegeEscalation'),
          `must be false (no gaining privileges through setuid binaries), got ${showValue(sc.allowPrivilegeEscalation)}`,
        );
      }
      const podNonRoot = at('securityContext', 'runAsNonRoot');
      if (present(sc.runAsNonRoot)) {
        if (sc.runAsNonRoot !== true) {
          const overrides = podSc.runAsNonRoot === true ? ` (overrides ${podNonRoot}: true)` : '';
          add('runAsNonRoot', cp('securityContext', 'runAsNonRoot'), `must be true here or in ${podNonRoot} (a sandbox must not run as root), got ${showValue(sc.runAsNonRoot)}${overrides}`, exempt);
        }
      } else if (podSc.runAsNonRoot !== true) {
        const from = present(podSc.runAsNonRoot) ? ` (from ${podNonRoot})` : '';
        add('runAsNonRoot', cp('securityContext', 'runAsNonRoot'), `must be true here or in ${podNonRoot} (a sandbox must not run as root), got ${showValue(podSc.runAsNonRoot)}${from}`, exempt);
      }
      const podSeccomp = at('securityContext', 'seccompProfile', 'type');
      const ownSeccomp = isObj(sc.seccompProfile) ? sc.seccompProfile.type : sc.seccompProfile;
      const podSeccompType = isObj(podSc.seccompProfile) ? podSc.seccompProfile.type : podSc.seccompProfile;
      const effective = present(ownSeccomp) ? ownSeccomp : podSeccompType;
      if (effective !== 'RuntimeDefault' && effective !== 'Localhost') {
        const why = present(ownSeccomp)
          ? podSeccompType === 'RuntimeDefault' || podSeccompType === 'Localhost'
            ? ` (overrides ${podSeccomp}: ${podSeccompType})`
            : ''
          : present(podSeccompType)
            ? ` (from ${podSeccomp})`
            : '';
        add(
          'seccompProfile',
          cp('securityContext', 'seccompProfile', 'type'),
          `must be RuntimeDefault or Localhost here or in ${podSeccomp} (system calls must be filtered), got ${showValue(effective)}${why}`,
        );
      }
      if (present(sc.procMount) && sc.procMount !== 'Default') {
        add('procMount', cp('securityContext', 'procMount'), `must be Default or unset (an unmasked /proc exposes the kernel), got ${showValue(sc.procMount)}`);
      }
      (Array.isArray(c.ports) ? c.ports : []).forEach((port, j) => {
        if (isObj(port) && present(port.hostPort)) {
          add('hostPort', cp('ports', j, 'hostPort'), `must not be set (a sandbox must not bind ports on the node), got ${showValue(port.hostPort)}`);
        }
      });
      const limits = isObj(c.resources) && isObj(c.resources.limits) ? c.resources.limits : {};
      for (const resource of ['cpu', 'memory'] as const) {
        if (!present(limits[resource])) {
          add('resourceLimits', cp('resources', 'limits', resource), `must be set (a sandbox without a ${resource} limit can starve the node), got nothing`);
        }
      }
    });
  }

  // Volumes.
  (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).forEach((raw, i) => {
    if (!isObj(raw)) return;
    if (present(raw.hostPath)) {
      add('hostPath', at('volumes', i, 'hostPath'), `must not be used (a sandbox must not mount directories of the node), got ${showValue(raw.hostPath)}`);
    }
    const sources = isObj(raw.projected) && Array.isArray(raw.projected.sources) ? raw.projected.sources : [];
    sources.forEach((source, j) => {
      if (!isObj(source)) return;
      const projections = [
        ['serviceAccountToken', 'projectedServiceAccountToken', 'a ServiceAccount token gives the sandbox Kubernetes API credentials'],
        ['clusterTrustBundle', 'clusterTrustBundle', 'a sandbox must not receive cluster trust bundles'],
        ['podCertificate', 'podCertificate', 'a pod certificate is an identity credential'],
      ] as const;
      for (const [field, rule, why] of projections) {
        if (present(source[field])) {
          add(rule, at('volumes', i, 'projected', 'sources', j, field), `must not be used (${why}), got ${showValue(source[field])}`);
        }
      }
    });
  });
  return out;
}

/** The `restricted` standard beyond upstream's policy: HostProcess, AppArmor, SELinux, volume types, probe hosts, uid 0. */
function checkPodSecurityExtras(
  podSpec: Obj,
  podSc: Obj,
  options: SandboxCheckOptions,
  at: (...keys: (string | number)[]) => string,
  add: (rule: SandboxRuleId, path: string, message: string) => void,
): void {
  const containers = CONTAINER_LISTS.flatMap((list) =>
    (Array.isArray(podSpec[list]) ? (podSpec[list] as unknown[]) : []).map((raw, i) => {
      const c = isObj(raw) ? raw : {};
      return { c, sc: isObj(c.securityContext) ? c.securityContext : {}, path: (...keys: (string | number)[]) => at(list, i, ...keys) };
    }),
  );
  const scopes = [{ sc: podSc, path: (...keys: (string | number)[]) => at(...keys) }, ...containers.map((ct) => ({ sc: ct.sc, path: ct.path }))];
  for (const { sc, path } of scopes) {
    if (isObj(sc.windowsOptions) && sc.windowsOptions.hostProcess === true) {
      add('hostProcess', path('securityContext', 'windowsOptions', 'hostProcess'), 'must be false or unset (a HostProcess container runs on the node, outside any sandbox), got true');
    }
    if (isObj(sc.appArmorProfile) && sc.appArmorProfile.type !== 'RuntimeDefault' && sc.appArmorProfile.type !== 'Localhost') {
      add('appArmorProfile', path('securityContext', 'appArmorProfile', 'type'), `must be RuntimeDefault or Localhost (Unconfined turns AppArmor off), got ${showValue(sc.appArmorProfile.type)}`);
    }
    if (isObj(sc.seLinuxOptions)) {
      const o = sc.seLinuxOptions;
      if (present(o.type) && o.type !== '' && !(ALLOWED_SELINUX_TYPES as readonly unknown[]).includes(o.type)) {
        add('seLinuxOptions', path('securityContext', 'seLinuxOptions', 'type'), `must be one of ${ALLOWED_SELINUX_TYPES.join(', ')} or unset (spc_t and other types lift the container confinement), got ${showValue(o.type)}`);
      }
      for (const field of ['user', 'role'] as const) {
        if (present(o[field]) && o[field] !== '') add('seLinuxOptions', path('securityContext', 'seLinuxOptions', field), `must be unset, got ${showValue(o[field])}`);
      }
    }
    if (sc.runAsUser === 0) add('runAsUser', path('securityContext', 'runAsUser'), 'must not be 0 (root), got 0');
  }
  // A pod-level seccomp profile that is not RuntimeDefault/Localhost is refused even when every container overrides it.
  if (isObj(podSc.seccompProfile) && podSc.seccompProfile.type !== 'RuntimeDefault' && podSc.seccompProfile.type !== 'Localhost') {
    add('seccompProfile', at('securityContext', 'seccompProfile', 'type'), `must be RuntimeDefault or Localhost (system calls must be filtered), got ${showValue(podSc.seccompProfile.type)}`);
  }
  const annotationsPath = options.podAnnotationsPath ?? 'spec.podTemplate.metadata.annotations';
  for (const [key, value] of Object.entries(options.podAnnotations ?? {})) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    if (!(value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/')))) {
      add('appArmorProfile', joinPath(annotationsPath, key), `must be runtime/default or localhost/<profile> (unconfined turns AppArmor off), got ${showValue(value)}`);
    }
  }
  (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).forEach((raw, i) => {
    if (!isObj(raw)) return;
    const source = Object.keys(raw).find((k) => k !== 'name' && present(raw[k]));
    if (source !== undefined && source !== 'hostPath' && !(RESTRICTED_VOLUME_TYPES as readonly string[]).includes(source)) {
      add('volumeTypes', at('volumes', i, source), `must not be used: a ${source} volume is outside the types Pod Security restricted allows (${RESTRICTED_VOLUME_TYPES.join(', ')}), got ${showValue(raw[source])}`);
    }
  });
  for (const ct of containers) {
    const handlers: [string[], unknown][] = [
      ...(['livenessProbe', 'readinessProbe', 'startupProbe'] as const).map((p): [string[], unknown] => [[p], ct.c[p]]),
      ...(['postStart', 'preStop'] as const).map((h): [string[], unknown] => [['lifecycle', h], isObj(ct.c.lifecycle) ? ct.c.lifecycle[h] : undefined]),
    ];
    for (const [keys, handler] of handlers) {
      for (const kind of ['httpGet', 'tcpSocket'] as const) {
        const h = isObj(handler) ? handler[kind] : undefined;
        if (isObj(h) && present(h.host) && h.host !== '') {
          add('probeHost', ct.path(...keys, kind, 'host'), `must be unset (the kubelet makes this request from the node, which reaches what the pod may not), got ${showValue(h.host)}`);
        }
      }
    }
  }
}

function optOutPath(): string {
  return joinPath('metadata.annotations', SECURITY_OPT_OUTS_ANNOTATION);
}

function checkPlacement(
  podSpec: Obj,
  platform: Platform,
  platformSettings: unknown,
  at: (...keys: (string | number)[]) => string,
  add: (rule: SandboxRuleId, path: string, message: string) => void,
): void {
  const runtimes = Object.values(platformFacts(platform, platformSettings).runtimes).filter((r): r is RuntimeFacts => r !== undefined);
  const facts = runtimes.find((r) => r.runtimeClassName === podSpec.runtimeClassName) ?? (runtimes.length === 1 ? runtimes[0] : undefined);
  if (!facts) return;
  const why = `${platform} schedules ${facts.runtimeClassName} pods only with it; without it a warm pool stays at 0`;
  const nodeSelector = isObj(podSpec.nodeSelector) ? podSpec.nodeSelector : {};
  for (const [key, value] of Object.entries(facts.podPlacement.nodeSelector)) {
    if (nodeSelector[key] !== value) {
      add('sandboxPlacement', at('nodeSelector', key), `must be ${JSON.stringify(value)} (${why}), got ${showValue(nodeSelector[key])}`);
    }
  }
  for (const toleration of facts.podPlacement.tolerations) {
    if (!tolerates(podSpec.tolerations, toleration)) {
      add(
        'sandboxPlacement',
        at('tolerations'),
        `must include ${formatToleration(toleration)} (${why}), got ${showValue(podSpec.tolerations)}`,
      );
    }
  }
}

/** The pod's own annotations of a Sandbox/SandboxTemplate (`spec.podTemplate.metadata.annotations`). */
function podTemplateAnnotations(value: Obj): Pick<SandboxCheckOptions, 'podAnnotations' | 'podAnnotationsPath'> {
  const spec = isObj(value.spec) ? value.spec : {};
  const template = isObj(spec.podTemplate) ? spec.podTemplate : {};
  const metadata = isObj(template.metadata) ? template.metadata : {};
  return isObj(metadata.annotations) ? { podAnnotations: metadata.annotations, podAnnotationsPath: 'spec.podTemplate.metadata.annotations' } : {};
}

/** agent-sandbox kinds that carry a pod spec, and where. SandboxWarmPool and SandboxClaim carry none. */
export const SANDBOX_POD_KINDS = [
  { group: 'agents.x-k8s.io', kind: 'Sandbox', versions: AGENT_SANDBOX_SERVED_VERSIONS, podSpecPath: ['spec', 'podTemplate', 'spec'] },
  {
    group: 'extensions.agents.x-k8s.io',
    kind: 'SandboxTemplate',
    versions: AGENT_SANDBOX_SERVED_VERSIONS,
    podSpecPath: ['spec', 'podTemplate', 'spec'],
  },
] as const;

export type SandboxCheckerOptions = Pick<SandboxCheckOptions, 'allowedRuntimeClasses' | 'platform' | 'platformSettings'>;

/**
 * The rule-level verdict on one Sandbox/SandboxTemplate's pod with the object's own annotations applied (its opt-outs
 * and upstream's trusted init containers); undefined when the object has no readable pod spec or is not such a kind.
 */
export function checkSandboxObjectPod(
  value: Obj,
  options: SandboxCheckerOptions = {},
): { readonly optOuts: readonly SandboxRuleId[]; readonly unknownOptOuts: readonly string[]; readonly violations: readonly SandboxViolation[] } | undefined {
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const entry = SANDBOX_POD_KINDS.find((k) => k.group === group && k.kind === value.kind);
  let podSpec: unknown = value;
  for (const key of entry?.podSpecPath ?? []) podSpec = isObj(podSpec) ? podSpec[key] : undefined;
  if (!entry || !isObj(podSpec)) return undefined;
  const annotations = isObj(value.metadata) && isObj(value.metadata.annotations) ? value.metadata.annotations : {};
  const recorded = annotations[SECURITY_OPT_OUTS_ANNOTATION];
  const parsed = typeof recorded === 'string' ? parseSecurityOptOuts(recorded) : { ids: [], unknown: [] };
  const trusted = annotations[TRUSTED_INIT_CONTAINERS_ANNOTATION];
  const violations = checkSandboxPodSpec(podSpec, {
    ...options,
    path: entry.podSpecPath.join('.'),
    optOuts: parsed.ids,
    trustedInitContainers: typeof trusted === 'string' ? trusted : undefined,
    ...podTemplateAnnotations(value),
  });
  return { optOuts: parsed.ids, unknownOptOuts: parsed.unknown, violations };
}

/**
 * An `ObjectChecker` for Sandbox and SandboxTemplate objects (v1alpha1 and v1beta1); other kinds yield nothing.
 * Reads the opt-out annotation (unknown ids are errors) and upstream's trusted-init-containers annotation.
 */
export function createSandboxInvariantsChecker(options: SandboxCheckerOptions = {}): ObjectChecker {
  return (value, object) => {
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const entry = SANDBOX_POD_KINDS.find((k) => k.group === group && k.kind === value.kind);
    if (!entry) return [];
    const problems: Omit<Problem, 'file'>[] = [];
    if (!(entry.versions as readonly string[]).includes(version)) {
      problems.push({
        object,
        path: 'apiVersion',
        code: 'apiVersion',
        // An error, not a note: a pod the rules cannot read must not pass as if it had been checked.
        message: `cannot be checked against the sandbox rules: ${version} is not a known version of ${entry.kind} (known: ${entry.versions.join(', ')}; a newer agent-sandbox release needs its entry in the pin table)`,
        severity: 'error',
      });
      return problems;
    }
    const annotations = isObj(value.metadata) && isObj(value.metadata.annotations) ? value.metadata.annotations : {};
    let optOuts: SandboxRuleId[] = [];
    const rawOptOuts = annotations[SECURITY_OPT_OUTS_ANNOTATION];
    if (present(rawOptOuts)) {
      if (typeof rawOptOuts !== 'string') {
        problems.push({
          object,
          path: optOutPath(),
          code: 'securityOptOuts',
          message: `must be a string of comma-separated rule ids (allowed: ${SANDBOX_RULE_IDS.join(', ')}), got ${showValue(rawOptOuts)}`,
          severity: 'error',
        });
      } else {
        const parsed = parseSecurityOptOuts(rawOptOuts);
        optOuts = parsed.ids;
        for (const unknown of parsed.unknown) {
          problems.push({
            object,
            path: optOutPath(),
            code: 'securityOptOuts',
            message: `"${unknown}" is not a sandbox rule id; allowed: ${SANDBOX_RULE_IDS.join(', ')}`,
            severity: 'error',
          });
        }
      }
    }
    const trustedRaw = annotations[TRUSTED_INIT_CONTAINERS_ANNOTATION];
    let podSpec: unknown = value;
    for (const key of entry.podSpecPath) podSpec = isObj(podSpec) ? podSpec[key] : undefined;
    const path = entry.podSpecPath.join('.');
    if (!isObj(podSpec)) {
      problems.push({
        object,
        path,
        code: 'podSpec',
        message: `must be a pod spec (a ${entry.kind} runs a pod; the sandbox rules cannot be checked without it), got ${showValue(podSpec)}`,
        severity: 'error',
      });
      return problems;
    }
    const violations = checkSandboxPodSpec(podSpec, {
      ...options,
      path,
      optOuts,
      trustedInitContainers: typeof trustedRaw === 'string' ? trustedRaw : undefined,
      ...podTemplateAnnotations(value),
    });
    for (const v of violations) problems.push({ object, path: v.path, code: v.rule, message: v.message, severity: v.severity });
    return problems;
  };
}

/** The checker `validate` and `synth` run: any RuntimeClass of the platform table, no platform placement. */
export const sandboxInvariantsChecker: ObjectChecker = createSandboxInvariantsChecker();
