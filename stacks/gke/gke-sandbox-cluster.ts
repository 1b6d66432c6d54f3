/**
 * A GKE cluster ready for sandboxes, Autopilot or Standard, created or adopted (`existingCluster`).
 *
 * - Autopilot: the cluster (gVisor is built in; RuntimeClass `gvisor`), nodes run as a least-privilege service
 *   account. Adopted: nothing is created.
 * - Standard: the cluster without its default pool, a non-sandboxed system pool, a gVisor sandbox pool and an
 *   optional gVisor GPU pool. Adopted: only the sandbox (and GPU) pools are added.
 *
 * Validation: `./cluster-config.ts` (the `cluster` stack config) and `./checks.ts`; resource arguments:
 * `./cluster-args.ts` and `./node-pools.ts`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as container from '@pulumi/gcp/container';
import * as projects from '@pulumi/gcp/projects';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import { runtimeFor } from '../../constructs/platform/profiles';
import type { InputProblem, SandboxClusterOutputs } from '../sandbox-cluster';
import { clusterArgs } from './cluster-args';
import { parseGkeClusterConfig, type GkeClusterConfig } from './cluster-config';
import { contextProblems, existingClusterProblems, type GkeClusterContext, type GkePlatform } from './checks';
import { gkeKubeconfig } from './kubeconfig';
import { gkeNodePoolArgs, type GkePoolRequest } from './node-pools';
import { NODE_SERVICE_ACCOUNT_ROLES, nodeServiceAccountId } from './node-service-account';

export interface GkeSandboxClusterArgs {
  /** The stack's `agent-sandbox-infra:platform`: decides Autopilot or Standard. */
  readonly platform: GkePlatform;
  /** The raw `agent-sandbox-infra:cluster` stack config value (see `./cluster-config.ts`); validated here. */
  readonly cluster: unknown;
  /** The sandbox config's `agentSandbox` is `self` (we install the controller), not `managed` (GKE's add-on). */
  readonly selfManagedAgentSandbox: boolean;
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
    };
    const config = validateGkeSandboxCluster(name, args.cluster, context);
    super(GKE_SANDBOX_CLUSTER_TYPE, name, {}, opts);

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
      const ref = { platform: args.platform, selfManagedAgentSandbox: args.selfManagedAgentSandbox, name: existing.name, location, project };
      // Read at deploy time: a mismatch (mode, Workload Identity, add-on) fails the program (preview included)
      // with the fix; the pools and outputs wait on this check, so nothing is added to a cluster that does not fit.
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
        { parent: this, dependsOn: iamMembers },
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
    this.nodePools = requests.map(
      (request) =>
        new container.NodePool(
          `${name}-${request.role}`,
          { cluster: clusterRef, location, project, ...gkeNodePoolArgs(request, nodeServiceAccount!) },
          // The autoscaler owns the size after creation; a changed initialNodeCount would otherwise replace the pool.
          { parent: this, dependsOn: iamMembers, ignoreChanges: ['initialNodeCount'] },
        ),
    );
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
  const problems: InputProblem[] = [...parsed.problems, ...contextProblems(raw, context)];
  if (problems.length === 0 && parsed.value) return parsed.value;
  const lines = problems.map((p) => `${p.propertyPath}: ${p.reason}`);
  throw new pulumi.InputPropertiesError({
    message: `${GKE_SANDBOX_CLUSTER_TYPE} "${name}": ${problems.length} problem${problems.length === 1 ? '' : 's'} in the stack config:\n  ${lines.join('\n  ')}`,
    errors: problems.map((p) => ({ propertyPath: p.propertyPath, reason: p.reason })),
  });
}
