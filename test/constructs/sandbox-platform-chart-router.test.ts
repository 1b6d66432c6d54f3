/** `router:` in the configuration: the SandboxRouter wired to the tenants, and the config's own checks. */
import { Testing } from 'cdk8s';
import { validateConfig } from '../../config/validate';
import { SandboxPlatformChart } from '../../constructs/sandbox-platform-chart';
import { findObject, synthObjects, type K8sObject } from '../support/synth';
import { configProblems } from '../support/problems';

const C = { name: 'main', image: 'python:3.12-slim', ports: [{ containerPort: 8888 }], resources: { limits: { cpu: '1', memory: '1Gi' } } };
const TENANT = (name: string) => ({ name, templates: [{ name: 'py', containers: [C] }], warmPools: [{ name: 'pool', template: 'py', replicas: 1 }], claims: [{ name: 'c1', warmPool: 'pool' }] });

function synth(raw: Record<string, unknown>, platform: 'kind' | 'aks' = 'kind'): K8sObject[] {
  const config = validateConfig(raw);
  const chart = new SandboxPlatformChart(Testing.app(), 'platform', { platform, config });
  return synthObjects(chart);
}

const problems = (raw: unknown): readonly string[] => configProblems(raw);

describe('router: in the configuration', () => {
  const objects = synth({ router: { clients: [{ namespace: 'agents', podLabels: { app: 'agent' } }] }, tenants: [TENANT('team-a'), TENANT('team-b')] });

  test('the router reaches the sandbox pods of the tenants (their namespaces by name), and each tenant admits it on the sandbox port only', () => {
    const np = findObject(objects, 'NetworkPolicy', 'sandbox-router');
    expect(np.metadata.namespace).toBe('agent-sandbox-system');
    expect(np.spec.egress[1].to[0].namespaceSelector).toStrictEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a', 'team-b'] }] });
    for (const ns of ['team-a', 'team-b']) {
      const allow = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === 'allow-ingress')!;
      expect(allow.spec.ingress).toStrictEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agent-sandbox-system' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sandbox-router', 'app.kubernetes.io/component': 'sandbox-router' } },
            },
          ],
          ports: [{ port: 8888, protocol: 'TCP' }],
        },
      ]);
    }
  });

  test('the claims of the tenants carry the default lifecycle', () => {
    for (const c of objects.filter((o) => o.kind === 'SandboxClaim')) expect(c.spec.lifecycle).toStrictEqual({ ttlSecondsAfterFinished: 3600, shutdownPolicy: 'Retain' });
  });

  test('no router: no router objects and no extra ingress', () => {
    const plain = synth({ tenants: [TENANT('team-a')] });
    expect(plain.filter((o) => /sandbox-router/.test(o.metadata.name))).toStrictEqual([]);
    expect(plain.filter((o) => o.metadata.name === 'allow-ingress')).toStrictEqual([]);
  });

  test('one sandbox namespace: the Pod-IP cache and its Role are scoped to it; the router stays off untainted sandbox nodes (AKS)', () => {
    const objs = synth({ router: { clients: [{ namespace: 'agents' }], sandboxNamespaces: ['team-a'] }, tenants: [TENANT('team-a'), TENANT('team-b')] }, 'aks');
    expect(findObject(objs, 'Role', 'sandbox-router').metadata.namespace).toBe('team-a');
    expect(objs.filter((o) => o.metadata.name === 'allow-ingress').map((o) => o.metadata.namespace)).toStrictEqual(['team-a']);
    const affinity = findObject(objs, 'Deployment', 'sandbox-router').spec.template.spec.affinity;
    expect(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator).toBe('DoesNotExist');
  });

  test('template claimLifecycle in the config reaches its claims; lifecycle: false opts a claim out visibly', () => {
    const objs = synth({
      tenants: [
        {
          ...TENANT('team-a'),
          templates: [{ name: 'py', containers: [C], claimLifecycle: { ttlSecondsAfterFinished: 300, shutdownPolicy: 'Delete' } }],
          claims: [{ name: 'c1', warmPool: 'pool' }, { name: 'c2', warmPool: 'pool', lifecycle: false }],
        },
      ],
    });
    expect(findObject(objs, 'SandboxClaim', 'c1').spec.lifecycle).toStrictEqual({ ttlSecondsAfterFinished: 300, shutdownPolicy: 'Delete' });
    expect(findObject(objs, 'SandboxClaim', 'c2').spec.lifecycle).toBeUndefined();
    expect(findObject(objs, 'SandboxTemplate', 'py').metadata.annotations['agent-sandbox-infra.io/claim-lifecycle-defaults']).toBe('{"shutdownPolicy":"Delete","ttlSecondsAfterFinished":300}');
  });

  test('bad router settings: every problem, named under router.', () => {
    expect(problems({ router: {} })).toStrictEqual(['router.clients: is required']);
    expect(problems({ router: { clients: [{ namespace: 'agents' }], extraArgs: ['--cache-namespace=x', '--nope'], image: { tag: 'latest' } } })).toStrictEqual([
      'router.image.tag: "latest" is not allowed: name a versioned tag (e.g. "v1.0.3"), never latest',
      'router.extraArgs[0]: --cache-namespace is set by the construct from its props; use the prop instead of extraArgs',
      'router.extraArgs[1]: --nope is not a flag of sandbox-router v1.0.3 (an unknown flag makes it exit at start)',
    ]);
    expect(problems({ agentSandbox: { version: 'v0.5.6' }, router: { clients: [{ namespace: 'agents' }] } })).toContain(
      'router.version: agent-sandbox v0.5.6 has no pinned sandbox router; use a release that has one',
    );
  });
});
