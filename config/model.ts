/**
 * The configuration model as plain TypeScript types: what `validateConfig` returns and `SandboxPlatformChart`
 * takes. The zod schemas (./schema.ts, ./tenant-schema.ts, ./selector-config.ts) check values against it, and the
 * type check proves the two say the same (./schema.ts, `MODEL_MATCHES_SCHEMA`). These types are the public ones: a
 * consumer's declarations never reach zod's.
 */
import type { ComparisonOperator } from '../core/cel/cel-selector';
import type { Isolation, Platform, PlatformSettings } from '../platforms';
import type { SandboxRuleId } from '../validation/sandbox/object';

/** A Kubernetes structure passed through as-is and checked against the pinned schema (Container, Volume, Affinity…). */
export type KubernetesObjectConfig = Record<string, unknown>;
export type LabelMap = Record<string, string>;
/** A Kubernetes quantity: `"500m"`, `"1Gi"`, `2`. */
export type QuantityConfig = string | number;

export interface TolerationConfig {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface ResourcesConfig {
  requests?: { cpu?: QuantityConfig; memory?: QuantityConfig };
  limits?: { cpu?: QuantityConfig; memory?: QuantityConfig };
}

/** `agentSandbox.controller`: the controller's flags. */
export interface ControllerFlagsConfig {
  leaderElect?: boolean;
  leaderElectionNamespace?: string;
  clusterDomain?: string;
  extensions?: boolean;
  enableTracing?: boolean;
  enablePprof?: boolean;
  enablePprofDebug?: boolean;
  pprofBlockProfileRate?: number;
  pprofMutexProfileFraction?: number;
  kubeApiQps?: number;
  kubeApiBurst?: number;
  sandboxConcurrentWorkers?: number;
  sandboxClaimConcurrentWorkers?: number;
  sandboxWarmPoolConcurrentWorkers?: number;
  sandboxTemplateConcurrentWorkers?: number;
  sandboxWarmPoolMaxBatchSize?: number;
  enableWarmPoolEviction?: boolean;
  apiConnections?: number;
  separateWatchConnection?: boolean;
  sandboxWarmPoolReplenishDelay?: string;
  sandboxWarmPoolMaxRefillRate?: number;
  sandboxWarmPoolReadinessGracePeriod?: string;
  sandboxWarmPoolUnschedulableRecheckInterval?: string;
  cacheLabelSelectors?: boolean;
  disableClaimEvents?: boolean;
  disableClaimObservabilityAnnotations?: boolean;
  sandboxWriteBehindWindow?: string;
  metricsSecureServing?: boolean;
  metricsCertDir?: string;
  tlsMinVersion?: 'VersionTLS10' | 'VersionTLS11' | 'VersionTLS12' | 'VersionTLS13';
  tlsCipherSuites?: string;
  extraArgs?: string[];
}

/** A container image: repository, tag, digest (pins it), pull policy. */
export interface ContainerImageConfig {
  repository?: string;
  tag?: string;
  digest?: string;
  pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Refuse a reference by tag only (no digest). @default false */
  requireDigest?: boolean;
}

export interface SecurityContextFields {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  seccompProfile?: { type: 'RuntimeDefault' | 'Localhost' | 'Unconfined'; localhostProfile?: string };
}

/** `agentSandbox`: the install (every AgentSandbox prop). */
export interface AgentSandboxConfig {
  /** A pinned release (AGENT_SANDBOX_VERSIONS). */
  version?: string;
  namespace?: string;
  createNamespace?: boolean;
  installCrds?: boolean;
  webhookServiceName?: string;
  metricsServiceName?: string;
  /** `registry` replaces the registry of the pinned image (a mirror), keeping its path. */
  image?: ContainerImageConfig & { registry?: string };
  imagePullSecrets?: string[];
  replicas?: number;
  podAnnotations?: LabelMap;
  podLabels?: LabelMap;
  controller?: ControllerFlagsConfig;
  resources?: ResourcesConfig;
  nodeSelector?: LabelMap;
  tolerations?: TolerationConfig[];
  affinity?: KubernetesObjectConfig;
  podSecurityContext?: SecurityContextFields & { fsGroup?: number };
  containerSecurityContext?: SecurityContextFields & {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  priorityClassName?: string;
  podDisruptionBudget?: boolean;
  topologySpread?: boolean;
  serviceMonitor?: { enabled?: boolean; additionalLabels?: LabelMap; interval?: string; scrapeTimeout?: string };
  prometheusRule?: { enabled?: boolean; additionalLabels?: LabelMap; rules?: Record<string, unknown>[] };
  allowedLabelDomains?: string[];
}

/** `platforms.<id>`: each platform's settings. */
export type PlatformsConfig = { [P in Platform]?: PlatformSettings };

export interface PortRuleConfig {
  port: number;
  endPort?: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** `tenants[].namespace`: the hardened namespace's settings (SandboxNamespace props). */
export interface NamespaceConfig {
  labels?: LabelMap;
  annotations?: LabelMap;
  podSecurity?: { enforce?: 'restricted' | 'baseline' | 'privileged'; enforceVersion?: string };
  dns?: { clusterDns?: boolean; nodeLocalDnsCache?: boolean; gkeMetadataServerDns?: boolean };
  egressAllowlist?: { cidrs: string[]; except?: string[]; ports?: PortRuleConfig[]; description?: string; allowPrivateRanges?: boolean }[];
  ingressAllowlist?: { namespaceLabels?: LabelMap; podLabels?: LabelMap; ports?: PortRuleConfig[]; description?: string }[];
  quota?: false | { hard?: Record<string, QuantityConfig> };
  limitRange?: false | { defaultLimits?: Record<string, QuantityConfig>; defaultRequests?: Record<string, QuantityConfig>; max?: Record<string, QuantityConfig> };
  serviceAccountName?: string;
  allowDraAdminAccess?: boolean;
}

// A type, not an interface: it is passed on as a plain JSON map (interfaces have no implicit index signature).
export type VolumeClaimTemplateConfig = {
  metadata: { name: string; labels?: LabelMap; annotations?: LabelMap };
  spec: KubernetesObjectConfig;
};

/** The sandbox pod's fields, shared by templates and sandboxes. */
export interface PodConfig {
  name: string;
  isolation?: Isolation;
  containers: KubernetesObjectConfig[];
  initContainers?: KubernetesObjectConfig[];
  volumes?: KubernetesObjectConfig[];
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  serviceAccountName?: string;
  securityOptOuts?: SandboxRuleId[];
  gpu?: { count: number; type: string };
  deviceClaims?: { name: string; claimTemplate: string; containers?: string[]; request?: string }[];
  nodeSelector?: LabelMap;
  tolerations?: TolerationConfig[];
  affinity?: KubernetesObjectConfig;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  podLabels?: LabelMap;
  podAnnotations?: LabelMap;
  priorityClassName?: string;
  imagePullSecrets?: string[];
  volumeClaimTemplates?: VolumeClaimTemplateConfig[];
  service?: boolean;
}

export type InjectionPolicy = 'Allowed' | 'Overrides' | 'Disallowed';

/** A claim's `spec.lifecycle`. */
export interface ClaimLifecycleConfig {
  shutdownTime?: string;
  shutdownPolicy?: 'Delete' | 'DeleteForeground' | 'Retain';
  ttlSecondsAfterFinished?: number;
}

export interface TemplateConfig extends PodConfig {
  /** Lifecycle defaults of the claims of this template's warm pools. */
  claimLifecycle?: ClaimLifecycleConfig;
  networkPolicyManagement?: 'Managed' | 'Unmanaged';
  networkPolicy?: { ingress?: KubernetesObjectConfig[]; egress?: KubernetesObjectConfig[] };
  envVarsInjectionPolicy?: InjectionPolicy;
  volumeClaimTemplatesPolicy?: InjectionPolicy;
}

export interface SandboxConfig extends PodConfig {
  operatingMode?: 'Running' | 'Suspended';
  shutdownTime?: string;
  shutdownPolicy?: 'Delete' | 'Retain';
}

export interface WarmPoolConfig {
  name: string;
  template: string;
  replicas?: number;
  maxReplicas?: number;
  updateStrategy?: 'Recreate' | 'OnReplenish';
  autoscaling?: { minReplicas: number; maxReplicas: number; metrics: KubernetesObjectConfig[]; behavior?: KubernetesObjectConfig };
}

export interface ClaimConfig {
  name: string;
  warmPool: string;
  /** Over the template's claimLifecycle over the default (expire 3600 s after finishing, Retain); false: none. */
  lifecycle?: ClaimLifecycleConfig | false;
  additionalPodMetadata?: { labels?: LabelMap; annotations?: LabelMap };
  env?: { name: string; value: string; containerName?: string }[];
  volumeClaimTemplates?: VolumeClaimTemplateConfig[];
  allowedLabelDomains?: string[];
}

export interface AttributeRef {
  domain: string;
  name: string;
}

/** A DRA device selector: a raw CEL string, or exactly one of these forms. */
export type SelectorConfig =
  | string
  | { cel: string }
  | { driver: string }
  | { allowMultipleAllocations: boolean }
  | {
      attribute:
        | (AttributeRef & { equals: string | number | boolean })
        | (AttributeRef & { in: (string | number)[] })
        | (AttributeRef & { compare: ComparisonOperator; value: number });
    }
  | { version: AttributeRef & { compare: ComparisonOperator; value: string } }
  | { capacity: AttributeRef & { compare: ComparisonOperator; value: string | number } };

export interface DeviceRequestConfig {
  deviceClass: string;
  count?: number;
  allocationMode?: 'ExactCount' | 'All';
  selectors?: SelectorConfig[];
  capacity?: { requests: Record<string, QuantityConfig> };
  tolerations?: KubernetesObjectConfig[];
  adminAccess?: boolean;
}

export interface ClaimTemplateConfig {
  name: string;
  requests: { name: string; exactly?: DeviceRequestConfig; firstAvailable?: (Omit<DeviceRequestConfig, 'adminAccess'> & { name: string })[] }[];
}

/** `tenants[]`: one hardened namespace with its templates, warm pools, claims, sandboxes and DRA claim templates. */
export interface TenantConfig {
  /** The tenant's namespace name. */
  name: string;
  namespace?: NamespaceConfig;
  templates?: TemplateConfig[];
  warmPools?: WarmPoolConfig[];
  claims?: ClaimConfig[];
  sandboxes?: SandboxConfig[];
  claimTemplates?: ClaimTemplateConfig[];
}

/** `deviceClasses[]`: cluster-scoped DRA DeviceClasses. */
export interface DeviceClassConfig {
  name: string;
  selectors: SelectorConfig[];
  extendedResourceName?: string;
  gpu?: boolean;
}

/** `router`: the sandbox router (agent-sandbox's Go router); present means installed. */
export interface RouterConfig {
  namespace?: string;
  clients: { namespace: string; podLabels?: LabelMap }[];
  sandboxNamespaces?: string[];
  sandboxPorts?: number[];
  metricsScrapers?: { namespace: string; podLabels?: LabelMap }[];
  apiServer?: { cidrs: string[]; ports?: number[] };
  image?: ContainerImageConfig;
  replicas?: number;
  resources?: ResourcesConfig;
  cache?: boolean;
  authzMode?: 'allow-all' | 'tokenreview' | 'scoped-token';
  proxyTimeout?: string;
  upstreamMaxRetries?: number;
  clusterDomain?: string;
  extraArgs?: string[];
  nodeSelector?: LabelMap;
  tolerations?: TolerationConfig[];
  priorityClassName?: string;
  podDisruptionBudget?: boolean;
}

/** The whole configuration file (and a Pulumi stack's `agent-sandbox-infra:sandbox`), as validateConfig returns it. */
export interface SandboxPlatformConfig {
  /** Kubernetes version of the target clusters (1.34 … 1.36): selects the pinned schema, gates DRA features. */
  kubernetesVersion?: string;
  /** Warnings are errors. @default false */
  strict?: boolean;
  agentSandbox?: AgentSandboxConfig;
  platforms?: PlatformsConfig;
  deviceClasses?: DeviceClassConfig[];
  tenants?: TenantConfig[];
  /** The sandbox router; absent: none. */
  router?: RouterConfig;
  /** The cluster's node, pod and service CIDRs outside the private ranges: all-ports egress rules must except them. */
  clusterCidrs?: string[];
}
