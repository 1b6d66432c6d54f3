/**
 * Tenants in the configuration file: each tenant is a hardened namespace with its sandbox templates, warm pools,
 * claims, sandboxes and DRA claim templates. Fields mirror the construct props one to one; Kubernetes structures
 * (containers, volumes, metrics…) are checked against the pinned Kubernetes schema, unknown fields rejected.
 */
import { z } from 'zod';
import { ISOLATIONS } from '../platform/profiles';
import { SANDBOX_RULE_IDS } from '../validation/sandbox-invariants';
import { kubernetesType } from './kubernetes-type';
import { dnsLabel, dnsSubdomain, labelMap, quantity, toleration } from './schema-primitives';
import { selectorConfig } from './selector-config';
import { rfc3339Problem } from '../workloads/context';
import { warmPoolReplicaProblems } from '../workloads/sandbox-warm-pool';

// The same check as the constructs: the shape and a real calendar date and time (the API server checks both).
const rfc3339 = z.string().superRefine((value, ctx) => {
  const problem = rfc3339Problem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const resourceList = z.record(z.string(), quantity);
const portRule = z.object({ port: z.number().int(), endPort: z.number().int().optional(), protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional() }).strict();

const namespaceConfig = z
  .object({
    labels: labelMap,
    annotations: labelMap,
    podSecurity: z.object({ enforce: z.enum(['restricted', 'baseline', 'privileged']), enforceVersion: z.string() }).partial().strict(),
    dns: z.object({ clusterDns: z.boolean(), nodeLocalDnsCache: z.boolean(), gkeMetadataServerDns: z.boolean() }).partial().strict(),
    /** CIDR allowlist; FQDN rules are out of scope for core NetworkPolicy (README). */
    egressAllowlist: z.array(
      z.object({ cidrs: z.array(z.string()).min(1), except: z.array(z.string()).optional(), ports: z.array(portRule).optional(), description: z.string().optional() }).strict(),
    ),
    ingressAllowlist: z.array(
      z.object({ namespaceLabels: labelMap.optional(), podLabels: labelMap.optional(), ports: z.array(portRule).optional(), description: z.string().optional() }).strict(),
    ),
    quota: z.union([z.literal(false), z.object({ hard: resourceList }).partial().strict()]),
    limitRange: z.union([z.literal(false), z.object({ defaultLimits: resourceList, defaultRequests: resourceList, max: resourceList }).partial().strict()]),
    serviceAccountName: dnsSubdomain,
    allowDraAdminAccess: z.boolean(),
  })
  .partial()
  .strict();

const container = kubernetesType('io.k8s.api.core.v1.Container');
const pvcTemplate = z
  .object({
    metadata: z.object({ name: dnsLabel, labels: labelMap.optional(), annotations: labelMap.optional() }).strict(),
    spec: kubernetesType('io.k8s.api.core.v1.PersistentVolumeClaimSpec'),
  })
  .strict();

/** Fields of the sandbox pod shared by templates and sandboxes. */
const podFields = {
  isolation: z.enum(ISOLATIONS),
  containers: z.array(container).min(1),
  initContainers: z.array(container),
  volumes: z.array(kubernetesType('io.k8s.api.core.v1.Volume')),
  runAsUser: z.number().int().min(0),
  runAsGroup: z.number().int().min(0),
  fsGroup: z.number().int().min(0),
  serviceAccountName: dnsSubdomain,
  securityOptOuts: z.array(z.enum(SANDBOX_RULE_IDS)),
  gpu: z.object({ count: z.number().int().min(1), type: z.string() }).strict(),
  deviceClaims: z.array(
    z.object({ name: dnsLabel, claimTemplate: dnsSubdomain, containers: z.array(z.string()).optional(), request: z.string().optional() }).strict(),
  ),
  nodeSelector: labelMap,
  tolerations: z.array(toleration),
  affinity: kubernetesType('io.k8s.api.core.v1.Affinity'),
  terminationGracePeriodSeconds: z.number().int().min(0),
  activeDeadlineSeconds: z.number().int().min(1),
  podLabels: labelMap,
  podAnnotations: labelMap,
  priorityClassName: dnsSubdomain,
  imagePullSecrets: z.array(dnsSubdomain),
  volumeClaimTemplates: z.array(pvcTemplate),
  service: z.boolean(),
};

const template = z
  .object({
    name: dnsSubdomain,
    ...podFields,
    networkPolicyManagement: z.enum(['Managed', 'Unmanaged']),
    networkPolicy: z
      .object({
        ingress: z.array(kubernetesType('io.k8s.api.networking.v1.NetworkPolicyIngressRule')),
        egress: z.array(kubernetesType('io.k8s.api.networking.v1.NetworkPolicyEgressRule')),
      })
      .partial()
      .strict(),
    envVarsInjectionPolicy: z.enum(['Allowed', 'Overrides', 'Disallowed']),
    volumeClaimTemplatesPolicy: z.enum(['Allowed', 'Overrides', 'Disallowed']),
  })
  .partial()
  .required({ name: true, containers: true })
  .strict();

const sandbox = z
  .object({
    name: dnsLabel,
    ...podFields,
    operatingMode: z.enum(['Running', 'Suspended']),
    shutdownTime: rfc3339,
    shutdownPolicy: z.enum(['Delete', 'Retain']),
  })
  .partial()
  .required({ name: true, containers: true })
  .strict();

const warmPool = z
  .object({
    name: dnsLabel,
    template: dnsSubdomain,
    replicas: z.number().int().min(0),
    maxReplicas: z.number().int().min(1),
    updateStrategy: z.enum(['Recreate', 'OnReplenish']),
    autoscaling: z
      .object({
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        metrics: z.array(kubernetesType('io.k8s.api.autoscaling.v2.MetricSpec')).min(1),
        behavior: kubernetesType('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior').optional(),
      })
      .strict(),
  })
  .partial()
  .required({ name: true, template: true })
  .strict();

const claim = z
  .object({
    name: dnsLabel,
    warmPool: dnsLabel,
    lifecycle: z
      .object({
        shutdownTime: rfc3339,
        shutdownPolicy: z.enum(['Delete', 'DeleteForeground', 'Retain']),
        ttlSecondsAfterFinished: z.number().int().min(0),
      })
      .partial()
      .strict(),
    additionalPodMetadata: z.object({ labels: labelMap, annotations: labelMap }).partial().strict(),
    env: z.array(z.object({ name: z.string().min(1), value: z.string(), containerName: z.string().optional() }).strict()),
    volumeClaimTemplates: z.array(pvcTemplate),
  })
  .partial()
  .required({ name: true, warmPool: true })
  .strict();

/** A DRA claim template request: exactly one device class, or prioritized alternatives. */
const selector = selectorConfig;
const exactRequest = z
  .object({
    deviceClass: dnsSubdomain,
    count: z.number().int().min(1),
    allocationMode: z.enum(['ExactCount', 'All']),
    selectors: z.array(selector),
    capacity: z.object({ requests: resourceList }).strict(),
    tolerations: z.array(kubernetesType('io.k8s.api.resource.v1.DeviceToleration')),
    adminAccess: z.boolean(),
  })
  .partial()
  .required({ deviceClass: true })
  .strict();
const claimTemplate = z
  .object({
    name: dnsSubdomain,
    requests: z
      .array(
        z
          .object({
            name: dnsLabel,
            exactly: exactRequest.optional(),
            firstAvailable: z.array(exactRequest.omit({ adminAccess: true }).extend({ name: dnsLabel })).min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const tenantConfig = z
  .object({
    /** The tenant's namespace name. */
    name: dnsLabel,
    namespace: namespaceConfig.optional(),
    templates: z.array(template).optional(),
    warmPools: z.array(warmPool).optional(),
    claims: z.array(claim).optional(),
    sandboxes: z.array(sandbox).optional(),
    claimTemplates: z.array(claimTemplate).optional(),
  })
  .strict();

/** Cluster-scoped DRA DeviceClasses; selectors are builder clauses or raw CEL strings. */
export const deviceClassConfig = z
  .object({
    name: dnsSubdomain,
    selectors: z.array(selector).min(1),
    extendedResourceName: z.string().optional(),
    gpu: z.boolean().optional(),
  })
  .strict();

export type TenantConfig = z.infer<typeof tenantConfig>;
export type DeviceClassConfig = z.infer<typeof deviceClassConfig>;
export type TemplateConfig = z.infer<typeof template>;
export type ClaimTemplateConfig = z.infer<typeof claimTemplate>;

/** References between a tenant's objects, unique names and warm-pool replica bounds (all problems, with config paths). */
export function tenantReferenceProblems(tenants: readonly TenantConfig[], deviceClasses: readonly DeviceClassConfig[]): string[] {
  const problems: string[] = [];
  const unique = (path: string, names: readonly string[]) =>
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) problems.push(`${path}[${i}].name: "${n}" is already used by ${path}[${names.indexOf(n)}]`);
    });
  unique('tenants', tenants.map((t) => t.name));
  unique('deviceClasses', deviceClasses.map((d) => d.name));
  tenants.forEach((t, ti) => {
    const at = `tenants[${ti}]`;
    const templates = (t.templates ?? []).map((x) => x.name);
    const pools = (t.warmPools ?? []).map((x) => x.name);
    const claimTemplates = (t.claimTemplates ?? []).map((x) => x.name);
    unique(`${at}.templates`, templates);
    unique(`${at}.warmPools`, pools);
    unique(`${at}.claims`, (t.claims ?? []).map((x) => x.name));
    unique(`${at}.sandboxes`, (t.sandboxes ?? []).map((x) => x.name));
    unique(`${at}.claimTemplates`, claimTemplates);
    (t.warmPools ?? []).forEach((p, i) => {
      problems.push(...warmPoolReplicaProblems(p).map((problem) => `${at}.warmPools[${i}].${problem}`));
      if (!templates.includes(p.template)) problems.push(`${at}.warmPools[${i}].template: "${p.template}" is not a template of tenant ${t.name} (${templates.join(', ') || 'none'})`);
    });
    (t.claims ?? []).forEach((c, i) => {
      if (!pools.includes(c.warmPool)) problems.push(`${at}.claims[${i}].warmPool: "${c.warmPool}" is not a warm pool of tenant ${t.name} (${pools.join(', ') || 'none'})`);
    });
    const podOwners = [...(t.templates ?? []).map((x, i) => [`templates[${i}]`, x] as const), ...(t.sandboxes ?? []).map((x, i) => [`sandboxes[${i}]`, x] as const)];
    for (const [path, owner] of podOwners) {
      (owner.deviceClaims ?? []).forEach((d, i) => {
        if (!claimTemplates.includes(d.claimTemplate)) {
          problems.push(`${at}.${path}.deviceClaims[${i}].claimTemplate: "${d.claimTemplate}" is not a claim template of tenant ${t.name} (${claimTemplates.join(', ') || 'none'})`);
        }
      });
    }
    (t.claimTemplates ?? []).forEach((ct, ci) => {
      ct.requests.forEach((r, ri) => {
        const path = `${at}.claimTemplates[${ci}].requests[${ri}]`;
        if ((r.exactly === undefined) === (r.firstAvailable === undefined)) problems.push(`${path}: set exactly one of exactly or firstAvailable`);
      });
    });
  });
  return problems;
}
