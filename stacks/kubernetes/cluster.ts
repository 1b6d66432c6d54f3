/**
 * The kubeconfig-only stack: a cluster we did not create (on-prem, kind, k3s, or a managed cluster that another tool
 * runs), reached through the secret `agent-sandbox-infra:kubeconfig` (the kubeconfig's content or a file path) and,
 * optionally, `cluster.context`. It creates no cloud resource: the program deploys the manifests of
 * `cluster.manifestsFor` (default: the `kubernetes` platform's) through a provider made from that kubeconfig.
 *
 * Before anything is deployed it reads the RuntimeClass the manifests only reference (an existing one on `kubernetes`,
 * GKE's `gvisor`, AKS's `kata-vm-isolation`) from the cluster and refuses one that is missing or runs pods on the host
 * kernel: synth cannot see the cluster, this stack can.
 */
import * as pulumi from '@pulumi/pulumi';
import { RuntimeClass } from '@pulumi/kubernetes/node/v1';
import type { Provider } from '@pulumi/kubernetes/provider';
import { HOST_KERNEL_HANDLERS, platformFacts, type Platform } from '../../platforms';
import type { SandboxClusterOutputs } from '../sandbox-cluster';

export const KUBERNETES_SANDBOX_CLUSTER_TYPE = 'agent-sandbox-infra:kubernetes:SandboxCluster';

export interface KubernetesSandboxClusterArgs {
  /** The secret `agent-sandbox-infra:kubeconfig`: a kubeconfig's content or the path of one. */
  readonly kubeconfig: pulumi.Output<string>;
  /** A context of the kubeconfig. @default its current-context */
  readonly context?: string;
  /** The platform whose manifests are deployed, and its `platforms.<id>` settings. */
  readonly manifestsFor: Platform;
  readonly platformSettings?: unknown;
}

/** Why a RuntimeClass handler read from the cluster cannot be a sandbox's (undefined: it can). */
export function hostKernelHandlerProblem(name: string, handler: string | undefined): string | undefined {
  if (handler === undefined || handler === '') return `RuntimeClass "${name}" has no handler`;
  if (HOST_KERNEL_HANDLERS.includes(handler)) {
    return `RuntimeClass "${name}" has handler "${handler}", a host-kernel runtime (${HOST_KERNEL_HANDLERS.join(', ')}): sandbox pods naming it would run untrusted code on the node's kernel; point platforms.kubernetes.runtimeClass at a gVisor (runsc) or Kata class`;
  }
  return undefined;
}

/**
 * An Output's value, awaited in the program (undefined while unknown in a preview): the SDK's `Output.promise()`,
 * which its typings do not expose. Awaiting it leaves no failed Output behind, unlike throwing inside `apply`.
 */
function valueOf<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  const internal = o as unknown as { promise?: () => Promise<T> };
  if (typeof internal.promise !== 'function') throw new Error('@pulumi/pulumi: Output.promise() is gone; the live RuntimeClass check needs another way to read a value');
  return internal.promise();
}

export class KubernetesSandboxCluster extends pulumi.ComponentResource implements SandboxClusterOutputs {
  readonly platform: Platform = 'kubernetes';
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly kubeContext?: string;
  readonly runtimeClassName: string;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  /** Nothing to wait for: the nodes are the cluster's own. */
  readonly readyResources: pulumi.Resource[] = [];
  private readonly referencedRuntimeClasses: readonly string[];
  private readonly name: string;

  constructor(name: string, args: KubernetesSandboxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(KUBERNETES_SANDBOX_CLUSTER_TYPE, name, { manifestsFor: args.manifestsFor, context: args.context ?? '' }, opts);
    this.name = name;
    const runtimes = Object.values(platformFacts(args.manifestsFor, args.platformSettings).runtimes);
    this.runtimeClassName = runtimes[0]!.runtimeClassName;
    this.referencedRuntimeClasses = runtimes.filter((r) => r.owner === 'platform').map((r) => r.runtimeClassName);
    this.kubeconfig = pulumi.secret(args.kubeconfig);
    this.kubeContext = args.context;
    this.clusterName = pulumi.output(args.context ?? 'current-context of the kubeconfig');
    this.sandboxPoolNames = pulumi.output([]);
    this.registerOutputs({ clusterName: this.clusterName, runtimeClassName: this.runtimeClassName });
  }

  /**
   * Reads each RuntimeClass the manifests reference but do not create (a missing one fails the read): a problem for
   * each that runs pods on the host kernel. (A value still unknown in a preview is checked by up.)
   */
  async checkLiveCluster(provider: Provider): Promise<readonly string[]> {
    const problems: string[] = [];
    for (const rcName of this.referencedRuntimeClasses) {
      const live = RuntimeClass.get(`${this.name}-runtimeclass-${rcName}`, rcName, { provider, parent: this });
      let handler: string | undefined;
      try {
        handler = await valueOf(live.handler);
      } catch (err) {
        problems.push(`RuntimeClass "${rcName}" could not be read from the cluster (the manifests name it and do not create it): ${(err as Error).message}`);
        continue;
      }
      if (handler === undefined && pulumi.runtime.isDryRun()) continue;
      const problem = hostKernelHandlerProblem(rcName, handler);
      if (problem) problems.push(problem);
    }
    return problems;
  }
}
