/**
 * Tenants in the configuration file: each tenant is a hardened namespace with its sandbox templates, warm pools,
 * claims, sandboxes and DRA claim templates. Fields mirror the construct props one to one; Kubernetes structures
 * (containers, volumes, metrics…) are checked against the pinned Kubernetes schema, unknown fields rejected.
 */
import { z } from 'zod';
import { parseQuantity } from '../core/quantity';
import { ISOLATIONS } from '../platforms';
import { SANDBOX_RULE_IDS } from '../validation/sandbox/object';
import { kubernetesType } from './kubernetes-type';
import { dnsLabel, dnsSubdomain, labelMap, quantity, toleration } from './schema-primitives';
import { selectorConfig } from './selector-config';
import { rfc3339Problem } from '../core/formats';
import { quantityProblem, unitlessBytesProblem } from '../core/quantity';
import { imageReferenceProblem } from '../core/image-reference';
import { limitRequiredReason, managedDefaultPolicyProblem, resourceKey, warmPoolReplicaProblems } from '../validation/workload-rules';
import { problemAt, underPath, type Problem } from '../core/diagnostics';

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
      z
        .object({
          cidrs: z.array(z.string()).min(1),
          except: z.array(z.string()).optional(),
          ports: z.array(portRule).optional(),
          description: z.string().optional(),
          allowPrivateRanges: z.boolean().optional(),
        })
        .strict(),
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

/** SandboxClaim `spec.lifecycle` (checked against the release's CRD at cross-field validation). */
export const claimLifecycleConfig = z
  .object({
    shutdownTime: rfc3339,
    shutdownPolicy: z.enum(['Delete', 'DeleteForeground', 'Retain']),
    ttlSecondsAfterFinished: z.number().int().min(0),
  })
  .partial()
  .strict();

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
    /** Lifecycle defaults of the claims of this template's warm pools (our convention: the CRD has none on templates). */
    claimLifecycle: claimLifecycleConfig,
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
        minReplicas: z.number().int().min(0),
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
    /** Over the template's claimLifecycle over the default (expire 3600 s after finishing, Retain); false: none. */
    lifecycle: z.union([claimLifecycleConfig, z.literal(false)]),
    additionalPodMetadata: z.object({ labels: labelMap, annotations: labelMap }).partial().strict(),
    env: z.array(z.object({ name: z.string().min(1), value: z.string(), containerName: z.string().optional() }).strict()),
    volumeClaimTemplates: z.array(pvcTemplate),
    /** Label domains of a controller outside the chart (e.g. GKE's managed add-on configured with other domains). */
    allowedLabelDomains: z.array(dnsSubdomain).min(1),
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

export type { ClaimTemplateConfig, DeviceClassConfig, TemplateConfig, TenantConfig } from './model';

// The checks below read the configuration defensively (any value may be malformed): they also run when the schema
// failed, on the raw input, so one run reports the schema problems and these together.
type Loose = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const object = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The `name`s of a list's entries; undefined when any entry has none (references to it cannot be judged). */
function namesOf(v: unknown): (string | undefined)[] {
  return list(v).map((x) => text(object(x)?.name));
}

/**
 * References between a tenant's objects, unique names and (unless `replicas: false`) warm-pool replica bounds, with
 * config paths. Reads the configuration defensively, so it also runs on raw input the schema rejected (with
 * `replicas: false` then: those bounds overlap the schema's own checks).
 */
export function tenantReferenceProblems(tenants: unknown, deviceClasses: unknown, options: { readonly replicas?: boolean; readonly kubernetesVersion?: string } = {}): Problem[] {
  const problems: Problem[] = [];
  const unique = (path: string, names: readonly (string | undefined)[]) =>
    names.forEach((n, i) => {
      if (n !== undefined && names.indexOf(n) !== i) problems.push(problemAt(`${path}[${i}].name`, `"${n}" is already used by ${path}[${names.indexOf(n)}]`, 'tenantReference'));
    });
  /** A reference to one of `names`: checked only when the value and every name are strings. */
  const reference = (path: string, value: unknown, names: readonly (string | undefined)[], what: string, tenant: string) => {
    const ref = text(value);
    if (ref === undefined || names.some((n) => n === undefined) || names.includes(ref)) return;
    problems.push(problemAt(path, `"${ref}" is not a ${what} of tenant ${tenant} (${[...new Set(names)].join(', ') || 'none'})`, 'tenantReference'));
  };
  unique('tenants', namesOf(tenants));
  unique('deviceClasses', namesOf(deviceClasses));
  list(tenants).forEach((raw, ti) => {
    const t = object(raw);
    if (!t) return;
    const at = `tenants[${ti}]`;
    const tenant = text(t.name) ?? String(ti);
    const templates = namesOf(t.templates);
    const pools = namesOf(t.warmPools);
    const claimTemplates = namesOf(t.claimTemplates);
    unique(`${at}.templates`, templates);
    unique(`${at}.warmPools`, pools);
    unique(`${at}.claims`, namesOf(t.claims));
    unique(`${at}.sandboxes`, namesOf(t.sandboxes));
    unique(`${at}.claimTemplates`, claimTemplates);
    list(t.warmPools).forEach((raw, i) => {
      const p = object(raw);
      if (!p) return;
      if (options.replicas !== false) problems.push(...underPath(`${at}.warmPools[${i}]`, warmPoolReplicaProblems(p as WarmPoolConfig, options.kubernetesVersion)));
      reference(`${at}.warmPools[${i}].template`, p.template, templates, 'template', tenant);
    });
    list(t.claims).forEach((c, i) => reference(`${at}.claims[${i}].warmPool`, object(c)?.warmPool, pools, 'warm pool', tenant));
    for (const [path, owner] of podOwners(t)) {
      list(owner.deviceClaims).forEach((d, i) => reference(`${at}.${path}.deviceClaims[${i}].claimTemplate`, object(d)?.claimTemplate, claimTemplates, 'claim template', tenant));
    }
    list(t.claimTemplates).forEach((ct, ci) => {
      list(object(ct)?.requests).forEach((raw, ri) => {
        const r = object(raw);
        if (r && (r.exactly === undefined) === (r.firstAvailable === undefined)) {
          problems.push(problemAt(`${at}.claimTemplates[${ci}].requests[${ri}]`, 'set exactly one of exactly or firstAvailable', 'tenantReference'));
        }
      });
    });
  });
  return problems;
}

