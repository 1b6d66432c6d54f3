/**
 * `AgentSandbox`: installs kubernetes-sigs/agent-sandbox — CRDs, namespace, RBAC, Services and the controller —
 * with every setting of the upstream Helm chart as a typed prop, and secure defaults the plain manifests lack
 * (non-root, read-only root filesystem, no capabilities, seccomp, probes, resources, PDB/spread when replicated).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import {
  IntOrString,
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeConfigMap,
  KubeDeployment,
  KubeNamespace,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  KubeRole,
  KubeRoleBinding,
  KubeService,
  KubeServiceAccount,
  Quantity,
  type Affinity,
  type PodSecurityContext,
  type SecurityContext,
  type Toleration,
} from '../../imports/k8s';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, type AgentSandboxRelease } from '../../core/upstream/pins';
// Annotation listing every secure default a user turned off, so reviewers see it in the manifest.
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../validation/sandbox/object';
import { registerController } from '../workloads/context';
import { problemList, ProblemsError } from '../../core/diagnostics';
import { AgentSandboxCrds } from './agent-sandbox-crds';
import { controllerArgs, type ControllerFlags } from '../../validation/controller-flags';
import { CONTROLLER_NAME, controllerImageReference, DEFAULT_CONTROLLER_NAMESPACE, propErrors, type ContainerImage } from '../../validation/agent-sandbox-settings';
import { podSecurityFindings, requiredPodSecurityLevel, type PodSecurityLevel } from '../../validation/pod-security';

export { CONTROLLER_NAME, propErrors, type ContainerImage };
import { coreRules, EXTENSIONS_RULES, webhookCertRules, WEBHOOK_CERT_SECRET, type PolicyRule } from './rbac-rules';

export const CONFIG_MAP_NAME = 'agent-sandbox-config';
/** Annotation on the controller Namespace saying why it enforces less than `restricted`. */
export const POD_SECURITY_REASON_ANNOTATION = 'agent-sandbox-infra.io/pod-security-reason';
export const DEFAULT_ALLOWED_LABEL_DOMAINS: readonly string[] = ['sandbox.users.io'];

/** cpu/memory quantities, e.g. `{ requests: { cpu: '100m', memory: '128Mi' } }`. */
export interface ResourceRequirements {
  readonly requests?: { readonly cpu?: string | number; readonly memory?: string | number };
  readonly limits?: { readonly cpu?: string | number; readonly memory?: string | number };
}

export interface ServiceMonitorOptions {
  /** Create a Prometheus Operator ServiceMonitor (needs monitoring.coreos.com/v1 CRDs). @default false */
  readonly enabled?: boolean;
  /** Extra labels, e.g. `release: kube-prometheus-stack`. @default {} */
  readonly additionalLabels?: Readonly<Record<string, string>>;
  /** @default '30s' */
  readonly interval?: string;
  /** @default - Prometheus default */
  readonly scrapeTimeout?: string;
}

export interface PrometheusRuleOptions {
  /** Create a PrometheusRule with a starter alert (metrics target down). @default false */
  readonly enabled?: boolean;
  /** @default {} */
  readonly additionalLabels?: Readonly<Record<string, string>>;
  /** Extra rule groups appended after ours (full Prometheus rule group objects). @default [] */
  readonly rules?: readonly Readonly<Record<string, unknown>>[];
}

