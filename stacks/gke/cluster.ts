/**
 * A GKE cluster ready for sandboxes, Autopilot or Standard, created or adopted (`existingCluster`).
 *
 * - Autopilot: the cluster (gVisor is built in; RuntimeClass `gvisor`), nodes run as a least-privilege service
 *   account. Adopted: nothing is created.
 * - Standard: the cluster (Dataplane V2, so NetworkPolicy is enforced) without its default pool, a non-sandboxed
 *   system pool, a gVisor sandbox pool and an optional gVisor GPU pool (both created after the system pool). Adopted:
 *   only the sandbox (and GPU) pools are added, once the cluster is known to fit (mode, Workload Identity, add-on and
 *   its API version, NetworkPolicy enforcement).
 *
 * Validation: `./cluster-config.ts` (the `cluster` stack config) and `./checks.ts`; resource arguments:
 * `./cluster-args.ts` and `./node-pools.ts`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as container from '@pulumi/gcp/container';
import * as projects from '@pulumi/gcp/projects';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { runtimeFor } from '../../platforms';
import type { SandboxClusterOutputs } from '../sandbox-cluster';
import { clusterArgs } from './cluster-args';
import { InputProblemsError } from '../stack-error';
import { problemCount } from '../../core/diagnostics';
import { parseGkeClusterConfig, type GkeClusterConfig } from '../../platforms/gke/cluster-config';
import {
  autoNameProblems,
  contextProblems,
  existingClusterProblems,
  exposureWarnings,
  type GkeClusterContext,
  type GkePlatform,
} from '../../platforms/gke/checks';
import { gkeKubeconfig } from '../../platforms/gke/kubeconfig';
import { gkeNodePoolArgs, type GkePoolRequest } from './node-pools';
import { NODE_SERVICE_ACCOUNT_ROLES, nodeServiceAccountId } from '../../platforms/gke/node-service-account';

export interface GkeSandboxClusterArgs {
  /** The stack's `agent-sandbox-infra:platform`: decides Autopilot or Standard. */
  readonly platform: GkePlatform;
  /** The raw `agent-sandbox-infra:cluster` stack config value (see `./cluster-config.ts`); validated here. */
  readonly cluster: unknown;
  /** The sandbox config's `agentSandbox` is `self` (we install the controller), not `managed` (GKE's add-on). */
  readonly selfManagedAgentSandbox: boolean;
  /**
   * The sandbox config's `platforms.<platform>.gkeVersion` (managed mode): the cluster must be guaranteed (created:
   * `minMasterVersion`) or run (adopted) at least this version. See {@link GkeClusterContext.sandboxGkeVersion}.
   * @default undefined (not compared)
   */
  readonly sandboxGkeVersion?: string;
  /**
   * The sandbox config's `platforms.<platform>.computeClass.name`: on Standard the gVisor pools we create join that
   * ComputeClass (its node label and NoSchedule taint), so sandbox pods, which select the class, can land on them.
   * @default undefined (no ComputeClass)
   */
  readonly computeClassName?: string;
}

export const GKE_SANDBOX_CLUSTER_TYPE = 'agent-sandbox-infra:gke:SandboxCluster';

export class GkeSandboxCluster extends pulumi.ComponentResource implements SandboxClusterOutputs {
  readonly platform: GkePlatform;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly runtimeClassName: string;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  readonly readyResources: pulumi.Resource[];
  /** The validated `cluster` config. */
  readonly config: GkeClusterConfig;
  readonly project: string;
  readonly location: string;
  /** The cluster we created (undefined when adopted). */
  readonly cluster?: container.Cluster;
  /** Node pools we created (Standard). */
  readonly nodePools: readonly container.NodePool[];
  /** Service account of the nodes we create (undefined when nothing is created). */
  readonly nodeServiceAccountEmail?: pulumi.Output<string>;

