import { Construct } from 'constructs';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../../validation/sandbox/object';
import { cidrContains, parseCidr } from '../../../constructs/tenant/cidr';
import { SandboxNamespace, type SandboxNamespaceProps } from '../../../constructs/tenant/sandbox-namespace';
import { KUBERNETES_SCHEMAS } from '../../../core/upstream/pins';
import { SchemaCatalog } from '../../../validation/schema/schema-catalog';
import { findObject, newChart, synthObjects, type K8sObject } from '../../support/synth';

/** The quota the namespace gets by default (constructs/tenant/resource-limits.ts) but `pods`, which the tests set. */
const QUOTA_HARD_BUT_PODS = {
  'requests.cpu': '20',
  'requests.memory': '40Gi',
  'limits.cpu': '40',
  'limits.memory': '80Gi',
  persistentvolumeclaims: '20',
  'requests.storage': '200Gi',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
};

function synth(props: Partial<SandboxNamespaceProps> = {}) {
  const chart = newChart();
  const ns = new SandboxNamespace(chart, 'Tenant', { name: 'team-a', ...props });
  return { ns, objects: synthObjects(chart) };
}

const policy = (objects: K8sObject[], name: string) => findObject(objects, 'NetworkPolicy', name);
const egressBlocks = (objects: K8sObject[]) =>
  policy(objects, 'allow-egress').spec.egress.flatMap((rule: { to: { ipBlock: object }[] }) => rule.to.map((peer) => peer.ipBlock));
const optOuts = (objects: K8sObject[]) => findObject(objects, 'Namespace').metadata.annotations?.[SECURITY_OPT_OUTS_ANNOTATION];
const managed = { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };
const kubeSystemPods = (app: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': app } },
});
const dnsPorts = [
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
];

describe('SandboxNamespace defaults', () => {
  test('restricted Pod Security on enforce, audit and warn, no opt-outs', () => {
    const { ns, objects } = synth();
    expect(findObject(objects, 'Namespace')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'team-a',
        labels: {
          ...managed,
          'kubernetes.io/metadata.name': 'team-a',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    });
    expect([ns.name, ns.serviceAccountName, ns.allowsDraAdminAccess, ns.securityOptOuts, ns.egressRules]).toStrictEqual(['team-a', 'sandbox', false, [], []]);
    expect(ns.labels).toStrictEqual(findObject(objects, 'Namespace').metadata.labels);
  });

  test('NetworkPolicies: default-deny ingress and egress for every pod, DNS to kube-dns only, nothing else', () => {
    const { objects } = synth();
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toStrictEqual([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny-all', namespace: 'team-a', labels: managed },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-dns', namespace: 'team-a', labels: managed },
        spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [kubeSystemPods('kube-dns')], ports: dnsPorts }] },
      },
    ]);
  });

  test('quota, limit range and a ServiceAccount without a token', () => {
    const { objects } = synth();
    expect(findObject(objects, 'ResourceQuota').spec).toStrictEqual({ hard: { pods: '50', ...QUOTA_HARD_BUT_PODS } });
    expect(findObject(objects, 'LimitRange').spec).toStrictEqual({
      limits: [{ type: 'Container', default: { cpu: '1', memory: '1Gi' }, defaultRequest: { cpu: '250m', memory: '256Mi' }, max: { cpu: '8', memory: '32Gi' } }],
    });
    expect(findObject(objects, 'ServiceAccount')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'sandbox', namespace: 'team-a', labels: managed },
      automountServiceAccountToken: false,
    });
    expect(objects.map((o) => o.kind).sort()).toStrictEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'NetworkPolicy', 'ResourceQuota', 'ServiceAccount']);
  });

  test('extra labels and annotations land on the Namespace; the namespaced objects live in it', () => {
    const { objects } = synth({ labels: { team: 'a' }, annotations: { 'example.com/owner': 'team-a@example.com' } });
    const namespace = findObject(objects, 'Namespace');
    expect(namespace.metadata.labels.team).toBe('a');
    expect(namespace.metadata.annotations).toStrictEqual({ 'example.com/owner': 'team-a@example.com' });
    expect(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace)).toStrictEqual(Array(5).fill('team-a'));
  });

  test('isSandboxNamespace tells it apart from other constructs', () => {
    const { ns } = synth();
    expect(SandboxNamespace.isSandboxNamespace(ns)).toBe(true);
    expect(SandboxNamespace.isSandboxNamespace(new Construct(newChart(), 'Other'))).toBe(false);
    expect(SandboxNamespace.isSandboxNamespace(undefined)).toBe(false);
  });
});

