import { load } from 'js-yaml';
import { describeWholeProgramOfPlatformOwnedRuntime, ofType, runStack } from '../../support/pulumi-stack';

describeWholeProgramOfPlatformOwnedRuntime('gke-standard', (run) => {
  expect(run.dependsOn['gke-standard-workloads']).toStrictEqual([
    'gke-standard',
    'gke-standard-crds',
    'gke-standard-agent-sandbox-access',
    'gke-standard-agent-sandbox',
    'gke-standard-system',
    'gke-standard-sandbox',
    'gke-standard-gpu',
  ]);
});

describe('gke-standard specifics', () => {
  test('gVisor sandbox and GPU pools; the GPU template lands on L4 nodes', async () => {
    const run = await runStack('gke-standard');
    const pools = ofType(run, 'gcp:container/nodePool:NodePool');
    const sandboxed = pools.filter((p) => p.inputs.nodeConfig?.sandboxConfig?.type === 'GVISOR');
    expect(sandboxed.map((p) => p.name).sort()).toStrictEqual(['gke-standard-gpu', 'gke-standard-sandbox']);
    for (const p of sandboxed) expect(p.inputs.nodeConfig.imageType).toBe('COS_CONTAINERD');
    const workloads = String(ofType(run, 'kubernetes:yaml/v2:ConfigGroup')[3].inputs.yaml);
    const gpu = workloads.split(/^---$/m).map((d) => load(d) as any).find((o) => o.kind === 'SandboxTemplate' && o.metadata.name === 'python-l4'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(gpu.spec.podTemplate.spec.nodeSelector).toStrictEqual({ 'sandbox.gke.io/runtime': 'gvisor', 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(gpu.spec.podTemplate.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });
});
