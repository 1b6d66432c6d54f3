import { refusedStack, stackFileConfig } from '../../support/pulumi-stack';

async function failure(stack: string, config: Record<string, string>) {
  const { error, registered } = await refusedStack(stack, config);
  expect(registered).toStrictEqual([]); // nothing was created
  const e = error as { message: string; errors: { propertyPath: string; reason: string }[] };
  return { message: e.message, errors: e.errors };
}

describe('the program checks the whole stack config before creating anything', () => {
  test('sandbox, cluster and platform problems are reported together', async () => {
    const config = stackFileConfig('eks');
    const sandbox = JSON.parse(config['agent-sandbox-infra:sandbox']);
    sandbox.agentSandbox.replicas = 0;
    sandbox.tenants[0].warmPools[0].template = 'nope';
    const cluster = JSON.parse(config['agent-sandbox-infra:cluster']);
    cluster.sandboxNodeGroups[0].amiType = 'BOTTLEROCKET_x86_64';
    const f = await failure('eks', {
      ...config,
      'agent-sandbox-infra:sandbox': JSON.stringify(sandbox),
      'agent-sandbox-infra:cluster': JSON.stringify(cluster),
    });
    // The unknown template is reported in the same round as the schema problem (validateConfig runs the tenant
    // reference checks on the raw input too).
    expect(f.errors.map((e) => e.propertyPath)).toStrictEqual(['sandbox.agentSandbox.replicas', 'sandbox.tenants[0].warmPools[0].template', 'cluster.sandboxNodeGroups[0].amiType']);
    expect(f.errors[0].reason).toBe('must be ≥ 1, got 0');
    expect(f.errors[1].reason).toMatch(/nope/);
    expect(f.errors[2].reason).toMatch(/Bottlerocket/);
    expect(f.message).toMatch(/^stack config has 3 problems; nothing was created:/);
  });

  test('an unknown platform lists the stack platforms', async () => {
    const f = await failure('eks', { ...stackFileConfig('eks'), 'agent-sandbox-infra:platform': 'openshift' });
    expect(f.errors).toStrictEqual([
      {
        propertyPath: 'platform',
        reason: 'must be one of gke-autopilot, gke-standard, eks, aks, kubernetes, got "openshift" (a cluster you already run, kind included: kubernetes, with its kubeconfig)',
      },
    ]);
  });

  test('warm pools that cannot fit the sandbox pool fail at preview time with the numbers', async () => {
    const config = stackFileConfig('aks');
    const sandbox = JSON.parse(config['agent-sandbox-infra:sandbox']);
    sandbox.tenants[0].warmPools[0].replicas = 200;
    // Room in the namespace quota: this is about the nodes.
    sandbox.tenants[0].namespace.quota = { hard: { pods: '250', 'requests.cpu': '200', 'requests.memory': '400Gi', 'limits.cpu': '400', 'limits.memory': '800Gi' } };
    const f = await failure('aks', { ...config, 'agent-sandbox-infra:sandbox': JSON.stringify(sandbox) });
    expect(f.errors).toHaveLength(1);
    expect(f.errors[0].propertyPath).toBe('cluster (capacity of kata)');
    expect(f.errors[0].reason).toMatch(/^warm pools on sandbox pool "kata" need 200 vCPU .*agents-prod\/python-warm × 200.*600 MiB Kata overhead.* but 10 × Standard_D8s_v5 nodes offer/);
  });
});