/** Templates and sandboxes of a raw tenant, with their path below it. */
function podOwners(t: Loose): [string, Loose][] {
  const entries: [string, Loose | undefined][] = [
    ...list(t.templates).map((x, i): [string, Loose | undefined] => [`templates[${i}]`, object(x)]),
    ...list(t.sandboxes).map((x, i): [string, Loose | undefined] => [`sandboxes[${i}]`, object(x)]),
  ];
  return entries.filter((e): e is [string, Loose] => e[1] !== undefined);
}

/**
 * Rules of the sandbox pod that need no platform, checked in the config file (the constructs check them again with
 * the same words): cpu and memory limits on every container unless `securityOptOuts` has `resourceLimits`, no
 * negative container resource quantities (their grammar is the schema's Quantity pattern), and no
 * `networkPolicyManagement: Managed` without `networkPolicy` (a tenant's namespace is always a SandboxNamespace).
 * Defensive, like tenantReferenceProblems.
 */
export function tenantPodProblems(tenants: unknown): Problem[] {
  const problems: Problem[] = [];
  list(tenants).forEach((raw, ti) => {
    const t = object(raw);
    if (!t) return;
    // Byte quantities without a unit in the namespace quota and LimitRange.
    const ns = object(t.namespace);
    const lists: [string, unknown][] = [
      ['quota.hard', object(ns?.quota)?.hard],
      ...(['defaultLimits', 'defaultRequests', 'max'] as const).map((k): [string, unknown] => [`limitRange.${k}`, object(ns?.limitRange)?.[k]]),
    ];
    for (const [path, values] of lists) {
      for (const [resource, value] of Object.entries(object(values) ?? {})) {
        const problem = unitlessBytesProblem(resource, value);
        if (problem) problems.push(problemAt(`tenants[${ti}].namespace.${path}${resourceKey(resource)}`, problem, 'tenantPod'));
      }
    }
    for (const [path, owner] of podOwners(t)) {
      const at = `tenants[${ti}].${path}`;
      const limitsRequired = !list(owner.securityOptOuts).includes('resourceLimits');
      for (const field of ['containers', 'initContainers'] as const) {
        list(owner[field]).forEach((rawContainer, i) => {
          const c = object(rawContainer);
          if (!c) return;
          const image = imageReferenceProblem(c.image);
          if (image) problems.push(problemAt(`${at}.${field}[${i}].image`, image, 'tenantPod'));
          const resources = c.resources === undefined ? {} : object(c.resources);
          if (!resources) return; // not an object: the schema says so
          for (const kind of ['limits', 'requests'] as const) {
            for (const [resource, value] of Object.entries(object(resources[kind]) ?? {})) {
              // The grammar is the Kubernetes schema's (the Quantity pattern): here only what it lets through and
              // the constructs refuse, negative values.
              if (typeof value === 'string' ? typeof parseQuantity(value) === 'string' : typeof value !== 'number') continue;
              const problem = quantityProblem(value) ?? unitlessBytesProblem(resource, value);
              if (problem) problems.push(problemAt(`${at}.${field}[${i}].resources.${kind}${resourceKey(resource)}`, problem, 'tenantPod'));
            }
          }
          const limits = resources.limits === undefined ? {} : object(resources.limits);
          if (!limitsRequired || !limits) return;
          for (const r of ['cpu', 'memory']) {
            if (limits[r] === undefined) problems.push(problemAt(`${at}.${field}[${i}].resources.limits.${r}`, limitRequiredReason(), 'tenantPod'));
          }
        });
      }
      if (path.startsWith('templates') && owner.networkPolicyManagement === 'Managed' && owner.networkPolicy === undefined) {
        problems.push(problemAt(`${at}.networkPolicyManagement`, managedDefaultPolicyProblem(text(owner.name) ?? '<template>', text(t.name) ?? '<tenant>'), 'tenantPod'));
      }
    }
  });
  return problems;
}

type WarmPoolConfig = z.infer<typeof warmPool>;