describe('DNS egress', () => {
  const dnsTo = (props: Partial<SandboxNamespaceProps>) => policy(synth(props).objects, 'allow-dns').spec.egress[0].to;

  test('GKE Autopilot: kube-dns, NodeLocal DNSCache (pods and 169.254.20.10) and Cloud DNS on the metadata server', () => {
    expect(dnsTo({ platform: 'gke-autopilot' })).toStrictEqual([
      kubeSystemPods('kube-dns'),
      kubeSystemPods('node-local-dns'),
      { ipBlock: { cidr: '169.254.20.10/32' } },
      { ipBlock: { cidr: '169.254.169.254/32' } },
    ]);
  });

  test('the metadata server is reachable on port 53 only', () => {
    const rules = policy(synth({ platform: 'gke-autopilot' }).objects, 'allow-dns').spec.egress;
    expect(rules.map((r: { ports: unknown }) => r.ports)).toStrictEqual([dnsPorts]);
  });

  test('GKE Standard adds NodeLocal DNSCache; EKS, AKS and kind use cluster DNS only', () => {
    expect(dnsTo({ platform: 'gke-standard' })).toStrictEqual([kubeSystemPods('kube-dns'), kubeSystemPods('node-local-dns'), { ipBlock: { cidr: '169.254.20.10/32' } }]);
    for (const platform of ['eks', 'aks', 'kind'] as const) expect(dnsTo({ platform })).toStrictEqual([kubeSystemPods('kube-dns')]);
  });

  test('explicit options win over the platform defaults; no resolver means no DNS policy', () => {
    expect(dnsTo({ platform: 'eks', dns: { nodeLocalDnsCache: true } })).toStrictEqual([
      kubeSystemPods('kube-dns'),
      kubeSystemPods('node-local-dns'),
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    const { objects } = synth({ platform: 'gke-autopilot', dns: { clusterDns: false, nodeLocalDnsCache: false, gkeMetadataServerDns: false } });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toStrictEqual(['default-deny-all']);
  });
});

describe('egress allowlist', () => {
  test('0.0.0.0/0 and ::/0 get all of link-local and every other metadata endpoint of their family as except', () => {
    const { ns, objects } = synth({ egressAllowlist: [{ cidrs: ['0.0.0.0/0', '::/0'], ports: [{ port: 443 }], description: 'HTTPS anywhere' }] });
    expect(policy(objects, 'allow-egress')).toStrictEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-egress', namespace: 'team-a', labels: managed, annotations: { 'agent-sandbox-infra.io/rule-descriptions': 'egress[0]: HTTPS anywhere' } },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '168.63.129.16/32'] } },
              { ipBlock: { cidr: '::/0', except: ['fe80::/10', 'fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128'] } },
            ],
            ports: [{ port: 443, protocol: 'TCP' }],
          },
        ],
      },
    });
    expect(ns.egressRules).toStrictEqual([
      {
        ipBlocks: [
          { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '168.63.129.16/32'] },
          { cidr: '::/0', except: ['fe80::/10', 'fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128'] },
        ],
        ports: [{ port: 443, protocol: 'TCP' }],
        description: 'HTTPS anywhere',
      },
    ]);
  });

  test('169.0.0.0/8 gets link-local as except; 10.0.0.0/8 gets none; one rule per entry, ports kept apart', () => {
    const { objects } = synth({
      egressAllowlist: [
        { cidrs: ['169.0.0.0/8'] },
        { cidrs: ['10.0.0.0/8'], ports: [{ port: 8000, endPort: 8100, protocol: 'UDP' }, { port: 5432 }] },
      ],
    });
    const egress = policy(objects, 'allow-egress');
    expect(egress.spec.egress).toStrictEqual([
      { to: [{ ipBlock: { cidr: '169.0.0.0/8', except: ['169.254.0.0/16'] } }] },
      {
        to: [{ ipBlock: { cidr: '10.0.0.0/8' } }],
        ports: [
          { port: 8000, endPort: 8100, protocol: 'UDP' },
          { port: 5432, protocol: 'TCP' },
        ],
      },
    ]);
    expect(egress.metadata.annotations).toBeUndefined();
  });

  test('IPv6 CIDRs are written in canonical form', () => {
    const { objects } = synth({ egressAllowlist: [{ cidrs: ['2001:DB8:0:0:0:0:0:0/32'] }] });
    expect(egressBlocks(objects)).toStrictEqual([{ cidr: '2001:db8::/32' }]);
  });

  test.each([
    ['169.254.169.254/32', '169.254.0.0/16'],
    ['169.254.170.23/32', '169.254.0.0/16'],
    // Issue 14: GKE's metadata server pair and all of link-local (AWS DNS .253 included) were accepted.
    ['169.254.169.252/31', '169.254.0.0/16'],
    ['169.254.0.0/16', '169.254.0.0/16'],
    ['fe80::/64', 'fe80::/10'],
    ['fd00:ec2::254/128', 'fd00:ec2::254/128'],
  ])('%s cannot be allowed: it lies inside %s', (cidr, range) => {
    expect(() => synth({ egressAllowlist: [{ cidrs: [cidr], ports: [{ port: 988 }] }] })).toThrow(`egressAllowlist[0].cidrs[0]: "${cidr}" lies inside ${range}`);
  });

  test('malformed CIDRs and host bits are reported with field and value', () => {
    expect(() => synth({ egressAllowlist: [{ cidrs: ['10.0.0.1/8', '300.0.0.0/8', '10.0.0.0'] }] })).toThrow(
      [
        'SandboxNamespace "test/Tenant" has invalid props:',
        '  egressAllowlist[0].cidrs[0]: "10.0.0.1/8" has host bits set: the network is "10.0.0.0/8"',
        '  egressAllowlist[0].cidrs[1]: "300.0.0.0/8" is not a valid CIDR: IPv4 octet "300" is more than 255',
        '  egressAllowlist[0].cidrs[2]: "10.0.0.0" is not a valid CIDR: missing "/<prefix length>"',
      ].join('\n'),
    );
  });

  test('ingress allowlist: peers from namespace and pod labels', () => {
    const { objects } = synth({
      ingressAllowlist: [
        { namespaceLabels: { 'kubernetes.io/metadata.name': 'gateway' }, podLabels: { app: 'router' }, ports: [{ port: 8080 }], description: 'router' },
        { podLabels: { role: 'peer' } },
      ],
    });
    const ingress = policy(objects, 'allow-ingress');
    expect(ingress.spec).toStrictEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } }, podSelector: { matchLabels: { app: 'router' } } }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
        { from: [{ podSelector: { matchLabels: { role: 'peer' } } }] },
      ],
    });
    expect(ingress.metadata.annotations).toStrictEqual({ 'agent-sandbox-infra.io/rule-descriptions': 'ingress[0]: router' });
  });
});

