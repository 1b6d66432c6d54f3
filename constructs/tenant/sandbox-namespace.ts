/**
 * `SandboxNamespace`: the hardened per-tenant namespace sandboxes run in — Pod Security Admission `restricted`,
 * default-deny NetworkPolicies with DNS and an explicit egress allowlist (node metadata endpoints always carved out),
 * a ResourceQuota and LimitRange, and a ServiceAccount without an automounted token.
 */
import { Construct } from 'constructs';
import {
  IntOrString,
  KubeLimitRange,
  KubeNamespace,
  KubeNetworkPolicy,
  KubeResourceQuota,
  KubeServiceAccount,
  Quantity,
  type NetworkPolicyPort,
} from '../../imports/k8s';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../validation/sandbox/object';
import type { NamespacePodSecurity } from '../../validation/namespace-pod-security';
// Namespace label that lets ResourceClaims in it request `adminAccess` to devices (Kubernetes DRA).
import { DRA_ADMIN_ACCESS_LABEL } from '../dra/resource-claim-template';
import { PLATFORMS, systemNamespaceProblem, type Platform } from '../../platforms';
import { problemAt, problemList, ProblemsError } from '../../core/diagnostics';
import { findController } from '../workloads/context';
import { dnsPeers, resolveDnsOptions, type DnsEgressOptions } from './dns-egress';
import { tryParseCidr } from './cidr';
import { dnsLabelErrors, dnsSubdomainErrors, labelErrors, qualifiedNameErrors } from '../../core/formats';
import { resolveLimitRange, resolveQuota, type LimitRangeOptions, type ResolvedLimitRange, type ResourceQuotaOptions } from './resource-limits';
import {
  ingressRuleErrors,
  resolveEgressRules,
  resolvePort,
  type EgressRule,
  type IngressRule,
  type PortRule,
  type ResolvedEgressRule,
  type ResolvedPort,
} from './traffic-rules';

export const POD_SECURITY_LEVELS = ['restricted', 'baseline', 'privileged'] as const;
/** A Pod Security Standard level (one type for namespaces and the controller's namespace). */
export type { PodSecurityLevel } from '../../validation/pod-security';
import type { PodSecurityLevel } from '../../validation/pod-security';

/** Annotation on the egress NetworkPolicy mapping rule indexes to the allowlist descriptions. */
export const RULE_DESCRIPTIONS_ANNOTATION = 'agent-sandbox-infra.io/rule-descriptions';

export interface PodSecurityOptions {
  /**
   * Pod Security Standard enforced on the namespace. Anything but `restricted` is recorded in the
   * `agent-sandbox-infra.io/security-opt-outs` annotation; `audit` and `warn` stay `restricted` regardless.
   * @default 'restricted'
   */
  readonly enforce?: PodSecurityLevel;
  /**
   * Version of the standard to enforce: `latest` or `v1.<minor>` to pin it across cluster upgrades.
   * `audit` and `warn` always use `latest`, so a newer standard shows up as warnings before it is enforced.
   * @default 'latest'
   */
  readonly enforceVersion?: string;
}

