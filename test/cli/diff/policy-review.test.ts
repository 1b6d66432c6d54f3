/**
 * The policy review of a diff's head (cli/diff/policy-review.ts): the policy pack's Kubernetes rules run on the head,
 * and what the reviewer reads in the markdown comment and the terminal.
 */
import { diffManifests, parseManifestText, renderMarkdown, renderText } from '../../../cli/diff';
import { reviewPolicies } from '../../../cli/diff/policy-review';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../../validation/sandbox/object';
import { kubernetesSandboxSecurityPolicy } from '../../../policy/rules/kubernetes-sandbox-security';
import { warmPoolUpperBoundPolicy } from '../../../policy/rules/warm-pool-upper-bound';
import { runPolicy } from '../../support/policy-harness';
import { warmPool, yamlDocs } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A SandboxTemplate that meets the secure profile on EKS/kind (no GKE placement). */
function template(name = 'python', mutate: (spec: Json, metadata: Json) => void = () => {}): Json {
  const spec: Json = {
    runtimeClassName: 'gvisor',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'python',
        image: 'python:3.13',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
        resources: { limits: { cpu: '1', memory: '1Gi' } },
      },
    ],
  };
  const metadata: Json = { name, namespace: 'tenant-a' };
  mutate(spec, metadata);
  return { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxTemplate', metadata, spec: { podTemplate: { spec } } };
}

function autoscaler(maxReplicas?: number): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'python', namespace: 'tenant-a' },
    spec: { scaleTargetRef: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxWarmPool', name: 'python' }, minReplicas: 1, ...(maxReplicas === undefined ? {} : { maxReplicas }) },
  };
}

/** Objects of one file under a platform folder (`<platform>/tenant.yaml`), or at the root when platform is ''. */
function objects(platform: string, ...docs: Json[]) {
  return parseManifestText(yamlDocs(...docs), platform ? `${platform}/tenant.yaml` : 'tenant.yaml', platform);
}

function review(base: ReturnType<typeof objects>, head: ReturnType<typeof objects>, options = {}) {
  const result = diffManifests(base, head);
  return { result, review: reviewPolicies(head, result, options) };
}