describe('security opt-outs', () => {
  test.each([
    [{ podSecurity: { enforce: 'baseline' } }, 'podSecurity.enforce=baseline'],
    [{ podSecurity: { enforce: 'privileged' } }, 'podSecurity.enforce=privileged'],
    [{ quota: false }, 'quota'],
    [{ limitRange: false }, 'limitRange'],
    [{ allowDraAdminAccess: true }, 'draAdminAccess'],
  ] as [Partial<SandboxNamespaceProps>, string][])('%j is recorded as %s', (props, optOut) => {
    const { ns, objects } = synth(props);
    expect(optOuts(objects)).toBe(optOut);
    expect(ns.securityOptOuts).toStrictEqual([optOut]);
  });

  test('baseline enforce keeps audit and warn at restricted', () => {
    const labels = findObject(synth({ podSecurity: { enforce: 'baseline' } }).objects, 'Namespace').metadata.labels;
    expect([labels['pod-security.kubernetes.io/enforce'], labels['pod-security.kubernetes.io/audit'], labels['pod-security.kubernetes.io/warn']]).toStrictEqual([
      'baseline',
      'restricted',
      'restricted',
    ]);
  });

  test('turned-off objects are not emitted; all opt-outs are listed together', () => {
    const { objects } = synth({ quota: false, limitRange: false, allowDraAdminAccess: true, podSecurity: { enforce: 'baseline' } });
    expect(objects.filter((o) => o.kind === 'ResourceQuota' || o.kind === 'LimitRange')).toStrictEqual([]);
    expect(optOuts(objects)).toBe('podSecurity.enforce=baseline,quota,limitRange,draAdminAccess');
  });

  test('DRA admin access labels the namespace', () => {
    const { ns, objects } = synth({ allowDraAdminAccess: true });
    expect(ns.allowsDraAdminAccess).toBe(true);
    expect(findObject(objects, 'Namespace').metadata.labels['resource.kubernetes.io/admin-access']).toBe('true');
  });

  test('the enforced standard can be pinned to a version; audit and warn follow latest', () => {
    const labels = findObject(synth({ podSecurity: { enforceVersion: 'v1.34' } }).objects, 'Namespace').metadata.labels;
    expect([labels['pod-security.kubernetes.io/enforce-version'], labels['pod-security.kubernetes.io/warn-version']]).toStrictEqual(['v1.34', 'latest']);
  });

  test('Pod Security, DRA and opt-out keys cannot be smuggled in through labels or annotations', () => {
    expect(() =>
      synth({
        labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'resource.kubernetes.io/admin-access': 'true' },
        annotations: { [SECURITY_OPT_OUTS_ANNOTATION]: '' },
      }),
    ).toThrow(
      [
        '  labels.pod-security.kubernetes.io/enforce: is set by SandboxNamespace; use podSecurity or allowDraAdminAccess instead',
        '  labels.resource.kubernetes.io/admin-access: is set by SandboxNamespace; use podSecurity or allowDraAdminAccess instead',
        `  annotations.${SECURITY_OPT_OUTS_ANNOTATION}: is written by SandboxNamespace from the props`,
      ].join('\n'),
    );
  });
});

