/**
 * agent-sandbox-infra: cdk8s constructs for running untrusted AI-agent code on Kubernetes behind gVisor or Kata,
 * with kubernetes-sigs/agent-sandbox. This entry point loads no Pulumi package.
 *
 * The public API, and only it (README "Constructs"; locked by etc/agent-sandbox-infra.api.md, which a test compares
 * with the shipped declarations): the constructs and their props, the DRA selector builders, the configuration model
 * and the functions that check and render it, the platform facts, and the pinned upstream releases. Its declarations
 * refer to no dependency's types but cdk8s', constructs' and Node's, so a stock cdk8s app compiles against them.
 */

// The install and the runtime
export { AgentSandbox, type AgentSandboxProps, type PrometheusRuleOptions, type ResourceRequirements, type ServiceMonitorOptions } from './agent-sandbox/agent-sandbox';
export { AgentSandboxCrds, type AgentSandboxCrdsProps } from './agent-sandbox/agent-sandbox-crds';
/** AgentSandbox props from an upstream Helm chart values document (moving a Helm install over). */
export { propsFromHelmValues, type HelmValues } from './agent-sandbox/helm-values';
export { SandboxRouter, DEFAULT_SANDBOX_PORT, type SandboxRouterProps } from './agent-sandbox/sandbox-router';
export { ROUTER_AUTHZ_MODES, type RouterAuthzMode, type RouterPeer, type SandboxRouterSettings } from '../validation/sandbox-router-settings';
export { DEFAULT_CLAIM_LIFECYCLE, type ClaimLifecycle } from '../validation/claim-lifecycle';
/**
 * Kubernetes structures the props take, as generated from the pinned schema (`cdk8s import`); the structures nested in
 * them keep their generated names (`AgentSandboxProps['affinity']` reaches all of them).
 */
export type { Affinity, PodSecurityContext, SecurityContext, Toleration as KubernetesToleration } from '../imports/k8s';
export { CONTROLLER_NAME, DEFAULT_CONTROLLER_NAMESPACE, type ContainerImage } from '../validation/agent-sandbox-settings';
export type { ControllerFlags } from '../validation/controller-flags';
export { SandboxRuntime, type SandboxRuntimeProps } from './sandbox-runtime';

// Tenants and workloads
export { SandboxNamespace, type SandboxNamespaceProps, type PodSecurityLevel, type PodSecurityOptions } from './tenant/sandbox-namespace';
export type { EgressRule, IngressRule, PortRule, Protocol, ResolvedEgressRule, ResolvedIpBlock, ResolvedPort } from './tenant/traffic-rules';
export type { DnsEgressOptions } from './tenant/dns-egress';
export type { LimitRangeOptions, ResourceList, ResourceQuotaOptions, ResolvedLimitRange } from './tenant/resource-limits';
export type { BuiltSandboxPod, JsonMap, SandboxContainer, SandboxGpu, DeviceClaim, DeviceClaimSource, SandboxPodProps } from './workloads/sandbox-pod';
export { SandboxTemplate, type SandboxTemplateProps } from './workloads/sandbox-template';
export { Sandbox, type SandboxProps } from './workloads/sandbox';
export { SandboxWarmPool, type SandboxWarmPoolProps, type WarmPoolAutoscaling } from './workloads/sandbox-warm-pool';
export { SandboxClaim, type SandboxClaimProps, type SandboxClaimLifecycle } from './workloads/sandbox-claim';
export type { NamespaceRef } from './workloads/context';
export type { NamespacePodSecurity } from '../validation/namespace-pod-security';

// DRA: device classes, claim templates and the selector builder
export { DeviceClass, type DeviceClassProps, type OpaqueDriverConfig } from './dra/device-class';
export type { DeviceSelectorInput } from './dra/device-selectors';
export type { DraFeatureGate, DraFeatureUse, DraTargetProps } from './dra/dra-features';
export type { CelCheckResult, CelProblem, DeviceMatch } from '../core/cel/cel-check';
export type { DraDevice, DraDeviceAttribute } from '../core/cel/cel-device';
export {
  ResourceClaimTemplate,
  DRA_ADMIN_ACCESS_LABEL,
  type ResourceClaimTemplateProps,
  type DeviceRequestInput,
  type DeviceRequestOptions,
  type ExactDeviceRequestOptions,
  type DeviceSubRequestOptions,
  type DeviceTolerationInput,
  type DeviceClassRef,
  type DraNamespaceRef,
} from './dra/resource-claim-template';
export {
  allOf,
  allowMultipleAllocations,
  boolAttribute,
  capacity,
  deviceSelector,
  driverIn,
  driverIs,
  intAttribute,
  stringAttribute,
  versionAttribute,
  type BoolAttributeRef,
  type CapacityRef,
  type ComparisonOperator,
  type IntAttributeRef,
  type SelectorClause,
  type StringAttributeRef,
  type VersionAttributeRef,
} from '../core/cel/cel-selector';

// The configuration file: its model, the check and the rendering (what `synth` and the Pulumi program use)
export { SandboxTenant, type SandboxTenantProps } from './sandbox-tenant';
export { SandboxPlatformChart, type SandboxPlatformChartProps } from './sandbox-platform-chart';
export type * from '../config/model';
export { validateConfig, ConfigError, type ValidateConfigOptions } from '../config/validate';
export { formatProblem, ProblemsError, type Problem } from '../core/diagnostics';
export { EXAMPLE_CONFIG } from '../config/example';
export { renderPlatform, type RenderedPlatform, type RenderedFile } from './output/render';

// Platforms and the secure profile
export {
  ISOLATIONS,
  PLATFORMS,
  PLATFORM_PROFILES,
  runtimeFor,
  supportedIsolations,
  SANDBOX_NODE_LABEL_KEY,
  EKS_SANDBOX_NODE_LABEL,
  EKS_SANDBOX_NODE_TAINT,
  GKE_GVISOR_NODE_LABEL,
  type AgentSandboxMode,
  type Cloud,
  type Isolation,
  type Placement,
  type ReservedNamespaces,
  type Platform,
  type PlatformProfile,
  type PlatformSettings,
  type RuntimeFacts,
  type Toleration,
} from '../platforms';
export { GKE_ADDON_MIN_VERSION, GKE_ADDON_V1BETA1_VERSION } from '../platforms/gke/addon';
export { SANDBOX_RULES, SANDBOX_RULE_IDS, SECURITY_OPT_OUTS_ANNOTATION, type SandboxRule, type SandboxRuleId } from '../validation/sandbox/object';

// The pinned upstream files
export {
  AGENT_SANDBOX_RELEASES,
  AGENT_SANDBOX_VERSIONS,
  DEFAULT_AGENT_SANDBOX_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  type AgentSandboxCrdPin,
  type AgentSandboxRelease,
  type AgentSandboxVersion,
  type ConversionWebhook,
  type HelmChartPin,
  type InstallFileName,
  type RouterFileName,
  type SandboxRouterPin,
  type UpstreamFile,
} from '../core/upstream/pins';
export { supportedKubernetesVersions } from '../core/upstream/kubernetes-versions';
export { fetchUpstream, type FetchOptions, type FetchResult } from '../core/upstream/fetch';
export { MIRROR_ENV, CACHE_ENV, cacheDir, UpstreamError } from '../core/upstream/store';