describe('reviewPolicies', () => {
  test('a changed template that drops the sandboxed RuntimeClass is mandatory, with the rule, path and message of the pack', () => {
    const { review: r } = review(objects('eks', template()), objects('eks', template('python', (s) => (s.runtimeClassName = 'runc'))));
    expect(r.checked).toBe(1);
    expect(r.findings).toStrictEqual([
      {
        verdict: 'mandatory',
        policy: kubernetesSandboxSecurityPolicy.name,
        rule: 'runtimeClassName',
        key: { platform: 'eks', group: 'extensions.agents.x-k8s.io', kind: 'SandboxTemplate', namespace: 'tenant-a', name: 'python' },
        status: 'changed',
        path: 'spec.podTemplate.spec.runtimeClassName',
        message: 'must name a sandboxed RuntimeClass (gvisor on eks) so untrusted code does not run on the host kernel, got "runc"',
      },
    ]);
  });

  test('the folder names the platform: a pod fine on EKS lacks GKE\'s gVisor placement under gke-standard/', () => {
    const head = objects('gke-standard', template());
    const { review: r } = review([], head);
    expect(r.findings.map((f) => [f.verdict, f.rule, f.status, f.path])).toStrictEqual([
      ['mandatory', 'sandboxPlacement', 'added', 'spec.podTemplate.spec.nodeSelector["sandbox.gke.io/runtime"]'],
      ['mandatory', 'sandboxPlacement', 'added', 'spec.podTemplate.spec.tolerations'],
    ]);
    expect(review([], objects('eks', template())).review.findings).toStrictEqual([]);
  });

  test('a head that is one platform\'s folder gets its platform from the options; without one, any sandboxed class passes', () => {
    const kata = objects('', template('python', (s) => (s.runtimeClassName = 'kata-vm-isolation')));
    expect(review([], kata).review.findings).toStrictEqual([]);
    const onEks = review([], kata, { platform: 'eks' }).review.findings;
    expect(onEks.map((f) => `${f.rule}: ${f.message}`)).toStrictEqual([
      'runtimeClassName: must name a sandboxed RuntimeClass (gvisor on eks) so untrusted code does not run on the host kernel, got "kata-vm-isolation"',
    ]);
  });

  test('without a platform, half of GKE\'s placement marks the pod as GKE (as the pack infers it)', () => {
    const half = template('python', (s) => (s.nodeSelector = { 'sandbox.gke.io/runtime': 'gvisor' }));
    const { review: r } = review([], objects('', half));
    expect(r.findings.map((f) => [f.rule, f.path])).toStrictEqual([['sandboxPlacement', 'spec.podTemplate.spec.tolerations']]);
  });

  test('opted-out rules are listed as opt-outs, not violations; an unknown opt-out id is a violation', () => {
    const optedOut = template('python', (s, m) => {
      s.securityContext.runAsNonRoot = false;
      s.securityContext.runAsUser = 0;
      // uid 0 is its own rule since Pod Security restricted became part of the profile (issue 14 item 2).
      m.annotations = { [SECURITY_OPT_OUTS_ANNOTATION]: 'runAsNonRoot,runAsUser' };
    });
    const r = review(objects('kind', template()), objects('kind', optedOut)).review;
    expect(r.findings.length).toBeGreaterThan(0);
    expect(new Set(r.findings.map((f) => `${f.verdict} ${f.rule} ${f.status}`))).toStrictEqual(new Set(['opt-out runAsNonRoot changed', 'opt-out runAsUser changed']));
    expect(r.findings.find((f) => f.rule === 'runAsNonRoot')!.message).toContain('(opted out: "runAsNonRoot" in metadata.annotations["agent-sandbox-infra.io/security-opt-outs"])');

    const typo = template('python', (_s, m) => (m.annotations = { [SECURITY_OPT_OUTS_ANNOTATION]: 'runAsNonRot' }));
    const bad = review([], objects('kind', typo)).review.findings;
    expect(bad.map((f) => [f.verdict, f.rule, f.path])).toStrictEqual([['mandatory', 'securityOptOuts', 'metadata.annotations["agent-sandbox-infra.io/security-opt-outs"]']]);
  });

  test('warm pools and their autoscalers over the bound are advisory; the bound can be set', () => {
    const head = objects('eks', warmPool('extensions.agents.x-k8s.io/v1beta1', 600), autoscaler());
    const r = review(objects('eks', warmPool('extensions.agents.x-k8s.io/v1beta1', 2), autoscaler()), head).review;
    expect(r.checked).toBe(2);
    expect(r.findings.map((f) => [f.verdict, f.policy, f.rule, f.key.kind, f.status, f.message])).toStrictEqual([
      ['advisory', warmPoolUpperBoundPolicy.name, 'warmPoolReplicas', 'SandboxWarmPool', 'changed', 'should be ≤ 500 (every warm sandbox is a running pod, on AKS a VM), got 600'],
      ['advisory', warmPoolUpperBoundPolicy.name, 'warmPoolAutoscalerMax', 'HorizontalPodAutoscaler', 'unchanged', 'should be set and ≤ 500 (it bounds SandboxWarmPool python), got nothing'],
    ]);
    expect(review([], head, { maxWarmPoolReplicas: 1000 }).review.findings.map((f) => f.rule)).toStrictEqual(['warmPoolAutoscalerMax']);
  });

  test('mandatory findings come first; objects the pack ignores are not counted', () => {
    const head = objects('eks', warmPool('extensions.agents.x-k8s.io/v1beta1', 900), template('python', (s) => delete s.containers[0].resources), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'tenant-a' },
    });
    const r = review([], head).review;
    expect(r.checked).toBe(2);
    expect(r.findings.map((f) => f.verdict)).toStrictEqual(['mandatory', 'mandatory', 'advisory']);
  });
});