describe('quota and limit range overrides', () => {
  test('quota overrides merge over the defaults per resource', () => {
    const { objects } = synth({ quota: { hard: { pods: 10, 'requests.cpu': '4', 'count/sandboxes.agents.x-k8s.io': '10' } } });
    expect(findObject(objects, 'ResourceQuota').spec.hard).toStrictEqual({ ...QUOTA_HARD_BUT_PODS, pods: '10', 'requests.cpu': '4', 'count/sandboxes.agents.x-k8s.io': '10' });
  });

  test('limit range overrides merge per field and resource', () => {
    const { objects } = synth({ limitRange: { defaultLimits: { memory: '2Gi' }, max: { cpu: 16, 'ephemeral-storage': '10Gi' } } });
    expect(findObject(objects, 'LimitRange').spec.limits).toStrictEqual([
      {
        type: 'Container',
        default: { cpu: '1', memory: '2Gi' },
        defaultRequest: { cpu: '250m', memory: '256Mi' },
        max: { cpu: '16', memory: '32Gi', 'ephemeral-storage': '10Gi' },
      },
    ]);
  });
});

describe('resolved values for the workloads', () => {
  test('the LimitRange and quota as emitted, and the NetworkPolicies that select every pod', () => {
    const { ns } = synth({ quota: { hard: { pods: 10 } }, limitRange: { max: { cpu: 4 } }, egressAllowlist: [{ cidrs: ['203.0.113.0/24'] }] });
    expect(ns.limitRange).toStrictEqual({
      defaultRequests: { cpu: '250m', memory: '256Mi' },
      defaultLimits: { cpu: '1', memory: '1Gi' },
      max: { cpu: '4', memory: '32Gi' },
    });
    expect(ns.quotaHard).toStrictEqual({ pods: '10', ...QUOTA_HARD_BUT_PODS });
    expect(ns.networkPolicyNames).toStrictEqual(['default-deny-all', 'allow-dns', 'allow-egress']);
  });

  test('turned off: undefined; without DNS and allowlists only default-deny is listed', () => {
    const { ns } = synth({ quota: false, limitRange: false, dns: { clusterDns: false, nodeLocalDnsCache: false, gkeMetadataServerDns: false } });
    expect([ns.limitRange, ns.quotaHard]).toStrictEqual([undefined, undefined]);
    expect(ns.networkPolicyNames).toStrictEqual(['default-deny-all']);
    const withIngress = synth({ ingressAllowlist: [{ podLabels: { app: 'gateway' } }] }).ns;
    expect(withIngress.networkPolicyNames).toStrictEqual(['default-deny-all', 'allow-dns', 'allow-ingress']);
  });
});