export interface SandboxNamespaceProps {
  /** Namespace name (a DNS label). */
  readonly name: string;
  /** Extra namespace labels. Pod Security, `kubernetes.io/metadata.name` and DRA admin-access labels are set by props, not here. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra namespace annotations. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default - enforce, audit and warn `restricted`, version `latest` */
  readonly podSecurity?: PodSecurityOptions;
  /** Platform the namespace runs on; picks the DNS resolvers sandboxes may reach (see `dns`). @default - generic (cluster DNS pods only) */
  readonly platform?: Platform;
  /**
   * DNS egress (UDP+TCP 53) under default-deny: cluster DNS pods (`k8s-app: kube-dns` in `kube-system`, the label
   * CoreDNS/kube-dns carry on GKE, EKS and AKS), NodeLocal DNSCache (169.254.20.10, always on in GKE Autopilot) and
   * Cloud DNS for GKE (port 53 of the node metadata server). See `dns-egress.ts` for sources.
   * @default - per `platform`
   */
  readonly dns?: DnsEgressOptions;
  /**
   * Egress sandboxes may send besides DNS: one NetworkPolicy egress rule per entry. All of link-local
   * (`169.254.0.0/16`, `fe80::/10`: metadata, credentials, the cloud's DNS and time services) and the node credential
   * endpoints outside it (`METADATA_ENDPOINTS`: Azure WireServer, fd00:ec2::254, …) inside an allowed CIDR are put in
   * its `ipBlock.except`, also for `0.0.0.0/0` and `::/0`; a CIDR inside one of them is an error. A rule on every port
   * whose CIDR spans a private range must except those ranges and `clusterCidrs` (or set `allowPrivateRanges`).
   *
   * Only CIDRs: core NetworkPolicy has no FQDN rules. For hostnames use Cilium `toFQDNs`
   * (CiliumNetworkPolicy), Calico `domains` (GlobalNetworkPolicy/NetworkSet), GKE `FQDNNetworkPolicy`, or send
   * sandbox traffic through an egress proxy and allow only the proxy here.
   * NetworkPolicies add up: another policy in the namespace that allows more widens what sandboxes reach.
   * @default [] (DNS only)
   */
  readonly egressAllowlist?: readonly EgressRule[];
  /**
   * The cluster's node, pod and service CIDRs that lie outside the private ranges (e.g. privately used public ranges):
   * an egress rule on every port that spans one must except it, like the private ranges.
   * @default []
   */
  readonly clusterCidrs?: readonly string[];
  /** Ingress allowed into the namespace, from pods/namespaces by label (e.g. a gateway). @default [] (no ingress) */
  readonly ingressAllowlist?: readonly IngressRule[];
  /**
   * ResourceQuota; `false` creates none and is recorded as a security opt-out.
   * @default - DEFAULT_QUOTA: pods 50, requests.cpu 20, requests.memory 40Gi, limits.cpu 40, limits.memory 80Gi,
   * persistentvolumeclaims 20, requests.storage 200Gi, services.loadbalancers 0, services.nodeports 0
   */
  readonly quota?: false | ResourceQuotaOptions;
  /**
   * Container LimitRange; `false` creates none and is recorded as a security opt-out (with the quota on, pods
   * without cpu/memory requests and limits are then rejected).
   * @default - default limits 1 CPU/1Gi, default requests 250m/256Mi, max 8 CPU/32Gi
   */
  readonly limitRange?: false | LimitRangeOptions;
  /** ServiceAccount sandboxes run as; created with `automountServiceAccountToken: false`. @default 'sandbox' */
  readonly serviceAccountName?: string;
  /**
   * Label the namespace `resource.kubernetes.io/admin-access: "true"` so ResourceClaims in it may set `adminAccess`
   * (access to devices in use by others, for monitoring). Recorded as a security opt-out. @default false
   */
  readonly allowDraAdminAccess?: boolean;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };
const RESERVED_LABEL = /^(pod-security\.kubernetes\.io\/|kubernetes\.io\/metadata\.name$|resource\.kubernetes\.io\/admin-access$)/;
const PSS_VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;
const IS_SANDBOX_NAMESPACE = Symbol.for('agent-sandbox-infra.SandboxNamespace');

export class SandboxNamespace extends Construct {
  /** True for a `SandboxNamespace` (also across copies of this package). */
  static isSandboxNamespace(x: unknown): x is SandboxNamespace {
    return typeof x === 'object' && x !== null && IS_SANDBOX_NAMESPACE in x;
  }

  /** The namespace name. */
  readonly name: string;
  readonly serviceAccountName: string;
  /** Every label on the Namespace. */
  readonly labels: Readonly<Record<string, string>>;
  readonly allowsDraAdminAccess: boolean;
  /** The egress allowlist as emitted: canonical CIDRs with their metadata excepts, protocols filled in. */
  readonly egressRules: readonly ResolvedEgressRule[];
  /** Secure defaults the props turned off (also in the `agent-sandbox-infra.io/security-opt-outs` annotation). */
  readonly securityOptOuts: readonly string[];
  /**
   * Names of the NetworkPolicies that select every pod of the namespace (default-deny first, then the DNS, egress
   * and ingress allowlists that exist). SandboxTemplates read it: in such a namespace they default to
   * `networkPolicyManagement: Unmanaged` so the controller's wide default policy is not added on top.
   */
  readonly networkPolicyNames: readonly string[];
  /** The LimitRange as emitted (default limits, default requests, max per container); undefined with `limitRange: false`. */
  readonly limitRange?: ResolvedLimitRange;
  /** `spec.hard` of the ResourceQuota as emitted (defaults merged with overrides); undefined with `quota: false`. */
  readonly quotaHard?: Readonly<Record<string, string>>;
  /** The Pod Security level the namespace enforces: templates and sandboxes in it that it would reject are errors. */
  readonly podSecurity: NamespacePodSecurity;

