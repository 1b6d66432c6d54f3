/**
 * `diff` for people (issue 15 item 11): a change made identically on several platforms is shown once with its
 * platforms, headlines carry the values, the size budget goes to what a reviewer must see first, and edits with no
 * effect say so — in both formats.
 */
import { diffDirectories, renderMarkdown, renderText } from '../../../cli/diff';
import { deployment, namespace, removeTrees, serviceAccount, warmPool, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

const PLATFORMS = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kind', 'kubernetes'];

/** The same files on every platform (`files(platform)` may vary them per platform). */
function tree(files: (platform: string) => Record<string, string>, platforms = PLATFORMS): string {
  return writeTree(Object.fromEntries(platforms.flatMap((p) => Object.entries(files(p)).map(([name, text]) => [`${p}/${name}`, text]))));
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('a change identical on several platforms is shown once', () => {
  const base = tree(() => ({ 'pools.yaml': yamlDocs(namespace, warmPool(undefined, 2)) }));
  const head = tree(() => ({ 'pools.yaml': yamlDocs(namespace, warmPool(undefined, 6)) }));
  const result = diffDirectories(base, head);

  test('counts are of distinct changes; the object count and the platforms are said once', () => {
    expect(result.counts).toStrictEqual({ added: 0, removed: 0, changed: 1, noEffect: 0, unchanged: 6 });
    expect(result.objectCounts).toStrictEqual({ added: 0, removed: 0, changed: 6 });
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0].platforms).toStrictEqual(PLATFORMS);
    expect(result.objects).toHaveLength(6);
    expect(result.kinds).toStrictEqual([{ kind: 'SandboxWarmPool', added: 0, removed: 0, changed: 1, objects: 6 }]);
  });

  test('markdown: one block, its headline carries the value and the platforms', () => {
    const md = renderMarkdown(result);
    expect(md).toContain('**1 changed, 0 added, 0 removed** (6 objects on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes), 6 unchanged');
    expect(md).toContain('| kind | added | removed | changed | objects |\n|---|--:|--:|--:|--:|\n| SandboxWarmPool | 0 | 0 | 1 | 6 |');
    expect(count(md, /<details>/g)).toBe(1);
    expect(md).toContain('<details><summary><code>~ changed</code> <b>SandboxWarmPool tenant-a/python</b>: <code>replicas</code> 2 → 6 (all 6 platforms)</summary>');
    expect(count(md, /^-  replicas: 2$/gm)).toBe(1);
  });

  test('text: one header with the value and the platforms', () => {
    const text = renderText(result);
    expect(text.startsWith('Manifest diff: 1 changed, 0 added, 0 removed (6 objects on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes), 6 unchanged\n')).toBe(true);
    expect(text).toContain('~ changed SandboxWarmPool tenant-a/python: replicas 2 → 6 [all 6 platforms] (<platform>/pools.yaml)\n  ~ spec.replicas: 2 → 6\n');
    expect(count(text, /^~ changed/gm)).toBe(1);
  });

  test('platforms that differ are separate changes, each naming its platforms', () => {
    const mixed = diffDirectories(base, tree((p) => ({ 'pools.yaml': yamlDocs(namespace, warmPool(undefined, p.startsWith('gke') ? 4 : 6)) })));
    expect(mixed.counts.changed).toBe(2);
    expect(mixed.changes.map((c) => c.platforms)).toStrictEqual([['aks', 'eks', 'kind', 'kubernetes'], ['gke-autopilot', 'gke-standard']]);
    const md = renderMarkdown(mixed);
    expect(md).toContain('<b>SandboxWarmPool tenant-a/python</b>: <code>replicas</code> 2 → 6 (aks, eks, kind, kubernetes)</summary>');
    expect(md).toContain('<b>SandboxWarmPool tenant-a/python</b>: <code>replicas</code> 2 → 4 (gke-autopilot, gke-standard)</summary>');
    expect(renderText(mixed)).toContain('~ changed SandboxWarmPool tenant-a/python: replicas 2 → 4 [gke-autopilot, gke-standard] (<platform>/pools.yaml)');
  });

  test('the same change on objects that differ elsewhere is one change; its diff is shown as on the first platform', () => {
    // Next to the change, so the unchanged lines shown around it differ.
    const dep = (p: string, replicas: number) => ({ ...deployment(undefined, replicas), spec: { ...deployment(undefined, replicas).spec, revisionHistoryLimit: p === 'aks' ? 5 : 10 } });
    const r = diffDirectories(tree((p) => ({ 'c.yaml': yamlDocs(dep(p, 1)) }), ['aks', 'eks']), tree((p) => ({ 'c.yaml': yamlDocs(dep(p, 3)) }), ['aks', 'eks']));
    expect(r.counts.changed).toBe(1);
    expect(renderMarkdown(r)).toContain('<i>The diff as on aks (the unchanged lines around it differ on the other platforms).</i>');
  });

  test('secrets changed to different values on two platforms are two changes, neither value shown', () => {
    const secret = (v: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api', namespace: 'tenant-a' }, data: { apiKey: v } });
    const r = diffDirectories(
      tree(() => ({ 's.yaml': yamlDocs(secret('b2xkLXZhbHVl')) }), ['aks', 'eks']),
      tree((p) => ({ 's.yaml': yamlDocs(secret(p === 'aks' ? 'YWtzLW5ldw==' : 'ZWtzLW5ldw==')) }), ['aks', 'eks']),
    );
    expect(r.counts.changed).toBe(2);
    for (const out of [renderMarkdown(r), renderText(r)]) {
      expect(out).toContain('apiKey');
      expect(out).toContain('redacted (changed)');
      for (const v of ['b2xkLXZhbHVl', 'YWtzLW5ldw==', 'ZWtzLW5ldw==', 'old-value', 'aks-new', 'eks-new']) expect(out).not.toContain(v);
    }
  });
});

describe('headlines carry the values', () => {
  test('an image tag change names the image and the two tags', () => {
    const r = diffDirectories(
      writeTree({ 'eks/c.yaml': yamlDocs(deployment('registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6')) }),
      writeTree({ 'eks/c.yaml': yamlDocs(deployment('registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.7', 2)) }),
    );
    expect(renderMarkdown(r)).toContain(
      '<b>Deployment agent-sandbox-system/agent-sandbox-controller</b>: <code>replicas</code> 1 → 2, <code>image</code> agent-sandbox-controller v0.5.6 → v0.5.7 (eks)</summary>',
    );
    expect(renderText(r)).toContain('~ changed Deployment agent-sandbox-system/agent-sandbox-controller: replicas 1 → 2, image agent-sandbox-controller v0.5.6 → v0.5.7 [eks] (eks/c.yaml)');
  });

  test('many changed fields: the first values, then how many more', () => {
    const cm = (v: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'tenant-a' }, data: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`key${i}`, `value-${v}-${i}`])) });
    const r = diffDirectories(writeTree({ 'a.yaml': yamlDocs(cm(1)) }), writeTree({ 'a.yaml': yamlDocs(cm(2)) }));
    const md = renderMarkdown(r);
    expect(md).toContain('<b>ConfigMap tenant-a/settings</b>: <code>key0</code> value-1-0 → value-2-0, <code>key1</code> value-1-1 → value-2-1, <code>key2</code> value-1-2 → value-2-2 and 5 more fields</summary>');
    expect(renderText(r)).toContain('~ changed ConfigMap tenant-a/settings: key0 value-1-0 → value-2-0, key1 value-1-1 → value-2-1, key2 value-1-2 → value-2-2 and 5 more fields (a.yaml)');
  });

  test('sensitive values stay redacted in the headline', () => {
    const cm = (password: string, url: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db' }, data: { password, url } });
    const r = diffDirectories(
      writeTree({ 'a.yaml': yamlDocs(cm('hunter2-old', 'postgres://app:pw-old-1@db:5432/x')) }),
      writeTree({ 'a.yaml': yamlDocs(cm('hunter2-new', 'postgres://app:pw-new-2@db:5432/x')) }),
    );
    const md = renderMarkdown(r);
    expect(md).toContain('<b>ConfigMap db</b>: <code>password</code> &lt;redacted&gt; → &lt;redacted (changed)&gt;, <code>url</code> &lt;redacted&gt; → &lt;redacted (changed)&gt;</summary>');
    expect(renderText(r)).toContain('~ changed ConfigMap db: password <redacted> → <redacted (changed)>, url <redacted> → <redacted (changed)> (a.yaml)');
    for (const out of [md, renderText(r)]) for (const v of ['hunter2', 'pw-old-1', 'pw-new-2']) expect(out).not.toContain(v);
  });

  test('long values are shortened in the headline (the full value stays in the field list)', () => {
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'long' }, data: { script: v } });
    const r = diffDirectories(writeTree({ 'a.yaml': yamlDocs(cm('a'.repeat(200))) }), writeTree({ 'a.yaml': yamlDocs(cm('b'.repeat(200))) }));
    const header = renderText(r).split('\n').find((l) => l.startsWith('~ changed'))!;
    expect(header).toBe(`~ changed ConfigMap long: script ${'a'.repeat(39)}… → ${'b'.repeat(39)}… (a.yaml)`);
  });
});