describe('validation', () => {
  test('every invalid prop is reported at once, naming field and value', () => {
    expect(() =>
      synth({
        name: 'Team_A',
        serviceAccountName: 'Sandbox!',
        podSecurity: { enforce: 'none' as never, enforceVersion: '1.34' },
        platform: 'openshift' as never,
        egressAllowlist: [
          { cidrs: [], ports: [{ port: 0 }, { port: 443, endPort: 80 }, { port: 53, protocol: 'ICMP' as never }, { port: 80, endPort: 70000 }] },
          { cidrs: ['10.0.0.0/8'], ports: [] },
        ],
        ingressAllowlist: [{ ports: [{ port: 65536 }] }],
        quota: { hard: { pods: '-1', 'requests.cpu': 'lots' } },
        limitRange: { defaultRequests: { cpu: '2' } },
      }),
    ).toThrow(
      [
        'SandboxNamespace "test/Tenant" has invalid props:',
        '  name: "Team_A" is not a DNS label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)',
        '  serviceAccountName: "Sandbox!" is not a DNS subdomain (at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)',
        '  podSecurity.enforce: must be one of restricted, baseline, privileged, got "none"',
        '  podSecurity.enforceVersion: must be "latest" or "v1.<minor>", got "1.34"',
        '  platform: must be one of gke-autopilot, gke-standard, eks, aks, kind, kubernetes, got "openshift"',
        '  ingressAllowlist[0]: needs namespaceLabels or podLabels (an empty peer would allow every pod of this namespace)',
        '  ingressAllowlist[0].ports[0].port: must be an integer 1-65535, got 65536',
        '  egressAllowlist[0].cidrs: must list at least one CIDR',
        '  egressAllowlist[0].ports[0].port: must be an integer 1-65535, got 0',
        '  egressAllowlist[0].ports[1].endPort: must be ≥ port 443, got 80',
        '  egressAllowlist[0].ports[2].protocol: must be one of TCP, UDP, SCTP, got "ICMP"',
        '  egressAllowlist[0].ports[3].endPort: must be an integer 1-65535, got 70000',
        '  egressAllowlist[1].ports: is empty; omit it to allow every port',
        '  quota.hard.pods: must not be negative, got "-1"',
        '  quota.hard.requests.cpu: invalid quantity "lots": no number at the start; expected',
      ].join('\n'),
    );
  });

  test('default requests above default limits, or default limits above max, are refused', () => {
    expect(() => synth({ limitRange: { defaultRequests: { cpu: '2' }, max: { memory: '512Mi' } } })).toThrow(
      [
        '  limitRange.defaultRequests.cpu: 2 must be ≤ limitRange.defaultLimits.cpu 1',
        '  limitRange.defaultLimits.memory: 1Gi must be ≤ limitRange.max.memory 512Mi',
      ].join('\n'),
    );
  });

  test('label syntax is checked for namespace labels and ingress selectors', () => {
    expect(() => synth({ labels: { 'bad key!': 'x' }, ingressAllowlist: [{ podLabels: { app: 'has space' } }] })).toThrow(
      [
        '  labels: key "bad key!" is not a qualified name ([DNS subdomain/]name, the name at most 63 letters, digits, "-", "_" and ".")',
        '  ingressAllowlist[0].podLabels.app: value "has space" is not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)',
      ].join('\n'),
    );
  });
});

describe('schema validity', () => {
  const catalog = new SchemaCatalog({ kubernetes: KUBERNETES_SCHEMAS['1.36.0'], agentSandboxVersion: 'v0.5.6' });
  const everything: Partial<SandboxNamespaceProps> = {
    platform: 'gke-autopilot',
    labels: { team: 'a' },
    annotations: { 'example.com/owner': 'a' },
    podSecurity: { enforce: 'baseline', enforceVersion: 'v1.34' },
    allowDraAdminAccess: true,
    egressAllowlist: [
      { cidrs: ['0.0.0.0/0', '::/0'], ports: [{ port: 443 }, { port: 8000, endPort: 8100, protocol: 'UDP' }], description: 'web' },
      { cidrs: ['169.0.0.0/8', '10.0.0.0/8', 'fd00:ec2::/32'] },
      { cidrs: ['0.0.0.0/0'], allowPrivateRanges: true },
    ],
    ingressAllowlist: [{ namespaceLabels: { a: 'b' }, podLabels: { c: 'd' }, ports: [{ port: 9000, protocol: 'SCTP' }] }],
    quota: { hard: { pods: 5 } },
    limitRange: { max: { cpu: 4 } },
  };

  test.each([
    ['defaults', {}],
    ['every option', everything],
  ])('%s: every object passes the pinned Kubernetes 1.36 schema (unknown fields rejected)', (_, props) => {
    const { objects } = synth(props);
    expect(objects.length).toBeGreaterThanOrEqual(6);
    for (const object of objects) {
      const lookup = catalog.lookup(object.apiVersion, object.kind);
      if (lookup.status !== 'found') throw new Error(lookup.message);
      const valid = lookup.validate(object);
      expect([object.kind, object.metadata.name, valid ? null : lookup.validate.errors]).toStrictEqual([object.kind, object.metadata.name, null]);
    }
  });

  test('every ipBlock except is inside its cidr, strictly smaller and of the same family (as the API server requires)', () => {
    const blocks = egressBlocks(synth(everything).objects) as { cidr: string; except?: string[] }[];
    const excepts = blocks.flatMap((b) => (b.except ?? []).map((e) => [b.cidr, e] as const));
    expect(excepts).toHaveLength(11);
    for (const [cidr, except] of excepts) {
      const [outer, inner] = [parseCidr(cidr), parseCidr(except)];
      expect([cidr, except, cidrContains(outer, inner) && inner.prefix > outer.prefix]).toStrictEqual([cidr, except, true]);
    }
  });
});