export interface AgentSandboxProps {
  /** Pinned agent-sandbox release. @default - DEFAULT_AGENT_SANDBOX_VERSION (v1.0.3) */
  readonly version?: string;
  /** Controller namespace. @default 'agent-sandbox-system' */
  readonly namespace?: string;
  /** Create the namespace (false: use an existing one). @default true */
  readonly createNamespace?: boolean;
  /** Install the CRDs (false when another installer owns them). @default true */
  readonly installCrds?: boolean;
  /**
   * Name of the conversion webhook Service of a release that has one (v0.5.x); the CRDs and the controller are wired
   * to it. v1.x has no webhook: setting it there is an error. @default 'agent-sandbox-webhook-service'
   */
  readonly webhookServiceName?: string;
  /** Name of the metrics Service. @default 'agent-sandbox-controller' */
  readonly metricsServiceName?: string;
  /** Controller image. @default - registry.k8s.io/agent-sandbox/agent-sandbox-controller:<version> */
  readonly image?: ContainerImage;
  /** Secrets for pulling the image. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Controller replicas (leader election makes extra ones standbys). @default 1 */
  readonly replicas?: number;
  /** Annotations on the controller pod template. @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Labels on the controller pod template, in addition to the selector labels. @default {} */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Controller flags (leader election, extensions, workers, QPS, warm pools, tracing, pprof, extraArgs). @default - leaderElect and extensions on */
  readonly controller?: ControllerFlags;
  /** Merged key by key over the defaults. @default - requests 100m/128Mi, limits 1 CPU/512Mi */
  readonly resources?: ResourceRequirements;
  /** @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly tolerations?: readonly Toleration[];
  /** @default - none */
  readonly affinity?: Affinity;
  /**
   * Node labels (keys) that mark sandbox nodes the controller could otherwise land on (sandbox nodes without a taint
   * of their own, e.g. AKS Kata pools): the controller gets a required node affinity `DoesNotExist` on each, ANDed
   * into every term of `affinity`. Its service-account token has cluster-wide rights; it never shares a node with
   * untrusted sandboxes. {@link SandboxPlatformChart} sets the platform's.
   * @default []
   */
  readonly avoidNodeLabelKeys?: readonly string[];
  /** Merged over the secure pod defaults (runAsNonRoot, uid/gid 65532, seccomp RuntimeDefault); turning one off is recorded in an annotation. @default - secure defaults */
  readonly podSecurityContext?: PodSecurityContext;
  /** Merged over the secure container defaults (no privilege escalation, read-only root, drop ALL, seccomp); turning one off is recorded in an annotation. @default - secure defaults */
  readonly containerSecurityContext?: SecurityContext;
  /** @default - none */
  readonly priorityClassName?: string;
  /** PodDisruptionBudget (minAvailable 1). @default - created when replicas > 1 */
  readonly podDisruptionBudget?: boolean;
  /** Spread replicas over nodes and zones. @default - when replicas > 1 */
  readonly topologySpread?: boolean;
  /** @default - disabled */
  readonly serviceMonitor?: ServiceMonitorOptions;
  /** @default - disabled */
  readonly prometheusRule?: PrometheusRuleOptions;
  /**
   * Label domains a SandboxClaim may put on pods (`additionalPodMetadata.labels`). Written to the
   * `agent-sandbox-config` ConfigMap; it REPLACES the controller default `sandbox.users.io`.
   * @default - no ConfigMap: the controller allows `sandbox.users.io`
   */
  readonly allowedLabelDomains?: readonly string[];
  /** Environment for upstream file resolution. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const SELECTOR = { app: CONTROLLER_NAME };

/** `affinity` with a required `DoesNotExist` on each key ANDed into every node selector term (one term if none). */
export function withAvoidedNodes(affinity: Affinity | undefined, keys: readonly string[]): { affinity?: Affinity } {
  if (keys.length === 0) return affinity ? { affinity } : {};
  const avoid = keys.map((key) => ({ key, operator: 'DoesNotExist' }));
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
  return {
    affinity: {
      ...affinity,
      nodeAffinity: {
        ...affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []), ...avoid] })),
        },
      },
    },
  };
}
const DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } } as const;

