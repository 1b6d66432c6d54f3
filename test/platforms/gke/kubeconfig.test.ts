import { parse } from 'yaml';
import { gkeKubeconfig } from '../../../platforms/gke/kubeconfig';

describe('gkeKubeconfig', () => {
  const text = gkeKubeconfig({
    project: 'acme-agents-prod',
    location: 'us-central1',
    clusterName: 'agents',
    endpoint: '34.118.0.10',
    clusterCaCertificate: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
  });
  const doc = parse(text);
  const name = 'gke_acme-agents-prod_us-central1_agents';

  test('points one context at the cluster endpoint over https with the CA', () => {
    expect(doc.apiVersion).toBe('v1');
    expect(doc.kind).toBe('Config');
    expect(doc['current-context']).toBe(name);
    expect(doc.clusters).toEqual([{ name, cluster: { server: 'https://34.118.0.10', 'certificate-authority-data': 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' } }]);
    expect(doc.contexts).toEqual([{ name, context: { cluster: name, user: name } }]);
  });

  test('authenticates with the gke-gcloud-auth-plugin exec plugin, no static credentials', () => {
    expect(doc.users).toEqual([
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'gke-gcloud-auth-plugin',
            provideClusterInfo: true,
            installHint: expect.stringContaining('https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin'),
          },
        },
      },
    ]);
    expect(text).not.toMatch(/token|password|client-key/);
  });

  test('keeps an endpoint that already has a scheme', () => {
    const other = parse(gkeKubeconfig({ project: 'p-123456', location: 'us-central1-a', clusterName: 'c', endpoint: 'https://c.example', clusterCaCertificate: 'Q0E=' }));
    expect(other.clusters[0].cluster.server).toBe('https://c.example');
  });
});
