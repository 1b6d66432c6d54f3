/**
 * Amazon EKS: AL2023 managed node groups that we bootstrap with gVisor (./node-bootstrap), labelled and tainted as
 * sandbox nodes; we create the `gvisor` RuntimeClass (handler `runsc`) that selects and tolerates them.
 */
import { z } from 'zod';
import { CLUSTER_DNS_ONLY, OUR_GVISOR, sandboxNodeScheduling, type PlatformModule } from '../platform';
import type { EksClusterConfig } from './cluster-config';

// The cluster schema and the capacity plan serve Pulumi stacks only: loaded on first use.
/* eslint-disable @typescript-eslint/no-require-imports */
const clusterConfig = () => require('./cluster-config') as typeof import('./cluster-config');
const capacity = () => require('./capacity') as typeof import('./capacity');
/* eslint-enable @typescript-eslint/no-require-imports */

import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from './sandbox-node';

export { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT };

const sandboxNode = { label: EKS_SANDBOX_NODE_LABEL, taint: EKS_SANDBOX_NODE_TAINT };

export const eks: PlatformModule<Record<string, never>, 'eks'> = {
  platform: 'eks',
  displayName: 'Amazon EKS (AL2023 nodes with runsc)',
  cloud: 'aws',
  runtimes: { gvisor: { ...OUR_GVISOR, runtimeClassScheduling: sandboxNodeScheduling(sandboxNode) } },
  agentSandboxModes: ['self'],
  // EKS add-ons install into amazon- namespaces: amazon-cloudwatch (CloudWatch Observability), amazon-guardduty
  // (GuardDuty runtime monitoring agent), amazon-network-flow-monitor.
  reservedNamespaces: [
    { prefixes: ['amazon-'], why: 'EKS add-ons (amazon-cloudwatch, amazon-guardduty, amazon-network-flow-monitor)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html' },
  ],
  sandboxNode,
  dns: CLUSTER_DNS_ONLY,
  settings: z.object({}).strict(),
  clusterProblems: (cluster) => clusterConfig().parseEksClusterConfig(cluster).problems,
  capacity: (cluster, demand) => capacity().eksCapacity(cluster as EksClusterConfig, demand),
};