const SECURE_POD: Required<Pick<PodSecurityContext, 'runAsNonRoot' | 'runAsUser' | 'runAsGroup' | 'seccompProfile'>> = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: 'RuntimeDefault' },
};
const SECURE_CONTAINER: SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export class AgentSandbox extends Construct {
  readonly release: AgentSandboxRelease;
  readonly namespace: string;
  readonly webhookServiceName: string;
  readonly metricsServiceName: string;
  readonly image: string;
  readonly replicas: number;
  /** Whether the extensions controllers (claims, templates, warm pools) run. */
  readonly extensions: boolean;
  /** Label domains the controller accepts on SandboxClaim pod labels (subdomains included). */
  readonly allowedLabelDomains: readonly string[];
  /** The controller Deployment (a KubeDeployment). */
  readonly deployment: ApiObject;
  readonly crds?: AgentSandboxCrds;
  /** Secure defaults the props turned off (also in the `agent-sandbox-infra.io/security-opt-outs` annotation). */
  readonly securityOptOuts: readonly string[];
  /** The Pod Security level the controller namespace enforces, and why when it is below `restricted`. */
  readonly podSecurity: { readonly enforce: PodSecurityLevel; readonly reason?: string };

  constructor(scope: Construct, id: string, props: AgentSandboxProps = {}) {
    super(scope, id);
    this.release = agentSandboxRelease(props.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
    const webhook = this.release.conversionWebhook;
    this.namespace = props.namespace ?? DEFAULT_CONTROLLER_NAMESPACE;
    this.webhookServiceName = props.webhookServiceName ?? webhook?.defaultServiceName ?? 'agent-sandbox-webhook-service';
    this.metricsServiceName = props.metricsServiceName ?? CONTROLLER_NAME;
    this.replicas = props.replicas ?? 1;
    const flags = props.controller ?? {};
    this.extensions = flags.extensions ?? true;
    this.allowedLabelDomains = props.allowedLabelDomains ?? DEFAULT_ALLOWED_LABEL_DOMAINS;
    this.image = imageReference(props.image, this.release);

    const errors = propErrors(props, this.release, this.replicas);
    if (errors.length) throw new ProblemsError(`AgentSandbox "${this.node.path}" has invalid props:${problemList(errors)}`, errors);
    registerController(this, {
      extensions: this.extensions,
      allowedLabelDomains: this.allowedLabelDomains,
      apiVersion: this.release.apiVersion,
      version: this.release.version,
      namespace: this.namespace,
    });

    const ns = this.namespace;
    const labels = {
      'app.kubernetes.io/name': 'agent-sandbox',
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/version': this.release.version,
      'app.kubernetes.io/managed-by': 'agent-sandbox-infra',
    };
    const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: ns } : {}), labels: { ...labels, ...SELECTOR } });

    if (props.installCrds ?? true) {
      this.crds = new AgentSandboxCrds(this, 'Crds', {
        version: this.release.version,
        webhookNamespace: ns,
        webhookServiceName: this.webhookServiceName,
        extensions: this.extensions,
        env: props.env,
      });
    }
    const { pod: podSecurityContext, container: containerSecurityContext, optOuts } = securityContexts(props);
    this.securityOptOuts = optOuts;
    // The namespace enforces the strictest Pod Security level the controller pod passes: `restricted`, unless an
    // opt-out breaks it (e.g. allowPrivilegeEscalation), then `baseline`, and `privileged` only when baseline fails
    // too. A lowered level says why in an annotation. Opt-outs restricted allows (readOnlyRootFilesystem) lower nothing.
    this.podSecurity = controllerPodSecurity(podSecurityContext, containerSecurityContext, optOuts);
    if (props.createNamespace ?? true) {
      new KubeNamespace(this, 'Namespace', {
        metadata: {
          name: ns,
          labels: {
            ...labels,
            'kubernetes.io/metadata.name': ns,
            'pod-security.kubernetes.io/enforce': this.podSecurity.enforce,
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
          ...(this.podSecurity.reason ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: this.podSecurity.reason } } : {}),
        },
      });
    }
    new KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(CONTROLLER_NAME) });
    this.clusterRole('Core', CONTROLLER_NAME, coreRules(this.release), meta);
    if (this.extensions) this.clusterRole('Extensions', `${CONTROLLER_NAME}-extensions`, EXTENSIONS_RULES, meta);
    if (webhook) {
      new KubeRole(this, 'WebhookCertRole', { metadata: meta(CONTROLLER_NAME), rules: webhookCertRules(WEBHOOK_CERT_SECRET).map(toRule) });
      new KubeRoleBinding(this, 'WebhookCertRoleBinding', {
        metadata: meta(CONTROLLER_NAME),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CONTROLLER_NAME },
        subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: ns }],
      });
    }
    new KubeService(this, 'MetricsService', {
      metadata: meta(this.metricsServiceName),
      spec: { selector: SELECTOR, ports: [{ name: 'metrics', port: 8080, targetPort: IntOrString.fromString('metrics'), protocol: 'TCP' }] },
    });
    if (webhook) {
      new KubeService(this, 'WebhookService', {
        metadata: meta(this.webhookServiceName),
        spec: {
          selector: SELECTOR,
          ports: [{ name: 'webhook', port: webhook.servicePort, targetPort: IntOrString.fromNumber(webhook.targetPort), protocol: 'TCP' }],
        },
      });
    }

    // The controller's own NetworkPolicy: ingress only to its ports, egress open (the API server's address and port
    // differ per cluster). Where a CNI starts every pod default-deny until a policy selects it (the VPC CNI in strict
    // mode, which the EKS stack turns on: platforms/eks/facts.ts eks.vpc-cni-strict-mode), this is what lets the
    // controller work; elsewhere it narrows its ingress.
    new KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta(CONTROLLER_NAME),
      spec: {
        podSelector: { matchLabels: SELECTOR },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            ports: [
              { port: IntOrString.fromNumber(8080), protocol: 'TCP' },
              { port: IntOrString.fromNumber(8081), protocol: 'TCP' },
              ...(webhook ? [{ port: IntOrString.fromNumber(webhook.targetPort), protocol: 'TCP' }] : []),
            ],
          },
        ],
        egress: [{}],
      },
    });

    let configChecksum: string | undefined;
    if (props.allowedLabelDomains) {
      const data = { 'allowed-label-domains': props.allowedLabelDomains.join(',') };
      new KubeConfigMap(this, 'Config', { metadata: meta(CONFIG_MAP_NAME), data });
      // The controller reads the allowlist once at startup: a changed list must roll the pods.
      configChecksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    }

    const derived = {
      webhookServiceName: webhook && this.webhookServiceName !== webhook.defaultServiceName ? this.webhookServiceName : undefined,
      webhookNamespace: webhook && ns !== webhook.defaultNamespace ? ns : undefined,
    };
    const replicated = this.replicas > 1;
    const podAnnotations: Record<string, string> = { ...(props.podAnnotations ?? {}) };
    if (configChecksum) podAnnotations['agent-sandbox-infra.io/config-checksum'] = configChecksum;
    if (optOuts.length) podAnnotations[SECURITY_OPT_OUTS_ANNOTATION] = optOuts.join(',');
    // Given values replace the defaults key by key: `limits: { memory: '1Gi' }` keeps the cpu limit and the requests.
    const resources: ResourceRequirements = {
      requests: { ...DEFAULT_RESOURCES.requests, ...(props.resources?.requests ?? {}) },
      limits: { ...DEFAULT_RESOURCES.limits, ...(props.resources?.limits ?? {}) },
    };

    this.deployment = new KubeDeployment(this, 'Deployment', {
      metadata: { ...meta(CONTROLLER_NAME), ...(optOuts.length ? { annotations: { [SECURITY_OPT_OUTS_ANNOTATION]: optOuts.join(',') } } : {}) },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: {
            labels: { ...(props.podLabels ?? {}), ...labels, ...SELECTOR },
            ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
          },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            securityContext: podSecurityContext,
            ...(props.imagePullSecrets?.length ? { imagePullSecrets: props.imagePullSecrets.map((name) => ({ name })) } : {}),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            containers: [
              {
                name: CONTROLLER_NAME,
                image: this.image,
                imagePullPolicy: props.image?.pullPolicy ?? 'IfNotPresent',
                args: controllerArgs(flags, this.release, derived),
                ports: [
                  { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
                  { name: 'healthz', containerPort: 8081, protocol: 'TCP' },
                  ...(webhook ? [{ name: 'webhook', containerPort: webhook.targetPort, protocol: 'TCP' }] : []),
                ],
                livenessProbe: { httpGet: { path: '/healthz', port: IntOrString.fromString('healthz') }, initialDelaySeconds: 15, periodSeconds: 20 },
                readinessProbe: { httpGet: { path: '/readyz', port: IntOrString.fromString('healthz') }, initialDelaySeconds: 5, periodSeconds: 10 },
                resources: toResources(resources),
                securityContext: containerSecurityContext,
                volumeMounts: [
                  ...(this.extensions ? [{ name: 'config-volume', mountPath: '/etc/sandbox-config', readOnly: true }] : []),
                  // The controller writes its webhook serving certificate under /tmp; the root filesystem is read-only.
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              ...(this.extensions ? [{ name: 'config-volume', configMap: { name: CONFIG_MAP_NAME, optional: true } }] : []),
              { name: 'tmp', emptyDir: { sizeLimit: Quantity.fromString('64Mi') } },
            ],
            ...(props.nodeSelector && Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
            ...(props.tolerations?.length ? { tolerations: [...props.tolerations] } : {}),
            ...withAvoidedNodes(props.affinity, props.avoidNodeLabelKeys ?? []),
            ...((props.topologySpread ?? replicated)
              ? {
                  topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
                    maxSkew: 1,
                    topologyKey,
                    whenUnsatisfiable: 'ScheduleAnyway',
                    labelSelector: { matchLabels: SELECTOR },
                  })),
                }
              : {}),
          },
        },
      },
    });

    if (props.podDisruptionBudget ?? replicated) {
      new KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: meta(CONTROLLER_NAME),
        spec: { minAvailable: IntOrString.fromNumber(1), selector: { matchLabels: SELECTOR } },
      });
    }
    if (props.serviceMonitor?.enabled) {
      const sm = props.serviceMonitor;
      new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { ...meta(CONTROLLER_NAME), labels: { ...labels, ...SELECTOR, ...(sm.additionalLabels ?? {}) } },
        spec: {
          selector: { matchLabels: SELECTOR },
          namespaceSelector: { matchNames: [ns] },
          endpoints: [{ port: 'metrics', path: '/metrics', scheme: 'http', interval: sm.interval ?? '30s', ...(sm.scrapeTimeout ? { scrapeTimeout: sm.scrapeTimeout } : {}) }],
        },
      });
    }
    if (props.prometheusRule?.enabled) {
      const pr = props.prometheusRule;
      const svc = this.metricsServiceName;
      new ApiObject(this, 'PrometheusRule', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { ...meta(CONTROLLER_NAME), labels: { ...labels, ...SELECTOR, ...(pr.additionalLabels ?? {}) } },
        spec: {
          groups: [
            {
              name: 'agent-sandbox-controller.rules',
              rules: [
                {
                  alert: 'AgentSandboxControllerMetricsTargetsDown',
                  expr: `absent(up{namespace="${ns}", service="${svc}"}) or\nmax by (namespace, service) (up{namespace="${ns}", service="${svc}"}) < 1\n`,
                  for: '5m',
                  labels: { severity: 'warning' },
                  annotations: {
                    summary: 'Agent Sandbox controller metrics targets are down',
                    description: `Prometheus has been unable to scrape any ${svc} metrics target for 5 minutes.`,
                  },
                },
              ],
            },
            ...(pr.rules ?? []),
          ],
        },
      });
    }
  }

  private clusterRole(id: string, name: string, rules: readonly PolicyRule[], meta: (n: string, namespaced?: boolean) => object): void {
    new KubeClusterRole(this, `${id}ClusterRole`, { metadata: meta(name, false), rules: rules.map(toRule) });
    new KubeClusterRoleBinding(this, `${id}ClusterRoleBinding`, {
      metadata: meta(name, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: this.namespace }],
    });
  }
}

