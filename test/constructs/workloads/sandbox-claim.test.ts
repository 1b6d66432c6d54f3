import { Chart, Testing } from 'cdk8s';
import { AgentSandbox } from '../../../constructs/agent-sandbox/agent-sandbox';
import { validateConstructTree } from '../../../constructs/output/manifest-files';
import { labelDomainAllowed, SandboxClaim, type SandboxClaimProps } from '../../../constructs/workloads/sandbox-claim';
import { SandboxWarmPool } from '../../../constructs/workloads/sandbox-warm-pool';
import type { SandboxTemplateProps } from '../../../constructs/workloads/sandbox-template';
import { findObject, synthObjects, type K8sObject } from '../../support/synth';
import { chartWithController, errorOf, MAIN, template } from './support';
import { EXTENSIONS_API } from '../../support/upstream';

/** A chart with a template + pool ("pool") and a claim on it. */
function claimIn(chart: Chart, props: Partial<SandboxClaimProps> = {}, templateProps: Partial<SandboxTemplateProps> = {}): K8sObject {
  const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart, templateProps) });
  new SandboxClaim(chart, 'claim', { warmPool: pool, ...props });
  return findObject(synthObjects(chart), 'SandboxClaim');
}

const claim = (props: Partial<SandboxClaimProps> = {}, templateProps: Partial<SandboxTemplateProps> = {}) => claimIn(Testing.chart(), props, templateProps);
const claimError = (props: Partial<SandboxClaimProps>, templateProps: Partial<SandboxTemplateProps> = {}, chart = Testing.chart()) =>
  errorOf(() => claimIn(chart, props, templateProps));
const labels = (...keys: string[]) => ({ additionalPodMetadata: { labels: Object.fromEntries(keys.map((k) => [k, 'x'])) } });

