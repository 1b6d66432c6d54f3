import { diffDirectories, renderMarkdown } from '../../../cli/diff';
import { deployment, namespace, removeTrees, serviceAccount, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

const PLATFORMS = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kind'];

/**
 * Changes on every platform: a changed Deployment, an added and a removed ServiceAccount (each the same everywhere: one
 * change each), and 20 ConfigMaps changed differently on each platform (100 changes).
 */
function bigResult() {
  const configMaps = (v: number, p: string) =>
    Array.from({ length: 20 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { value: `${p}-v${v}-${i}`.repeat(4) } }));
  const tree = (v: number) =>
    Object.fromEntries(
      PLATFORMS.map((p) => [
        `${p}/all.yaml`,
        yamlDocs(namespace, deployment(`img:${v}`), serviceAccount(v === 1 ? 'old' : 'new'), ...configMaps(v, p)),
      ]),
    );
  return diffDirectories(writeTree(tree(1)), writeTree(tree(2)));
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const fenceLines = (text: string) => count(text, /^`{3,}/gm);

describe('renderMarkdown', () => {
  const result = bigResult();

  test('full output: heading, summary table with totals, one <details> block per change', () => {
    const md = renderMarkdown(result);
    expect(md.startsWith('### Manifest diff\n\n**101 changed, 1 added, 1 removed** (115 objects on 5 platforms: aks, eks, gke-autopilot, gke-standard, kind), 5 unchanged\n')).toBe(true);
    expect(md).toContain(
      [
        '| kind | added | removed | changed | objects |',
        '|---|--:|--:|--:|--:|',
        '| ConfigMap | 0 | 0 | 100 | 100 |',
        '| Deployment | 0 | 0 | 1 | 5 |',
        '| ServiceAccount | 1 | 1 | 0 | 10 |',
        '| **total** | **1** | **1** | **101** | **115** |',
      ].join('\n'),
    );
    expect(result.changes).toHaveLength(103);
    expect(count(md, /<details>/g)).toBe(result.changes.length);
    expect(count(md, /<\/details>/g)).toBe(result.changes.length);
    expect(fenceLines(md)).toBe(2 * result.changes.length);
    expect(md).toContain(
      '<details><summary><code>~ changed</code> <b>Deployment agent-sandbox-system/agent-sandbox-controller</b>: <code>image</code> img 1 → 2 (all 5 platforms)</summary>\n\n' +
        'Changed: <code>spec.template.spec.containers[0].image</code>\n\n```diff\n@@',
    );
    expect(md).toContain('<summary><code>+ added</code> <b>ServiceAccount agent-sandbox-system/new</b> (all 5 platforms)</summary>');
    expect(md).toContain('<summary><code>- removed</code> <b>ServiceAccount agent-sandbox-system/old</b> (all 5 platforms)</summary>');
    expect(md).toContain('<summary><code>~ changed</code> <b>ConfigMap cm-0</b>: <code>value</code> kind-v1-0kind-v1-0kind-v1-0kind-v1-0 → kind-v2-0kind-v2-0kind-v2-0kind-v2-0 (kind)</summary>');
    expect(md).toContain('\n-          image: img:1\n+          image: img:2\n');
    expect(md).not.toContain('Output truncated');
  });

  test.each([2_000, 5_000, 20_000])('truncated at %i chars: keeps the summary, notes the omitted count, balances fences and tags', (maxChars) => {
    const md = renderMarkdown(result, { maxChars });
    expect(md.length).toBeLessThanOrEqual(maxChars);
    expect(md).toContain('| **total** | **1** | **1** | **101** | **115** |');
    const shown = count(md, /<details>/g);
    expect(shown).toBeLessThan(result.changes.length);
    expect(count(md, /<\/details>/g)).toBe(shown);
    expect(fenceLines(md) % 2).toBe(0);
    expect(fenceLines(md)).toBe(2 * shown);
    const note = md.match(/\*\*Output truncated:\*\* the diffs of (\d+) of (\d+) changes are not shown/);
    expect(note).not.toBeNull();
    const cut = md.includes('more diff lines not shown') ? 1 : 0;
    expect(Number(note![1])).toBe(result.changes.length - shown);
    expect(Number(note![2])).toBe(result.changes.length);
    expect(cut === 1).toBe(md.includes('(and the diff of the last one shown is cut short)'));
    expect(md).toContain('`agent-sandbox-infra diff --format text <base> <head>` locally or see the job log');
    // Every change whose diff is not shown is named in the note (within 15% of the limit), the rest counted.
    const notShown = result.changes.slice(shown);
    const listed = [...md.matchAll(/^- <code>(.*?)<\/code> (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const more = /^- … and (\d+) more$/m.exec(md);
    expect(listed.length + (more ? Number(more[1]) : 0)).toBe(notShown.length);
    expect(listed).toStrictEqual(notShown.slice(0, listed.length).map((o) => `${o.status === 'changed' ? '~ changed' : o.status === 'added' ? '+ added' : '- removed'} ${o.key.kind} ${o.key.namespace ? `${o.key.namespace}/` : ''}${o.key.name} (${o.platforms.length === PLATFORMS.length ? `all ${PLATFORMS.length} platforms` : o.platforms.join(', ')})`));
    expect(listed.length).toBeGreaterThan(0);
    const list = md.slice(md.indexOf('Not shown:'), md.indexOf('\n\n', md.indexOf('Not shown:')));
    expect(list.length).toBeLessThanOrEqual(Math.floor(maxChars * 0.15));
  });

  test('a single block larger than the budget is cut short with its fence closed', () => {
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, 'x'.repeat(30)])) };
    const r = diffDirectories(writeTree({ 'a.yaml': yamlDocs(namespace) }), writeTree({ 'a.yaml': yamlDocs(namespace, big) }));
    const md = renderMarkdown(r, { maxChars: 3_000 });
    expect(md.length).toBeLessThanOrEqual(3_000);
    expect(md).toMatch(/<i>… \d+ more diff lines not shown<\/i>/);
    expect(md).toContain('the diffs of 0 of 1 changes are not shown (and the diff of the last one shown is cut short)');
    expect(md).not.toContain('Not shown:');
    expect(fenceLines(md)).toBe(2);
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
  });

  test('content with backtick runs cannot close the fence', () => {
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'readme' }, data: { 'README.md': `# Title\n\`\`\`\`\nsh ${v}\n\`\`\`\`\n` } });
    const md = renderMarkdown(diffDirectories(writeTree({ 'a.yaml': yamlDocs(cm('a')) }), writeTree({ 'a.yaml': yamlDocs(cm('b')) })));
    expect(md).toContain('\n`````diff\n');
    expect(md).toMatch(/\n`````\n\n<\/details>/);
  });

  test('no changes renders a short message', () => {
    const same = writeTree({ 'eks/a.yaml': yamlDocs(namespace, serviceAccount()) });
    expect(renderMarkdown(diffDirectories(same, same))).toBe('### Manifest diff\n\nNo manifest changes: no change to any rendered object (2 objects compared on 1 platform: eks).\n');
  });
});