describe('the size budget goes to templates, pools, policies and RBAC before CRD bodies', () => {
  const crd = (v: number) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'sandboxes.agents.x-k8s.io' },
    spec: {
      group: 'agents.x-k8s.io',
      names: { kind: 'Sandbox', plural: 'sandboxes' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`field${i}`, { type: 'string', description: `Field ${i}, revision ${v}.` }])) } },
        },
      ],
    },
  });
  const netpol = (port: number) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'egress', namespace: 'tenant-a' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port, protocol: 'TCP' }] }] },
  });
  const role = (verbs: string[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'controller' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs }] });
  const template = (image: string) => ({
    apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
    kind: 'SandboxTemplate',
    metadata: { name: 'python', namespace: 'tenant-a' },
    spec: { podTemplate: { spec: { runtimeClassName: 'gvisor', containers: [{ name: 'python', image }] } } },
  });
  const configMaps = (v: number) => Array.from({ length: 6 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `aaa-${i}`, namespace: 'tenant-a' }, data: { value: `v${v}-${i}-`.repeat(40) } }));
  const base = writeTree({ 'eks/all.yaml': yamlDocs(crd(1), ...configMaps(1), netpol(443), role(['get']), template('python:3.12'), warmPool(undefined, 2)) });
  const head = writeTree({ 'eks/all.yaml': yamlDocs(...configMaps(2), netpol(8443), role(['get', 'list']), template('python:3.13'), warmPool(undefined, 6)) });
  const result = diffDirectories(base, head);

  test('blocks are ordered templates, pools, policies and RBAC first, CRDs last', () => {
    const order = renderText(result).split('\n').filter((l) => /^[~+-] (changed|added|removed) /.test(l)).map((l) => l.split(' ')[2]);
    expect(order).toStrictEqual(['SandboxTemplate', 'SandboxWarmPool', 'ClusterRole', 'NetworkPolicy', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'CustomResourceDefinition']);
  });

  test('under a short budget the removed CRD is summarized, the security-relevant diffs are shown in full', () => {
    const full = renderMarkdown(result);
    expect(full.length).toBeGreaterThan(8_000);
    const md = renderMarkdown(result, { maxChars: 6_000 });
    expect(md.length).toBeLessThanOrEqual(6_000);
    for (const shown of ['+        - image: python:3.13', '+  replicas: 6', '+      - list', '+        - port: 8443']) expect(md).toContain(shown);
    expect(md).toContain('<details><summary><code>- removed</code> <b>CustomResourceDefinition sandboxes.agents.x-k8s.io</b> (eks)</summary>\n\n<i>Body not shown (');
    expect(md).toMatch(/<i>Body not shown \(\d+ lines\): Sandbox \(agents\.x-k8s\.io\), versions v1alpha1 \(served, storage\)\.<\/i>/);
    expect(md).not.toContain('Field 299, revision 1.');
    expect(md).toMatch(/the diffs of 2 of 11 changes are not shown \(and the diff of the last one shown is cut short\); 1 CustomResourceDefinition is summarized, not printed, to stay under the comment size limit\./);
    // The ConfigMaps are what is cut; each is still named.
    expect(md).toMatch(/^- <code>~ changed<\/code> ConfigMap tenant-a\/aaa-5 \(eks\)$/m);
  });
});

