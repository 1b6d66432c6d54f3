/**
 * `SandboxRouter`: agent-sandbox's Go sandbox router (`sandbox-router/deploy/` of the release: ServiceAccount,
 * Deployment, Service `sandbox-router-svc`, PodDisruptionBudget, RBAC for its Pod-IP cache) with its image pinned to
 * the release tag instead of upstream's `:latest`, and a NetworkPolicy that replaces upstream's open one:
 *
 * - ingress on the proxy port only from the named client namespaces/pods (upstream: every namespace), metrics only
 *   from named scrapers (upstream: the `monitoring` namespace), no rule for the probe port (upstream: anyone) —
 *   traffic from a pod's own node, the kubelet's probes, is always allowed by NetworkPolicy;
 * - egress only to sandbox pods (`agents.x-k8s.io/sandbox-name-hash` Exists, the label the controller puts on every
 *   sandbox pod) on the sandbox port(s), in the named namespaces (upstream: any pod of any namespace on 8888, plus
 *   4317 anywhere), DNS to the cluster resolvers, and the API server only while the Pod-IP cache or TokenReview needs it.
 *
 * Secure by default beyond upstream: non-root uid/gid 65532 with seccomp at pod level, no service-account token
 * when nothing uses it, and a namespaced Role instead of the cluster-wide pod reader when the sandboxes live in one
 * namespace (`--cache-namespace`).
 */
import { Construct } from 'constructs';
import {
  IntOrString,
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeDeployment,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  KubeRole,
  KubeRoleBinding,
  KubeService,
  KubeServiceAccount,
  Quantity,
  type Affinity,
  type NetworkPolicyPeer,
  type Toleration,
} from '../../imports/k8s';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, type AgentSandboxRelease } from '../../core/upstream/pins';
import type { Platform } from '../../platforms';
import { routerSettingsErrors, type RouterAuthzMode, type RouterPeer, type SandboxRouterSettings } from '../../validation/sandbox-router-settings';
import { dnsPeers, resolveDnsOptions, type DnsEgressOptions } from '../tenant/dns-egress';
import { withAvoidedNodes, type ResourceRequirements } from './agent-sandbox';
import { problemList, ProblemsError } from '../../core/diagnostics';

export type { RouterPeer, RouterAuthzMode };

export const ROUTER_NAME = 'sandbox-router';
/** Upstream's Service name (the Python router's too; the SDKs use it). */
export const ROUTER_SERVICE_NAME = 'sandbox-router-svc';
/**
 * The router pods' labels. `app: sandbox-router` is what the controller's default per-template NetworkPolicy admits
 * (in namespace agent-sandbox-system) and what claims may not put on their pods.
 */
export const ROUTER_POD_LABELS = { app: ROUTER_NAME, 'app.kubernetes.io/name': ROUTER_NAME, 'app.kubernetes.io/component': ROUTER_NAME } as const;
const SELECTOR = { 'app.kubernetes.io/name': ROUTER_NAME, 'app.kubernetes.io/component': ROUTER_NAME } as const;
/** The label the controller puts on every pod of a Sandbox (and nothing else): what the router may reach. */
export const SANDBOX_POD_LABEL = 'agents.x-k8s.io/sandbox-name-hash';
/** The router's default `X-Sandbox-Port`. */
export const DEFAULT_SANDBOX_PORT = 8888;
const PORTS = { proxy: 8080, metrics: 9090, healthz: 8081 } as const;
const DEFAULT_RESOURCES = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } } as const;

/** The construct's props: the settings the config's `router:` also has (documented there), and what only the construct takes. */
export interface SandboxRouterProps extends SandboxRouterSettings {
  /** Pinned agent-sandbox release whose router this is. @default - DEFAULT_AGENT_SANDBOX_VERSION */
  readonly version?: string;
  /** Who may send requests to the router (port 8080). Required: nobody else can. */
  readonly clients: readonly RouterPeer[];
  /** Picks the DNS resolvers the router may query (dns-egress.ts). @default - cluster DNS pods */
  readonly platform?: Platform;
  /** @default - per `platform` */
  readonly dns?: DnsEgressOptions;
  /** Merged key by key over upstream's requests 250m/256Mi, limits 2 CPU/1Gi. */
  readonly resources?: ResourceRequirements;
  /** @default {} */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly tolerations?: readonly Toleration[];
  /** @default - none */
  readonly affinity?: Affinity;
  /** @default - none */
  readonly priorityClassName?: string;
  /**
   * Node labels (keys) of sandbox nodes that carry no taint (e.g. AKS Kata pools): a required node affinity
   * `DoesNotExist` on each keeps the router, whose token reads pods, off the nodes of untrusted sandboxes.
   * {@link SandboxPlatformChart} sets the platform's. @default []
   */
  readonly avoidNodeLabelKeys?: readonly string[];
  /** PodDisruptionBudget minAvailable 1. @default - when replicas > 1 */
  readonly podDisruptionBudget?: boolean;
}

