/**
 * kubernetes-sandbox-gke-placement (stack policy): in a stack with a GKE cluster, node pool or our GKE component,
 * gVisor sandbox pods without any GKE placement are reported; stacks on other clouds, or on two clouds, are not judged.
 */
import { EXAMPLE_CONFIG } from '../../config/example';
import { renderPlatform } from '../../constructs/output/render';
import type { Platform } from '../../platforms';
import { kubernetesGkePlacementPolicy as policy } from '../../policy/rules/kubernetes-gke-placement';
import { GKE_SANDBOX_CLUSTER_TYPE } from '../../stacks/gke/cluster';
import { runStackPolicy, type StackResourceUnderTest } from '../support/policy-harness';

const TEMPLATE_TYPE = 'kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate';
const objects = (platform: Platform) => renderPlatform(platform, EXAMPLE_CONFIG).files.flatMap((f) => f.objects);
/** The example config's SandboxTemplates for a platform, each registered as its own resource (as the engine does). */
const templates = (platform: Platform): StackResourceUnderTest[] =>
  objects(platform)
    .filter((o) => o.kind === 'SandboxTemplate')
    .map((o) => ({ type: TEMPLATE_TYPE, name: `${(o.metadata as { name: string }).name}`, props: JSON.parse(JSON.stringify(o)) }));
const GKE_CLUSTER: StackResourceUnderTest = { type: 'gcp:container/cluster:Cluster', name: 'agents-cluster', props: { enableAutopilot: true } };
const WHY = 'gke-standard schedules gvisor pods only with it; without it a warm pool stays at 0';

describe('kubernetes-sandbox-gke-placement', () => {
  test('is a mandatory stack policy', () => {
    expect(policy.enforcementLevel).toBe('mandatory');
    expect(typeof policy.validateStack).toBe('function');
  });

  test('GKE manifests on a GKE cluster pass', async () => {
    expect(await runStackPolicy(policy, [GKE_CLUSTER, ...templates('gke-autopilot')])).toStrictEqual({ violations: [] });
  });

  test('gvisor pods without GKE placement (EKS-style manifests) in a stack with a GKE cluster: both halves reported, per object', async () => {
    const eks = templates('eks');
    const { violations } = await runStackPolicy(policy, [GKE_CLUSTER, ...eks]);
    expect(violations).toHaveLength(eks.length * 2);
    const name = (eks[0].props.metadata as { namespace: string; name: string });
    expect(violations.slice(0, 2)).toStrictEqual([
      `[sandboxPlacement] SandboxTemplate ${name.namespace}/${name.name}: spec.podTemplate.spec.nodeSelector["sandbox.gke.io/runtime"]: must be "gvisor" (${WHY}), got nothing [GKE inferred: the stack has gcp:container/cluster:Cluster "agents-cluster"]`,
      expect.stringMatching(/^\[sandboxPlacement\] SandboxTemplate \S+: spec\.podTemplate\.spec\.tolerations: must include .*, got nothing \[GKE inferred: the stack has gcp:container\/cluster:Cluster "agents-cluster"\]$/),
    ]);
  });

  test('an adopted cluster (only our GKE component, or only a node pool) puts the stack on GKE too; so do ConfigGroup inputs', async () => {
    const eks = templates('eks');
    const component = { type: GKE_SANDBOX_CLUSTER_TYPE, name: 'agents', props: {} };
    expect((await runStackPolicy(policy, [component, eks[0]])).violations).toHaveLength(2);
    const pool = { type: 'gcp:container/nodePool:NodePool', name: 'sandbox', props: {} };
    const group = { type: 'kubernetes:yaml/v2:ConfigGroup', name: 'workloads', props: { objs: [eks[0].props] } };
    expect((await runStackPolicy(policy, [pool, group])).violations).toStrictEqual([
      expect.stringMatching(/^\[sandboxPlacement\] objs\[0\]: SandboxTemplate .*nodeSelector/),
      expect.stringMatching(/^\[sandboxPlacement\] objs\[0\]: SandboxTemplate .*tolerations/),
    ]);
  });

  test('pods with one half are left to kubernetes-sandbox-secure-profile (it infers GKE from the pod); other runtime classes are not judged', async () => {
    const half = templates('gke-standard')[0];
    const spec = (half.props.spec as { podTemplate: { spec: Record<string, unknown> } }).podTemplate.spec;
    delete spec.tolerations;
    expect(await runStackPolicy(policy, [GKE_CLUSTER, half])).toStrictEqual({ violations: [] });
    const aks = templates('aks');
    expect(await runStackPolicy(policy, [GKE_CLUSTER, ...aks])).toStrictEqual({ violations: [] }); // kata-vm-isolation
  });

  test('not applicable without GKE, or with another cloud\'s cluster in the same stack', async () => {
    expect(await runStackPolicy(policy, templates('eks'))).toStrictEqual({
      violations: [],
      notApplicable: 'the stack has no GKE cluster, node pool or GKE sandbox cluster',
    });
    const eksCluster = { type: 'aws:eks/cluster:Cluster', name: 'eks', props: {} };
    expect(await runStackPolicy(policy, [GKE_CLUSTER, eksCluster, ...templates('eks')])).toStrictEqual({
      violations: [],
      notApplicable: 'the stack also has aws:eks/cluster:Cluster "eks": configure platform on kubernetes-sandbox-secure-profile instead',
    });
  });
});
