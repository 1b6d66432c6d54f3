/** sandbox-warm-pool-upper-bound (advisory): warm pools and their autoscalers stay ≤ 500. */
import { load } from 'js-yaml';
import { WARM_POOL_REPLICAS_BOUND, warmPoolUpperBoundPolicy as policy } from '../../policy/rules/warm-pool-upper-bound';
import { EXAMPLE_CONFIG } from '../../config/example';
import { renderPlatform } from '../../constructs/output/render';
import { DEFAULT_MAX_WARM_POOL_REPLICAS } from '../../constructs/workloads/sandbox-warm-pool';
import { runPolicy } from '../support/policy-harness';

const WARM_POOL_TYPE = 'kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxWarmPool';
const HPA_TYPE = 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler';

const files = renderPlatform('aks', EXAMPLE_CONFIG).files;
const yaml = files.map((f) => f.text).join('---\n');
const documents = files.flatMap((f) => f.documents.map((d) => load(d) as Record<string, any>)); // eslint-disable-line @typescript-eslint/no-explicit-any
const find = (kind: string, name: string) => structuredClone(documents.find((d) => d.kind === kind && d.metadata.name === name)!);

const HPA_PYTHON_WARM = 'HorizontalPodAutoscaler agents-prod/python-warm';

describe('sandbox-warm-pool-upper-bound', () => {
  test('is advisory, with the bound our constructs use', () => {
    expect(policy.enforcementLevel).toBe('advisory');
    expect(WARM_POOL_REPLICAS_BOUND).toBe(DEFAULT_MAX_WARM_POOL_REPLICAS);
  });

  test('the example manifests (warm pools and their HPA) pass, in a ConfigGroup and one by one', async () => {
    expect(await runPolicy(policy, { type: 'kubernetes:yaml/v2:ConfigGroup', props: { yaml } })).toStrictEqual({ violations: [] });
    expect(await runPolicy(policy, { type: WARM_POOL_TYPE, props: find('SandboxWarmPool', 'python-warm') })).toStrictEqual({ violations: [] });
    expect(await runPolicy(policy, { type: HPA_TYPE, props: find('HorizontalPodAutoscaler', 'python-warm') })).toStrictEqual({ violations: [] });
  });

  test('flags a warm pool with 10000 replicas, and an HPA on a warm pool without maxReplicas or above the bound', async () => {
    const pool = find('SandboxWarmPool', 'node-warm');
    pool.spec.replicas = 10000;
    expect((await runPolicy(policy, { type: WARM_POOL_TYPE, props: pool })).violations).toStrictEqual([
      '[warmPoolReplicas] SandboxWarmPool research/node-warm: spec.replicas: should be ≤ 500 (every warm sandbox is a running pod, on AKS a VM), got 10000',
    ]);
    const hpa = find('HorizontalPodAutoscaler', 'python-warm');
    hpa.spec.maxReplicas = 2000;
    expect((await runPolicy(policy, { type: HPA_TYPE, props: hpa })).violations).toStrictEqual([
      `[warmPoolAutoscalerMax] ${HPA_PYTHON_WARM}: spec.maxReplicas: should be set and ≤ 500 (it bounds SandboxWarmPool python-warm), got 2000`,
    ]);
    delete hpa.spec.maxReplicas;
    expect((await runPolicy(policy, { type: 'kubernetes:autoscaling/v1:HorizontalPodAutoscaler', props: hpa })).violations).toStrictEqual([
      `[warmPoolAutoscalerMax] ${HPA_PYTHON_WARM}: spec.maxReplicas: should be set and ≤ 500 (it bounds SandboxWarmPool python-warm), got nothing`,
    ]);
  });

  test('finds the same inside a ConfigGroup, with the document it came from', async () => {
    const tampered = yaml.replace(/^ {2}maxReplicas: 16$/m, '  maxReplicas: 5000');
    expect(tampered).not.toBe(yaml);
    const { violations } = await runPolicy(policy, { type: 'kubernetes:yaml/v2:ConfigGroup', props: { yaml: tampered } });
    expect(violations).toStrictEqual([
      expect.stringMatching(
        new RegExp(`^\\[warmPoolAutoscalerMax\\] yaml document \\d+ \\(line \\d+\\): ${HPA_PYTHON_WARM}: spec\\.maxReplicas: should be set and ≤ 500 .*, got 5000$`),
      ),
    ]);
  });

  test('KEDA ScaledObjects on a warm pool are bounded too; HPAs on other targets and config maxReplicas are respected', async () => {
    const scaled = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'python-warm', namespace: 'agents-prod' },
      spec: { scaleTargetRef: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'python-warm' }, maxReplicaCount: 800 },
    };
    expect((await runPolicy(policy, { type: 'kubernetes:keda.sh/v1alpha1:ScaledObject', props: scaled })).violations).toStrictEqual([
      '[warmPoolAutoscalerMax] ScaledObject agents-prod/python-warm: spec.maxReplicaCount: should be ≤ 500 (it bounds SandboxWarmPool python-warm), got 800',
    ]);
    const web = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5000 } };
    expect(await runPolicy(policy, { type: HPA_TYPE, props: web })).toStrictEqual({ violations: [] });
    const hpa = find('HorizontalPodAutoscaler', 'python-warm');
    expect((await runPolicy(policy, { type: HPA_TYPE, props: hpa, config: { maxReplicas: 10 } })).violations).toHaveLength(1);
    expect((await runPolicy(policy, { type: 'aws:ec2/launchTemplate:LaunchTemplate', props: {} })).notApplicable).toBe('no Kubernetes objects');
  });
});