function toRule(r: PolicyRule) {
  return { apiGroups: [...r.apiGroups], resources: [...r.resources], ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}), verbs: [...r.verbs] };
}

function toResources(r: ResourceRequirements) {
  const q = (m?: { cpu?: string | number; memory?: string | number }) =>
    m ? Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Quantity.fromString(String(v))])) : undefined;
  return { ...(r.requests ? { requests: q(r.requests) } : {}), ...(r.limits ? { limits: q(r.limits) } : {}) };
}

export function imageReference(image: ContainerImage | undefined, release: AgentSandboxRelease): string {
  return controllerImageReference(image, release);
}

/**
 * The strictest Pod Security level the controller pod passes, judged on the pod as the Deployment builds it (its
 * security contexts, ports without hostPort, a ConfigMap and an emptyDir volume, probes without host), and why.
 */
function controllerPodSecurity(pod: PodSecurityContext, container: SecurityContext, optOuts: readonly string[]): { enforce: PodSecurityLevel; reason?: string } {
  const spec = {
    securityContext: JSON.parse(JSON.stringify(pod)) as Record<string, unknown>,
    containers: [{ name: CONTROLLER_NAME, securityContext: JSON.parse(JSON.stringify(container)) as Record<string, unknown>, ports: [{ containerPort: 8080 }] }],
    volumes: [{ name: 'config-volume', configMap: { name: CONFIG_MAP_NAME } }, { name: 'tmp', emptyDir: {} }],
  };
  const enforce = requiredPodSecurityLevel(spec);
  if (enforce === 'restricted') return { enforce };
  const failed = podSecurityFindings(spec, enforce === 'baseline' ? 'restricted' : 'baseline').map((f) => f.check);
  const stricter = enforce === 'baseline' ? 'restricted' : 'baseline';
  return {
    enforce,
    reason: `the controller's security opt-outs (${optOuts.join(', ')}) fail Pod Security ${stricter} (${[...new Set(failed)].join(', ')}), so the namespace enforces ${enforce}`,
  };
}

