/**
 * agent-sandbox-infra: cdk8s constructs for running untrusted AI-agent code on Kubernetes behind gVisor or Kata,
 * with kubernetes-sigs/agent-sandbox. This entry point loads no Pulumi package.
 */

// Install and runtimes
export * from './agent-sandbox/agent-sandbox';
export * from './agent-sandbox/agent-sandbox-crds';
export * from './agent-sandbox/controller-flags';
export * from './sandbox-runtime';
export * from './platform/profiles';
export { GKE_ADDON_MIN_VERSION, GKE_ADDON_V1BETA1_VERSION, managedAddonErrors } from './platform/gke-addon';

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
export * from './dra/cel-selector';
export { checkCelSelector, checkCelSelectors, type CelProblem, type CelCheckResult } from './dra/cel-check';
export { SAMPLE_DEVICES } from './dra/sample-devices';
export * from './dra/device-class';
export * from './dra/resource-claim-template';
export * from './dra/dra-features';

// Configuration model, validation, output
export * from './config/schema';
export { validateConfig, ConfigError } from './config/validate-config';
export { EXAMPLE_CONFIG } from './config/example';
export * from './validation/sandbox-invariants';
export { SchemaCatalog } from './validation/schema-catalog';
export { validateObjects, type ObjectChecker, type ObjectSource } from './validation/validate-objects';
export { formatProblem, type Problem } from './validation/problems';
export { renderPlatform, type RenderedPlatform, type RenderedFile } from './output/render';
export { toYamlDocument, toYamlStream } from './yaml/emit';
export { parseManifestText } from './yaml/parse';
export * from './upstream/pins';
export { fetchUpstream } from './upstream/fetch';
export { MIRROR_ENV, CACHE_ENV, cacheDir, UpstreamError } from './upstream/store';