  constructor(name: string, args: GkeSandboxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Everything is validated before the component (or anything else) is registered.
    const gcp = new pulumi.Config('gcp');
    const context: GkeClusterContext = {
      platform: args.platform,
      selfManagedAgentSandbox: args.selfManagedAgentSandbox,
      gcpProject: gcp.get('project'),
      gcpLocation: gcp.get('region') ?? gcp.get('zone'),
      sandboxGkeVersion: args.sandboxGkeVersion,
    };
    const config = validateGkeSandboxCluster(name, args.cluster, context);
    super(GKE_SANDBOX_CLUSTER_TYPE, name, {}, opts);
    for (const warning of exposureWarnings(args.cluster)) pulumi.log.warn(warning, this);

    const autopilot = args.platform === 'gke-autopilot';
    const existing = config.existingCluster;
    this.platform = args.platform;
    this.config = config;
    this.runtimeClassName = runtimeFor(args.platform, 'gvisor').runtimeClassName;
    this.project = (existing?.project ?? config.project ?? context.gcpProject)!;
    this.location = (existing?.location ?? config.location ?? context.gcpLocation)!;
    const project = this.project;
    const location = this.location;

    // Node identity: only when we create nodes (a created cluster, or pools on an adopted Standard cluster).
    const createsNodes = !existing || !autopilot;
    let nodeServiceAccount: pulumi.Output<string> | undefined;
    let iamMembers: projects.IAMMember[] = [];
    if (createsNodes && config.nodeServiceAccountEmail) {
      nodeServiceAccount = pulumi.output(config.nodeServiceAccountEmail);
    } else if (createsNodes) {
      const account = new serviceaccount.Account(
        `${name}-nodes`,
        {
          project,
          accountId: nodeServiceAccountId(name, pulumi.getStack()),
          displayName: `GKE nodes of ${name} (${pulumi.getStack()})`,
          description: 'Least-privilege node service account (agent-sandbox-infra)',
        },
        { parent: this },
      );
      iamMembers = NODE_SERVICE_ACCOUNT_ROLES.map(
        (role) =>
          new projects.IAMMember(`${name}-nodes-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, { project, role, member: account.member }, { parent: this }),
      );
      nodeServiceAccount = account.email;
    }
    this.nodeServiceAccountEmail = nodeServiceAccount;

    let clusterRef: pulumi.Output<string>;
    let kubeconfigInput: pulumi.Output<{ clusterName: string; endpoint: string; clusterCaCertificate: string }>;
    if (existing) {
      const ref = {
        platform: args.platform,
        selfManagedAgentSandbox: args.selfManagedAgentSandbox,
        name: existing.name,
        location,
        project,
        sandboxGkeVersion: args.sandboxGkeVersion,
      };
      // Read at deploy time: a mismatch (mode, Workload Identity, add-on and its version, no NetworkPolicy
      // enforcement) fails the program (preview included) with the fix; the pools and outputs wait on this check, so
      // nothing is added to a cluster that does not fit.
      const state = container.getClusterOutput({ name: existing.name, location, project }, { parent: this }).apply((s) => {
        const problems = existingClusterProblems(s, ref);
        if (problems.length) throw new pulumi.ResourceError(`${GKE_SANDBOX_CLUSTER_TYPE} "${name}":\n  ${problems.join('\n  ')}`, this, true);
        return s;
      });
      clusterRef = state.name;
      kubeconfigInput = state.apply((s) => ({ clusterName: s.name, endpoint: s.endpoint, clusterCaCertificate: s.masterAuths[0]?.clusterCaCertificate ?? '' }));
    } else {
      this.cluster = new container.Cluster(
        `${name}-cluster`,
        clusterArgs(config, { autopilot, project, location, nodeServiceAccount: nodeServiceAccount! }),
        // Standard: `nodeConfig` only shapes the temporary default pool; once it is deleted GKE reports another pool's
        // config there, which must not plan a replacement (see defaultPoolNodeConfig in ./cluster-args.ts).
        { parent: this, dependsOn: iamMembers, ...(autopilot ? {} : { ignoreChanges: ['nodeConfig'] }) },
      );
      clusterRef = this.cluster.name;
      kubeconfigInput = pulumi
        .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) => ({ clusterName, endpoint, clusterCaCertificate: auth?.clusterCaCertificate ?? '' }));
    }

    const requests: GkePoolRequest[] = [];
    if (!autopilot) {
      if (!existing) requests.push({ role: 'system', pool: config.systemPool ?? {} });
      requests.push({ role: 'sandbox', pool: config.sandboxPool ?? {} });
      if (config.gpuPool) requests.push({ role: 'gpu', pool: config.gpuPool });
    }
    // GKE Sandbox needs a non-sandboxed pool besides the gVisor ones (GKE's system workloads cannot run on gVisor
    // nodes, and the default pool cannot be sandboxed; the CIS GKE benchmark's sandbox check: "At least 2 Node pools
    // are required"; https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods). The default pool is gone once
    // the cluster exists, so the gVisor pools wait for the system pool: the cluster never has only sandboxed nodes.
    const pools: container.NodePool[] = [];
    for (const request of requests) {
      const system = pools.find((_, i) => requests[i].role === 'system');
      pools.push(
        new container.NodePool(
          `${name}-${request.role}`,
          { cluster: clusterRef, location, project, ...gkeNodePoolArgs(request, nodeServiceAccount!, args.computeClassName) },
          // The autoscaler owns the size after creation; a changed initialNodeCount would otherwise replace the pool.
          { parent: this, dependsOn: [...iamMembers, ...(system ? [system] : [])], ignoreChanges: ['initialNodeCount'] },
        ),
      );
    }
    this.nodePools = pools;
    const sandboxPools = this.nodePools.filter((_, i) => requests[i].role !== 'system');

    this.clusterName = clusterRef;
    this.kubeconfig = pulumi.secret(kubeconfigInput.apply((k) => gkeKubeconfig({ project, location, ...k })));
    this.sandboxPoolNames = sandboxPools.length ? pulumi.all(sandboxPools.map((p) => p.name)) : pulumi.output([]);
    this.readyResources = autopilot ? (this.cluster ? [this.cluster] : []) : [...this.nodePools];

    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      sandboxPoolNames: this.sandboxPoolNames,
      nodeServiceAccountEmail: this.nodeServiceAccountEmail,
    });
  }
}

/** Parses and checks the raw config; throws one `InputPropertiesError` listing every problem. */
export function validateGkeSandboxCluster(name: string, raw: unknown, context: GkeClusterContext): GkeClusterConfig {
  const parsed = parseGkeClusterConfig(raw);
  const problems = [...parsed.problems, ...contextProblems(raw, context), ...autoNameProblems(name, raw, context.platform)];
  if (problems.length === 0 && parsed.value) return parsed.value;
  throw new InputProblemsError(`${GKE_SANDBOX_CLUSTER_TYPE} "${name}": ${problemCount(problems.length)} in the stack config`, problems);
}
