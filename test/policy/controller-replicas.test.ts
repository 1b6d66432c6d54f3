/** agent-sandbox-controller-replicas-production (advisory): ≥ 2 controller replicas in stacks named like /prod/. */
import { load } from 'js-yaml';
import {
  CONTROLLER_NAME,
  controllerReplicasPolicy as policy,
  isProductionStack,
} from '../../policy/rules/controller-replicas';
import { CONTROLLER_NAME as CONSTRUCT_CONTROLLER_NAME } from '../../constructs/agent-sandbox/agent-sandbox';
import { EXAMPLE_CONFIG } from '../../config/example';
import { renderPlatform } from '../../constructs/output/render';
import { runPolicy } from '../support/policy-harness';

const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

/** The controller file of the example config, rendered with `replicas` controller replicas (undefined: the default). */
function controllerFile(replicas: number | undefined): string {
  const config = { ...EXAMPLE_CONFIG, agentSandbox: { ...EXAMPLE_CONFIG.agentSandbox, replicas } };
  return renderPlatform('eks', config).files.find((f) => f.name.endsWith('-agent-sandbox.yaml'))!.text;
}
function deploymentOf(yaml: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return yaml.split(/^---$/m).map((d) => load(d) as Record<string, any>).find((d) => d?.kind === 'Deployment')!; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const ONE_REPLICA = (stack: string, got: string) =>
  `[controllerReplicas] Deployment agent-sandbox-system/agent-sandbox-controller: spec.replicas: should be ≥ 2 in production stack "${stack}" (one replica stops warm-pool refills, claims and the conversion webhook while it restarts; set agentSandbox.replicas), got ${got}`;

describe('agent-sandbox-controller-replicas-production', () => {
  const two = controllerFile(2);
  const one = controllerFile(undefined);

  test('is advisory; it knows the controller by the construct\'s name', () => {
    expect(policy.enforcementLevel).toBe('advisory');
    expect(CONTROLLER_NAME).toBe(CONSTRUCT_CONTROLLER_NAME);
  });

  test('passes two replicas in a production stack (the example config), in a ConfigGroup and as a Deployment', async () => {
    expect(await runPolicy(policy, { type: CONFIG_GROUP, stack: 'prod', props: { yaml: two } })).toStrictEqual({ violations: [] });
    expect(await runPolicy(policy, { type: DEPLOYMENT, stack: 'eks-prod', props: deploymentOf(two) })).toStrictEqual({ violations: [] });
  });

  test('flags one replica in a production stack (the construct\'s default), in a ConfigGroup and as a Deployment', async () => {
    expect(deploymentOf(one).spec.replicas).toBe(1);
    const group = await runPolicy(policy, { type: CONFIG_GROUP, stack: 'prod-eu', props: { yaml: one } });
    expect(group.violations).toStrictEqual([expect.stringMatching(/^\[controllerReplicas\] yaml document \d+ \(line \d+\): Deployment /)]);
    expect(group.violations[0].replace(/yaml document \d+ \(line \d+\): /, '')).toBe(ONE_REPLICA('prod-eu', '1'));
    const unset = deploymentOf(one);
    delete unset.spec.replicas;
    expect((await runPolicy(policy, { type: DEPLOYMENT, stack: 'prod', props: unset })).violations).toStrictEqual([ONE_REPLICA('prod', 'nothing (1)')]);
  });

  test('does not apply outside production stacks; the pattern is configurable', async () => {
    expect(await runPolicy(policy, { type: DEPLOYMENT, stack: 'dev', props: deploymentOf(one) })).toStrictEqual({
      violations: [],
      notApplicable: 'stack "dev" does not match /prod/',
    });
    const live = await runPolicy(policy, { type: DEPLOYMENT, stack: 'live', props: deploymentOf(one), config: { productionStackPattern: '^(live|prd)$' } });
    expect(live.violations).toStrictEqual([ONE_REPLICA('live', '1')]);
    expect(isProductionStack('production')).toBe(true);
    expect(isProductionStack('staging')).toBe(false);
    await expect(runPolicy(policy, { type: DEPLOYMENT, stack: 'prod', props: deploymentOf(one), config: { productionStackPattern: '(' } })).rejects.toThrow(
      /^policy config productionStackPattern must be a regular expression, got "\(": /,
    );
  });

  test('recognises upstream\'s controller by its image; other Deployments do not apply', async () => {
    const upstream = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sandbox-ctrl', namespace: 'ops' },
      spec: { template: { spec: { containers: [{ name: 'manager', image: 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6' }] } } },
    };
    expect((await runPolicy(policy, { type: DEPLOYMENT, stack: 'prod', props: upstream })).violations).toStrictEqual([
      expect.stringMatching(/^\[controllerReplicas\] Deployment ops\/sandbox-ctrl: spec\.replicas: should be ≥ 2 .*, got nothing \(1\)$/),
    ]);
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } } };
    expect((await runPolicy(policy, { type: DEPLOYMENT, stack: 'prod', props: web })).notApplicable).toBe('no agent-sandbox controller Deployment');
  });
});
