/**
 * The pack against what we ship: every resource each example stack file registers (the whole program under mocks,
 * test/support/pulumi-stack.ts) is run through every policy. None may report anything, and each must have applied
 * to exactly the resources that carry what it checks (a policy that silently skipped them would pass vacuously).
 */
import { policies } from '../../policy/policies';
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { runStack, type StackRun } from '../support/pulumi-stack';
import { runPolicy, runStackPolicy } from '../support/policy-harness';

interface Applied {
  readonly policy: string;
  readonly resource: string;
  readonly violations: string[];
}

async function applyAll(run: StackRun, stack: string): Promise<Applied[]> {
  const out: Applied[] = [];
  for (const policy of policies.filter((p): p is StackValidationPolicy => 'validateStack' in p)) {
    // Stack policies see every resource at once, without the policy config (GKE is inferred from the stack).
    const result = await runStackPolicy(policy, run.resources.map((r) => ({ type: r.type, name: r.name, stack, props: r.inputs })));
    if (result.notApplicable === undefined) out.push({ policy: policy.name, resource: '(stack)', violations: result.violations });
  }
  for (const policy of policies.filter((p): p is ResourceValidationPolicy => 'validateResource' in p)) {
    for (const r of run.resources) {
      // The stack names are platform names: the Kubernetes policy also checks that platform's pod placement.
      const result = await runPolicy(policy, { type: r.type, name: r.name, stack, props: r.inputs, config: { platform: stack } });
      if (result.notApplicable === undefined) out.push({ policy: policy.name, resource: `${r.type}::${r.name}`, violations: result.violations });
    }
  }
  return out;
}

const EXPECTED: Record<string, Record<string, string[]>> = {
  eks: {
    // The sandbox group's launch template (IMDS settings) and the sandbox node group (uses a launch template).
    'eks-sandbox-launch-template-imdsv2': ['aws:ec2/launchTemplate:LaunchTemplate::eks-sandbox-sandbox-lt', 'aws:eks/nodeGroup:NodeGroup::eks-sandbox-sandbox'],
    'kubernetes-sandbox-secure-profile': ['kubernetes:yaml/v2:ConfigGroup::eks-workloads'],
    'sandbox-warm-pool-upper-bound': [
      'kubernetes:yaml/v2:ConfigGroup::eks-crds',
      // The strict-mode CoreDNS NetworkPolicy (a manifest group like the others).
      'kubernetes:yaml/v2:ConfigGroup::eks-nodes',
      'kubernetes:yaml/v2:ConfigGroup::eks-agent-sandbox-access',
      'kubernetes:yaml/v2:ConfigGroup::eks-agent-sandbox',
      'kubernetes:yaml/v2:ConfigGroup::eks-runtime',
      'kubernetes:yaml/v2:ConfigGroup::eks-workloads',
    ],
  },
  aks: {
    'aks-sandbox-agent-pool-kata': ['azure-native:containerservice:AgentPool::aks-sandbox-pool'],
    'kubernetes-sandbox-secure-profile': ['kubernetes:yaml/v2:ConfigGroup::aks-workloads'],
    'sandbox-warm-pool-upper-bound': ['kubernetes:yaml/v2:ConfigGroup::aks-crds', 'kubernetes:yaml/v2:ConfigGroup::aks-agent-sandbox-access', 'kubernetes:yaml/v2:ConfigGroup::aks-agent-sandbox', 'kubernetes:yaml/v2:ConfigGroup::aks-workloads'],
  },
  'gke-standard': {
    'kubernetes-sandbox-gke-placement': ['(stack)'],
    'gke-sandbox-node-pool-gvisor': ['gcp:container/nodePool:NodePool::gke-standard-sandbox', 'gcp:container/nodePool:NodePool::gke-standard-gpu'],
    'kubernetes-sandbox-secure-profile': ['kubernetes:yaml/v2:ConfigGroup::gke-standard-workloads'],
    'sandbox-warm-pool-upper-bound': [
      'kubernetes:yaml/v2:ConfigGroup::gke-standard-crds',
      'kubernetes:yaml/v2:ConfigGroup::gke-standard-agent-sandbox-access',
      'kubernetes:yaml/v2:ConfigGroup::gke-standard-agent-sandbox',
      'kubernetes:yaml/v2:ConfigGroup::gke-standard-workloads',
    ],
  },
  // Autopilot: no node pools of ours; the sandbox pods must carry GKE's gVisor placement (checked via platform).
  'gke-autopilot': {
    'kubernetes-sandbox-gke-placement': ['(stack)'],
    'kubernetes-sandbox-secure-profile': ['kubernetes:yaml/v2:ConfigGroup::gke-autopilot-workloads'],
    'sandbox-warm-pool-upper-bound': [
      'kubernetes:yaml/v2:ConfigGroup::gke-autopilot-crds',
      'kubernetes:yaml/v2:ConfigGroup::gke-autopilot-agent-sandbox-access',
      'kubernetes:yaml/v2:ConfigGroup::gke-autopilot-agent-sandbox',
      'kubernetes:yaml/v2:ConfigGroup::gke-autopilot-workloads',
    ],
  },
};

describe.each(Object.keys(EXPECTED))('Pulumi.%s.yaml through the policy pack', (stack) => {
  let applied: Applied[];
  beforeAll(async () => {
    applied = await applyAll(await runStack(stack), stack);
  });

  test('no policy reports anything', () => {
    expect(applied.filter((a) => a.violations.length > 0)).toStrictEqual([]);
  });

  test('each policy applied to exactly the resources that carry what it checks (sandbox pools, templates, manifests)', () => {
    const byPolicy: Record<string, string[]> = {};
    for (const a of applied) (byPolicy[a.policy] ??= []).push(a.resource);
    // System node groups/pools are not sandbox resources; the controller advisory does not apply (stacks are not "prod").
    expect(byPolicy).toStrictEqual(EXPECTED[stack]);
  });
});
