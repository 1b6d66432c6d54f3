import { load } from 'js-yaml';
import { describeWholeProgramOfPlatformOwnedRuntime, ofType, runStack } from '../../support/pulumi-stack';

describeWholeProgramOfPlatformOwnedRuntime('gke-autopilot');

describe('gke-autopilot specifics', () => {
  test('an Autopilot cluster with Workload Identity, and sandbox pods that carry the gVisor placement GKE admission requires', async () => {
    const run = await runStack('gke-autopilot');
    const cluster = ofType(run, 'gcp:container/cluster:Cluster');
    expect(cluster).toHaveLength(1);
    expect(cluster[0].inputs.enableAutopilot).toBe(true);
    expect(cluster[0].inputs.workloadIdentityConfig).toStrictEqual({ workloadPool: 'acme-agents-prod.svc.id.goog' });
    const workloads = String(ofType(run, 'kubernetes:yaml/v2:ConfigGroup')[3].inputs.yaml);
    const template = workloads.split(/^---$/m).map((d) => load(d) as any).find((o) => o.kind === 'SandboxTemplate'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(template.spec.podTemplate.spec.runtimeClassName).toBe('gvisor');
    expect(template.spec.podTemplate.spec.nodeSelector).toStrictEqual({ 'sandbox.gke.io/runtime': 'gvisor' });
    expect(run.outputs.sandboxPoolNames).toStrictEqual([]);
  });
});
