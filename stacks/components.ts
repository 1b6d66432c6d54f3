/**
 * The cluster component of each platform a stack can deploy: one entry per platform, and the compiler checks the
 * factory's platform. Platforms without an entry (kind) are synthesized only (`agent-sandbox-infra synth`), or
 * deployed onto a cluster that exists with the kubeconfig-only `kubernetes` stack (`cluster.manifestsFor`).
 */
import * as pulumi from '@pulumi/pulumi';
import type { SandboxPlatformConfig } from '../config/schema';
import { gkeSettings } from '../platforms/gke/settings';
import type { AksClusterConfig } from '../platforms/aks/cluster-config';
import { AksSandboxCluster } from './aks/cluster';
import { EksSandboxCluster } from './eks/cluster';
import { GkeSandboxCluster } from './gke/cluster';
import { KubernetesSandboxCluster } from './kubernetes/cluster';
import { KUBECONFIG_SECRET } from '../platforms/kubernetes';
import type { Platform } from '../platforms';
import type { SandboxClusterOutputs } from './sandbox-cluster';

/** The namespace of the program's own stack settings (`agent-sandbox-infra:platform`, `:cluster`, `:sandbox`, …). */
export const CONFIG_NAMESPACE = 'agent-sandbox-infra';

/**
 * What a factory gets: the stack's name prefix, its cluster config (checked), sandbox config (validated) and the
 * platform whose manifests it deploys (its own, or the kubeconfig-only stack's `cluster.manifestsFor`).
 */
export interface ClusterRequest {
  readonly name: string;
  readonly cluster: unknown;
  readonly sandbox: SandboxPlatformConfig;
  /** A production stack (platforms/environment.ts): deletion protection defaults to on. */
  readonly production: boolean;
  readonly manifestsFor: Platform;
}

export type ClusterComponent = SandboxClusterOutputs & pulumi.Resource;

const gke = (platform: 'gke-autopilot' | 'gke-standard') => ({ name, cluster, sandbox }: ClusterRequest): ClusterComponent => {
  const settings = gkeSettings(sandbox.platforms?.[platform]);
  // An adopted cluster's running version is compared with sandboxGkeVersion at deploy time.
  return new GkeSandboxCluster(name, {
    platform,
    cluster,
    selfManagedAgentSandbox: !settings.managed,
    sandboxGkeVersion: settings.gkeVersion,
    ...(settings.computeClassName !== undefined ? { computeClassName: settings.computeClassName } : {}),
  });
};

export const CLUSTER_COMPONENTS = {
  'gke-autopilot': gke('gke-autopilot'),
  'gke-standard': gke('gke-standard'),
  eks: ({ name, cluster, production }: ClusterRequest): ClusterComponent => new EksSandboxCluster(name, { cluster, production }),
  aks: ({ name, cluster, production }: ClusterRequest): ClusterComponent => new AksSandboxCluster(name, cluster as AksClusterConfig, undefined, { production }),
  kubernetes: ({ name, cluster, sandbox, manifestsFor }: ClusterRequest): ClusterComponent =>
    new KubernetesSandboxCluster(name, {
      // Checked before: the stack is refused without it (platforms/kubernetes clusterProblems).
      kubeconfig: new pulumi.Config(CONFIG_NAMESPACE).requireSecret(KUBECONFIG_SECRET),
      context: (cluster as { context?: string } | undefined)?.context,
      manifestsFor,
      platformSettings: sandbox.platforms?.[manifestsFor],
    }),
} as const;

export type StackPlatform = keyof typeof CLUSTER_COMPONENTS;
/** The platforms a stack can deploy, in order. */
export const STACK_PLATFORMS = Object.keys(CLUSTER_COMPONENTS) as StackPlatform[];

export function isStackPlatform(value: string | undefined): value is StackPlatform {
  return value !== undefined && Object.prototype.hasOwnProperty.call(CLUSTER_COMPONENTS, value);
}
