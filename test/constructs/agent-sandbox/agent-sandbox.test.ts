import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentSandbox } from '../../../constructs/agent-sandbox/agent-sandbox';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../../validation/sandbox/object';
import { AGENT_SANDBOX_DIR } from '../../support/upstream';
import { findObject, newChart, synthObjects, upstreamDocs, upstreamInstallOf, type K8sObject } from '../../support/synth';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS } from '../../../core/upstream/pins';
import { readUpstreamText } from '../../../core/upstream/store';
import { realComponentsPresent } from '../../support/real-components';
import { V0_5_CONTROLLER_FLAGS } from '../../support/controller-flags';
import { referenceDataMissing } from '../../support/upstream';

function install(props: ConstructorParameters<typeof AgentSandbox>[2] = {}): K8sObject[] {
  const chart = newChart();
  new AgentSandbox(chart, 'AgentSandbox', props);
  return synthObjects(chart);
}

type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
/** Every (group, resource, name, verb) a set of rules grants. */
function grants(rules: Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) for (const n of r.resourceNames ?? ['*']) out.add(`${g}|${res}|${n}|${v}`);
  return out;
}

describe.each(AGENT_SANDBOX_VERSIONS.map((v) => [v]))('AgentSandbox parity with upstream %s', (version) => {
  const release = agentSandboxRelease(version);
  const ours = install({ version });
  const upstream = upstreamInstallOf(version);

  test('creates the same objects as the upstream install (kind/namespace/name), plus only our hardening', () => {
    const ids = (objs: K8sObject[]) => objs.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    const upstreamIds = ids(upstream);
    const ourIds = ids(ours);
    expect(upstreamIds.filter((id) => !ourIds.includes(id))).toStrictEqual([]);
    // Our hardening: the controller's NetworkPolicy (its ports in, anything out), which CNIs that start pods
    // default-deny (the VPC CNI in strict mode) need before the controller can reach the API server.
    expect(ourIds.filter((id) => !upstreamIds.includes(id))).toStrictEqual(['NetworkPolicy agent-sandbox-system/agent-sandbox-controller']);
  });

  test('every Role and ClusterRole grants at least what upstream grants, and no CRD rights without a conversion webhook', () => {
    for (const theirs of upstream.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      const mine = findObject(ours, theirs.kind, theirs.metadata.name);
      const missing = [...grants(theirs.rules)].filter((g) => !grants(mine.rules).has(g));
      expect([theirs.kind, theirs.metadata.name, missing]).toStrictEqual([theirs.kind, theirs.metadata.name, []]);
    }
    const crdRights = ours.filter((o) => o.kind === 'ClusterRole').flatMap((r) => r.rules as Rule[]).filter((r) => r.apiGroups.includes('apiextensions.k8s.io'));
    expect(crdRights.length > 0).toBe(release.conversionWebhook !== undefined);
  });

  test('bindings bind the same roles to the same ServiceAccount', () => {
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      for (const theirs of upstream.filter((o) => o.kind === kind)) {
        const mine = findObject(ours, kind, theirs.metadata.name);
        expect({ roleRef: mine.roleRef, subjects: mine.subjects }).toStrictEqual({ roleRef: theirs.roleRef, subjects: theirs.subjects });
      }
    }
  });

  test('the controller runs with the same args, ports and config mount as the default upstream install', () => {
    const theirs = findObject(upstream, 'Deployment', 'agent-sandbox-controller').spec.template.spec;
    const mine = findObject(ours, 'Deployment', 'agent-sandbox-controller').spec.template.spec;
    expect(mine.containers[0].args).toStrictEqual(theirs.containers[0].args);
    expect(mine.containers[0].args).toStrictEqual(['--leader-elect=true', '--extensions']);
    expect(mine.containers[0].ports).toStrictEqual(theirs.containers[0].ports);
    expect(mine.containers[0].volumeMounts).toContainEqual(theirs.containers[0].volumeMounts[0]);
    expect(mine.volumes).toContainEqual(theirs.volumes[0]);
    expect(mine.serviceAccountName).toBe(theirs.serviceAccountName);
    expect(mine.containers[0].image).toBe(`registry.k8s.io/agent-sandbox/agent-sandbox-controller:${version}`);
    expect(mine.containers[0].image).toBe(theirs.containers[0].image);
  });

  test('Services select the controller and wire the same ports', () => {
    for (const theirs of upstream.filter((o) => o.kind === 'Service')) {
      const mine = findObject(ours, 'Service', theirs.metadata.name);
      expect({ selector: mine.spec.selector, ports: mine.spec.ports }).toStrictEqual({ selector: theirs.spec.selector, ports: theirs.spec.ports });
    }
    const podLabels = findObject(ours, 'Deployment').spec.template.metadata.labels;
    for (const svc of ours.filter((o) => o.kind === 'Service')) expect(podLabels).toMatchObject(svc.spec.selector);
  });

  test('CRDs are the pinned files, unchanged apart from the conversion clientConfig (where the release has a webhook)', () => {
    for (const pin of release.crds) {
      const pinned = load(readUpstreamText(pin)) as K8sObject;
      const mine = findObject(ours, 'CustomResourceDefinition', pin.crdName);
      expect(mine).toStrictEqual(pinned);
      if (release.conversionWebhook) {
        expect(mine.spec.conversion.webhook.clientConfig.service).toStrictEqual({ name: 'agent-sandbox-webhook-service', namespace: 'agent-sandbox-system', path: '/convert' });
      } else {
        expect(mine.spec.conversion).toBeUndefined();
      }
    }
  });
});

