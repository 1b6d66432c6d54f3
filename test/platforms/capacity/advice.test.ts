/** Capacity advice names the field to change in each cloud's own cluster config (and GKE's per-zone unit). */
import { platformModule } from '../../../platforms';
import type { WarmPoolDemand } from '../../../platforms/capacity/plan';

const demand = (replicas: number): WarmPoolDemand[] => [{ tenant: 'agents', name: 'py', replicas, limits: { cpu: '2', memory: '4Gi' }, gpus: 0 }];
const providerConfig = (namespace: string, key: string) => (namespace === 'gcp' && key === 'region' ? 'us-central1' : undefined);

function advice(platform: string, cluster: unknown, replicas: number): string {
  const result = platformModule(platform).capacity!(cluster, demand(replicas), { providerConfig });
  expect(result.errors).toHaveLength(1);
  return result.errors[0].message.slice(result.errors[0].message.lastIndexOf('; ') + 2);
}

test('AKS: cluster.sandboxPool.maxCount and vmSize', () => {
  expect(advice('aks', { sandboxPool: { vmSize: 'Standard_D8s_v5', maxCount: 2 } }, 20)).toBe('raise cluster.sandboxPool.maxCount to ≥ 6 or use a larger cluster.sandboxPool.vmSize');
});

test('EKS: the node group\'s scaling.max and instance types', () => {
  const cluster = { sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['m7i.xlarge'], scaling: { min: 0, desired: 1, max: 2 } }] };
  expect(advice('eks', cluster, 20)).toBe('raise cluster.sandboxNodeGroups[0].scaling.max to ≥ 11 or use a larger instance type (cluster.sandboxNodeGroups[0].instanceTypes)');
});

test('GKE Standard: maxNodes counts per zone, and the advice says so', () => {
  expect(advice('gke-standard', { sandboxPool: { machineType: 'n2-standard-4', maxNodes: 1 } }, 20)).toBe(
    'raise cluster.sandboxPool.maxNodes to ≥ 4 (it counts nodes per zone, and the pool spans 3 zones: 12 nodes) or use a larger cluster.sandboxPool.machineType',
  );
});
