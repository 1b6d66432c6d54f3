/**
 * The cluster component of each platform a stack can deploy: one entry per platform, and the compiler checks the
 * factory's platform. Platforms without an entry (kind) are synthesized only (`agent-sandbox-infra synth`).
 */
import type * as pulumi from '@pulumi/pulumi';
import type { SandboxPlatformConfig } from '../config/schema';
import { gkeSettings } from '../platforms/gke/settings';
import type { AksClusterConfig } from '../platforms/aks/cluster-config';
import { AksSandboxCluster } from './aks/cluster';
import { EksSandboxCluster } from './eks/cluster';
import { GkeSandboxCluster } from './gke/cluster';
import type { SandboxClusterOutputs } from './sandbox-cluster';

/** What a factory gets: the stack's name prefix, its cluster config (checked) and sandbox config (validated). */
export interface ClusterRequest {
  readonly name: string;
  readonly cluster: unknown;
  readonly sandbox: SandboxPlatformConfig;
}

export type ClusterComponent = SandboxClusterOutputs & pulumi.Resource;

const gke = (platform: 'gke-autopilot' | 'gke-standard') => ({ name, cluster, sandbox }: ClusterRequest): ClusterComponent => {
  const settings = gkeSettings(sandbox.platforms?.[platform]);
  // An adopted cluster's running version is compared with sandboxGkeVersion at deploy time.
  return new GkeSandboxCluster(name, { platform, cluster, selfManagedAgentSandbox: !settings.managed, sandboxGkeVersion: settings.gkeVersion });
};

export const CLUSTER_COMPONENTS = {
  'gke-autopilot': gke('gke-autopilot'),
  'gke-standard': gke('gke-standard'),
  eks: ({ name, cluster }: ClusterRequest): ClusterComponent => new EksSandboxCluster(name, { cluster }),
  aks: ({ name, cluster }: ClusterRequest): ClusterComponent => new AksSandboxCluster(name, cluster as AksClusterConfig),
} as const;

export type StackPlatform = keyof typeof CLUSTER_COMPONENTS;
/** The platforms a stack can deploy, in order. */
export const STACK_PLATFORMS = Object.keys(CLUSTER_COMPONENTS) as StackPlatform[];

export function isStackPlatform(value: string | undefined): value is StackPlatform {
  return value !== undefined && Object.prototype.hasOwnProperty.call(CLUSTER_COMPONENTS, value);
}
