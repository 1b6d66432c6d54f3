/**
 * The capacity check of a stack: the warm pools of the rendered chart against the sandbox node pools of the
 * cluster config, at preview time, before anything is created. It is about NODE capacity (do the warm pools fit
 * the pools' nodes?); namespace ResourceQuota and LimitRange are the tenant constructs' business. Where each
 * platform's warm-pool pods land is the platform's `capacity` (platforms/<name>/).
 */
import type { Chart } from 'cdk8s';
import type { SandboxPlatformChart } from '../constructs/sandbox-platform-chart';
import { platformModule, type CapacityContext, type Platform } from '../platforms';
import type { CapacityResult } from '../platforms/capacity/findings';
import { warmPoolDemand } from '../constructs/warm-pool-demand';

/** The check with the stack's provider settings (`gcp:region`, …). */
export function stackCapacity(platform: Platform, cluster: unknown, chart: Chart, providerConfig: CapacityContext['providerConfig']): CapacityResult {
  const demand = warmPoolDemand(chart);
  const capacity = platformModule(platform).capacity;
  if (demand.length === 0 || !capacity) return { errors: [], warnings: [] };
  // The platform settings decide where pods may land (a GKE ComputeClass adds node pools of its own).
  const settings = (chart as Partial<Pick<SandboxPlatformChart, 'platformSettings'>>).platformSettings;
  return capacity(cluster, demand, { providerConfig, ...(settings !== undefined ? { settings } : {}) });
}

/** The check with the stack's GCP location (`gcp:region` or `gcp:zone`) as the only provider setting. */
export function checkStackCapacity(platform: Platform, cluster: unknown, chart: Chart, gcpLocation?: string): CapacityResult {
  return stackCapacity(platform, cluster, chart, (namespace, key) => (namespace === 'gcp' && key === 'region' ? gcpLocation : undefined));
}
