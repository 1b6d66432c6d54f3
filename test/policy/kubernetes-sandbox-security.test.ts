/**
 * kubernetes-sandbox-secure-profile: Sandboxes and SandboxTemplates meet the sandbox invariants, registered directly
 * and inside a ConfigGroup. The ConfigGroup cases use the real manifests `synth` and the Pulumi program produce
 * (renderPlatform with the example config), joined the way stacks/program.ts feeds a ConfigGroup.
 */
import { load } from 'js-yaml';
import { kubernetesSandboxSecurityPolicy as policy } from '../../policy/rules/kubernetes-sandbox-security';
import { EXAMPLE_CONFIG } from '../../config/example';
import { renderPlatform, type RenderedPlatform } from '../../constructs/output/render';
import type { Platform } from '../../platforms';
import { runPolicy } from '../support/policy-harness';

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const TEMPLATE_TYPE = 'kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate';
const SANDBOX_TYPE = 'kubernetes:agents.x-k8s.io/v1beta1:Sandbox';

const rendered = new Map<Platform, RenderedPlatform>();
function render(platform: Platform): RenderedPlatform {
  if (!rendered.has(platform)) rendered.set(platform, renderPlatform(platform, EXAMPLE_CONFIG));
  return rendered.get(platform)!;
}
/** Every manifest of a platform as one YAML string, as stacks/program.ts joins the files of a ConfigGroup. */
function yamlOf(files: readonly { text: string }[]): string {
  return files.map((f) => f.text).join('---\n');
}
/** The document of one object in a platform's manifests (as text), and its file. */
function documentOf(platform: Platform, kind: string, name: string): { file: number; doc: number; text: string } {
  const files = render(platform).files;
  for (let file = 0; file < files.length; file++) {
    const doc = files[file].documents.findIndex((d) => new RegExp(`^kind: ${kind}$`, 'm').test(d) && new RegExp(`^  name: ${name}$`, 'm').test(d));
    if (doc >= 0) return { file, doc, text: files[file].documents[doc] };
  }
  throw new Error(`${kind} ${name} not rendered for ${platform}`);
}
/** The platform's manifests with one document replaced. */
function yamlWith(platform: Platform, at: { file: number; doc: number }, text: string): string {
  const files = render(platform).files.map((f, i) =>
    i === at.file ? { text: f.documents.map((d, j) => (j === at.doc ? text : d)).join('---\n') } : { text: f.text },
  );
  return yamlOf(files);
}
/** `yaml document <n> (line <l>)` of the document holding the first line matching `marker`, counted here by hand. */
function sourceOf(yaml: string, marker: RegExp): string {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => marker.test(l));
  let doc = 1;
  let start = 1;
  for (let i = 0; i < at; i++) {
    if (lines[i] === '---') {
      doc++;
      start = i + 2;
    }
  }
  return `yaml document ${doc} (line ${start})`;
}
const configGroup = (yaml: string, config: Record<string, unknown> = {}) => runPolicy(policy, { type: CONFIG_GROUP, name: 'eks-workloads', props: { yaml }, config });

const RUNTIME_CLASS_MESSAGE =
  'must name a sandboxed RuntimeClass (gvisor, kata-vm-isolation) so untrusted code does not run on the host kernel, got nothing';
const TOKEN_MESSAGE = 'must be false (a sandbox must not get a ServiceAccount token), got nothing';

