/**
 * The sandbox config's GKE ComputeClass through the whole Pulumi program (mocks): the class is deployed with the
 * workloads, every sandbox pod selects it, the gVisor pools we create join it, and the capacity check stops bounding
 * CPU warm pools by the sandbox pool once GKE may create pools for the class. Nothing is deployed.
 */
import { load } from 'js-yaml';
import { ofType, refusedStack, runStack, stackFileConfig } from '../../support/pulumi-stack';

/** Pulumi.gke-standard.yaml with a sandbox pool of one e2-standard-4 node in one zone, and `computeClass` if given. */
function config(computeClass?: Record<string, unknown>): Record<string, string> {
  const base = stackFileConfig('gke-standard');
  const cluster = JSON.parse(base['agent-sandbox-infra:cluster']);
  cluster.sandboxPool = { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 1, nodeLocations: ['us-central1-a'] };
  const sandbox = JSON.parse(base['agent-sandbox-infra:sandbox']);
  sandbox.platforms['gke-standard'] = { agentSandbox: 'self', ...(computeClass ? { computeClass } : {}) };
  return { ...base, 'agent-sandbox-infra:cluster': JSON.stringify(cluster), 'agent-sandbox-infra:sandbox': JSON.stringify(sandbox) };
}

const CLASS = { name: 'agent-sandbox', priorities: [{ machineFamily: 'n4', minCores: 8 }, { machineFamily: 'n2', spot: true }] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const docs = (yaml: unknown): any[] => String(yaml).split(/^---$/m).map((d) => load(d));

const TOO_SMALL = 'cluster (capacity of sandbox): warm pools on sandbox pool "sandbox" need 10 vCPU / 20 GiB (agents-prod/python-warm × 10: 1 vCPU, 2 GiB each)';

test('without a ComputeClass, 10 warm pods of 1 vCPU do not fit one e2-standard-4 node: refused before anything exists', async () => {
  const { error, registered } = await refusedStack('gke-standard', config());
  expect(String(error)).toContain(TOO_SMALL);
  expect(registered.filter((r) => r.type === 'gcp:container/cluster:Cluster')).toHaveLength(0);
});

test('with one: the ComputeClass is deployed with the workloads, pods select it, the gVisor pools join it', async () => {
  const run = await runStack('gke-standard', config(CLASS));
  const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
  const objects = groups.flatMap((g) => docs(g.inputs.yaml));
  const computeClasses = objects.filter((o) => o.kind === 'ComputeClass');
  expect(computeClasses).toStrictEqual([
    {
      apiVersion: 'cloud.google.com/v1',
      kind: 'ComputeClass',
      metadata: { name: 'agent-sandbox', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: {
        priorities: [{ machineFamily: 'n4', minCores: 8 }, { machineFamily: 'n2', spot: true }],
        nodePoolAutoCreation: { enabled: true },
        whenUnsatisfiable: 'DoNotScaleUp',
        nodePoolConfig: { sandbox: { type: 'gvisor' } },
      },
    },
  ]);
  for (const template of objects.filter((o) => o.kind === 'SandboxTemplate')) {
    const pod = template.spec.podTemplate.spec;
    expect(pod.nodeSelector['cloud.google.com/compute-class']).toBe('agent-sandbox');
    expect(pod.tolerations).toContainEqual({ key: 'cloud.google.com/compute-class', operator: 'Equal', value: 'agent-sandbox', effect: 'NoSchedule' });
  }
  const pools = ofType(run, 'gcp:container/nodePool:NodePool');
  for (const name of ['gke-standard-sandbox', 'gke-standard-gpu']) {
    const p = pools.find((x) => x.name === name)!;
    expect(p.inputs.nodeConfig.labels).toStrictEqual({ 'cloud.google.com/compute-class': 'agent-sandbox' });
    expect(p.inputs.nodeConfig.taints).toStrictEqual([{ key: 'cloud.google.com/compute-class', value: 'agent-sandbox', effect: 'NO_SCHEDULE' }]);
  }
});

test('with node pool auto-creation turned off the sandbox pool bounds the warm pools again', async () => {
  const { error } = await refusedStack('gke-standard', config({ ...CLASS, nodePoolAutoCreation: false }));
  expect(String(error)).toContain(TOO_SMALL);
});
