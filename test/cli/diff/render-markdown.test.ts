import { diffDirectories, renderMarkdown } from '../../../cli/diff';
import { deployment, namespace, removeTrees, serviceAccount, writeTree, yamlDocs } from './helpers';

afterAll(removeTrees);

const PLATFORMS = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kind'];

/** Changes on every platform: a changed Deployment, an added and a removed ServiceAccount, 20 changed ConfigMaps. */
function bigResult() {
  const configMaps = (v: number) =>
    Array.from({ length: 20 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { value: `v${v}-${i}`.repeat(10) } }));
  const tree = (v: number) =>
    Object.fromEntries(
      PLATFORMS.map((p) => [
        `${p}/all.yaml`,
        yamlDocs(namespace, deployment(`img:${v}`), serviceAccount(v === 1 ? 'old' : 'new'), ...configMaps(v)),
      ]),
    );
  return diffDirectories(writeTree(tree(1)), writeTree(tree(2)));
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const fenceLines = (text: string) => count(text, /^`{3,}/gm);

describe('renderMarkdown', () => {
  const result = bigResult();

  test('full output: heading, summary table with totals, one <details> block per object', () => {
    const md = renderMarkdown(result);
    expect(md.startsWith('### Manifest diff\n\n**105 changed, 5 added, 5 removed, 5 unchanged**\n')).toBe(true);
    expect(md).toContain(
      [
        '| kind | added | removed | changed |',
        '|---|--:|--:|--:|',
        '| ConfigMap | 0 | 0 | 100 |',
        '| Deployment | 0 | 0 | 5 |',
        '| ServiceAccount | 5 | 5 | 0 |',
        '| **total** | **5** | **5** | **105** |',
      ].join('\n'),
    );
    expect(count(md, /<details>/g)).toBe(result.objects.length);
    expect(count(md, /<\/details>/g)).toBe(result.objects.length);
    expect(fenceLines(md)).toBe(2 * result.objects.length);
    expect(md).toContain(
      '<details><summary><code>~ changed</code> <b>Deployment agent-sandbox-system/agent-sandbox-controller</b> (eks)</summary>\n\n' +
        'Changed: <code>spec.template.spec.containers[0].image</code>\n\n```diff\n@@',
    );
    expect(md).toContain('<summary><code>+ added</code> <b>ServiceAccount agent-sandbox-system/new</b> (kind)</summary>');
    expect(md).toContain('<summary><code>- removed</code> <b>ServiceAccount agent-sandbox-system/old</b> (aks)</summary>');
    expect(md).toContain('\n-          image: img:1\n+          image: img:2\n');
    expect(md).not.toContain('Output truncated');
  });

  test.each([2_000, 5_000, 20_000])('truncated at %i chars: keeps the summary, notes the omitted count, balances fences and tags', (maxChars) => {
    const md = renderMarkdown(result, { maxChars });
    expect(md.length).toBeLessThanOrEqual(maxChars);
    expect(md).toContain('| **total** | **5** | **5** | **105** |');
    const shown = count(md, /<details>/g);
    expect(shown).toBeLessThan(result.objects.length);
    expect(count(md, /<\/details>/g)).toBe(shown);
    expect(fenceLines(md) % 2).toBe(0);
    expect(fenceLines(md)).toBe(2 * shown);
    const note = md.match(/\*\*Output truncated:\*\* the diffs of (\d+) of (\d+) objects with changes are not shown/);
    expect(note).not.toBeNull();
    const cut = md.includes('more diff lines not shown') ? 1 : 0;
    expect(Number(note![1])).toBe(result.objects.length - shown);
    expect(Number(note![2])).toBe(result.objects.length);
    expect(cut === 1).toBe(md.includes('(and the diff of the last one shown is cut short)'));
    expect(md).toContain('`agent-sandbox-infra diff --format text <base> <head>` locally or see the job log');
    // Every object whose diff is not shown is named in the note (within 15% of the limit), the rest counted.
    const notShown = result.objects.slice(shown);
    const listed = [...md.matchAll(/^- <code>(.*?)<\/code> (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const more = /^- … and (\d+) more$/m.exec(md);
    expect(listed.length + (more ? Number(more[1]) : 0)).toBe(notShown.length);
    expect(listed).toStrictEqual(notShown.slice(0, listed.length).map((o) => `${o.status === 'changed' ? '~ changed' : o.status === 'added' ? '+ added' : '- removed'} ${o.key.kind} ${o.key.namespace ? `${o.key.namespace}/` : ''}${o.key.name} (${o.key.platform})`));
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
    expect(md).toContain('the diffs of 0 of 1 objects with changes are not shown (and the diff of the last one shown is cut short)');
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
    expect(renderMarkdown(diffDirectories(same, same))).toBe('### Manifest diff\n\nNo manifest changes. (2 objects compared)\n');
  });
});