// install-all.yaml is a kustomize render the shared mirror holds (not pinned), or one SKIPPED line.
const installAllPresent = realComponentsPresent('the v0.5.6 kustomize render (test/constructs/agent-sandbox/agent-sandbox.test.ts)', [referenceDataMissing('agent-sandbox/v0.5.6/install-all.yaml')]);
(installAllPresent ? test : test.skip)('the assembled v0.5.6 install equals the kustomize render of its k8s/ folder in the mirror (install-all.yaml)', () => {
  const rendered = upstreamDocs('install-all.yaml', 'v0.5.6');
  const key = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const assembled = new Map(upstreamInstallOf('v0.5.6').map((o) => [key(o), o]));
  expect([...assembled.keys()].sort()).toStrictEqual(rendered.map(key).sort());
  const deployment = rendered.find((o) => o.kind === 'Deployment')!;
  const ours = assembled.get(key(deployment))!;
  expect(ours.spec.template.spec.containers[0].args).toStrictEqual(deployment.spec.template.spec.containers[0].args);
  expect(ours.spec.template.spec.volumes).toStrictEqual(deployment.spec.template.spec.volumes);
});

describe('node placement', () => {
  const affinityOf = (props: ConstructorParameters<typeof AgentSandbox>[2]) => findObject(install(props), 'Deployment').spec.template.spec.affinity;

  it('keeps the controller off untainted sandbox nodes with a required DoesNotExist', () => {
    expect(affinityOf({ avoidNodeLabelKeys: ['sandbox.agent-sandbox-infra.io/runtime'] })).toStrictEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'sandbox.agent-sandbox-infra.io/runtime', operator: 'DoesNotExist' }] }],
        },
      },
    });
  });

  it('ANDs the avoidance into every term of a user affinity, keeping the rest of it', () => {
    const user = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }],
      },
    };
    const avoid = { key: 'sandbox.agent-sandbox-infra.io/runtime', operator: 'DoesNotExist' };
    expect(affinityOf({ affinity: user, avoidNodeLabelKeys: [avoid.key] })).toStrictEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }, avoid] },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }], matchExpressions: [avoid] },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: user.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
      },
    });
  });

  it('adds nothing without keys', () => {
    expect(affinityOf({})).toBeUndefined();
  });
});

function fileFor(crdName: string): string {
  const [plural, ...group] = crdName.split('.');
  return `${group.join('.')}_${plural}.yaml`;
}