describe('the review says "blocks" exactly where the pack, configured as CI configures it, reports a violation', () => {
  // .github/workflows/preview.yml hands the pack {"kubernetes-sandbox-secure-profile": {"platform": <the stack's>}}.
  const variants: [string, (s: Json, m: Json) => void][] = [
    ['compliant', () => {}],
    ['runc', (s) => (s.runtimeClassName = 'runc')],
    ['kata on a gVisor platform', (s) => (s.runtimeClassName = 'kata-vm-isolation')],
    ['GKE placement', (s) => {
      s.nodeSelector = { 'sandbox.gke.io/runtime': 'gvisor' };
      s.tolerations = [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }];
    }],
    ['hostPID', (s) => (s.hostPID = true)],
    ['opted out of runAsNonRoot', (s, m) => {
      s.securityContext.runAsNonRoot = false;
      m.annotations = { [SECURITY_OPT_OUTS_ANNOTATION]: 'runAsNonRoot' };
    }],
  ];
  const platforms = ['eks', 'aks', 'gke-standard', 'kind'] as const;
  test.each(platforms.flatMap((p) => variants.map(([name, mutate]) => [p, name, mutate] as const)))('%s: %s', async (platform, _name, mutate) => {
    const object = template('python', mutate);
    const mandatory = review([], objects(platform, object)).review.findings.filter((f) => f.verdict === 'mandatory');
    const pack = await runPolicy(kubernetesSandboxSecurityPolicy, {
      type: 'kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate',
      props: object,
      config: { platform },
    });
    expect(mandatory.map((f) => `[${f.rule}] SandboxTemplate tenant-a/python: ${f.path}: ${f.message}`)).toStrictEqual(pack.violations);
  });
});