  constructor(scope: Construct, id: string, props: SandboxNamespaceProps) {
    super(scope, id);
    Object.defineProperty(this, IS_SANDBOX_NAMESPACE, { value: true });
    this.name = props.name;
    this.serviceAccountName = props.serviceAccountName ?? 'sandbox';
    this.allowsDraAdminAccess = props.allowDraAdminAccess ?? false;
    const enforce = props.podSecurity?.enforce ?? 'restricted';
    const enforceVersion = props.podSecurity?.enforceVersion ?? 'latest';
    this.podSecurity = { enforce, enforceVersion };

    const reserved = systemNamespaceProblem(props.name, { platform: props.platform, controllerNamespace: findController(this)?.namespace });
    const errors = [
      ...dnsLabelErrors('name', props.name),
      ...(reserved ? [problemAt('name', reserved, 'sandboxNamespace')] : []),
      ...dnsSubdomainErrors('serviceAccountName', this.serviceAccountName),
      ...labelErrors('labels', props.labels ?? {}),
      ...Object.keys(props.labels ?? {})
        .filter((key) => RESERVED_LABEL.test(key))
        .map((key) => problemAt(`labels.${key}`, 'is set by SandboxNamespace; use podSecurity or allowDraAdminAccess instead', 'sandboxNamespace')),
      ...Object.keys(props.annotations ?? {}).flatMap((key) => qualifiedNameErrors('annotations', key)),
      ...(props.annotations?.[SECURITY_OPT_OUTS_ANNOTATION] !== undefined
        ? [problemAt(`annotations.${SECURITY_OPT_OUTS_ANNOTATION}`, 'is written by SandboxNamespace from the props', 'sandboxNamespace')]
        : []),
      ...(POD_SECURITY_LEVELS.includes(enforce) ? [] : [problemAt('podSecurity.enforce', `must be one of ${POD_SECURITY_LEVELS.join(', ')}, got ${JSON.stringify(enforce)}`, 'sandboxNamespace')]),
      ...(PSS_VERSION.test(enforceVersion) ? [] : [problemAt('podSecurity.enforceVersion', `must be "latest" or "v1.<minor>", got ${JSON.stringify(enforceVersion)}`, 'sandboxNamespace')]),
      ...(props.platform === undefined || PLATFORMS.includes(props.platform)
        ? []
        : [problemAt('platform', `must be one of ${PLATFORMS.join(', ')}, got ${JSON.stringify(props.platform)}`, 'sandboxNamespace')]),
      ...ingressRuleErrors('ingressAllowlist', props.ingressAllowlist ?? []),
    ];
    (props.clusterCidrs ?? []).forEach((text, i) => {
      const cidr = tryParseCidr(text);
      if (typeof cidr === 'string') errors.push(problemAt(`clusterCidrs[${i}]`, cidr, 'sandboxNamespace'));
    });
    const egress = resolveEgressRules('egressAllowlist', props.egressAllowlist ?? [], props.clusterCidrs ?? []);
    errors.push(...egress.errors);
    const quota = props.quota === false ? undefined : resolveQuota('quota', props.quota ?? {});
    const limitRange = props.limitRange === false ? undefined : resolveLimitRange('limitRange', props.limitRange ?? {});
    errors.push(...(quota?.errors ?? []), ...(limitRange?.errors ?? []));
    if (errors.length) throw new ProblemsError(`SandboxNamespace "${this.node.path}" has invalid props:${problemList(errors)}`, errors);
    this.egressRules = egress.rules;
    this.limitRange = limitRange?.limitRange;
    this.quotaHard = quota?.hard;
    const dns = resolveDnsOptions(props.platform, props.dns);

    const optOuts: string[] = [];
    if (enforce !== 'restricted') optOuts.push(`podSecurity.enforce=${enforce}`);
    if (!quota) optOuts.push('quota');
    if (!limitRange) optOuts.push('limitRange');
    if (this.allowsDraAdminAccess) optOuts.push('draAdminAccess');
    this.egressRules.forEach((r, i) => {
      if (r.reachesPrivateRanges) optOuts.push(`egressAllowlist[${i}].allowPrivateRanges`);
    });
    this.securityOptOuts = optOuts;

    this.labels = {
      ...props.labels,
      ...MANAGED_BY,
      'kubernetes.io/metadata.name': this.name,
      'pod-security.kubernetes.io/enforce': enforce,
      'pod-security.kubernetes.io/enforce-version': enforceVersion,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
      ...(this.allowsDraAdminAccess ? { [DRA_ADMIN_ACCESS_LABEL]: 'true' } : {}),
    };
    const annotations = { ...props.annotations, ...(optOuts.length ? { [SECURITY_OPT_OUTS_ANNOTATION]: optOuts.join(',') } : {}) };
    new KubeNamespace(this, 'Resource', {
      metadata: { name: this.name, labels: this.labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
    });

    const meta = (name: string, extra: { annotations?: Record<string, string> } = {}) => ({ name, namespace: this.name, labels: { ...MANAGED_BY }, ...extra });
    const allPods = {};
    const policyNames: string[] = ['default-deny-all'];
    new KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: meta('default-deny-all'),
      spec: { podSelector: allPods, policyTypes: ['Ingress', 'Egress'] },
    });
    const dnsTo = dnsPeers(dns);
    if (dnsTo.length) {
      policyNames.push('allow-dns');
      new KubeNetworkPolicy(this, 'AllowDns', {
        metadata: meta('allow-dns'),
        spec: {
          podSelector: allPods,
          policyTypes: ['Egress'],
          egress: [{ to: dnsTo, ports: [{ port: IntOrString.fromNumber(53), protocol: 'UDP' }, { port: IntOrString.fromNumber(53), protocol: 'TCP' }] }],
        },
      });
    }
    if (this.egressRules.length) {
      const descriptions = this.egressRules.flatMap((r, i) => (r.description ? [`egress[${i}]: ${r.description}`] : []));
      const privateRanges = this.egressRules.flatMap((r, i) => (r.reachesPrivateRanges ? [`egress[${i}].allowPrivateRanges`] : []));
      policyNames.push('allow-egress');
      new KubeNetworkPolicy(this, 'AllowEgress', {
        metadata: meta('allow-egress', {
          ...(descriptions.length || privateRanges.length
            ? {
                annotations: {
                  ...(descriptions.length ? { [RULE_DESCRIPTIONS_ANNOTATION]: descriptions.join('\n') } : {}),
                  // Rules that reach other pods, the nodes and the API server on every port, by choice.
                  ...(privateRanges.length ? { [SECURITY_OPT_OUTS_ANNOTATION]: privateRanges.join(',') } : {}),
                },
              }
            : {}),
        }),
        spec: {
          podSelector: allPods,
          policyTypes: ['Egress'],
          egress: this.egressRules.map((rule) => ({
            to: rule.ipBlocks.map((b) => ({ ipBlock: { cidr: b.cidr, ...(b.except.length ? { except: [...b.except] } : {}) } })),
            ...(rule.ports ? { ports: rule.ports.map(policyPort) } : {}),
          })),
        },
      });
    }
    const ingress = props.ingressAllowlist ?? [];
    if (ingress.length) {
      const descriptions = ingress.flatMap((r, i) => (r.description ? [`ingress[${i}]: ${r.description}`] : []));
      policyNames.push('allow-ingress');
      new KubeNetworkPolicy(this, 'AllowIngress', {
        metadata: meta('allow-ingress', descriptions.length ? { annotations: { [RULE_DESCRIPTIONS_ANNOTATION]: descriptions.join('\n') } } : {}),
        spec: {
          podSelector: allPods,
          policyTypes: ['Ingress'],
          ingress: ingress.map((rule) => ({
            from: [
              {
                ...(rule.namespaceLabels ? { namespaceSelector: { matchLabels: { ...rule.namespaceLabels } } } : {}),
                ...(rule.podLabels ? { podSelector: { matchLabels: { ...rule.podLabels } } } : {}),
              },
            ],
            ...(rule.ports ? { ports: rule.ports.map((p: PortRule) => policyPort(resolvePort(p))) } : {}),
          })),
        },
      });
    }

    this.networkPolicyNames = policyNames;

    if (quota) {
      new KubeResourceQuota(this, 'Quota', {
        metadata: meta('sandbox-quota'),
        spec: { hard: quantities(quota.hard) },
      });
    }
    if (limitRange) {
      const lr = limitRange.limitRange;
      new KubeLimitRange(this, 'LimitRange', {
        metadata: meta('sandbox-limits'),
        spec: {
          limits: [{ type: 'Container', default: quantities(lr.defaultLimits), defaultRequest: quantities(lr.defaultRequests), max: quantities(lr.max) }],
        },
      });
    }
    new KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(this.serviceAccountName), automountServiceAccountToken: false });
  }
}

function policyPort(p: ResolvedPort): NetworkPolicyPort {
  return { port: IntOrString.fromNumber(p.port), ...(p.endPort !== undefined ? { endPort: p.endPort } : {}), protocol: p.protocol };
}

function quantities(list: Readonly<Record<string, string>>): Record<string, Quantity> {
  return Object.fromEntries(Object.entries(list).map(([k, v]) => [k, Quantity.fromString(v)]));
}
