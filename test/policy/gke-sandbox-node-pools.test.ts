/** gke-sandbox-node-pool-gvisor: gVisor pools via sandboxConfig.type GVISOR on COS_CONTAINERD. */
import {
  GKE_CLUSTER_TYPE,
  GKE_NODE_POOL_TYPE,
  GKE_SANDBOX_COMPONENT_TYPE,
  gkeSandboxNodePoolPolicy as policy,
} from '../../policy/rules/gke-sandbox-node-pools';
import { GKE_SANDBOX_CLUSTER_TYPE } from '../../stacks/gke/cluster';
import { gkeNodePoolArgs } from '../../stacks/gke/node-pools';
import { runPolicy } from '../support/policy-harness';

const SA = 'sandbox-nodes@acme.iam.gserviceaccount.com';
/** What stacks/gke/node-pools.ts produces for our pools (the `cluster` reference is added by the component). */
const sandboxPool = () => JSON.parse(JSON.stringify(gkeNodePoolArgs({ role: 'sandbox', pool: {} }, SA))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const systemPool = () => JSON.parse(JSON.stringify(gkeNodePoolArgs({ role: 'system', pool: {} }, SA))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const nodePool = (props: Record<string, unknown>, name = 'gke-sandbox', parentTypes: string[] = []) =>
  runPolicy(policy, { type: GKE_NODE_POOL_TYPE, name, parentTypes, props: { cluster: 'agents', ...props } });

describe('gke-sandbox-node-pool-gvisor', () => {
  test('is mandatory; the component type it trusts is the GKE component\'s', () => {
    expect(policy.enforcementLevel).toBe('mandatory');
    expect(GKE_SANDBOX_COMPONENT_TYPE).toBe(GKE_SANDBOX_CLUSTER_TYPE);
  });

  test('passes the sandbox pool our GKE component creates (and its GPU pool)', async () => {
    expect(await nodePool(sandboxPool())).toStrictEqual({ violations: [] });
    const gpu = JSON.parse(JSON.stringify(gkeNodePoolArgs({ role: 'gpu', pool: { gpuType: 'l4' } }, SA)));
    expect(await nodePool(gpu, 'gke-gpu', [GKE_SANDBOX_COMPONENT_TYPE])).toStrictEqual({ violations: [] });
  });

  test('fails a sandbox pool on Ubuntu with the deprecated sandboxType', async () => {
    const pool = sandboxPool();
    pool.nodeConfig.imageType = 'UBUNTU_CONTAINERD';
    pool.nodeConfig.sandboxConfig = { sandboxType: 'gvisor' };
    expect((await nodePool(pool)).violations).toStrictEqual([
      '[gkeSandboxType] nodeConfig.sandboxConfig.type: must be "GVISOR" (a sandbox pool runs pods under gVisor; GKE then labels and taints the nodes sandbox.gke.io/runtime=gvisor), got nothing',
      '[gkeDeprecatedSandboxType] nodeConfig.sandboxConfig.sandboxType: must not be set (deprecated; use sandboxConfig.type: "GVISOR"), got "gvisor"',
      '[gkeImageType] nodeConfig.imageType: must be "COS_CONTAINERD" (GKE Sandbox runs only on Container-Optimized OS with containerd), got "UBUNTU_CONTAINERD"',
    ]);
  });

  test('a pool of our component that lost its sandboxConfig still counts as a sandbox pool; its system pool does not', async () => {
    const pool = sandboxPool();
    delete pool.nodeConfig.sandboxConfig;
    expect((await nodePool(pool, 'prod-sandbox', [GKE_SANDBOX_COMPONENT_TYPE])).violations).toStrictEqual([
      expect.stringMatching(/^\[gkeSandboxType\] nodeConfig\.sandboxConfig\.type: must be "GVISOR" .*, got nothing$/),
    ]);
    expect(await nodePool(systemPool(), 'prod-system', [GKE_SANDBOX_COMPONENT_TYPE])).toStrictEqual({ violations: [], notApplicable: 'no sandbox node pool' });
    // Outside our component, a pool without any sandbox marker is someone else's ordinary pool.
    expect((await nodePool(pool, 'prod-sandbox')).notApplicable).toBe('no sandbox node pool');
  });

  test('a pool labelled or tainted with a sandbox key is a sandbox pool', async () => {
    const pool = systemPool();
    pool.nodeConfig.labels = { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' };
    expect((await nodePool(pool, 'other')).violations.map((v) => v.slice(0, v.indexOf(']') + 1))).toStrictEqual(['[gkeSandboxType]']);
    const tainted = systemPool();
    tainted.nodeConfig.taints = [{ key: 'sandbox.gke.io/runtime', value: 'gvisor', effect: 'NO_SCHEDULE' }];
    expect((await nodePool(tainted, 'other')).violations).toHaveLength(1);
  });

  test('checks the inline default-pool nodeConfig and nodePools of a Cluster', async () => {
    const ok = await runPolicy(policy, { type: GKE_CLUSTER_TYPE, props: { nodePools: [{ name: 'sb', nodeConfig: sandboxPool().nodeConfig }] } });
    expect(ok).toStrictEqual({ violations: [] });
    const bad = await runPolicy(policy, {
      type: GKE_CLUSTER_TYPE,
      props: {
        nodeConfig: { machineType: 'e2-standard-4' },
        nodePools: [{ name: 'sys', nodeConfig: systemPool().nodeConfig }, { name: 'sb', nodeConfig: { imageType: 'COS', sandboxConfig: { type: 'GVISOR' } } }],
      },
    });
    expect(bad.violations).toStrictEqual([
      '[gkeImageType] nodePools[1].nodeConfig.imageType: must be "COS_CONTAINERD" (GKE Sandbox runs only on Container-Optimized OS with containerd), got "COS"',
      '[gkeWorkloadMetadata] nodePools[1].nodeConfig.workloadMetadataConfig.mode: must be "GKE_METADATA" (Workload Identity\'s metadata server: otherwise a sandbox pod reads the node service account\'s credentials from the metadata server), got nothing',
    ]);
    expect((await runPolicy(policy, { type: GKE_CLUSTER_TYPE, props: { enableAutopilot: true } })).notApplicable).toBe('no sandbox node pool');
  });

  test('a sandbox pool must use GKE_METADATA (Workload Identity), not GCE_METADATA or nothing; a system pool is not checked', async () => {
    const gce = sandboxPool();
    gce.nodeConfig.workloadMetadataConfig = { mode: 'GCE_METADATA' };
    expect((await nodePool(gce)).violations).toStrictEqual([
      '[gkeWorkloadMetadata] nodeConfig.workloadMetadataConfig.mode: must be "GKE_METADATA" (Workload Identity\'s metadata server: otherwise a sandbox pod reads the node service account\'s credentials from the metadata server), got "GCE_METADATA"',
    ]);
    const unset = sandboxPool();
    delete unset.nodeConfig.workloadMetadataConfig;
    expect((await nodePool(unset, 'prod-gpu', [GKE_SANDBOX_COMPONENT_TYPE])).violations).toStrictEqual([
      expect.stringMatching(/^\[gkeWorkloadMetadata\] nodeConfig\.workloadMetadataConfig\.mode: must be "GKE_METADATA" .*, got nothing$/),
    ]);
    const system = systemPool();
    system.nodeConfig.workloadMetadataConfig = { mode: 'GCE_METADATA' };
    expect((await nodePool(system, 'prod-system', [GKE_SANDBOX_COMPONENT_TYPE])).notApplicable).toBe('no sandbox node pool');
  });

  test('does not apply to other resource types', async () => {
    expect(await runPolicy(policy, { type: 'aws:ec2/launchTemplate:LaunchTemplate', props: sandboxPool() })).toStrictEqual({
      violations: [],
      notApplicable: `only ${GKE_NODE_POOL_TYPE} and ${GKE_CLUSTER_TYPE}`,
    });
  });
});
