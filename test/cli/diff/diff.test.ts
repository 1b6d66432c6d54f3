import { diffDirectories, diffExitCode, DiffResult } from '../../../cli/diff';
import { deployment, namespace, removeTrees, serviceAccount, warmPool, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

const statuses = (r: DiffResult) => r.objects.map((o) => `${o.status} ${o.key.kind}/${o.key.name}`);

describe('diffDirectories', () => {
  test('classifies added, removed, changed and unchanged objects', () => {
    const base = writeTree({
      'eks/controller.yaml': yamlDocs(namespace, deployment(), serviceAccount('old-sa')),
    });
    const head = writeTree({
      'eks/controller.yaml': yamlDocs(namespace, deployment('registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.7', 2)),
      'eks/extra.yml': yamlDocs(serviceAccount('new-sa')),
    });
    const result = diffDirectories(base, head);

    expect(result.counts).toEqual({ added: 1, removed: 1, changed: 1, noEffect: 0, unchanged: 1 });
    expect(statuses(result)).toEqual([
      'changed Deployment/agent-sandbox-controller',
      'added ServiceAccount/new-sa',
      'removed ServiceAccount/old-sa',
    ]);
    expect(result.kinds).toEqual([
      { kind: 'Deployment', added: 0, removed: 0, changed: 1, objects: 1 },
      { kind: 'ServiceAccount', added: 1, removed: 1, changed: 0, objects: 2 },
    ]);
    const changed = result.objects[0];
    expect(changed.baseSource).toBe('eks/controller.yaml');
    expect(changed.fieldChanges).toEqual([
      { path: 'spec.replicas', type: 'changed', oldValue: 1, newValue: 2 },
      {
        path: 'spec.template.spec.containers[0].image',
        type: 'changed',
        oldValue: 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6',
        newValue: 'registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.7',
      },
    ]);
    expect(changed.unifiedDiff).toContain('-  replicas: 1\n+  replicas: 2');
    expect(changed.unifiedDiff).toContain('+          image: registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.7');
    expect(result.objects[1].unifiedDiff.split('\n')[0]).toBe('@@ -0,0 +1,5 @@');
    expect(result.objects[2].unifiedDiff.split('\n').slice(1).every((l) => l.startsWith('-'))).toBe(true);
  });

  test('document order, file layout within a platform and map key order do not matter', () => {
    const base = writeTree({ 'kind/all.yaml': yamlDocs(namespace, deployment(), serviceAccount(), warmPool()) });
    const shuffle = (o: unknown): unknown =>
      Array.isArray(o)
        ? o.map(shuffle)
        : o && typeof o === 'object'
          ? Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, shuffle(v)]))
          : o;
    const head = writeTree({
      'kind/b.yaml': `---\n\n---\n${yamlDocs(shuffle(warmPool()), shuffle(deployment()))}`,
      'kind/nested/a.yaml': yamlDocs(shuffle(serviceAccount()), shuffle(namespace)),
    });
    const result = diffDirectories(base, head);
    expect(result.counts).toEqual({ added: 0, removed: 0, changed: 0, noEffect: 0, unchanged: 4 });
    expect(result.objects).toEqual([]);
    expect(diffExitCode(result)).toBe(0);
  });

  test('list order is significant', () => {
    const reordered = deployment();
    reordered.spec.template.spec.containers[0].args.reverse();
    const result = diffDirectories(writeTree({ 'a.yaml': yamlDocs(deployment()) }), writeTree({ 'a.yaml': yamlDocs(reordered) }));
    expect(result.objects[0].fieldChanges.map((c) => c.path)).toEqual([
      'spec.template.spec.containers[0].args[0]',
      'spec.template.spec.containers[0].args[1]',
    ]);
  });

  test('an apiVersion bump of the same object is "changed", not removed + added', () => {
    const base = writeTree({ 'gke-autopilot/pools.yaml': yamlDocs(warmPool('extensions.agents.x-k8s.io/v1alpha1')) });
    const head = writeTree({ 'gke-autopilot/pools.yaml': yamlDocs(warmPool('extensions.agents.x-k8s.io/v1beta1')) });
    const result = diffDirectories(base, head);
    expect(result.counts).toEqual({ added: 0, removed: 0, changed: 1, noEffect: 0, unchanged: 0 });
    expect(result.objects[0].key).toEqual({
      platform: 'gke-autopilot',
      group: 'extensions.agents.x-k8s.io',
      kind: 'SandboxWarmPool',
      namespace: 'tenant-a',
      name: 'python',
    });
    expect(result.objects[0].fieldChanges).toEqual([
      {
        path: 'apiVersion',
        type: 'changed',
        oldValue: 'extensions.agents.x-k8s.io/v1alpha1',
        newValue: 'extensions.agents.x-k8s.io/v1beta1',
      },
    ]);
  });

  test('the same object on two platforms is two entries; platformFromPath: false merges them', () => {
    const base = writeTree({ 'gke-autopilot/c.yaml': yamlDocs(deployment()), 'eks/c.yaml': yamlDocs(deployment()) });
    const head = writeTree({ 'gke-autopilot/c.yaml': yamlDocs(deployment()), 'eks/c.yaml': yamlDocs(deployment('img:2')) });
    const result = diffDirectories(base, head);
    expect(result.counts).toEqual({ added: 0, removed: 0, changed: 1, noEffect: 0, unchanged: 1 });
    expect(result.objects[0].key.platform).toBe('eks');

    // Moving an object from one platform directory to another is a remove + add.
    const moved = diffDirectories(writeTree({ 'eks/c.yaml': yamlDocs(deployment()) }), writeTree({ 'aks/c.yaml': yamlDocs(deployment()) }));
    expect(statuses(moved)).toEqual(['added Deployment/agent-sandbox-controller', 'removed Deployment/agent-sandbox-controller']);
    expect(moved.objects.map((o) => o.key.platform)).toEqual(['aks', 'eks']);
    const merged = diffDirectories(writeTree({ 'eks/c.yaml': yamlDocs(deployment()) }), writeTree({ 'aks/c.yaml': yamlDocs(deployment()) }), {
      platformFromPath: false,
    });
    expect(merged.counts).toEqual({ added: 0, removed: 0, changed: 0, noEffect: 0, unchanged: 1 });
  });

  test('single files can be compared', () => {
    const base = writeTree({ 'x.yaml': yamlDocs(deployment()) });
    const head = writeTree({ 'y.yaml': yamlDocs(deployment(undefined, 3)) });
    const result = diffDirectories(`${base}/x.yaml`, `${head}/y.yaml`);
    expect(result.objects.map((o) => [o.status, o.key.platform, o.baseSource, o.headSource])).toEqual([['changed', '', 'x.yaml', 'y.yaml']]);
  });

  test('exit code is 0 without changes and 2 with changes', () => {
    const same = writeTree({ 'a.yaml': yamlDocs(namespace) });
    expect(diffExitCode(diffDirectories(same, same))).toBe(0);
    expect(diffExitCode(diffDirectories(same, writeTree({ 'a.yaml': yamlDocs(namespace, serviceAccount()) })))).toBe(2);
    expect(diffExitCode(diffDirectories(writeTree({ 'a.yaml': yamlDocs(namespace, serviceAccount()) }), same))).toBe(2);
  });
});
