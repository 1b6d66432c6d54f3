/**
 * The configuration model (`SandboxPlatformConfig`): one typed document drives `synth` (YAML/JSON file) and the
 * Pulumi program (stack config). The schema only validates; defaults live in the constructs, so a TypeScript user
 * and a config-file user get the same behaviour.
 */
import { z } from 'zod';
import { ISOLATIONS, PLATFORMS, platformModules, platformRegistryVersion, type Platform, type PlatformSettings } from '../platforms';
import { AGENT_SANDBOX_VERSIONS } from '../core/upstream/pins';
import { kubernetesType } from './kubernetes-type';
import { dnsLabel, dnsSubdomain, kubernetesVersion, labelMap, quantity, toleration } from './schema-primitives';
import { deviceClassConfig, tenantConfig } from './tenant-schema';
import type { AgentSandboxConfig, DeviceClassConfig, RouterConfig, SandboxPlatformConfig, TenantConfig } from './model';

const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict();
export const resources = z.object({ requests: resourceList.optional(), limits: resourceList.optional() }).strict();

const controllerFlags = z
  .object({
    leaderElect: z.boolean(),
    leaderElectionNamespace: dnsLabel,
    clusterDomain: dnsSubdomain,
    extensions: z.boolean(),
    enableTracing: z.boolean(),
    enablePprof: z.boolean(),
    enablePprofDebug: z.boolean(),
    pprofBlockProfileRate: z.number().int(),
    pprofMutexProfileFraction: z.number().int(),
    kubeApiQps: z.number(),
    kubeApiBurst: z.number().int().min(1),
    sandboxConcurrentWorkers: z.number().int().min(1),
    sandboxClaimConcurrentWorkers: z.number().int().min(1),
    sandboxWarmPoolConcurrentWorkers: z.number().int().min(1),
    sandboxTemplateConcurrentWorkers: z.number().int().min(1),
    sandboxWarmPoolMaxBatchSize: z.number().int().min(1),
    enableWarmPoolEviction: z.boolean(),
    apiConnections: z.number().int().min(1),
    separateWatchConnection: z.boolean(),
    sandboxWarmPoolReplenishDelay: z.string(),
    sandboxWarmPoolMaxRefillRate: z.number().min(0),
    sandboxWarmPoolReadinessGracePeriod: z.string(),
    sandboxWarmPoolUnschedulableRecheckInterval: z.string(),
    cacheLabelSelectors: z.boolean(),
    disableClaimEvents: z.boolean(),
    disableClaimObservabilityAnnotations: z.boolean(),
    sandboxWriteBehindWindow: z.string(),
    metricsSecureServing: z.boolean(),
    metricsCertDir: z.string().min(1),
    tlsMinVersion: z.enum(['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13']),
    tlsCipherSuites: z.string().min(1),
    extraArgs: z.array(z.string()),
  })
  .partial()
  .strict();

/** A container image: repository, tag, digest (pins it), pull policy. */
const containerImage = z
  .object({
    repository: z.string().min(1),
    tag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'must be a valid image tag'),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lowercase hex digits'),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
    // Refuse a tag-only reference (validation/agent-sandbox-settings.ts imageDigestErrors).
    requireDigest: z.boolean(),
  })
  .partial()
  .strict();