describe('kubernetes-sandbox-secure-profile: ConfigGroup with real manifests', () => {
  test('the example config rendered for EKS passes (all files in one ConfigGroup)', async () => {
    const yaml = yamlOf(render('eks').files);
    expect(yaml).toContain('kind: SandboxTemplate');
    expect(await configGroup(yaml)).toStrictEqual({ violations: [] });
  });

  test('a template without automountServiceAccountToken: false and runtimeClassName fails with exactly those two', async () => {
    const at = documentOf('eks', 'SandboxTemplate', 'python-runtime');
    const tampered = at.text.replace(/^ {6}automountServiceAccountToken: false\n/m, '').replace(/^ {6}runtimeClassName: gvisor\n/m, '');
    expect(tampered).not.toBe(at.text);
    expect(tampered).not.toMatch(/automountServiceAccountToken|runtimeClassName/);
    const yaml = yamlWith('eks', at, tampered);
    const source = sourceOf(yaml, /^kind: SandboxTemplate$/);
    expect((await configGroup(yaml)).violations).toStrictEqual([
      `[runtimeClassName] ${source}: SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.runtimeClassName: ${RUNTIME_CLASS_MESSAGE}`,
      `[automountServiceAccountToken] ${source}: SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.automountServiceAccountToken: ${TOKEN_MESSAGE}`,
    ]);
  });

  test('the same objects in the objs input are checked too', async () => {
    const at = documentOf('eks', 'SandboxTemplate', 'node-runtime');
    const template = load(at.text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(await runPolicy(policy, { type: CONFIG_GROUP, props: { objs: [template] } })).toStrictEqual({ violations: [] });
    template.spec.podTemplate.spec.hostNetwork = true;
    expect((await runPolicy(policy, { type: CONFIG_GROUP, props: { objs: [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x' } }, template] } })).violations).toStrictEqual([
      '[hostNetwork] objs[1]: SandboxTemplate research/node-runtime: spec.podTemplate.spec.hostNetwork: must be false or unset (a sandbox must not share the node\'s network namespace (and reach the cloud metadata server)), got true',
    ]);
  });

  test('policy config platform adds that platform\'s pod placement: GKE manifests pass on GKE, EKS manifests do not', async () => {
    expect(await configGroup(yamlOf(render('gke-standard').files), { platform: 'gke-standard' })).toStrictEqual({ violations: [] });
    const violations = (await configGroup(yamlOf(render('eks').files), { platform: 'gke-standard' })).violations;
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.startsWith('[sandboxPlacement] '))).toBe(true);
    expect(violations).toContainEqual(expect.stringContaining('SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.nodeSelector["sandbox.gke.io/runtime"]: must be "gvisor"'));
  });

  test('YAML that cannot be read is a violation (the manifests cannot be checked); a group without sandboxes does not apply', async () => {
    expect((await configGroup('kind: SandboxTemplate\nmetadata: [\n')).violations).toStrictEqual([
      expect.stringMatching(/^\[yaml\] yaml line \d+: YAML: .* \(the manifests cannot be checked\)$/),
    ]);
    const controllerOnly = yamlOf(render('eks').files.filter((f) => f.name.endsWith('-agent-sandbox.yaml')));
    expect(await configGroup(controllerOnly)).toStrictEqual({ violations: [], notApplicable: 'no Sandbox or SandboxTemplate' });
  });
});

describe('kubernetes-sandbox-secure-profile: resources registered directly (how the engine registers ConfigGroup objects)', () => {
  const template = () => load(documentOf('eks', 'SandboxTemplate', 'python-runtime').text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const sandbox = () => {
    const t = template();
    return { apiVersion: 'agents.x-k8s.io/v1beta1', kind: 'Sandbox', metadata: { name: 'one-off', namespace: 'agents-prod' }, spec: { podTemplate: t.spec.podTemplate } };
  };

  test('a version the rules do not know is a violation, not a silent pass (a v1 Sandbox once agent-sandbox ships one)', async () => {
    const v1 = { ...sandbox(), apiVersion: 'agents.x-k8s.io/v1' };
    expect(await runPolicy(policy, { type: 'kubernetes:agents.x-k8s.io/v1:Sandbox', props: v1 })).toStrictEqual({
      violations: [
        '[apiVersion] Sandbox agents-prod/one-off: apiVersion: cannot be checked against the sandbox rules: v1 is not a known version of Sandbox (known: v1alpha1, v1beta1; a newer agent-sandbox release needs its entry in the pin table)',
      ],
    });
  });

  test('a SandboxTemplate and a Sandbox from our manifests pass', async () => {
    expect(await runPolicy(policy, { type: TEMPLATE_TYPE, props: template() })).toStrictEqual({ violations: [] });
    expect(await runPolicy(policy, { type: SANDBOX_TYPE, props: sandbox() })).toStrictEqual({ violations: [] });
  });

  test('a privileged Sandbox with a hostPath volume and no limits fails, one line per rule and path', async () => {
    const s = sandbox();
    const c = s.spec.podTemplate.spec.containers[0];
    c.securityContext.privileged = true;
    delete c.resources.limits;
    s.spec.podTemplate.spec.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    const prefix = '[%s] Sandbox agents-prod/one-off: spec.podTemplate.spec.';
    const line = (rule: string, rest: string) => prefix.replace('%s', rule) + rest;
    expect((await runPolicy(policy, { type: SANDBOX_TYPE, props: s })).violations).toStrictEqual([
      line('privileged', 'containers[0].securityContext.privileged: must be false or unset (a privileged container controls the node), got true'),
      line('resourceLimits', 'containers[0].resources.limits.cpu: must be set (a sandbox without a cpu limit can starve the node), got nothing'),
      line('resourceLimits', 'containers[0].resources.limits.memory: must be set (a sandbox without a memory limit can starve the node), got nothing'),
      line('hostPath', 'volumes[0].hostPath: must not be used (a sandbox must not mount directories of the node), got {"path":"/var/run/docker.sock"}'),
    ]);
  });

  test('apiVersion and kind come from the type token when the inputs lack them', async () => {
    const { apiVersion: _a, kind: _k, ...bare } = template(); // eslint-disable-line @typescript-eslint/no-unused-vars
    bare.spec.podTemplate.spec.runtimeClassName = 'runc';
    expect((await runPolicy(policy, { type: TEMPLATE_TYPE, props: bare })).violations).toStrictEqual([
      '[runtimeClassName] SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.runtimeClassName: must name a sandboxed RuntimeClass (gvisor, kata-vm-isolation) so untrusted code does not run on the host kernel, got "runc"',
    ]);
  });

  test('opt-outs are notes, not violations; an unknown opt-out id is a violation; allowedRuntimeClasses extends the list', async () => {
    const t = template();
    delete t.spec.podTemplate.spec.containers[0].resources.limits;
    t.metadata.annotations = { 'agent-sandbox-infra.io/security-opt-outs': 'resourceLimits' };
    expect(await runPolicy(policy, { type: TEMPLATE_TYPE, props: t })).toStrictEqual({ violations: [] });
    t.metadata.annotations['agent-sandbox-infra.io/security-opt-outs'] = 'resourceLimits,noSuchRule';
    expect((await runPolicy(policy, { type: TEMPLATE_TYPE, props: t })).violations).toStrictEqual([
      expect.stringMatching(/^\[securityOptOuts\] SandboxTemplate agents-prod\/python-runtime: metadata\.annotations\["agent-sandbox-infra\.io\/security-opt-outs"\]: "noSuchRule" is not a sandbox rule id; allowed: runtimeClassName, /),
    ]);
    const kata = template();
    kata.spec.podTemplate.spec.runtimeClassName = 'kata-qemu';
    expect((await runPolicy(policy, { type: TEMPLATE_TYPE, props: kata })).violations).toHaveLength(1);
    expect(await runPolicy(policy, { type: TEMPLATE_TYPE, props: kata, config: { allowedRuntimeClasses: ['kata-qemu'] } })).toStrictEqual({ violations: [] });
  });

  test('a Sandbox without a pod spec is a violation; other kinds do not apply', async () => {
    expect((await runPolicy(policy, { type: SANDBOX_TYPE, props: { metadata: { name: 'x', namespace: 'n' }, spec: {} } })).violations).toStrictEqual([
      '[podSpec] Sandbox n/x: spec.podTemplate.spec: must be a pod spec (a Sandbox runs a pod; the sandbox rules cannot be checked without it), got nothing',
    ]);
    expect((await runPolicy(policy, { type: 'kubernetes:core/v1:Pod', props: { spec: { hostNetwork: true } } })).notApplicable).toBe('no Sandbox or SandboxTemplate');
    expect((await runPolicy(policy, { type: 'gcp:container/nodePool:NodePool', props: {} })).notApplicable).toBe('no Sandbox or SandboxTemplate');
  });

  test('is mandatory', () => {
    expect(policy.enforcementLevel).toBe('mandatory');
  });
});

describe('kubernetes-sandbox-secure-profile: GKE placement inferred from a pod that targets GKE gVisor nodes by halves', () => {
  /** The GKE Standard SandboxTemplate as rendered (nodeSelector and toleration sandbox.gke.io/runtime=gvisor). */
  const gkeTemplate = () => load(documentOf('gke-standard', 'SandboxTemplate', 'python-runtime').text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const check = (props: Record<string, unknown>, config: Record<string, unknown> = {}) => runPolicy(policy, { type: TEMPLATE_TYPE, props, config });
  const INFERRED = " [GKE inferred: the pod carries half of GKE's gVisor placement]";
  const WHY = 'gke-standard schedules gvisor pods only with it; without it a warm pool stays at 0';

  test('both halves: passes without any platform configured', async () => {
    const t = gkeTemplate();
    expect(t.spec.podTemplate.spec.nodeSelector).toStrictEqual({ 'sandbox.gke.io/runtime': 'gvisor' });
    expect(await check(t)).toStrictEqual({ violations: [] });
  });

  test('the GKE nodeSelector without the toleration: the toleration is reported, without platform config', async () => {
    const t = gkeTemplate();
    delete t.spec.podTemplate.spec.tolerations;
    const violations = (await check(t)).violations;
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^\[sandboxPlacement\] SandboxTemplate agents-prod\/python-runtime: spec\.podTemplate\.spec\.tolerations: must include /);
    expect(violations[0]).toContain(`(${WHY}), got nothing${INFERRED}`);
  });

  test('the toleration without the nodeSelector: the nodeSelector is reported', async () => {
    const t = gkeTemplate();
    delete t.spec.podTemplate.spec.nodeSelector;
    expect((await check(t)).violations).toStrictEqual([
      `[sandboxPlacement] SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.nodeSelector["sandbox.gke.io/runtime"]: must be "gvisor" (${WHY}), got nothing${INFERRED}`,
    ]);
  });

  test('a wrong value under the GKE key counts as targeting GKE', async () => {
    const t = gkeTemplate();
    t.spec.podTemplate.spec.nodeSelector = { 'sandbox.gke.io/runtime': 'runsc' };
    delete t.spec.podTemplate.spec.tolerations;
    expect((await check(t)).violations.map((v) => v.slice(0, v.indexOf(':')))).toStrictEqual([
      '[sandboxPlacement] SandboxTemplate agents-prod/python-runtime',
      '[sandboxPlacement] SandboxTemplate agents-prod/python-runtime',
    ]);
  });

  test('no GKE key at all (EKS, kind manifests) or another runtime class: nothing is inferred', async () => {
    expect(await configGroup(yamlOf(render('eks').files))).toStrictEqual({ violations: [] });
    const t = gkeTemplate();
    delete t.spec.podTemplate.spec.tolerations;
    t.spec.podTemplate.spec.runtimeClassName = 'kata-vm-isolation';
    expect(await check(t)).toStrictEqual({ violations: [] });
  });

  test('a configured platform wins over the inference (no inferred note; AKS refuses gvisor outright)', async () => {
    const t = gkeTemplate();
    delete t.spec.podTemplate.spec.tolerations;
    const onGke = (await check(t, { platform: 'gke-autopilot' })).violations;
    expect(onGke).toHaveLength(1);
    expect(onGke[0]).not.toContain(INFERRED);
    expect((await check(t, { platform: 'aks' })).violations.map((v) => v.slice(0, v.indexOf(']') + 1))).toStrictEqual(['[runtimeClassName]']);
  });
});