describe('rendering the review', () => {
  const blocked = () => review(objects('eks', template(), autoscaler(10)), objects('eks', template('python', (s) => (s.hostNetwork = true)), autoscaler(900)));

  test('markdown: a policy section under the summary table, one row per finding, and a marker on each object', () => {
    const { result, review: r } = blocked();
    const md = renderMarkdown(result, { policy: r });
    const lines = md.split('\n');
    const at = lines.indexOf('#### Policy pack');
    expect(at).toBeGreaterThan(lines.indexOf('| **total** | **0** | **0** | **2** | **2** |'));
    expect(lines.slice(at + 2, at + 7)).toStrictEqual([
      '**⛔ 1 object would block `pulumi preview --policy-pack policy`** (1 mandatory finding); 1 advisory, 0 opted out.',
      '',
      '| | object | status | policy [rule] | path | why |',
      '|---|---|---|---|---|---|',
      '| ⛔ blocks | SandboxTemplate tenant-a/python (eks) | changed | kubernetes-sandbox-secure-profile [hostNetwork] | <code>spec.podTemplate.spec.hostNetwork</code> | must be false or unset (a sandbox must not share the node\'s network namespace (and reach the cloud metadata server)), got true |',
    ]);
    expect(lines[at + 7]).toBe(
      '| ⚠️ advisory | HorizontalPodAutoscaler tenant-a/python (eks) | changed | sandbox-warm-pool-upper-bound [warmPoolAutoscalerMax] | <code>spec.maxReplicas</code> | should be set and ≤ 500 (it bounds SandboxWarmPool python), got 900 |',
    );
    expect(md).toContain('<summary><code>~ changed</code> <b>SandboxTemplate tenant-a/python</b>: <code>hostNetwork</code> added (eks) ⛔ blocks</summary>');
    expect(md).toContain('<summary><code>~ changed</code> <b>HorizontalPodAutoscaler tenant-a/python</b>: <code>maxReplicas</code> 10 → 900 (eks) ⚠️ advisory</summary>');
    expect(md.indexOf('#### Policy pack')).toBeLessThan(md.indexOf('<details>'));
  });

  test('markdown: the section survives truncation; without findings it is one line, and absent when nothing changed', () => {
    const { result, review: r } = blocked();
    const limit = renderMarkdown(result, { policy: r }).length - 200;
    const capped = renderMarkdown(result, { policy: r, maxChars: limit });
    expect(capped).toContain('> **Output truncated:**');
    expect(capped).toContain('kubernetes-sandbox-secure-profile [hostNetwork]');
    expect(capped.length).toBeLessThanOrEqual(limit);
    // Too small for any row: the verdict line and the count stay.
    const tiny = renderMarkdown(result, { policy: r, maxChars: 1000 });
    expect(tiny.length).toBeLessThanOrEqual(1000);
    expect(tiny).toContain('**⛔ 1 object would block');
    expect(tiny).toContain('… and 2 more findings');
    expect(tiny).not.toContain('| | object |');

    const clean = review(objects('eks', template()), objects('eks', template('python', (s) => (s.containers[0].image = 'python:3.14'))));
    expect(renderMarkdown(clean.result, { policy: clean.review })).toContain(
      '#### Policy pack\n\nNo findings: 1 sandbox, template and warm-pool objects pass `kubernetes-sandbox-secure-profile` and `sandbox-warm-pool-upper-bound`.',
    );
    const same = review(objects('eks', template()), objects('eks', template()));
    expect(renderMarkdown(same.result, { policy: same.review })).toBe('### Manifest diff\n\nNo manifest changes: no change to any rendered object (1 object compared on 1 platform: eks).\n');
    const stillBlocked = review(objects('eks', template('python', (s) => (s.hostPID = true))), objects('eks', template('python', (s) => (s.hostPID = true))));
    const md = renderMarkdown(stillBlocked.result, { policy: stillBlocked.review });
    expect(md).toMatch(/^### Manifest diff\n\nNo manifest changes: no change to any rendered object \(1 object compared on 1 platform: eks\)\.\n\n#### Policy pack\n\n\*\*⛔ 1 object would block/);
    expect(md).toContain('| ⛔ blocks | SandboxTemplate tenant-a/python (eks) | unchanged |');
  });

  test('markdown: a policy section larger than the limit gives up rows, never the limit', () => {
    const many = Array.from({ length: 45 }, (_, i) => template(`t${String(i).padStart(2, '0')}`, (s) => (s.runtimeClassName = 'runc')));
    const { result, review: r } = review([], objects('eks', ...many));
    for (const maxChars of [3_000, 8_000, 20_000]) {
      const md = renderMarkdown(result, { policy: r, maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(md).toContain('**⛔ 45 objects would block');
      const rows = md.match(/^\| ⛔ blocks \|/gm)?.length ?? 0;
      expect(md).toContain(`… and ${45 - rows} more findings`);
      expect(md).toContain('> **Output truncated:**');
    }
  });

  test('markdown: at most 40 rows, then how many more', () => {
    const many = Array.from({ length: 45 }, (_, i) => template(`t${String(i).padStart(2, '0')}`, (s) => (s.runtimeClassName = 'runc')));
    const { result, review: r } = review([], objects('eks', ...many));
    const md = renderMarkdown(result, { policy: r });
    expect(md.match(/^\| ⛔ blocks \|/gm)).toHaveLength(40);
    expect(md).toContain('… and 5 more findings; for all of them, run `agent-sandbox-infra diff --format text <base> <head>` locally or see the job log.');
    expect(md).toContain('**⛔ 45 objects would block');
  });

  test('text: a marker after each object header and one line per finding at the end', () => {
    const { result, review: r } = blocked();
    const lines = renderText(result, { policy: r }).trimEnd().split('\n');
    expect(lines).toContain('~ changed SandboxTemplate tenant-a/python: hostNetwork added [eks] (eks/tenant.yaml) [BLOCKS]');
    expect(lines).toContain('~ changed HorizontalPodAutoscaler tenant-a/python: maxReplicas 10 → 900 [eks] (eks/tenant.yaml) [advisory]');
    expect(lines.slice(-4)).toStrictEqual([
      'Policy pack: 1 object would block `pulumi preview --policy-pack policy` (1 mandatory, 1 advisory, 0 opted out)',
      '  BLOCKS SandboxTemplate tenant-a/python [eks] (changed): kubernetes-sandbox-secure-profile [hostNetwork]: spec.podTemplate.spec.hostNetwork: must be false or unset (a sandbox must not share the node\'s network namespace (and reach the cloud metadata server)), got true',
      '  advisory HorizontalPodAutoscaler tenant-a/python [eks] (changed): sandbox-warm-pool-upper-bound [warmPoolAutoscalerMax]: spec.maxReplicas: should be set and ≤ 500 (it bounds SandboxWarmPool python), got 900',
      expect.stringMatching(/^ {2}Objects under a platform's folder are checked as that platform/),
    ]);
    expect(renderText(result)).not.toContain('Policy pack');
  });
});