describe('SandboxClaim', () => {
  test('defaults: the warm pool reference, in the pool\'s namespace, expiring an hour after its sandbox finished (the claim kept)', () => {
    expect(claim()).toStrictEqual({
      apiVersion: EXTENSIONS_API,
      kind: 'SandboxClaim',
      metadata: { name: 'claim', namespace: 'ns', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: { warmPoolRef: { name: 'pool' }, lifecycle: { ttlSecondsAfterFinished: 3600, shutdownPolicy: 'Retain' } },
    });
  });

  test("lifecycle: the claim's fields over its template's claimLifecycle over our default, field by field", () => {
    const tpl = { claimLifecycle: { ttlSecondsAfterFinished: 600, shutdownTime: '2027-01-31T00:00:00Z' } };
    expect(claim({}, tpl).spec.lifecycle).toStrictEqual({ ttlSecondsAfterFinished: 600, shutdownPolicy: 'Retain', shutdownTime: '2027-01-31T00:00:00Z' });
    expect(claim({ lifecycle: { shutdownPolicy: 'Delete', ttlSecondsAfterFinished: 0 } }, tpl).spec.lifecycle).toStrictEqual({
      ttlSecondsAfterFinished: 0,
      shutdownPolicy: 'Delete',
      shutdownTime: '2027-01-31T00:00:00Z',
    });
  });

  test('lifecycle: false emits none and says so in the opt-outs annotation', () => {
    const c = claim({ lifecycle: false });
    expect(c.spec.lifecycle).toBeUndefined();
    expect(c.metadata.annotations).toStrictEqual({ 'agent-sandbox-infra.io/security-opt-outs': 'lifecycle' });
  });

  test("lifecycle is checked against the release's SandboxClaim CRD: its fields, its shutdownPolicy enum, int32 seconds", () => {
    expect(claimError({ lifecycle: { shutdownPolicy: 'Orphan', ttlSecondsAfterFinished: 2 ** 31, maxLifetime: '1h' } as never })).toBe(
      [
        'SandboxClaim "test/claim" is invalid:',
        '  lifecycle.maxLifetime: is not a field of SandboxClaim spec.lifecycle in agent-sandbox v1.0.3 (fields: shutdownPolicy, shutdownTime, ttlSecondsAfterFinished)',
        '  lifecycle.shutdownPolicy: must be one of Delete, DeleteForeground, Retain (agent-sandbox v1.0.3), got "Orphan"',
        '  lifecycle.ttlSecondsAfterFinished: must be an integer from 0 to 2147483647 seconds, got 2147483648',
      ].join('\n'),
    );
  });

  test('lifecycle, pod metadata, env and volume claim templates are emitted as given', () => {
    const pvc = { metadata: { name: 'scratch' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const spec = claim(
      {
        lifecycle: { shutdownTime: '2026-12-31T23:59:59Z', shutdownPolicy: 'DeleteForeground', ttlSecondsAfterFinished: 600 },
        additionalPodMetadata: { labels: { 'sandbox.users.io/owner': 'alice' }, annotations: { 'any.domain/note': 'annotations are not restricted' } },
        env: [{ name: 'TASK', value: 'build', containerName: 'main' }],
        volumeClaimTemplates: [pvc],
      },
      { envVarsInjectionPolicy: 'Allowed', volumeClaimTemplatesPolicy: 'Allowed' },
    ).spec;
    expect(spec).toStrictEqual({
      warmPoolRef: { name: 'pool' },
      lifecycle: { shutdownTime: '2026-12-31T23:59:59Z', shutdownPolicy: 'DeleteForeground', ttlSecondsAfterFinished: 600 },
      additionalPodMetadata: { labels: { 'sandbox.users.io/owner': 'alice' }, annotations: { 'any.domain/note': 'annotations are not restricted' } },
      env: [{ name: 'TASK', value: 'build', containerName: 'main' }],
      volumeClaimTemplates: [pvc],
    });
  });

  test.each(['2026-12-31T23:59:59Z', '2026-02-28T00:00:00.123Z', '2028-02-29T12:00:00+05:30', '2026-06-01T08:00:00-07:00'])(
    'shutdownTime %s is accepted',
    (shutdownTime) => {
      expect(claim({ lifecycle: { shutdownTime } }).spec.lifecycle).toStrictEqual({ shutdownTime, shutdownPolicy: 'Retain', ttlSecondsAfterFinished: 3600 });
    },
  );

  test.each([
    ['tomorrow', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "tomorrow"'],
    ['2026-12-31 23:59:59Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31 23:59:59Z"'],
    ['2026-12-31T23:59:59', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T23:59:59"'],
    ['2026-13-01T00:00:00Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-13-01T00:00:00Z" (there is no month 13)'],
    ['2026-02-29T00:00:00Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-02-29T00:00:00Z" (2026-02 has no day 29)'],
    ['2026-04-31T00:00:00Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-04-31T00:00:00Z" (2026-04 has no day 31)'],
    ['2026-12-31T24:00:00Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T24:00:00Z" (hour 24 is past 23)'],
    ['2026-12-31T23:60:00Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T23:60:00Z" (minute 60 is past 59)'],
    ['2026-12-31T23:59:60Z', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T23:59:60Z" (second 60 is past 59)'],
    ['2026-12-31T23:59:59+25:00', 'must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-12-31T23:59:59+25:00" (offset +25:00 is out of range)'],
  ])('shutdownTime %s is refused', (shutdownTime, message) => {
    expect(claimError({ lifecycle: { shutdownTime } })).toBe(`SandboxClaim "test/claim" is invalid:\n  lifecycle.shutdownTime: ${message}`);
  });

  test('ttlSecondsAfterFinished must be a whole number ≥ 0', () => {
    expect(claimError({ lifecycle: { ttlSecondsAfterFinished: -5 } })).toBe(
      'SandboxClaim "test/claim" is invalid:\n  lifecycle.ttlSecondsAfterFinished: must be an integer from 0 to 2147483647 seconds, got -5',
    );
  });
});

describe('SandboxClaim label domains', () => {
  test('labelDomainAllowed: the domain itself and its subdomains, nothing else', () => {
    const domains = ['sandbox.users.io'];
    expect(labelDomainAllowed('sandbox.users.io/team', domains)).toBe(true);
    expect(labelDomainAllowed('eu.sandbox.users.io/team', domains)).toBe(true);
    expect(labelDomainAllowed('evilsandbox.users.io/team', domains)).toBe(false);
    expect(labelDomainAllowed('sandbox.users.io.evil.com/team', domains)).toBe(false);
    expect(labelDomainAllowed('users.io/team', domains)).toBe(false);
    expect(labelDomainAllowed('team', domains)).toBe(false);
  });

  test('default allowlist sandbox.users.io: the domain and subdomains pass', () => {
    const spec = claim(labels('sandbox.users.io/owner', 'team.sandbox.users.io/cost-center')).spec;
    expect(Object.keys(spec.additionalPodMetadata.labels)).toStrictEqual(['sandbox.users.io/owner', 'team.sandbox.users.io/cost-center']);
  });

  test('no controller in the chart: refused against the installed controller\'s default, advising allowedLabelDomains on the claim', () => {
    // e.g. GKE's managed add-on: agentSandbox.allowedLabelDomains would change nothing there.
    const reason =
      "no agent-sandbox controller is in this chart, so the allowlist is the installed controller's (for GKE's managed add-on, its default sandbox.users.io): " +
      'the controller only accepts label keys in the allowed domains (sandbox.users.io) or their subdomains; use an allowed prefix, ' +
      'or, if that controller was configured with other domains, pass them as allowedLabelDomains on the claim';
    expect(claimError(labels('agents.example.com/owner', 'team', 'sandbox.users.io/ok'))).toBe(
      'SandboxClaim "test/claim" is invalid:\n' +
        `  additionalPodMetadata.labels["agents.example.com/owner"]: ${reason}\n` +
        `  additionalPodMetadata.labels["team"]: ${reason}`,
    );
  });

  test('the chart\'s AgentSandbox allowedLabelDomains replace the default', () => {
    const chart = () => chartWithController({ allowedLabelDomains: ['agents.example.com'] });
    expect(claimIn(chart(), labels('agents.example.com/owner', 'eu.agents.example.com/region')).spec.additionalPodMetadata.labels).toStrictEqual({
      'agents.example.com/owner': 'x',
      'eu.agents.example.com/region': 'x',
    });
    expect(claimError(labels('sandbox.users.io/owner'), {}, chart())).toBe(
      'SandboxClaim "test/claim" is invalid:\n' +
        '  additionalPodMetadata.labels["sandbox.users.io/owner"]: the controller only accepts label keys in the allowed domains (agents.example.com) or their subdomains; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix',
    );
  });

  test('an explicit allowedLabelDomains prop wins (controller installed elsewhere)', () => {
    expect(claim({ allowedLabelDomains: ['corp.example'], ...labels('corp.example/team') }).spec.additionalPodMetadata.labels).toStrictEqual({
      'corp.example/team': 'x',
    });
  });

  test('a key outside an explicit allowedLabelDomains: the message points at the claim prop and the controller', () => {
    expect(claimError({ allowedLabelDomains: ['corp.example'], ...labels('sandbox.users.io/team') })).toBe(
      'SandboxClaim "test/claim" is invalid:\n' +
        '  additionalPodMetadata.labels["sandbox.users.io/team"]: the controller only accepts label keys in the allowed domains (corp.example) or their subdomains, ' +
        "as given in this claim's allowedLabelDomains; use an allowed prefix, or add the domain to the controller's allowed-label-domains and to allowedLabelDomains",
    );
  });
});

describe('SandboxClaim env and volumes against the template policy', () => {
  test('env with the template policy Disallowed (the default) is refused', () => {
    expect(claimError({ env: [{ name: 'A', value: '1' }] })).toBe(
      'SandboxClaim "test/claim" is invalid:\n' +
        '  env: SandboxTemplate "tpl" has envVarsInjectionPolicy Disallowed, so the controller would reject these env vars; set it to Allowed or Overrides',
    );
  });

  test.each(['Allowed', 'Overrides'] as const)('env with the template policy %s is emitted', (envVarsInjectionPolicy) => {
    expect(claim({ env: [{ name: 'A', value: '1' }] }, { envVarsInjectionPolicy }).spec.env).toStrictEqual([{ name: 'A', value: '1' }]);
  });

  test('env for a container the template does not have is refused, naming the containers it has', () => {
    expect(
      claimError({ env: [{ name: 'A', value: '1', containerName: 'worker' }] }, { envVarsInjectionPolicy: 'Allowed', containers: [MAIN, { ...MAIN, name: 'proxy' }] }),
    ).toBe('SandboxClaim "test/claim" is invalid:\n  env[0].containerName: "worker" is not a container of SandboxTemplate "tpl" (main, proxy)');
  });

  test('volumeClaimTemplates with the template policy Disallowed are refused', () => {
    expect(claimError({ volumeClaimTemplates: [{ metadata: { name: 'x' }, spec: {} }] })).toBe(
      'SandboxClaim "test/claim" is invalid:\n  volumeClaimTemplates: SandboxTemplate "tpl" has volumeClaimTemplatesPolicy Disallowed; set it to Allowed or Overrides',
    );
  });
});

describe('workloads created before their chart\'s AgentSandbox (TypeScript apps may build in any order)', () => {
  test('the controller checks run again at synth: extensions off, and a label outside the later controller\'s allowlist', () => {
    const app = Testing.app();
    const build = (id: string, controller: ConstructorParameters<typeof AgentSandbox>[2]) => {
      const chart = new Chart(app, id);
      // Template, pool and claim first; a default-domain label passes at construction (no controller known yet)…
      const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart) });
      new SandboxClaim(chart, 'claim', { warmPool: pool, additionalPodMetadata: { labels: { 'sandbox.users.io/owner': 'alice' } } });
      // …then the controller.
      new AgentSandbox(chart, 'AgentSandbox', controller);
      return chart;
    };
    const noExtensions = build('no-extensions', { controller: { extensions: false } });
    const otherDomains = build('other-domains', { allowedLabelDomains: ['agents.example.com'] });
    const extensionsOff = (kind: string) =>
      `the agent-sandbox controller in this chart runs without extensions (AgentSandbox controller.extensions: false; in a config file agentSandbox.controller.extensions), so the ${kind} CRD is not installed and no controller would reconcile ${kind}s; enable extensions`;
    expect(errorOf(() => validateConstructTree(noExtensions)).split('\n')).toStrictEqual([
      'invalid constructs:',
      `  no-extensions/tpl: ${extensionsOff('SandboxTemplate')}`,
      `  no-extensions/pool: ${extensionsOff('SandboxWarmPool')}`,
      `  no-extensions/claim: ${extensionsOff('SandboxClaim')}`,
    ]);
    expect(errorOf(() => validateConstructTree(otherDomains)).split('\n')).toStrictEqual([
      'invalid constructs:',
      '  other-domains/claim: additionalPodMetadata.labels["sandbox.users.io/owner"]: the controller only accepts label keys in the allowed domains (agents.example.com) or their subdomains; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix',
    ]);
    // cdk8s's own synth runs the same validations.
    expect(() => app.synth()).toThrow(/Validation failed with the following errors:\n {2}\[no-extensions\/tpl\] the agent-sandbox controller/);
  });

  test('in the usual order, or with a controller that allows the label, nothing is left for synth', () => {
    const chart = Testing.chart();
    const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart) });
    new SandboxClaim(chart, 'claim', { warmPool: pool, additionalPodMetadata: { labels: { 'sandbox.users.io/owner': 'alice' } } });
    new AgentSandbox(chart, 'AgentSandbox', { allowedLabelDomains: ['sandbox.users.io'] });
    expect(() => validateConstructTree(chart)).not.toThrow();
    expect(findObject(synthObjects(chart), 'SandboxClaim').spec.additionalPodMetadata.labels).toStrictEqual({ 'sandbox.users.io/owner': 'alice' });
  });
});

describe('a claim cannot loosen the pod it claims (issue 14 item 2)', () => {
  test.each([
    'container.apparmor.security.beta.kubernetes.io/agent',
    'container.seccomp.security.alpha.kubernetes.io/agent',
    'seccomp.security.alpha.kubernetes.io/pod',
  ])('an additionalPodMetadata annotation %s is refused', (key) => {
    expect(claimError({ additionalPodMetadata: { annotations: { [key]: 'unconfined' } } })).toContain(
      `additionalPodMetadata.annotations["${key}"]: a claim may not set the pod's security profile (AppArmor/seccomp); set it in the template, where the secure profile checks it`,
    );
  });
});