describe('AgentSandbox wiring', () => {
  /** A pinned release with a conversion webhook (v0.5.x). */
  const webhookRelease = AGENT_SANDBOX_VERSIONS.find((v) => agentSandboxRelease(v).conversionWebhook)!;

  test('a different namespace and webhook Service move the CRD clientConfig and tell the controller', () => {
    const objs = install({ version: webhookRelease, namespace: 'sandbox-ops', webhookServiceName: 'as-webhook' });
    const crds = objs.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(4);
    for (const crd of crds) {
      expect(crd.spec.conversion.webhook.clientConfig.service).toStrictEqual({ name: 'as-webhook', namespace: 'sandbox-ops', path: '/convert' });
      // Apart from the clientConfig, still byte-for-byte the pinned CRD.
      const pinned = load(readUpstreamText(agentSandboxRelease(webhookRelease).crds.find((c) => c.crdName === crd.metadata.name)!)) as K8sObject;
      const strip = (o: K8sObject) => ({ ...o, spec: { ...o.spec, conversion: { ...o.spec.conversion, webhook: { ...o.spec.conversion.webhook, clientConfig: undefined } } } });
      expect(strip(crd)).toStrictEqual(strip(pinned));
    }
    expect(findObject(objs, 'Service', 'as-webhook').metadata.namespace).toBe('sandbox-ops');
    expect(findObject(objs, 'Deployment').spec.template.spec.containers[0].args).toStrictEqual([
      '--leader-elect=true',
      '--extensions',
      '--webhook-service-name=as-webhook',
      '--webhook-namespace=sandbox-ops',
    ]);
    for (const b of objs.filter((o) => o.kind.endsWith('Binding'))) expect(b.subjects[0].namespace).toBe('sandbox-ops');
  });

  test('a release without a conversion webhook refuses a webhook Service name and emits none', () => {
    const v1 = AGENT_SANDBOX_VERSIONS.find((v) => !agentSandboxRelease(v).conversionWebhook)!;
    expect(() => install({ version: v1, webhookServiceName: 'as-webhook' })).toThrow(`webhookServiceName: agent-sandbox ${v1} has no conversion webhook (nothing to name); remove the field`);
    const objs = install({ version: v1, namespace: 'sandbox-ops' });
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toStrictEqual(['agent-sandbox-controller']);
    expect(objs.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')).toStrictEqual([]);
    expect(findObject(objs, 'Deployment').spec.template.spec.containers[0].args).toStrictEqual(['--leader-elect=true', '--extensions']);
    expect(findObject(objs, 'Deployment').spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toStrictEqual(['metrics', 'healthz']);
  });

  test('an existing namespace is used, not created', () => {
    const objs = install({ namespace: 'platform', createNamespace: false });
    expect(objs.filter((o) => o.kind === 'Namespace')).toStrictEqual([]);
    expect(findObject(objs, 'Deployment').metadata.namespace).toBe('platform');
  });

  test('secure defaults: non-root, read-only root, no capabilities, seccomp, probes, resources, a writable /tmp', () => {
    const pod = findObject(install(), 'Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toStrictEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toStrictEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.livenessProbe.httpGet).toStrictEqual({ path: '/healthz', port: 'healthz' });
    expect(c.readinessProbe.httpGet).toStrictEqual({ path: '/readyz', port: 'healthz' });
    expect(c.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  test('one replica: no PDB and no spread; two: a PDB and spread over nodes and zones', () => {
    const one = install();
    expect(one.filter((o) => o.kind === 'PodDisruptionBudget')).toStrictEqual([]);
    expect(findObject(one, 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    const two = install({ replicas: 2 });
    expect(findObject(two, 'PodDisruptionBudget').spec).toStrictEqual({ minAvailable: 1, selector: { matchLabels: { app: 'agent-sandbox-controller' } } });
    expect(findObject(two, 'Deployment').spec.template.spec.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toStrictEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
  });

  test('every Helm chart value has a prop', () => {
    const objs = install({
      image: { repository: 'mirror.example.com/agent-sandbox-controller', tag: 'v0.5.6', digest: `sha256:${'a'.repeat(64)}`, pullPolicy: 'Always' },
      imagePullSecrets: ['regcred'],
      replicas: 3,
      podAnnotations: { 'example.com/team': 'platform' },
      podLabels: { team: 'platform' },
      controller: V0_5_CONTROLLER_FLAGS,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: 2, memory: '1Gi' } },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }] }] } } },
      priorityClassName: 'system-cluster-critical',
      serviceMonitor: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' }, interval: '15s', scrapeTimeout: '10s' },
      prometheusRule: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' }, rules: [{ name: 'extra', rules: [] }] },
      allowedLabelDomains: ['sandbox.users.io', 'agents.example.com'],
    });
    const d = findObject(objs, 'Deployment');
    const pod = d.spec.template.spec;
    expect(d.spec.replicas).toBe(3);
    expect(pod.containers[0].image).toBe(`mirror.example.com/agent-sandbox-controller:v0.5.6@sha256:${'a'.repeat(64)}`);
    expect(pod.containers[0].imagePullPolicy).toBe('Always');
    expect(pod.imagePullSecrets).toStrictEqual([{ name: 'regcred' }]);
    expect(d.spec.template.metadata.annotations['example.com/team']).toBe('platform');
    expect(d.spec.template.metadata.labels.team).toBe('platform');
    expect(pod.containers[0].args).toStrictEqual([
      '--leader-elect=true',
      '--cluster-domain=corp.local',
      '--leader-election-namespace=kube-system',
      '--extensions',
      '--enable-tracing=true',
      '--enable-pprof=true',
      '--enable-pprof-debug=false',
      '--pprof-block-profile-rate=1000',
      '--pprof-mutex-profile-fraction=5',
      '--kube-api-qps=50',
      '--kube-api-burst=100',
      '--sandbox-concurrent-workers=200',
      '--sandbox-claim-concurrent-workers=60',
      '--sandbox-warm-pool-concurrent-workers=4',
      '--sandbox-template-concurrent-workers=2',
      '--sandbox-warm-pool-max-batch-size=100',
      '--enable-warm-pool-eviction=false',
      '--zap-log-level=debug',
    ]);
    expect(pod.containers[0].resources).toStrictEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(pod.nodeSelector).toStrictEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toStrictEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
    expect(pod.affinity.nodeAffinity).toBeDefined();
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    const sm = findObject(objs, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toStrictEqual([{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '15s', scrapeTimeout: '10s' }]);
    const pr = findObject(objs, 'PrometheusRule');
    expect(pr.spec.groups.map((g: { name: string }) => g.name)).toStrictEqual(['agent-sandbox-controller.rules', 'extra']);
    expect(pr.spec.groups[0].rules[0].expr).toContain('up{namespace="agent-sandbox-system", service="agent-sandbox-controller"}');
    expect(findObject(objs, 'ConfigMap', 'agent-sandbox-config').data).toStrictEqual({ 'allowed-label-domains': 'sandbox.users.io,agents.example.com' });
    expect(d.spec.template.metadata.annotations['agent-sandbox-infra.io/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('extensions off: no extensions RBAC, CRDs or config mount', () => {
    const objs = install({ controller: { extensions: false } });
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)).toStrictEqual(['sandboxes.agents.x-k8s.io']);
    expect(objs.filter((o) => o.metadata.name === 'agent-sandbox-controller-extensions')).toStrictEqual([]);
    const c = findObject(objs, 'Deployment').spec.template.spec.containers[0];
    expect(c.args).toStrictEqual(['--leader-elect=true']);
    expect(c.volumeMounts).toStrictEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('turning off a secure default is explicit and visible', () => {
    const objs = install({ containerSecurityContext: { readOnlyRootFilesystem: false }, podSecurityContext: { runAsNonRoot: false } });
    const d = findObject(objs, 'Deployment');
    expect(d.metadata.annotations[SECURITY_OPT_OUTS_ANNOTATION]).toBe('podSecurityContext.runAsNonRoot,containerSecurityContext.readOnlyRootFilesystem');
    expect(d.spec.template.metadata.annotations[SECURITY_OPT_OUTS_ANNOTATION]).toBe('podSecurityContext.runAsNonRoot,containerSecurityContext.readOnlyRootFilesystem');
    // runAsNonRoot: false fails restricted but not baseline: the namespace enforces baseline and says why.
    expect(findObject(objs, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(findObject(install(), 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('image.registry swaps the registry of the pinned image (an ECR pull-through cache, a private mirror); not with repository', () => {
    const objs = install({ image: { registry: '123456789012.dkr.ecr.us-west-2.amazonaws.com/k8s' } });
    expect(findObject(objs, 'Deployment').spec.template.spec.containers[0].image).toMatch(
      /^123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/k8s\/agent-sandbox\/agent-sandbox-controller:v\d+\.\d+\.\d+$/,
    );
    expect(() => install({ image: { registry: 'mirror.example.com', repository: 'mirror.example.com/x' } })).toThrow(
      'image.registry: cannot be used with image.repository (registry replaces the host of the default repository; repository replaces all of it), got both',
    );
    expect(() => install({ image: { registry: 'https://mirror.example.com' } })).toThrow(/image\.registry: "https:\/\/mirror\.example\.com" is not a registry host/);
  });

  describe('the controller namespace is lowered only as far as an opt-out needs (issue 14 item 3)', () => {
    const namespaceOf = (props: Parameters<typeof install>[0]) => {
      const ns = findObject(install(props), 'Namespace');
      return { enforce: ns.metadata.labels['pod-security.kubernetes.io/enforce'], reason: ns.metadata.annotations?.['agent-sandbox-infra.io/pod-security-reason'] };
    };

    test('an opt-out restricted allows keeps restricted (before: any opt-out removed the enforce label)', () => {
      expect(namespaceOf({ containerSecurityContext: { readOnlyRootFilesystem: false } })).toStrictEqual({ enforce: 'restricted', reason: undefined });
    });

    test('an opt-out that breaks restricted lowers to baseline, with the reason on the Namespace', () => {
      expect(namespaceOf({ containerSecurityContext: { allowPrivilegeEscalation: true } })).toStrictEqual({
        enforce: 'baseline',
        reason:
          "the controller's security opt-outs (containerSecurityContext.allowPrivilegeEscalation) fail Pod Security restricted (allowPrivilegeEscalation), so the namespace enforces baseline",
      });
      expect(namespaceOf({ podSecurityContext: { runAsUser: 0, runAsNonRoot: false }, containerSecurityContext: { runAsNonRoot: false } }).enforce).toBe('baseline');
    });

    test('only an opt-out that breaks baseline too lowers to privileged', () => {
      expect(namespaceOf({ containerSecurityContext: { privileged: true } })).toStrictEqual({
        enforce: 'privileged',
        reason: "the controller's security opt-outs (containerSecurityContext.privileged) fail Pod Security baseline (privileged), so the namespace enforces privileged",
      });
      expect(namespaceOf({ containerSecurityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } }).enforce).toBe('privileged');
      // A capability in baseline's default set needs only baseline.
      expect(namespaceOf({ containerSecurityContext: { capabilities: { drop: ['ALL'], add: ['CHOWN'] } } }).enforce).toBe('baseline');
    });
  });

  test('invalid props are all reported at once, naming field and value', () => {
    const chart = newChart();
    expect(
      () =>
        new AgentSandbox(chart, 'AgentSandbox', {
          namespace: 'Agent_Sandbox',
          replicas: 0,
          image: { digest: 'sha256:123' },
          allowedLabelDomains: ['Not A Domain'],
          controller: { kubeApiBurst: 0, extensions: false, sandboxClaimConcurrentWorkers: 5, extraArgs: ['--leader-elect=false', 'oops'] },
        }),
    ).toThrow(
      [
        'AgentSandbox "test/AgentSandbox" has invalid props:',
        '  namespace: "Agent_Sandbox" is not a valid namespace name (lowercase DNS label, at most 63 characters)',
        '  replicas: must be an integer from 1 to 10, got 0',
        '  image.digest: must be "sha256:" followed by 64 lowercase hex digits, got "sha256:123"',
        '  allowedLabelDomains[0]: "Not A Domain" is not a DNS domain (lowercase, e.g. "sandbox.example.com")',
        '  allowedLabelDomains: only the extensions controllers read it; controller.extensions is false',
        '  controller.kubeApiBurst: must be ≥ 1, got 0',
        '  controller.sandboxClaimConcurrentWorkers: only takes effect with the extensions controllers; controller.extensions is false',
        '  controller.extraArgs[0]: --leader-elect is set by controller.leaderElect; use that instead of extraArgs',
        '  controller.extraArgs[1]: must be a flag starting with "-", got "oops"',
      ].join('\n'),
    );
  });
});

describe('pinned CRDs and cdk8s metadata', () => {
  test('chart labels and added annotations reach the CRDs; without them the pinned JSON is emitted unchanged', () => {
    const { Testing } = require('cdk8s') as typeof import('cdk8s'); // eslint-disable-line @typescript-eslint/no-require-imports
    const app = Testing.app();
    const { Chart, ApiObject } = require('cdk8s') as typeof import('cdk8s'); // eslint-disable-line @typescript-eslint/no-require-imports
    const chart = new Chart(app, 'labelled', { labels: { team: 'platform' } });
    const as = new AgentSandbox(chart, 'AgentSandbox');
    ApiObject.of(as.crds!.crds.get('sandboxes.agents.x-k8s.io')!).metadata.addAnnotation('example.com/owner', 'platform');
    const crds = (Testing.synth(chart) as K8sObject[]).filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.labels?.team)).toStrictEqual(['platform', 'platform', 'platform', 'platform']);
    // The pinned file's own annotations (upstream's generator version), read from the mirror, not copied here.
    const pinned = (load(readFileSync(join(AGENT_SANDBOX_DIR, 'crds', fileFor('sandboxes.agents.x-k8s.io')), 'utf8')) as K8sObject).metadata.annotations;
    expect(Object.keys(pinned)).toHaveLength(1);
    expect(crds[0].metadata.annotations).toStrictEqual({ ...pinned, 'example.com/owner': 'platform' });
    const plain = install().filter((o) => o.kind === 'CustomResourceDefinition');
    expect(plain[0].metadata).toStrictEqual({ annotations: pinned, name: 'sandboxes.agents.x-k8s.io' });
  });
});

describe('controller resources and leader election', () => {
  test('given resources replace the defaults key by key', () => {
    const c = findObject(install({ resources: { limits: { memory: '1Gi' } } }), 'Deployment').spec.template.spec.containers[0];
    expect(c.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('several replicas without leader election are refused', () => {
    expect(() => install({ replicas: 3, controller: { leaderElect: false } })).toThrow(
      'controller.leaderElect: false with replicas 3 would run 3 active controllers reconciling the same sandboxes; use replicas: 1 or leader election',
    );
  });
});
