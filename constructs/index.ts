/**
 * agent-sandbox-infra: cdk8s constructs for running untrusted AI-agent code on Kubernetes behind gVisor or Kata,
 * with kubernetes-sigs/agent-sandbox. This entry point loads no Pulumi package.
 */

// Install and runtimes
export * from './agent-sandbox/agent-sandbox';
export * from './agent-sandbox/agent-sandbox-crds';
export * from './agent-sandbox/helm-values';
export * from './agent-sandbox/sandbox-router';
export * from '../validation/controller-flags';
export { routerSettingsErrors, ROUTER_AUTHZ_MODES, type SandboxRouterSettings } from '../validation/sandbox-router-settings';
export { DEFAULT_CLAIM_LIFECYCLE, claimLifecycleErrors, claimLifecycleSchema, type ClaimLifecycle } from '../validation/claim-lifecycle';
export * from './sandbox-runtime';
export * from '../platforms';
export { GKE_ADDON_MIN_VERSION, GKE_ADDON_V1BETA1_VERSION, managedAddonErrors } from '../platforms/gke/addon';

// Tenants and workloads
export * from './tenant';
export * from './workloads/sandbox-pod';
export * from './workloads/sandbox-template';
export * from './workloads/sandbox';
export * from './workloads/sandbox-warm-pool';
export * from './workloads/sandbox-claim';
export { type NamespaceRef } from './workloads/context';
export * from './sandbox-tenant';
export * from './sandbox-platform-chart';

// DRA
export * from '../core/cel/cel-selector';
export { checkCelSelector, checkCelSelectors, type CelProblem, type CelCheckResult } from '../core/cel/cel-check';
export { SAMPLE_DEVICES } from '../core/cel/sample-devices';
export * from './dra/device-class';
export * from './dra/resource-claim-template';
export * from './dra/dra-features';

// Configuration model, validation, output
export * from '../config/schema';
export { validateConfig, ConfigError } from '../config/validate';
export { EXAMPLE_CONFIG } from '../config/example';
export * from '../validation/sandbox/object';
export { SchemaCatalog } from '../validation/schema/schema-catalog';
export { validateObjects, type ObjectChecker, type ObjectSource } from '../validation/schema/validate-objects';
export { formatProblem, type Problem } from '../core/diagnostics';
export { renderPlatform, type RenderedPlatform, type RenderedFile } from './output/render';
export { toYamlDocument, toYamlStream } from '../core/yaml/emit';
export { parseManifestText } from '../core/yaml/parse';
export * from '../core/upstream/pins';
export { fetchUpstream } from '../core/upstream/fetch';
export { MIRROR_ENV, CACHE_ENV, cacheDir, UpstreamError } from '../core/upstream/store';
