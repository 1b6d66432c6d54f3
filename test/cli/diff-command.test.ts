/**
 * `agent-sandbox-infra diff` end to end through the real command: two synth outputs of the example config (one of
 * them from a modified config), compared with the exit codes, formats, redaction and size cap CI relies on.
 * The `--git` path (build + synth of a git ref) lives in diff-command-git.test.ts: it is slow.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { EXAMPLE_CONFIG } from '../../config/example';
import { clearUpstreamMemo } from '../../core/upstream/store';
import { runCli } from '../support/cli';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let scratch: string;
/** Synth of the unchanged example config, shared (read-only) by the tests. */
let exampleOut: string;
/** Synth of the modified config (controller replicas 2 → 3, research/node-warm replicas 2 → 3). */
let modifiedOut: string;

/** A fresh, writable copy of a synth output (only the given platforms: loading the CRDs is most of a diff's time). */
function copyOf(src: string, name: string, platforms = readdirSync(src)): string {
  const dst = join(scratch, name);
  for (const platform of platforms) {
    for (const file of readdirSync(join(src, platform))) {
      const target = join(dst, platform, file);
      mkdirSync(join(dst, platform), { recursive: true });
      writeFileSync(target, readFileSync(join(src, platform, file)));
    }
  }
  return dst;
}

function modifiedConfig(): Json {
  const config = JSON.parse(JSON.stringify(EXAMPLE_CONFIG)) as Json;
  expect(config.agentSandbox.replicas).toBe(2);
  config.agentSandbox.replicas = 3;
  const research = config.tenants.find((t: Json) => t.name === 'research');
  const pool = research.warmPools.find((p: Json) => p.name === 'node-warm');
  expect(pool.replicas).toBe(2);
  pool.replicas = 3;
  return config;
}

let fullMarkdown: Promise<Awaited<ReturnType<typeof runCli>>> | undefined;
/** `diff --format markdown example modified`, run once for the tests that read it. */
function markdownDiff() {
  fullMarkdown ??= runCli(['diff', '--format', 'markdown', exampleOut, modifiedOut]);
  return fullMarkdown;
}

