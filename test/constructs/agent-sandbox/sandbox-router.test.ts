import { loadAll } from 'js-yaml';
import { SandboxRouter, type SandboxRouterProps } from '../../../constructs/agent-sandbox/sandbox-router';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS, type RouterFileName } from '../../../core/upstream/pins';
import { readUpstreamText } from '../../../core/upstream/store';
import { findObject, newChart, synthObjects, type K8sObject } from '../../support/synth';

const routerReleases = AGENT_SANDBOX_VERSIONS.filter((v) => agentSandboxRelease(v).router);
const CLIENTS = [{ namespace: 'agents', podLabels: { app: 'agent' } }];

function router(props: Partial<SandboxRouterProps> = {}): K8sObject[] {
  const chart = newChart();
  new SandboxRouter(chart, 'Router', { clients: CLIENTS, ...props });
  return synthObjects(chart);
}

function upstreamRouter(version: string, file: RouterFileName): K8sObject[] {
  return (loadAll(readUpstreamText(agentSandboxRelease(version).router!.files[file])) as (K8sObject | null)[]).filter((d): d is K8sObject => !!d);
}

describe.each(routerReleases.map((v) => [v]))('SandboxRouter parity with upstream %s sandbox-router/deploy', (version) => {
  const release = agentSandboxRelease(version);
  const ours = router({ version });
  const upstream = (['serviceaccount.yaml', 'deployment.yaml', 'service.yaml', 'pdb.yaml', 'rbac.yaml', 'networkpolicy.yaml'] as const).flatMap((f) => upstreamRouter(version, f));

  test('the same objects as the default upstream install (rbac-tokenreview.yaml only for --authz-mode=tokenreview)', () => {
    const ids = (objs: K8sObject[]) => objs.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    expect(ids(ours)).toStrictEqual(ids(upstream));
    const withTokenReview = router({ version, authzMode: 'tokenreview' });
    const delegator = upstreamRouter(version, 'rbac-tokenreview.yaml')[0];
    const mine = findObject(withTokenReview, 'ClusterRoleBinding', delegator.metadata.name);
    expect({ roleRef: mine.roleRef, subjects: mine.subjects }).toStrictEqual({ roleRef: delegator.roleRef, subjects: delegator.subjects });
  });

  test('the router runs with upstream args, ports, probes, resources and container hardening; the image is pinned to the release, not :latest', () => {
    const theirs = findObject(upstream, 'Deployment').spec.template.spec;
    const mine = findObject(ours, 'Deployment').spec.template.spec;
    for (const field of ['args', 'ports', 'livenessProbe', 'readinessProbe', 'resources', 'securityContext', 'imagePullPolicy', 'name']) {
      expect({ [field]: mine.containers[0][field] }).toStrictEqual({ [field]: theirs.containers[0][field] });
    }
    expect(theirs.containers[0].image).toBe('registry.k8s.io/agent-sandbox/sandbox-router-go:latest');
    expect(mine.containers[0].image).toBe(`registry.k8s.io/agent-sandbox/sandbox-router-go:${release.version}`);
    for (const field of ['serviceAccountName', 'topologySpreadConstraints', 'terminationGracePeriodSeconds']) expect({ [field]: mine[field] }).toStrictEqual({ [field]: theirs[field] });
    expect(findObject(ours, 'Deployment').spec.replicas).toBe(findObject(upstream, 'Deployment').spec.replicas);
    expect(findObject(ours, 'Deployment').spec.selector).toStrictEqual(findObject(upstream, 'Deployment').spec.selector);
    // Upstream's pod labels (the controller's default sandbox NetworkPolicy admits `app: sandbox-router`) and annotations, kept.
    const podMeta = findObject(ours, 'Deployment').spec.template.metadata;
    expect(podMeta.labels).toMatchObject(findObject(upstream, 'Deployment').spec.template.metadata.labels);
    expect(podMeta.annotations).toStrictEqual(findObject(upstream, 'Deployment').spec.template.metadata.annotations);
  });

  test('what we add to the pod: non-root 65532 and seccomp at pod level, and the token only because the Pod-IP cache needs it', () => {
    const mine = findObject(ours, 'Deployment').spec.template.spec;
    expect(mine.securityContext).toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(mine.automountServiceAccountToken).toBe(true);
    const noCache = router({ version, cache: false });
    expect(findObject(noCache, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(findObject(noCache, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(noCache.filter((o) => /Role/.test(o.kind))).toStrictEqual([]);
    expect(findObject(noCache, 'Deployment').spec.template.spec.containers[0].args).toContain('--cache-enabled=false');
  });

  test('Service, PDB and the Pod-IP cache RBAC are upstream\'s', () => {
    for (const kind of ['Service', 'PodDisruptionBudget']) expect({ [kind]: findObject(ours, kind).spec }).toStrictEqual({ [kind]: findObject(upstream, kind).spec });
    expect(findObject(ours, 'ClusterRole').rules).toStrictEqual(findObject(upstream, 'ClusterRole').rules);
    const [mine, theirs] = [findObject(ours, 'ClusterRoleBinding'), findObject(upstream, 'ClusterRoleBinding')];
    expect({ roleRef: mine.roleRef, subjects: mine.subjects }).toStrictEqual({ roleRef: theirs.roleRef, subjects: theirs.subjects });
  });

  test("upstream's NetworkPolicy is open (any namespace in, any pod on 8888 and anything on 4317 out); ours admits only the clients and reaches only sandbox pods", () => {
    const theirs = findObject(upstream, 'NetworkPolicy').spec;
    expect(theirs.ingress[0].from).toStrictEqual([{ namespaceSelector: {} }]);
    expect(theirs.egress[1]).toStrictEqual({ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8888 }] });
    const mine = findObject(ours, 'NetworkPolicy');
    expect(mine.metadata.name).toBe('sandbox-router');
    expect(mine.spec).toStrictEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sandbox-router', 'app.kubernetes.io/component': 'sandbox-router' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'agents' } }, podSelector: { matchLabels: { app: 'agent' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        { to: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'agents.x-k8s.io/sandbox-name-hash', operator: 'Exists' }] } }], ports: [{ protocol: 'TCP', port: 8888 }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      ],
    });
  });
});