describe('an edit with no effect says so', () => {
  test('identical output: "no change to any rendered object", in both formats', () => {
    const same = tree(() => ({ 'a.yaml': yamlDocs(namespace, serviceAccount()) }), ['aks', 'eks']);
    const r = diffDirectories(same, same);
    expect(renderMarkdown(r)).toBe('### Manifest diff\n\nNo manifest changes: no change to any rendered object (4 objects compared on 2 platforms: aks, eks).\n');
    expect(renderText(r)).toBe('No manifest changes: no change to any rendered object (4 objects compared on 2 platforms: aks, eks).\n');
  });

  const role = (verbs: string[], resources = ['pods', 'services']) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [{ apiGroups: [''], resources, verbs }],
  });

  test('a reorder in a list Kubernetes treats as a set: no effect, counted as such', () => {
    const r = diffDirectories(tree(() => ({ 'r.yaml': yamlDocs(role(['get', 'list', 'watch'])) }), ['eks']), tree(() => ({ 'r.yaml': yamlDocs(role(['watch', 'get', 'list'])) }), ['eks']));
    expect(r.counts).toStrictEqual({ added: 0, removed: 0, changed: 1, noEffect: 1, unchanged: 0 });
    expect(r.objects[0].fieldChanges).toStrictEqual([]);
    expect(r.objects[0].noEffect).toStrictEqual([{ path: 'rules[0].verbs', reason: 'only the order changed, and Kubernetes treats this list as a set' }]);
    const md = renderMarkdown(r);
    expect(md).toContain('**1 changed (1 with no effect), 0 added, 0 removed**');
    expect(md).toContain('<b>ClusterRole reader</b>: no effect: only the order of <code>rules[0].verbs</code> changed (eks)</summary>');
    expect(md).toContain('No effect: <code>rules[0].verbs</code>: only the order changed, and Kubernetes treats this list as a set');
    const text = renderText(r);
    expect(text).toContain('~ changed ClusterRole reader: no effect: only the order of rules[0].verbs changed [eks] (eks/r.yaml)\n  = rules[0].verbs: only the order changed, and Kubernetes treats this list as a set\n');
  });

  test('a reorder beside a real change: the real change is listed, the reorder is noted', () => {
    const r = diffDirectories(tree(() => ({ 'r.yaml': yamlDocs(role(['get', 'list'])) }), ['eks']), tree(() => ({ 'r.yaml': yamlDocs(role(['list', 'get'], ['pods'])) }), ['eks']));
    expect(r.counts.noEffect).toBe(0);
    expect(r.objects[0].fieldChanges.map((c) => c.path)).toStrictEqual(['rules[0].resources[1]']);
    expect(renderText(r)).toContain('  - rules[0].resources[1]: "services"\n  = rules[0].verbs: only the order changed, and Kubernetes treats this list as a set\n');
  });

  test('order is significant where Kubernetes keeps it: container args are a change', () => {
    const reordered = deployment();
    reordered.spec.template.spec.containers[0].args.reverse();
    const r = diffDirectories(writeTree({ 'a.yaml': yamlDocs(deployment()) }), writeTree({ 'a.yaml': yamlDocs(reordered) }));
    expect(r.counts.noEffect).toBe(0);
    expect(r.objects[0].noEffect).toStrictEqual([]);
  });

  test('replicas of a warm pool an autoscaler scales: no lasting effect, says which autoscaler', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'python', namespace: 'tenant-a' },
      spec: { minReplicas: 4, maxReplicas: 16, scaleTargetRef: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'python' } },
    };
    const r = diffDirectories(writeTree({ 'eks/p.yaml': yamlDocs(warmPool(undefined, 4), hpa) }), writeTree({ 'eks/p.yaml': yamlDocs(warmPool(undefined, 6), hpa) }));
    expect(r.counts.noEffect).toBe(1);
    const reason = 'HorizontalPodAutoscaler tenant-a/python scales it (minReplicas 4, maxReplicas 16): the autoscaler sets the replicas';
    expect(r.objects[0].noEffect).toStrictEqual([{ path: 'spec.replicas', reason, change: { path: 'spec.replicas', type: 'changed', oldValue: 4, newValue: 6 } }]);
    expect(renderMarkdown(r)).toContain('<b>SandboxWarmPool tenant-a/python</b>: no effect: <code>replicas</code> 4 → 6 (eks)</summary>');
    expect(renderText(r)).toContain(`  = spec.replicas: 4 → 6: ${reason}\n`);
  });
});