const securityContextFields = {
  runAsNonRoot: z.boolean(),
  runAsUser: z.number().int().min(0),
  runAsGroup: z.number().int().min(0),
  seccompProfile: z.object({ type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']), localhostProfile: z.string().optional() }).strict(),
};

export const agentSandboxConfig = z
  .object({
    version: z.enum(AGENT_SANDBOX_VERSIONS as [string, ...string[]]),
    namespace: dnsLabel,
    createNamespace: z.boolean(),
    installCrds: z.boolean(),
    webhookServiceName: dnsLabel,
    metricsServiceName: dnsLabel,
    // registry: the controller image from a mirror registry (air-gapped clusters), path kept.
    image: containerImage.extend({ registry: z.string().min(1).optional() }),
    imagePullSecrets: z.array(dnsSubdomain),
    replicas: z.number().int().min(1).max(10),
    podAnnotations: labelMap,
    podLabels: labelMap,
    controller: controllerFlags,
    resources,
    nodeSelector: labelMap,
    tolerations: z.array(toleration),
    affinity: kubernetesType('io.k8s.api.core.v1.Affinity'),
    podSecurityContext: z.object({ ...securityContextFields, fsGroup: z.number().int().min(0) }).partial().strict(),
    containerSecurityContext: z
      .object({
        ...securityContextFields,
        allowPrivilegeEscalation: z.boolean(),
        readOnlyRootFilesystem: z.boolean(),
        privileged: z.boolean(),
        capabilities: z.object({ drop: z.array(z.string()).optional(), add: z.array(z.string()).optional() }).strict(),
      })
      .partial()
      .strict(),
    priorityClassName: dnsSubdomain,
    podDisruptionBudget: z.boolean(),
    topologySpread: z.boolean(),
    serviceMonitor: z
      .object({ enabled: z.boolean(), additionalLabels: labelMap, interval: z.string(), scrapeTimeout: z.string() })
      .partial()
      .strict(),
    prometheusRule: z
      .object({ enabled: z.boolean(), additionalLabels: labelMap, rules: z.array(z.record(z.string(), z.unknown())) })
      .partial()
      .strict(),
    allowedLabelDomains: z.array(dnsSubdomain).min(1),
  })
  .partial()
  .strict();

const routerPeer = z.object({ namespace: dnsLabel, podLabels: labelMap.optional() }).strict();
const port = z.number().int().min(1).max(65535);

/** `router:` the optional sandbox router (constructs/agent-sandbox/sandbox-router.ts); present means installed. */
export const routerConfig = z
  .object({
    namespace: dnsLabel,
    clients: z.array(routerPeer).min(1),
    sandboxNamespaces: z.array(dnsLabel).min(1),
    sandboxPorts: z.array(port).min(1),
    metricsScrapers: z.array(routerPeer),
    apiServer: z.object({ cidrs: z.array(z.string()).min(1), ports: z.array(port).min(1).optional() }).strict(),
    image: containerImage,
    replicas: z.number().int().min(1).max(20),
    resources,
    cache: z.boolean(),
    authzMode: z.enum(['allow-all', 'tokenreview', 'scoped-token']),
    proxyTimeout: z.string(),
    upstreamMaxRetries: z.number().int().min(0),
    clusterDomain: dnsSubdomain,
    extraArgs: z.array(z.string()),
    nodeSelector: labelMap,
    tolerations: z.array(toleration),
    priorityClassName: dnsSubdomain,
    podDisruptionBudget: z.boolean(),
  })
  .partial()
  .required({ clients: true })
  .strict();

/** `platforms.<id>`: each platform's settings schema (platforms/<name>/), keyed by platform id. */
function platformsSchema() {
  return z
    // Each module's settings schema is a zod schema (PlatformModule types it structurally).
    .object(Object.fromEntries(platformModules().map((m) => [m.platform, m.settings])) as unknown as Record<Platform, z.ZodType<PlatformSettings>>)
    .partial()
    .strict();
}

function sandboxPlatformSchema(platforms: ReturnType<typeof platformsSchema>) {
  return z
    .object({
      /** Kubernetes version of the target clusters; selects the pinned schema and gates version-dependent features. */
      kubernetesVersion: kubernetesVersion.optional(),
      /** Warnings are errors: unpinned images, settings that do nothing. @default false */
      strict: z.boolean().optional(),
      agentSandbox: agentSandboxConfig.optional(),
      /** The sandbox router (agent-sandbox's Go router) with a NetworkPolicy for its clients; absent: none. */
      router: routerConfig.optional(),
      platforms: platforms.optional(),
      /** Cluster-scoped DRA DeviceClasses (Kubernetes ≥ 1.34). */
      deviceClasses: z.array(deviceClassConfig).optional(),
      /** Who gets sandboxes: one hardened namespace each, with templates, warm pools, claims, sandboxes. */
      tenants: z.array(tenantConfig).optional(),
      /**
       * The cluster's node, pod and service CIDRs outside the private ranges (privately used public ranges): every
       * tenant's all-ports egress rules must except them, like the private ranges.
       */
      clusterCidrs: z.array(z.string()).optional(),
    })
    .strict();
}

export const platformsConfig = platformsSchema();
export const sandboxPlatformConfig = sandboxPlatformSchema(platformsConfig);

let current = { registry: platformRegistryVersion(), schema: sandboxPlatformConfig };
/** The config schema for the platforms registered now (the built-in ones, plus any {@link registerPlatform} added). */
export function currentSandboxPlatformConfig(): typeof sandboxPlatformConfig {
  if (current.registry !== platformRegistryVersion()) current = { registry: platformRegistryVersion(), schema: sandboxPlatformSchema(platformsSchema()) };
  return current.schema;
}

export type { AgentSandboxConfig, PlatformsConfig, RouterConfig, SandboxPlatformConfig } from './model';

/** Every property path of a type (`.tenants[].templates[].name`), maps with free keys counted as a leaf. */
type Paths<T, P extends string = ''> = T extends readonly (infer E)[]
  ? Paths<E, `${P}[]`>
  : T extends object
    ? string extends keyof T
      ? P
      : { [K in keyof T & string]-?: `${P}.${K}` | Paths<NonNullable<T[K]>, `${P}.${K}`> }[keyof T & string]
    : P;
type Assignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The same values (mutual assignability) and the same fields at every depth (an extra optional field is a difference). */
type Same<A, B> = Assignable<A, B> extends true ? Assignable<Paths<A>, Paths<B>> : false;
/**
 * The public model (./model.ts) and what the schemas accept, proven the same by the type check: a field added to one
 * and not the other fails `npm run typecheck` here.
 */
export const MODEL_MATCHES_SCHEMA: {
  readonly config: Same<z.output<typeof sandboxPlatformConfig>, SandboxPlatformConfig>;
  readonly agentSandbox: Same<z.output<typeof agentSandboxConfig>, AgentSandboxConfig>;
  readonly router: Same<z.output<typeof routerConfig>, RouterConfig>;
  readonly tenant: Same<z.output<typeof tenantConfig>, TenantConfig>;
  readonly deviceClass: Same<z.output<typeof deviceClassConfig>, DeviceClassConfig>;
} = { config: true, agentSandbox: true, router: true, tenant: true, deviceClass: true };

export { ISOLATIONS, PLATFORMS };
export { dnsLabel, dnsSubdomain, kubernetesVersion, labelMap, quantity, toleration };