async function synthInto(out: string, config?: string): Promise<void> {
  clearUpstreamMemo();
  const run = await runCli(['synth', '--out', out, ...(config ? ['--config', config] : [])]);
  if (run.code !== 0) throw new Error(`synth failed (${run.code}):\n${run.stderr}`);
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-diff-cmd-'));
  exampleOut = join(scratch, 'example');
  modifiedOut = join(scratch, 'modified');
  const configFile = join(scratch, 'modified-config.yaml');
  writeFileSync(configFile, dump(modifiedConfig(), { noRefs: true }));
  await synthInto(exampleOut);
  await synthInto(modifiedOut, configFile);
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('agent-sandbox-infra diff', () => {
  test('two synths of the same config: exit 0 and "no change to any rendered object" in both formats', async () => {
    const again = join(scratch, 'again');
    await synthInto(again);
    const md = await runCli(['diff', '--format', 'markdown', exampleOut, again]);
    expect(md.stderr).toBe('');
    expect(md.code).toBe(0);
    const sentence = /^No manifest changes: no change to any rendered object \((\d+) objects compared on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes\)\.$/m;
    expect(md.stdout).toMatch(new RegExp(`^### Manifest diff\n\n${sentence.source.slice(1, -1)}\n$`));
    const objects = Number(sentence.exec(md.stdout)![1]);
    expect(objects).toBeGreaterThan(100); // every platform's objects were loaded and matched
    const text = await runCli(['diff', exampleOut, again]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`No manifest changes: no change to any rendered object (${objects} objects compared on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes).\n`);
  });

  test('a modified config: exit 2, markdown opens with the summary table and shows each change once, with its values and platforms', async () => {
    const run = await markdownDiff();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('### Manifest diff');
    // Two changes (controller replicas, warm-pool replicas), each made on all six platforms: counted once.
    expect(lines[2]).toMatch(/^\*\*2 changed, 0 added, 0 removed\*\* \(12 objects on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes\), \d+ unchanged$/);
    expect(lines.slice(4, 6)).toStrictEqual(['| kind | added | removed | changed | objects |', '|---|--:|--:|--:|--:|']);
    expect(lines.slice(6, lines.indexOf('', 6))).toStrictEqual([
      '| Deployment | 0 | 0 | 1 | 6 |',
      '| SandboxWarmPool | 0 | 0 | 1 | 6 |',
      '| **total** | **0** | **0** | **2** | **12** |',
    ]);
    // Between the table and the first per-object block: the policy pack's verdict on the head (clean here).
    const policyAt = lines.indexOf('#### Policy pack');
    expect(policyAt).toBe(lines.indexOf('', 6) + 1);
    expect(lines[policyAt + 2]).toMatch(/^No findings: \d+ sandbox, template and warm-pool objects pass `kubernetes-sandbox-secure-profile` and `sandbox-warm-pool-upper-bound`\.$/);
    expect(run.stdout.indexOf('<details>')).toBeGreaterThan(run.stdout.indexOf('#### Policy pack'));

    const blocks = [...run.stdout.matchAll(/<details><summary>(.*?)<\/summary>/g)].map((m) => m[1]);
    // Exactly the objects the two replica counts drive, once each with every platform, warm pools first; nothing unrelated.
    expect(blocks).toStrictEqual([
      '<code>~ changed</code> <b>SandboxWarmPool research/node-warm</b>: <code>replicas</code> 2 → 3 (all 6 platforms)',
      '<code>~ changed</code> <b>Deployment agent-sandbox-system/agent-sandbox-controller</b>: <code>replicas</code> 2 → 3 (all 6 platforms)',
    ]);
    expect(run.stdout).toContain('Changed: <code>spec.replicas</code>');
    expect(run.stdout).toMatch(/^-\s+replicas: 2\n\+\s+replicas: 3$/m);
    expect(run.stdout.length).toBeLessThanOrEqual(60_000);
  });

  test('--format text: counts line, kind table, one header per changed object with its field changes', async () => {
    const run = await runCli(['diff', '--format', 'text', exampleOut, modifiedOut]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Manifest diff: 2 changed, 0 added, 0 removed \(12 objects on 6 platforms: aks, eks, gke-autopilot, gke-standard, kind, kubernetes\), \d+ unchanged$/);
    expect(lines[2].split(/\s+/)).toStrictEqual(['KIND', 'ADDED', 'REMOVED', 'CHANGED', 'OBJECTS']);
    expect(lines).toContain('~ changed Deployment agent-sandbox-system/agent-sandbox-controller: replicas 2 → 3 [all 6 platforms] (<platform>/10-agent-sandbox.yaml)');
    expect(run.stdout).toMatch(/^~ changed SandboxWarmPool research\/node-warm: replicas 2 → 3 \[all 6 platforms\] \(<platform>\/50-tenant-research\.yaml\)\n {2}~ spec\.replicas: 2 → 3$/m);
    expect(lines.filter((l) => l.startsWith('~ changed'))).toHaveLength(2);
    expect(run.stdout).not.toContain('<details>');
    expect(run.stdout).not.toContain('\u001b['); // no color unless asked
    const colored = await runCli(['diff', '--color', copyOf(exampleOut, 'color-base', ['eks']), copyOf(modifiedOut, 'color-head', ['eks'])]);
    expect(colored.stdout).toContain('\u001b[32m+');
  });

  test('errors exit 1 with a message that names the problem', async () => {
    const missing = join(scratch, 'does-not-exist');
    const noBase = await runCli(['diff', missing, modifiedOut]);
    expect(noBase.code).toBe(1);
    expect(noBase.stdout).toBe('');
    expect(noBase.stderr).toBe(`agent-sandbox-infra: ${missing}: no such file or directory\n`);

    const noHead = await runCli(['diff', exampleOut, missing]);
    expect(noHead.code).toBe(1);
    expect(noHead.stderr).toContain(`${missing}: no such file or directory`);

    for (const bad of ['999', '0', '-5', 'lots', '1500.5']) {
      const run = await runCli(['diff', '--format', 'markdown', '--max-chars', bad, exampleOut, modifiedOut]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`agent-sandbox-infra: --max-chars: must be an integer ≥ 1000, got "${bad}"\n`);
    }
    const eksBase = copyOf(exampleOut, 'eks-base', ['eks']);
    const eksHead = copyOf(modifiedOut, 'eks-head', ['eks']);
    expect((await runCli(['diff', '--format', 'markdown', '--max-chars', '1000', eksBase, eksHead])).code).toBe(2);

    const badFormat = await runCli(['diff', '--format', 'html', exampleOut, modifiedOut]);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain("'html' is invalid");

    const broken = copyOf(exampleOut, 'broken', ['eks']);
    writeFileSync(join(broken, 'eks', '99-broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n');
    const parse = await runCli(['diff', eksBase, broken]);
    expect(parse.code).toBe(1);
    expect(parse.stderr).toMatch(/^agent-sandbox-infra: .*99-broken\.yaml:\d+: YAML parse error/);

    const gitAndBase = await runCli(['diff', '--git', 'HEAD', exampleOut, modifiedOut]);
    expect(gitAndBase.code).toBe(1);
    expect(gitAndBase.stderr).toContain('with --git the base is synthesized from the ref; give only [head]');

    const badRef = await runCli(['diff', '--git', 'no-such-ref-xyz', modifiedOut]);
    expect(badRef.code).toBe(1);
    expect(badRef.stderr).toContain('--git no-such-ref-xyz: not a commit of the repository');
  });

  test('the policy pack\'s verdict on the head: what would block, on which object and why; --no-policy leaves it out', async () => {
    const base = copyOf(exampleOut, 'policy-base', ['eks', 'gke-standard']);
    const head = copyOf(exampleOut, 'policy-head', ['eks', 'gke-standard']);
    const eksFile = join(head, 'eks', '40-tenant-agents-prod.yaml');
    writeFileSync(eksFile, readFileSync(eksFile, 'utf8').replace(/^( {6}runtimeClassName:) gvisor$/m, '$1 runc'));
    // GKE's gVisor toleration removed from a template: GKE admission refuses the pod (and a warm pool stays at 0).
    const gkeFile = join(head, 'gke-standard', '40-tenant-agents-prod.yaml');
    const gke = readFileSync(gkeFile, 'utf8');
    const withoutToleration = gke.replace(/^( {6})tolerations:\n {8}- effect: NoSchedule\n {10}key: sandbox\.gke\.io\/runtime\n {10}operator: Equal\n {10}value: gvisor\n/m, '');
    expect(withoutToleration).not.toBe(gke);
    writeFileSync(gkeFile, withoutToleration);

    const md = await runCli(['diff', '--format', 'markdown', base, head]);
    expect(md.code).toBe(2);
    expect(md.stdout).toContain('**⛔ 2 objects would block `pulumi preview --policy-pack policy`** (2 mandatory findings); 0 advisory, 0 opted out.');
    expect(md.stdout).toContain(
      '| ⛔ blocks | SandboxTemplate agents-prod/python-runtime (eks) | changed | kubernetes-sandbox-secure-profile [runtimeClassName] | <code>spec.podTemplate.spec.runtimeClassName</code> | must name a sandboxed RuntimeClass (gvisor on eks) so untrusted code does not run on the host kernel, got "runc" |',
    );
    expect(md.stdout).toMatch(/^\| ⛔ blocks \| SandboxTemplate agents-prod\/python-runtime \(gke-standard\) \| changed \| kubernetes-sandbox-secure-profile \[sandboxPlacement\] \| <code>spec\.podTemplate\.spec\.tolerations<\/code> \| must include \{key: sandbox\.gke\.io\/runtime, operator: Equal, value: gvisor, effect: NoSchedule\}/m);
    expect(md.stdout).toContain('<b>SandboxTemplate agents-prod/python-runtime</b>: <code>runtimeClassName</code> gvisor → runc (eks) ⛔ blocks</summary>');

    const text = await runCli(['diff', base, head]);
    expect(text.stdout).toMatch(/^ {2}BLOCKS SandboxTemplate agents-prod\/python-runtime \[eks\] \(changed\): kubernetes-sandbox-secure-profile \[runtimeClassName\]: /m);

    const quiet = await runCli(['diff', '--format', 'markdown', '--no-policy', base, head]);
    expect(quiet.code).toBe(2);
    expect(quiet.stdout).not.toContain('Policy pack');
    expect(quiet.stdout).not.toContain('⛔');

    // One platform's folder as head: its name is the platform (kata-vm-isolation is sandboxed, but not on EKS).
    const eksOnly = join(head, 'eks');
    writeFileSync(eksFile, readFileSync(eksFile, 'utf8').replace(/^( {6}runtimeClassName:) runc$/m, '$1 kata-vm-isolation'));
    const folder = await runCli(['diff', join(base, 'eks'), eksOnly]);
    expect(folder.stdout).toContain('BLOCKS SandboxTemplate agents-prod/python-runtime (changed): kubernetes-sandbox-secure-profile [runtimeClassName]');
    expect(folder.stdout).toContain('got "kata-vm-isolation"');
  });

  test('--max-chars: the budget goes to the warm pool and controller diffs; removed CRD bodies are summarized, not printed', async () => {
    // The modified config's synth without its CRDs: four CRDs removed on every platform (~850 KB of schema each).
    const head = copyOf(modifiedOut, 'no-crds');
    for (const platform of readdirSync(head)) rmSync(join(head, platform, '00-crds.yaml'));
    const full = await runCli(['diff', '--format', 'markdown', exampleOut, head]);
    expect(full.code).toBe(2);
    expect(full.stdout.length).toBeLessThanOrEqual(60_000);
    // Both replica changes in full, first; each CRD once, for all six platforms, with what it defines instead of its body.
    expect(full.stdout).toMatch(/^-\s+replicas: 2\n\+\s+replicas: 3$/m);
    const blocks = [...full.stdout.matchAll(/<details><summary><code>(.*?)<\/code> <b>(.*?)<\/b>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(blocks.slice(0, 2)).toStrictEqual(['~ changed SandboxWarmPool research/node-warm', '~ changed Deployment agent-sandbox-system/agent-sandbox-controller']);
    expect(blocks.slice(2).every((b) => b.startsWith('- removed CustomResourceDefinition '))).toBe(true);
    expect(blocks.length - 2).toBe(4);
    // The two large ones (thousands of schema lines) are summarized; the small ones fit in the rest of the budget.
    expect(full.stdout).toMatch(/<b>CustomResourceDefinition sandboxes\.agents\.x-k8s\.io<\/b> \(all 6 platforms\)<\/summary>\n\n<i>Body not shown \(\d{4,} lines\): Sandbox \(agents\.x-k8s\.io\), versions v1\w+ \(served, storage\)\.<\/i>/);
    expect(full.stdout).toMatch(/<b>CustomResourceDefinition sandboxtemplates\.extensions\.agents\.x-k8s\.io<\/b> \(all 6 platforms\)<\/summary>\n\n<i>Body not shown \(\d{4,} lines\): SandboxTemplate \(extensions\.agents\.x-k8s\.io\)/);
    expect(full.stdout).toContain('> **Output truncated:** 2 CustomResourceDefinitions are summarized, not printed, to stay under the comment size limit.');
    expect(full.stdout).not.toContain('podTemplate:\n'); // no line of the Sandbox CRD's schema

    const capped = await runCli(['diff', '--format', 'markdown', '--max-chars', '3000', exampleOut, head]);
    expect(capped.code).toBe(2);
    expect(capped.stdout.length).toBeLessThanOrEqual(3000);
    expect(capped.stdout).toMatch(/> \*\*Output truncated:\*\* the diffs of \d+ of 6 changes are not shown/);
    // What is cut is still named, with its platforms; the warm pool's change comes first.
    expect(capped.stdout).toContain('<b>SandboxWarmPool research/node-warm</b>: <code>replicas</code> 2 → 3 (all 6 platforms)');
    expect(capped.stdout).toMatch(/^Not shown:\n(- <code>[~-] (changed|removed)<\/code> (Deployment|CustomResourceDefinition) \S+ \(all 6 platforms\)\n)+/m);
    // The summary table is never cut.
    expect(capped.stdout).toContain('| **total** |');
  });

  test('document order inside a file does not matter', async () => {
    const base = copyOf(exampleOut, 'unshuffled', ['eks']);
    const shuffled = copyOf(exampleOut, 'shuffled', ['eks']);
    const file = join(shuffled, 'eks', '10-agent-sandbox.yaml');
    const original = readFileSync(file, 'utf8');
    const docs = original.split(/^---\n/m).filter((d) => d.trim() !== '');
    expect(docs.length).toBeGreaterThan(5);
    const reordered = [...docs].reverse();
    [reordered[0], reordered[2]] = [reordered[2], reordered[0]];
    const text = reordered.map((d) => (d.endsWith('\n') ? d : `${d}\n`)).join('---\n');
    expect(text).not.toBe(original);
    writeFileSync(file, text);
    const run = await runCli(['diff', base, shuffled]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^No manifest changes: no change to any rendered object \(\d+ objects compared on 1 platform: eks\)\.$/m);
    expect(run.code).toBe(0);

    // The same shuffle plus one real edit is still found (the shuffle did not blind the comparison).
    writeFileSync(file, text.replace(/^( {2}replicas:) 2$/m, '$1 7'));
    const edited = await runCli(['diff', base, shuffled]);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toContain('~ spec.replicas: 2 → 7');
  });

  test('Secret data and kubeconfig credentials never reach the output, even when they changed', async () => {
    const base = copyOf(exampleOut, 'secret-base', ['eks']);
    const head = copyOf(exampleOut, 'secret-head', ['eks']);
    const values = {
      base: { data: 'YmFzZS1wYXNzd29yZC0xMjM0NQ==', stringData: 'base-plain-s3cr3t-value', token: 'base-kube-token-AAAA1111' },
      head: { data: 'aGVhZC1wYXNzd29yZC02Nzg5MA==', stringData: 'head-plain-s3cr3t-value', token: 'head-kube-token-BBBB2222' },
    };
    const extra = (v: (typeof values)['base'], label: string) =>
      dump({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'model-api', namespace: 'agents-prod', labels: { rev: label } }, type: 'Opaque', data: { apiKey: v.data }, stringData: { other: v.stringData } }) +
      '---\n' +
      dump({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cluster-access', namespace: 'agents-prod', labels: { rev: label } },
        data: {
          kubeconfig: dump({
            apiVersion: 'v1',
            kind: 'Config',
            clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1' } }],
            contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
            users: [{ name: 'u', user: { token: v.token } }],
          }),
        },
      });
    writeFileSync(join(base, 'eks', '90-extra.yaml'), extra(values.base, 'one'));
    writeFileSync(join(head, 'eks', '90-extra.yaml'), extra(values.head, 'two'));
    const secrets = [...Object.values(values.base), ...Object.values(values.head)];
    const decoded = [values.base.data, values.head.data].map((b) => Buffer.from(b, 'base64').toString('utf8'));
    for (const args of [['--format', 'markdown'], ['--format', 'text'], ['--color']]) {
      const run = await runCli(['diff', ...args, base, head]);
      expect(run.code).toBe(2);
      // Both objects are reported as changed (their labels changed)…
      expect(run.stdout).toMatch(/Secret agents-prod\/model-api/);
      expect(run.stdout).toMatch(/ConfigMap agents-prod\/cluster-access/);
      // …with the secret parts marked, never shown.
      expect(run.stdout).toContain('<redacted (changed)>');
      for (const s of [...secrets, ...decoded]) expect(run.stdout).not.toContain(s);
      expect(run.stderr).not.toMatch(/s3cr3t|kube-token|cGFzc3dvcmQ/);
    }
    // Sanity: the values are really in the files the command read.
    expect(readFileSync(join(head, 'eks', '90-extra.yaml'), 'utf8')).toContain(values.head.token);
  });
});
