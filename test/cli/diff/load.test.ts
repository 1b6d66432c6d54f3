import * as path from 'node:path';
import { diffDirectories, loadManifests, ManifestLoadError } from '../../../cli/diff';
import { namespace, removeTrees, serviceAccount, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

describe('loadManifests', () => {
  test('reads .yaml/.yml recursively, skips empty documents and other files, expands kind: List', () => {
    const root = writeTree({
      'eks/a.yaml': `---\n# only a comment\n---\n${yamlDocs(namespace)}---\n`,
      'eks/sub/b.yml': yamlDocs({ apiVersion: 'v1', kind: 'List', items: [serviceAccount('one'), serviceAccount('two')] }),
      'eks/notes.txt': 'not yaml: [',
      'top.yaml': yamlDocs(serviceAccount('top')),
    });
    const objects = loadManifests(root);
    expect(objects.map((o) => [o.source, o.line, o.key.platform, o.key.name])).toEqual([
      ['eks/a.yaml', 4, 'eks', 'agent-sandbox-system'],
      ['eks/sub/b.yml', 1, 'eks', 'one'],
      ['eks/sub/b.yml', 1, 'eks', 'two'],
      ['top.yaml', 1, '', 'top'],
    ]);
    expect(objects[1].key).toEqual({ platform: 'eks', group: '', kind: 'ServiceAccount', namespace: 'agent-sandbox-system', name: 'one' });
  });

  test('a YAML parse error names the file and the line, without quoting the source', () => {
    const root = writeTree({ 'eks/ok.yaml': yamlDocs(namespace), 'eks/broken.yaml': `${yamlDocs(namespace)}---\nkind: Secret\npassword: hunter2: oops\n` });
    const file = path.join(root, 'eks/broken.yaml');
    let error: unknown;
    try {
      diffDirectories(root, root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestLoadError);
    expect((error as ManifestLoadError).file).toBe(file);
    expect((error as Error).message).toMatch(new RegExp(`^${escape(file)}:7: YAML parse error: `));
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('duplicate keys and unresolved aliases are errors naming file and line', () => {
    const root = writeTree({ 'a.yaml': 'apiVersion: v1\nkind: Namespace\nkind: Namespace\nmetadata: {name: x}\n' });
    expect(() => loadManifests(root)).toThrow(/a\.yaml:3: YAML parse error: duplicated mapping key/);
    const alias = writeTree({ 'b.yaml': `${yamlDocs(namespace)}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: *x}\n` });
    expect(() => loadManifests(alias)).toThrow(/b\.yaml:8: YAML parse error: unidentified alias "x"/);
  });

  test('documents that are not Kubernetes objects, and duplicate objects, are errors naming the file', () => {
    expect(() => loadManifests(writeTree({ 'a.yaml': '- 1\n- 2\n' }))).toThrow(/a\.yaml:1: document is not a mapping/);
    expect(() => loadManifests(writeTree({ 'a.yaml': `${yamlDocs(namespace)}---\napiVersion: v1\nkind: ConfigMap\n` }))).toThrow(
      /a\.yaml:6: not a Kubernetes object: missing metadata\.name/,
    );
    const dup = writeTree({ 'eks/a.yaml': yamlDocs(namespace), 'eks/b.yaml': yamlDocs(namespace) });
    expect(() => loadManifests(dup)).toThrow(`${path.join(dup, 'eks/b.yaml')}:1: Namespace agent-sandbox-system is defined twice, also at ${path.join(dup, 'eks/a.yaml')}:1`);
    // ...but the same object under two platforms is fine.
    expect(loadManifests(writeTree({ 'eks/a.yaml': yamlDocs(namespace), 'aks/a.yaml': yamlDocs(namespace) }))).toHaveLength(2);
  });

  test('a missing path is an error naming it', () => {
    expect(() => loadManifests('/nonexistent/manifests')).toThrow('/nonexistent/manifests: no such file or directory');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