export class SandboxRouter extends Construct {
  readonly release: AgentSandboxRelease;
  readonly namespace: string;
  readonly image: string;
  readonly sandboxPorts: readonly number[];
  /** The sandbox namespaces the router may reach; undefined: every namespace. */
  readonly sandboxNamespaces?: readonly string[];
  readonly deployment: KubeDeployment;
  readonly networkPolicy: KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: SandboxRouterProps) {
    super(scope, id);
    this.release = agentSandboxRelease(props.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
    const errors = routerSettingsErrors(props, this.release);
    if (errors.length) throw new ProblemsError(`SandboxRouter "${this.node.path}" has invalid props:${problemList(errors)}`, errors);
    const router = this.release.router!;
    const ns = (this.namespace = props.namespace ?? 'agent-sandbox-system');
    this.sandboxPorts = props.sandboxPorts ?? [DEFAULT_SANDBOX_PORT];
    this.sandboxNamespaces = props.sandboxNamespaces;
    const repository = props.image?.repository ?? router.image.repository;
    const tag = props.image?.tag ?? router.image.tag;
    this.image = props.image?.digest ? `${repository}:${tag}@${props.image.digest}` : `${repository}:${tag}`;
    const replicas = props.replicas ?? 2;
    const cache = props.cache ?? true;
    const authzMode = props.authzMode ?? 'allow-all';
    const needsApi = cache || authzMode === 'tokenreview';
    // One sandbox namespace: the Pod-IP cache watches only it, with a namespaced Role.
    const cacheNamespace = cache && this.sandboxNamespaces?.length === 1 ? this.sandboxNamespaces[0] : undefined;

    const labels = { ...SELECTOR, 'app.kubernetes.io/version': this.release.version, 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };
    // `null`: cluster-scoped.
    const meta = (name: string, namespace: string | null = ns) => ({ name, ...(namespace !== null ? { namespace } : {}), labels });

    new KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(ROUTER_NAME), automountServiceAccountToken: needsApi });
    const subjects = [{ kind: 'ServiceAccount', name: ROUTER_NAME, namespace: ns }];
    const podReader = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }];
    if (cache && cacheNamespace) {
      new KubeRole(this, 'PodCacheRole', { metadata: meta(ROUTER_NAME, cacheNamespace), rules: podReader });
      new KubeRoleBinding(this, 'PodCacheRoleBinding', {
        metadata: meta(ROUTER_NAME, cacheNamespace),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ROUTER_NAME },
        subjects,
      });
    } else if (cache) {
      new KubeClusterRole(this, 'PodCacheClusterRole', { metadata: meta(ROUTER_NAME, null), rules: podReader });
      new KubeClusterRoleBinding(this, 'PodCacheClusterRoleBinding', {
        metadata: meta(ROUTER_NAME, null),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ROUTER_NAME },
        subjects,
      });
    }
    if (authzMode === 'tokenreview') {
      new KubeClusterRoleBinding(this, 'AuthDelegatorBinding', {
        metadata: meta(`${ROUTER_NAME}-auth-delegator`, null),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects,
      });
    }

    const args = [
      `--http-bind-address=:${PORTS.proxy}`,
      `--metrics-bind-address=:${PORTS.metrics}`,
      `--health-probe-bind-address=:${PORTS.healthz}`,
      `--cluster-domain=${props.clusterDomain ?? 'cluster.local'}`,
      `--proxy-timeout=${props.proxyTimeout ?? '180s'}`,
      `--upstream-max-retries=${props.upstreamMaxRetries ?? 3}`,
      `--cache-enabled=${cache}`,
      ...(cacheNamespace ? [`--cache-namespace=${cacheNamespace}`] : []),
      ...(authzMode !== 'allow-all' ? [`--authz-mode=${authzMode}`] : []),
      ...(props.extraArgs ?? []),
    ];
    const resources = {
      requests: { ...DEFAULT_RESOURCES.requests, ...(props.resources?.requests ?? {}) },
      limits: { ...DEFAULT_RESOURCES.limits, ...(props.resources?.limits ?? {}) },
    };
    const quantities = (m: Record<string, string | number | undefined>) =>
      Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Quantity.fromString(String(v))]));

    this.deployment = new KubeDeployment(this, 'Deployment', {
      metadata: meta(ROUTER_NAME),
      spec: {
        replicas,
        selector: { matchLabels: { ...SELECTOR } },
        template: {
          metadata: {
            labels: { ...ROUTER_POD_LABELS, 'app.kubernetes.io/version': this.release.version },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORTS.metrics), 'prometheus.io/path': '/metrics' },
          },
          spec: {
            serviceAccountName: ROUTER_NAME,
            automountServiceAccountToken: needsApi,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': ROUTER_NAME } },
            })),
            containers: [
              {
                name: ROUTER_NAME,
                image: this.image,
                imagePullPolicy: props.image?.pullPolicy ?? 'IfNotPresent',
                args,
                ports: Object.entries(PORTS).map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' })),
                livenessProbe: { httpGet: { path: '/healthz', port: IntOrString.fromString('healthz') }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: '/readyz', port: IntOrString.fromString('healthz') }, initialDelaySeconds: 1, periodSeconds: 5, failureThreshold: 2 },
                resources: { requests: quantities(resources.requests), limits: quantities(resources.limits) },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              },
            ],
            terminationGracePeriodSeconds: 45,
            ...(props.nodeSelector && Object.keys(props.nodeSelector).length ? { nodeSelector: { ...props.nodeSelector } } : {}),
            ...(props.tolerations?.length ? { tolerations: [...props.tolerations] } : {}),
            ...withAvoidedNodes(props.affinity, props.avoidNodeLabelKeys ?? []),
          },
        },
      },
    });

    new KubeService(this, 'Service', {
      metadata: meta(ROUTER_SERVICE_NAME),
      spec: { type: 'ClusterIP', selector: { ...SELECTOR }, ports: [{ name: 'proxy', port: PORTS.proxy, targetPort: IntOrString.fromString('proxy'), protocol: 'TCP' }] },
    });
    if (props.podDisruptionBudget ?? replicas > 1) {
      new KubePodDisruptionBudget(this, 'PodDisruptionBudget', { metadata: meta(ROUTER_NAME), spec: { minAvailable: IntOrString.fromNumber(1), selector: { matchLabels: { ...SELECTOR } } } });
    }

    const peer = (p: RouterPeer): NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
      ...(p.podLabels ? { podSelector: { matchLabels: { ...p.podLabels } } } : {}),
    });
    const tcp = (port: number) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });
    const apiServerRule = props.apiServer
      ? { to: props.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: (props.apiServer.ports ?? [443]).map(tcp) }
      : { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } }], ports: [tcp(443), tcp(6443)] };
    const dnsTo = dnsPeers(resolveDnsOptions(props.platform, props.dns));
    this.networkPolicy = new KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta(ROUTER_NAME),
      spec: {
        podSelector: { matchLabels: { ...SELECTOR } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: props.clients.map(peer), ports: [tcp(PORTS.proxy)] },
          ...(props.metricsScrapers?.length ? [{ from: props.metricsScrapers.map(peer), ports: [tcp(PORTS.metrics)] }] : []),
        ],
        egress: [
          // An egress rule with no peers would allow every destination: no resolver, no DNS rule.
          ...(dnsTo.length
            ? [{ to: dnsTo, ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, { protocol: 'TCP', port: IntOrString.fromNumber(53) }] }]
            : []),
          {
            to: [
              {
                namespaceSelector: this.sandboxNamespaces
                  ? { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...this.sandboxNamespaces] }] }
                  : {},
                podSelector: { matchExpressions: [{ key: SANDBOX_POD_LABEL, operator: 'Exists' }] },
              },
            ],
            ports: this.sandboxPorts.map(tcp),
          },
          ...(needsApi ? [apiServerRule] : []),
        ],
      },
    });
  }

  /** The ingress rule a sandbox namespace needs to admit the router (SandboxNamespace `ingressAllowlist` entry). */
  static ingressRuleFor(router: { readonly namespace: string; readonly sandboxPorts: readonly number[] }) {
    return {
      namespaceLabels: { 'kubernetes.io/metadata.name': router.namespace },
      podLabels: { ...SELECTOR },
      ports: router.sandboxPorts.map((port) => ({ port, protocol: 'TCP' as const })),
      description: `the sandbox router (${router.namespace}/${ROUTER_NAME}) on the sandbox port${router.sandboxPorts.length > 1 ? 's' : ''}`,
    };
  }
}
