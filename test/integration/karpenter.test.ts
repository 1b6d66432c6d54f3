/**
 * Karpenter's CRDs (pinned from github.com/aws/karpenter-provider-aws v1.15.2, as the provider ships them) on a real
 * kube-apiserver, then our sandbox EC2NodeClass and NodePool applied with `kubectl apply --server-side`: admitted by
 * the real CRD schemas and their CEL rules. No Karpenter controller runs (nothing here launches EC2 instances); what
 * is proven is that the API accepts exactly what the EKS component creates, and refuses what Karpenter refuses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KARPENTER_CRDS } from '../../core/upstream/pins';
import { readUpstreamText } from '../../core/upstream/store';
import { toYamlStream } from '../../core/yaml/emit';
import { karpenterEc2NodeClass, karpenterNodePool } from '../../platforms/eks/karpenter';
import { coreDnsStrictModePolicy } from '../../platforms/eks/network-policy';
import { buildSandboxNodeUserData } from '../../platforms/eks/node-bootstrap';
import { kubectl } from '../../scripts/cluster/deploy';
import { describeWithCluster, withCluster } from './support/cluster';
import { PINNED } from '../support/eks';

const describeOnCluster = describeWithCluster('Karpenter objects on a local cluster', []);

function file(objects: readonly object[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'karpenter-')), 'objects.yaml');
  writeFileSync(path, toYamlStream(objects as object[]));
  return path;
}

describeOnCluster('Karpenter sandbox pools on a real API server with Karpenter v1.15.2 CRDs', () => {
  const env = withCluster();
  const pool = {
    name: 'sandbox-gvisor',
    arch: 'x86_64' as const,
    instanceTypes: ['m7i.2xlarge'],
    limits: { cpu: '64', memory: '256Gi' },
    userData: buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64' }),
    role: 'agents-prod-karpenter-node',
    subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'agents-prod' } }],
    securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'agents-prod' } }],
  };

  beforeAll(async () => {
    const crds = Object.values(KARPENTER_CRDS).map((pin) => {
      const path = join(mkdtempSync(join(tmpdir(), 'karpenter-crd-')), 'crd.yaml');
      writeFileSync(path, readUpstreamText(pin));
      return path;
    });
    for (const crd of crds) await kubectl(env.cluster, ['apply', '--server-side', '-f', crd]);
    await kubectl(env.cluster, ['wait', '--for=condition=Established', '--timeout=60s', 'crd/nodepools.karpenter.sh', 'crd/ec2nodeclasses.karpenter.k8s.aws', 'crd/nodeclaims.karpenter.sh']);
  });

  it('admits our EC2NodeClass and NodePool as built, and stores them unchanged (no field pruned)', async () => {
    const nodeClass = karpenterEc2NodeClass(pool);
    const nodePool = karpenterNodePool(pool);
    const { stdout } = await kubectl(env.cluster, ['apply', '--server-side', '--field-manager=agent-sandbox-infra', '-f', file([nodeClass, nodePool])]);
    expect(stdout).toContain('ec2nodeclass.karpenter.k8s.aws/sandbox-gvisor serverside-applied');
    expect(stdout).toContain('nodepool.karpenter.sh/sandbox-gvisor serverside-applied');
    const liveClass = await env.cluster.client.get('/apis/karpenter.k8s.aws/v1/ec2nodeclasses/sandbox-gvisor');
    const livePool = await env.cluster.client.get('/apis/karpenter.sh/v1/nodepools/sandbox-gvisor');
    // Everything we sent is there as sent (the CRDs add defaults beside it, never instead of it).
    expect(liveClass!.spec).toMatchObject(JSON.parse(JSON.stringify(nodeClass.spec)));
    expect(livePool!.spec).toMatchObject(JSON.parse(JSON.stringify(nodePool.spec)));
    expect(liveClass!.spec.userData).toBe(pool.userData);
  });

  it("refuses what Karpenter's schema and CEL rules refuse (the check is live)", async () => {
    const both = karpenterEc2NodeClass({ ...pool, name: 'both-role-and-profile' }) as unknown as { spec: Record<string, unknown> };
    both.spec.instanceProfile = 'some-profile';
    const r = await kubectl(env.cluster, ['apply', '--server-side', '-f', file([both])], { allowExit: [1] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must specify exactly one of \['role', 'instanceProfile'\]/);

    const hop = karpenterEc2NodeClass({ ...pool, name: 'hop-limit' }) as unknown as { spec: { metadataOptions: Record<string, unknown> } };
    hop.spec.metadataOptions.httpPutResponseHopLimit = 65;
    const r2 = await kubectl(env.cluster, ['apply', '--server-side', '-f', file([hop])], { allowExit: [1] });
    expect(r2.stderr).toMatch(/httpPutResponseHopLimit: Invalid value: 65: .*less than or equal to 64/);
  });

  it('admits the strict-mode CoreDNS NetworkPolicy the EKS stack adds to kube-system (same ConfigGroup as the Karpenter objects)', async () => {
    const { stdout } = await kubectl(env.cluster, ['apply', '--server-side', '--field-manager=agent-sandbox-infra', '-f', file([coreDnsStrictModePolicy()])]);
    expect(stdout).toContain('networkpolicy.networking.k8s.io/agent-sandbox-infra-coredns serverside-applied');
    const live = await env.cluster.client.get('/apis/networking.k8s.io/v1/namespaces/kube-system/networkpolicies/agent-sandbox-infra-coredns');
    expect(live!.spec).toMatchObject(JSON.parse(JSON.stringify((coreDnsStrictModePolicy() as { spec: object }).spec)));
  });
});