/** Merges user security contexts over the secure defaults and lists what they turned off. */
function securityContexts(props: AgentSandboxProps): { pod: PodSecurityContext; container: SecurityContext; optOuts: string[] } {
  const pod: PodSecurityContext = { ...SECURE_POD, ...(props.podSecurityContext ?? {}) };
  const container: SecurityContext = { ...SECURE_CONTAINER, ...(props.containerSecurityContext ?? {}) };
  const optOuts: string[] = [];
  if (pod.runAsNonRoot === false) optOuts.push('podSecurityContext.runAsNonRoot');
  if (pod.runAsUser === 0) optOuts.push('podSecurityContext.runAsUser=0');
  if (pod.seccompProfile?.type && pod.seccompProfile.type !== 'RuntimeDefault' && pod.seccompProfile.type !== 'Localhost') {
    optOuts.push(`podSecurityContext.seccompProfile=${pod.seccompProfile.type}`);
  }
  if (container.allowPrivilegeEscalation !== false) optOuts.push('containerSecurityContext.allowPrivilegeEscalation');
  if (container.readOnlyRootFilesystem !== true) optOuts.push('containerSecurityContext.readOnlyRootFilesystem');
  if (container.runAsNonRoot === false) optOuts.push('containerSecurityContext.runAsNonRoot');
  if (container.privileged) optOuts.push('containerSecurityContext.privileged');
  if (!container.capabilities?.drop?.includes('ALL')) optOuts.push('containerSecurityContext.capabilities.drop');
  if (container.capabilities?.add?.length) optOuts.push(`containerSecurityContext.capabilities.add=${container.capabilities.add.join('+')}`);
  if (container.seccompProfile?.type && container.seccompProfile.type !== 'RuntimeDefault' && container.seccompProfile.type !== 'Localhost') {
    optOuts.push(`containerSecurityContext.seccompProfile=${container.seccompProfile.type}`);
  }
  return { pod, container, optOuts };
}

