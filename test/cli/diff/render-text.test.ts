import { diffDirectories, renderText } from '../../../cli/diff';
import { deployment, namespace, removeTrees, serviceAccount, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

describe('renderText', () => {
  const base = writeTree({ 'eks/a.yaml': yamlDocs(namespace, deployment(), serviceAccount('old')) });
  const head = writeTree({ 'eks/a.yaml': yamlDocs(namespace, deployment('img:2')) });
  const result = diffDirectories(base, head);

  test('summary lines, kind table, field changes and +/- unified diffs, no colors by default', () => {
    const text = renderText(result);
    expect(text.startsWith('Manifest diff: 1 changed, 0 added, 1 removed, 1 unchanged\n\n')).toBe(true);
    expect(text).toContain(
      ['KIND            ADDED  REMOVED  CHANGED  OBJECTS', 'Deployment          0        0        1        1', 'ServiceAccount      0        1        0        1', 'total               0        1        1        2'].join('\n'),
    );
    expect(text).toContain(
      '~ changed Deployment agent-sandbox-system/agent-sandbox-controller: image agent-sandbox-controller:v0.5.6 → img:2 [eks] (eks/a.yaml)\n' +
        '  ~ spec.template.spec.containers[0].image: "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6" → "img:2"\n' +
        '@@ -19,7 +19,7 @@\n',
    );
    expect(text).toContain('\n-          image: registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6\n+          image: img:2\n');
    expect(text).toContain('- removed ServiceAccount agent-sandbox-system/old [eks] (eks/a.yaml)\n@@ -1,5 +0,0 @@\n-apiVersion: v1\n');
    expect(text).not.toContain('\u001b[');
  });

  test('color on request; field list can be turned off', () => {
    const colored = renderText(result, { color: true });
    expect(colored).toContain('\u001b[31m-          image: registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6\u001b[0m');
    expect(colored).toContain('\u001b[32m+          image: img:2\u001b[0m');
    expect(colored).toContain('\u001b[36m@@ -19,7 +19,7 @@\u001b[0m');
    expect(renderText(result, { fieldChanges: false })).not.toContain('  ~ spec.template');
  });

  test('no changes renders a short message', () => {
    expect(renderText(diffDirectories(base, base))).toBe('No manifest changes: no change to any rendered object (3 objects compared on 1 platform: eks).\n');
  });
});