describe('SandboxRouter settings', () => {
  test('named sandbox namespaces, ports, scrapers and API server addresses narrow the policy; one namespace narrows the cache and its RBAC to it', () => {
    const objs = router({
      sandboxNamespaces: ['team-a'],
      sandboxPorts: [8888, 3000],
      metricsScrapers: [{ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }],
      apiServer: { cidrs: ['203.0.113.10/32'] },
      platform: 'gke-autopilot',
    });
    const np = findObject(objs, 'NetworkPolicy').spec;
    expect(np.ingress[1]).toStrictEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    });
    expect(np.egress[1]).toStrictEqual({
      to: [
        {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a'] }] },
          podSelector: { matchExpressions: [{ key: 'agents.x-k8s.io/sandbox-name-hash', operator: 'Exists' }] },
        },
      ],
      ports: [{ protocol: 'TCP', port: 8888 }, { protocol: 'TCP', port: 3000 }],
    });
    expect(np.egress[2]).toStrictEqual({ to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    // GKE Autopilot resolves through NodeLocal DNSCache and Cloud DNS as well.
    expect(np.egress[0].to.map((p: K8sObject) => p.ipBlock?.cidr ?? p.podSelector.matchLabels['k8s-app'])).toStrictEqual(['kube-dns', 'node-local-dns', '169.254.20.10/32', '169.254.169.254/32']);
    expect(objs.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toStrictEqual([]);
    expect(findObject(objs, 'Role').metadata.namespace).toBe('team-a');
    expect(findObject(objs, 'RoleBinding').subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'sandbox-router', namespace: 'agent-sandbox-system' }]);
    expect(findObject(objs, 'Deployment').spec.template.spec.containers[0].args).toContain('--cache-namespace=team-a');
  });

  test('without the cache or TokenReview the router never talks to the API server: no egress to it', () => {
    const np = findObject(router({ cache: false }), 'NetworkPolicy').spec;
    expect(np.egress).toHaveLength(2);
  });

  test('no DNS resolver selected: no DNS rule (an egress rule without peers would allow everything)', () => {
    const np = findObject(router({ dns: { clusterDns: false } }), 'NetworkPolicy').spec;
    expect(np.egress.map((r: K8sObject) => r.ports[0].port)).toStrictEqual([8888, 443]);
  });

  test('the ingress rule a sandbox namespace needs to admit it', () => {
    expect(SandboxRouter.ingressRuleFor({ namespace: 'agent-sandbox-system', sandboxPorts: [8888] })).toStrictEqual({
      namespaceLabels: { 'kubernetes.io/metadata.name': 'agent-sandbox-system' },
      podLabels: { 'app.kubernetes.io/name': 'sandbox-router', 'app.kubernetes.io/component': 'sandbox-router' },
      ports: [{ port: 8888, protocol: 'TCP' }],
      description: 'the sandbox router (agent-sandbox-system/sandbox-router) on the sandbox port',
    });
  });

  test('bad settings: every problem at once, each naming the field and the value', () => {
    expect(() =>
      router({
        clients: [],
        sandboxNamespaces: ['Team_A'],
        sandboxPorts: [0],
        image: { tag: 'latest' },
        proxyTimeout: '0s',
        upstreamMaxRetries: -1,
        apiServer: { cidrs: ['10.0.0.1'] },
        extraArgs: ['--webhook-port=9443', '--cache-enabled=false', 'verbose'],
      }),
    ).toThrow(
      [
        'SandboxRouter "test/Router" has invalid props:',
        '  clients: must name at least one client namespace (with podLabels to admit only some of its pods): the router admits no one else',
        '  sandboxNamespaces[0]: "Team_A" is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)',
        '  sandboxPorts[0]: must be an integer 1-65535, got 0',
        '  apiServer.cidrs[0]: "10.0.0.1" is not a CIDR like "203.0.113.10/32"',
        '  proxyTimeout: must be a Go duration longer than 0 like "180s" or "5m", got "0s"',
        '  upstreamMaxRetries: must be an integer ≥ 0, got -1',
        '  image.tag: "latest" is not allowed: name a versioned tag (e.g. "v1.0.3"), never latest',
        '  extraArgs[0]: --webhook-port is not a flag of sandbox-router v1.0.3 (an unknown flag makes it exit at start)',
        '  extraArgs[1]: --cache-enabled is set by the construct from its props; use the prop instead of extraArgs',
        '  extraArgs[2]: must be a flag starting with "-", got "verbose"',
      ].join('\n'),
    );
  });

  test('a release without a pinned router is refused by name', () => {
    expect(() => router({ version: 'v0.5.6' })).toThrow('version: agent-sandbox v0.5.6 has no pinned sandbox router; use a release that has one');
  });
});
