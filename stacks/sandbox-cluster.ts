/**
 * What every cloud component hands to the entry program: enough to build a Kubernetes provider and to tell the
 * user what was created. Each cloud's `SandboxCluster` component implements it.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Provider } from '@pulumi/kubernetes/provider';
import type { Platform } from '../platforms';

export interface SandboxClusterOutputs {
  readonly platform: Platform;
  readonly clusterName: pulumi.Output<string>;
  /** A kubeconfig for the cluster (secret): exec-based credentials, no static tokens where the cloud allows. */
  readonly kubeconfig: pulumi.Output<string>;
  /** The kubeconfig context the provider uses. @default its current-context */
  readonly kubeContext?: string;
  /** RuntimeClass sandbox pods use on this platform (e.g. `gvisor`, `kata-vm-isolation`). */
  readonly runtimeClassName: string;
  /** Names of the node pools that run sandboxes (empty on GKE Autopilot, which has none). */
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  /** Resources the workloads must wait for (node pools), so sandbox pods have somewhere to run. */
  readonly readyResources: pulumi.Resource[];
  /**
   * Kubernetes objects that provide sandbox nodes (EKS: Karpenter EC2NodeClasses and NodePools), deployed before the
   * workloads. @default none
   */
  readonly nodeManifests?: pulumi.Output<Record<string, unknown>[]>;
  /**
   * Problems of the live cluster, read through the program's provider (an existing cluster: what synth cannot see).
   * The program registers the manifests only once they are known; with any problem it registers none and logs each
   * as an error, which fails the run (an error diagnostic, not an exception: nothing is left half-registered).
   */
  checkLiveCluster?(provider: Provider): Promise<readonly string[]>;
}

