/**
 * AKS sandbox agent pools use Pod Sandboxing: `workloadRuntime: "KataVmIsolation"`, the only Kata value of
 * azure-native 3.x (`KataMshvVmIsolation` was the preview name; platforms/aks/cluster-config.ts `KATA_WORKLOAD_RUNTIME`).
 *
 * An `azure-native:containerservice:AgentPool` (any API-version module) is a sandbox pool when any of these holds:
 * - its `nodeLabels` carry our sandbox-node key `sandbox.agent-sandbox-infra.io/runtime` (stacks/aks/cluster.ts
 *   `AKS_KATA_NODE_LABELS`);
 * - its `workloadRuntime` names a Kata runtime (contains "Kata", any case), e.g. the preview name;
 * - it is a child of our `agent-sandbox-infra:aks:SandboxCluster` component named `<name>-sandbox-pool`.
 * `workloadRuntime: "OCIContainer"` (runc) or `"WasmWasi"` alone does not make a pool a sandbox pool: those are
 * ordinary pools. The inline `agentPoolProfiles` of `azure-native:containerservice:ManagedCluster` are checked the
 * same way.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { SANDBOX_NODE_LABEL_KEY } from '../../platforms';
import { KATA_WORKLOAD_RUNTIME } from '../../platforms/aks/cluster-config';
import { field, formatFinding, isChildOf, isObj, parseUrn, showValue, type Finding, type Obj } from './shared';

/** `azure-native:containerservice:AgentPool` and the versioned modules (`containerservice/v20250101:AgentPool`). */
export const AKS_AGENT_POOL_TYPE = /^azure-native:containerservice(\/v[0-9a-z]+)?:AgentPool$/;
export const AKS_MANAGED_CLUSTER_TYPE = /^azure-native:containerservice(\/v[0-9a-z]+)?:ManagedCluster$/;
/** Type token of our AKS component (stacks/aks/cluster.ts). */
export const AKS_SANDBOX_COMPONENT_TYPE = 'agent-sandbox-infra:aks:SandboxCluster';

/** Why an agent pool (its inputs or an `agentPoolProfiles` entry) is a sandbox pool, or undefined. */
export function aksSandboxPoolReason(pool: unknown, ourSandboxPool: boolean): string | undefined {
  const labels = field(pool, 'nodeLabels');
  if (isObj(labels) && SANDBOX_NODE_LABEL_KEY in labels) return `nodeLabels has ${SANDBOX_NODE_LABEL_KEY}`;
  const runtime = field(pool, 'workloadRuntime');
  if (typeof runtime === 'string' && /kata/i.test(runtime)) return `workloadRuntime is ${JSON.stringify(runtime)}`;
  if (ourSandboxPool) return `it is the sandbox pool of ${AKS_SANDBOX_COMPONENT_TYPE}`;
  return undefined;
}

export function checkAksSandboxPool(pool: unknown, base: string): Finding[] {
  const runtime = field(pool, 'workloadRuntime');
  if (runtime === KATA_WORKLOAD_RUNTIME) return [];
  const hint = runtime === 'KataMshvVmIsolation' ? '; "KataMshvVmIsolation" was the preview name' : '';
  return [
    {
      rule: 'aksWorkloadRuntime',
      path: base ? `${base}.workloadRuntime` : 'workloadRuntime',
      message: `must be "${KATA_WORKLOAD_RUNTIME}" (each sandbox pod runs in its own Kata VM; without it sandboxes share the node kernel${hint}), got ${showValue(runtime)}`,
    },
  ];
}

export function validateAksSandboxAgentPools(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const props = args.props as Obj;
  const pools: { pool: unknown; base: string; ours: boolean }[] = [];
  if (AKS_AGENT_POOL_TYPE.test(args.type)) {
    const name = parseUrn(args.urn)?.name ?? args.name;
    pools.push({ pool: props, base: '', ours: isChildOf(args, AKS_SANDBOX_COMPONENT_TYPE) && name.endsWith('-sandbox-pool') });
  } else if (AKS_MANAGED_CLUSTER_TYPE.test(args.type)) {
    const profiles = props.agentPoolProfiles;
    if (Array.isArray(profiles)) profiles.forEach((pool, i) => pools.push({ pool, base: `agentPoolProfiles[${i}]`, ours: false }));
  } else {
    args.notApplicable('only azure-native containerservice AgentPool and ManagedCluster');
  }
  const sandbox = pools.filter((p) => aksSandboxPoolReason(p.pool, p.ours) !== undefined);
  if (sandbox.length === 0) args.notApplicable('no sandbox agent pool');
  for (const p of sandbox) for (const f of checkAksSandboxPool(p.pool, p.base)) reportViolation(formatFinding(f));
}

export const aksSandboxAgentPoolPolicy: ResourceValidationPolicy = {
  name: 'aks-sandbox-agent-pool-kata',
  description: 'AKS sandbox agent pools use workloadRuntime "KataVmIsolation" (Pod Sandboxing).',
  enforcementLevel: 'mandatory',
  validateResource: validateAksSandboxAgentPools,
};
