/**
 * Helm parity: agent-sandbox's own chart (pinned, sha256-checked, assembled in a temporary folder) rendered by the
 * real Helm (`helm template`, built from helm.sh/helm/v4 by the toolchain) beside our AgentSandbox output for the
 * same values (`propsFromHelmValues`), over a matrix of settings. The objects must be the same objects with the
 * same fields, except for the differences listed in ALLOWED_DIFFERENCES, each named with why we differ; each one
 * checks that what we add is exactly what we document, and each must be seen in at least one case (a stale entry
 * fails too).
 */
import { AgentSandbox, type AgentSandboxProps } from '../../constructs/agent-sandbox/agent-sandbox';
import { propsFromHelmValues, mergeHelmValues, chartDefaultValues, type HelmValues } from '../../constructs/agent-sandbox/helm-values';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS } from '../../core/upstream/pins';
import { helmTemplate, type RenderedObject } from '../../scripts/helm/render';
import { HELM } from '../../scripts/toolchain/versions';
import { EVERY_CONTROLLER_FLAG } from '../support/controller-flags';
import { newChart, synthObjects } from '../support/synth';
import { requireToolchain } from '../support/require-toolchain';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = RenderedObject & { [k: string]: any };

interface Case {
  readonly name: string;
  readonly values: HelmValues;
}

interface Context {
  readonly values: HelmValues;
  readonly props: AgentSandboxProps;
  readonly extensions: boolean;
  readonly releaseName: string;
}

/** Every way our output may differ from the chart's, and why. Each `apply` reconciles exactly that difference. */
interface AllowedDifference {
  readonly id: string;
  readonly why: string;
  /** Mutates copies of both outputs; throws when our side is not exactly what the entry documents. Returns whether it applied. */
  readonly apply: (helm: Obj[], ours: Obj[], ctx: Context) => boolean;
}

const find = (objs: Obj[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const remove = (objs: Obj[], o: Obj | undefined) => (o ? (objs.splice(objs.indexOf(o), 1), true) : false);
const podOf = (objs: Obj[]) => find(objs, 'Deployment', 'agent-sandbox-controller')!.spec.template.spec;
const must = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`allowed difference does not hold: ${what}`);
};
/** JSON with keys sorted: compares values whatever their key order and object prototypes (js-yaml vs literals). */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];
const OUR_LABELS = ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stripLabels = (meta: any, keys: string[]) => {
  if (!meta?.labels) return false;
  for (const k of keys) delete meta.labels[k];
  if (Object.keys(meta.labels).length === 0) delete meta.labels;
  return true;
};

const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  {
    id: 'identity-labels',
    why:
      "our objects carry the plain manifests' `app: agent-sandbox-controller` and app.kubernetes.io/{name,component,version,managed-by: agent-sandbox-infra}; " +
      "the chart's carry helm.sh/chart and app.kubernetes.io/{name,instance,managed-by: Helm,version}. User labels (podLabels, additionalLabels) must be equal.",
    apply: (helm, ours) => {
      let applied = false;
      for (const o of helm) applied = stripLabels(o.metadata, HELM_LABELS) || applied;
      for (const o of ours) stripLabels(o.metadata, OUR_LABELS);
      stripLabels(find(helm, 'Deployment')?.spec.template.metadata, HELM_LABELS);
      stripLabels(find(ours, 'Deployment')?.spec.template.metadata, OUR_LABELS);
      return applied;
    },
  },
  {
    id: 'selector',
    why:
      "the Deployment, Service and ServiceMonitor select `app: agent-sandbox-controller` (the plain manifests' selector, which we have always emitted: a " +
      "Deployment's selector cannot change once installed) instead of the chart's app.kubernetes.io/{name,instance}",
    apply: (helm, ours, ctx) => {
      const helmSelector = { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/instance': ctx.releaseName };
      const ourSelector = { app: 'agent-sandbox-controller' };
      const paths: [string, (o: Obj) => { get: () => unknown; set: (v: unknown) => void }][] = [
        ['Deployment', (o) => ({ get: () => o.spec.selector.matchLabels, set: (v) => (o.spec.selector.matchLabels = v) })],
        ['Service', (o) => ({ get: () => o.spec.selector, set: (v) => (o.spec.selector = v) })],
        ['ServiceMonitor', (o) => ({ get: () => o.spec.selector.matchLabels, set: (v) => (o.spec.selector.matchLabels = v) })],
      ];
      for (const [kind, at] of paths) {
        const h = find(helm, kind);
        const m = find(ours, kind);
        if (!h || !m) continue;
        must(same(at(h).get(), helmSelector) && same(at(m).get(), ourSelector), `${kind} selectors: ${JSON.stringify(at(h).get())} / ${JSON.stringify(at(m).get())}`);
        at(m).set(helmSelector);
      }
      return true;
    },
  },
  {
    id: 'namespace-pod-security',
    why: 'our Namespace enforces (at the latest version), warns and audits the `restricted` Pod Security Standard (the controller meets it) and names itself (kubernetes.io/metadata.name)',
    apply: (_helm, ours) => {
      const ns = find(ours, 'Namespace');
      if (!ns) return false;
      const expected = {
        'kubernetes.io/metadata.name': ns.metadata.name,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      };
      must(same(ns.metadata.labels, expected), `Namespace labels ${JSON.stringify(ns.metadata.labels)}`);
      delete ns.metadata.labels;
      return true;
    },
  },
  {
    id: 'controller-network-policy',
    why:
      "the controller's own NetworkPolicy (ingress only to its ports 8080/8081, egress open): where a CNI starts pods default-deny until a policy " +
      'selects them (the VPC CNI in strict mode, which the EKS stack turns on) it is what lets the controller work; the chart has none',
    apply: (helm, ours) => {
      const np = find(ours, 'NetworkPolicy', 'agent-sandbox-controller');
      if (!np) return false;
      must(!find(helm, 'NetworkPolicy'), 'the chart renders no NetworkPolicy');
      const ports = (np.spec.ingress?.[0]?.ports ?? []).map((p: { port: number }) => p.port);
      must(
        same(np.spec.podSelector, { matchLabels: { app: 'agent-sandbox-controller' } }) && same(np.spec.policyTypes, ['Ingress', 'Egress']) && same(np.spec.egress, [{}]) && same(ports, [8080, 8081]),
        `the controller NetworkPolicy ${JSON.stringify(np.spec)}`,
      );
      remove(ours, np);
      return true;
    },
  },
  {
    id: 'secure-pod-security-context',
    why: 'the pod runs as non-root uid/gid 65532 with seccomp RuntimeDefault unless the values say otherwise (the chart sets no securityContext by default)',
    apply: (helm, ours, ctx) => {
      const expected = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' }, ...(ctx.values.podSecurityContext as object) };
      must(same(podOf(ours).securityContext, expected), `pod securityContext ${JSON.stringify(podOf(ours).securityContext)}`);
      if (podOf(helm).securityContext === undefined) delete podOf(ours).securityContext;
      else podOf(ours).securityContext = podOf(helm).securityContext;
      return true;
    },
  },
  {
    id: 'secure-container-security-context',
    why: 'the container drops ALL capabilities, has a read-only root filesystem, no privilege escalation, non-root and seccomp RuntimeDefault unless the values say otherwise',
    apply: (helm, ours, ctx) => {
      const expected = {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        ...(ctx.values.containerSecurityContext as object),
      };
      const [h, m] = [podOf(helm).containers[0], podOf(ours).containers[0]];
      must(same(m.securityContext, expected), `container securityContext ${JSON.stringify(m.securityContext)}`);
      if (h.securityContext === undefined) delete m.securityContext;
      else m.securityContext = h.securityContext;
      return true;
    },
  },
  {
    id: 'default-resources',
    why: 'requests 100m/128Mi and limits 1 CPU/512Mi unless the values set them (merged key by key); the chart sets none by default',
    apply: (helm, ours, ctx) => {
      const given = (ctx.values.resources ?? {}) as { requests?: object; limits?: object };
      const expected = { requests: { cpu: '100m', memory: '128Mi', ...given.requests }, limits: { cpu: '1', memory: '512Mi', ...given.limits } };
      const [h, m] = [podOf(helm).containers[0], podOf(ours).containers[0]];
      must(same(m.resources, expected), `resources ${JSON.stringify(m.resources)}`);
      if (h.resources === undefined) delete m.resources;
      else m.resources = h.resources;
      return true;
    },
  },
  {
    id: 'tmp-volume',
    why: 'a 64Mi emptyDir at /tmp: the root filesystem is read-only',
    apply: (_helm, ours) => {
      const pod = podOf(ours);
      const c = pod.containers[0];
      must(same(c.volumeMounts.at(-1), { name: 'tmp', mountPath: '/tmp' }) && same(pod.volumes.at(-1), { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }), 'the /tmp emptyDir');
      c.volumeMounts.pop();
      pod.volumes.pop();
      if (c.volumeMounts.length === 0) delete c.volumeMounts;
      if (pod.volumes.length === 0) delete pod.volumes;
      return true;
    },
  },
  {
    id: 'extensions-off-least-privilege',
    why:
      'with extensions off we install neither the extensions ClusterRole (the chart always renders it, unbound), the extension CRDs (claims, templates, ' +
      'warm pools: nothing would reconcile them), nor the config-volume only the extensions controllers read',
    apply: (helm, ours, ctx) => {
      if (ctx.extensions) return false;
      must(!find(ours, 'ClusterRole', 'agent-sandbox-controller-extensions'), 'no extensions ClusterRole of ours');
      remove(helm, find(helm, 'ClusterRole', 'agent-sandbox-controller-extensions'));
      for (const crd of helm.filter((o) => o.kind === 'CustomResourceDefinition' && o.spec.group === 'extensions.agents.x-k8s.io')) {
        must(!find(ours, 'CustomResourceDefinition', crd.metadata.name), `no ${crd.metadata.name} of ours`);
        remove(helm, crd);
      }
      const pod = podOf(helm);
      pod.containers[0].volumeMounts = pod.containers[0].volumeMounts.filter((m: { name: string }) => m.name !== 'config-volume');
      pod.volumes = pod.volumes.filter((v: { name: string }) => v.name !== 'config-volume');
      if (pod.containers[0].volumeMounts.length === 0) delete pod.containers[0].volumeMounts;
      if (pod.volumes.length === 0) delete pod.volumes;
      return true;
    },
  },
  {
    id: 'extensions-flag-form',
    why: 'we pass `--extensions` bare (as the plain manifests do) where the chart passes `--extensions=true`, and leave out `--extensions=false` (the binary default)',
    apply: (helm, ours, ctx) => {
      const h = podOf(helm).containers[0].args as string[];
      const m = podOf(ours).containers[0].args as string[];
      const i = h.indexOf(`--extensions=${ctx.extensions}`);
      must(i >= 0, `the chart passes --extensions=${ctx.extensions}`);
      if (ctx.extensions) {
        must(m.includes('--extensions'), 'we pass --extensions');
        m[m.indexOf('--extensions')] = '--extensions=true';
      } else {
        must(!m.some((a) => a.startsWith('--extensions')), 'we pass no --extensions');
        m.splice(i, 0, '--extensions=false');
      }
      return true;
    },
  },
  {
    id: 'replicated-availability',
    why: 'with more than one replica: a PodDisruptionBudget (minAvailable 1) and a spread over nodes and zones',
    apply: (_helm, ours, ctx) => {
      if ((ctx.props.replicas ?? 1) <= 1) return false;
      const pdb = find(ours, 'PodDisruptionBudget', 'agent-sandbox-controller');
      must(same(pdb?.spec, { minAvailable: 1, selector: { matchLabels: { app: 'agent-sandbox-controller' } } }), 'the PDB');
      remove(ours, pdb);
      const spread = podOf(ours).topologySpreadConstraints;
      must(same(spread.map((t: { topologyKey: string }) => t.topologyKey), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']), 'the spread');
      delete podOf(ours).topologySpreadConstraints;
      return true;
    },
  },
  {
    id: 'service-monitor-namespace',
    why: "the ServiceMonitor names its namespace (namespaceSelector.matchNames): the same targets as the chart's (Prometheus defaults to the ServiceMonitor's namespace), stated",
    apply: (_helm, ours) => {
      const sm = find(ours, 'ServiceMonitor');
      if (!sm) return false;
      must(same(sm.spec.namespaceSelector, { matchNames: [sm.metadata.namespace] }), 'namespaceSelector');
      delete sm.spec.namespaceSelector;
      return true;
    },
  },
];

/** Settings the matrix covers: the chart's defaults, every value set, and the combinations that change objects. */
const CASES: readonly Case[] = [
  { name: 'chart defaults (image.tag is required)', values: { image: { tag: 'v1.0.3' } } },
  { name: 'extensions on', values: { image: { tag: 'v1.0.3' }, controller: { extensions: true } } },
  {
    name: 'every value set',
    values: {
      namespace: { create: true, name: 'sandbox-ops' },
      image: { repository: 'mirror.example.com/agent-sandbox-controller', tag: 'v1.0.3', pullPolicy: 'Always' },
      imagePullSecrets: [{ name: 'regcred' }],
      replicaCount: 3,
      podAnnotations: { 'example.com/team': 'platform' },
      podLabels: { team: 'platform' },
      controller: { ...EVERY_CONTROLLER_FLAG, extraArgs: ['--zap-log-level=debug', '--zap-encoder=console'] },
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }] }] } } },
      podSecurityContext: { fsGroup: 65532, runAsUser: 1001 },
      containerSecurityContext: { readOnlyRootFilesystem: true, runAsUser: 1001 },
      service: { name: 'agent-sandbox-metrics' },
      metrics: {
        serviceMonitor: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' }, interval: '15s', scrapeTimeout: '10s' },
        prometheusRule: {
          enabled: true,
          additionalLabels: { release: 'kube-prometheus-stack' },
          additionalGroups: [{ name: 'extra.rules', rules: [{ alert: 'Extra', expr: 'vector(1) > 2', for: '1m' }] }],
        },
      },
    },
  },
  {
    name: 'existing namespace, no leader election, metrics off, extensions off with worker flags of the core controller',
    values: {
      namespace: { create: false, name: 'platform' },
      image: { tag: 'v1.0.3' },
      controller: { leaderElect: false, sandboxConcurrentWorkers: 10, kubeApiQps: -1 },
      metrics: { serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } },
    },
  },
  { name: 'ServiceMonitor without a scrape timeout, PrometheusRule without extra groups', values: { image: { tag: 'v1.0.3' }, metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } } } },
];

const key = (o: Obj) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (objs: Obj[]) => Object.fromEntries(objs.map((o) => [key(o), o]));

const releases = AGENT_SANDBOX_VERSIONS.filter((v) => agentSandboxRelease(v).helmChart);
const describeWithHelm = requireToolchain('the Helm parity test', [HELM], 'npm run toolchain -- helm');

describeWithHelm.each(releases.map((v) => [v]))('Helm parity with the agent-sandbox %s chart', (version: string) => {
  const release = agentSandboxRelease(version);
  const seen = new Set<string>();

  test.each(CASES.map((c) => [c.name, c]))('%s: the same objects and fields as `helm template`, but for the allowed differences', async (_name, c) => {
    const releaseName = 'agent-sandbox';
    const helm = (await helmTemplate(release, c.values, { releaseName, namespace: 'agent-sandbox-system' })) as Obj[];
    const props = propsFromHelmValues(c.values, { version, releaseNamespace: 'agent-sandbox-system' });
    const chart = newChart();
    new AgentSandbox(chart, 'AgentSandbox', props);
    const ours = structuredClone(synthObjects(chart)) as Obj[];
    const merged = mergeHelmValues(chartDefaultValues(release), c.values);
    const ctx: Context = { values: merged, props, extensions: Boolean((merged.controller as HelmValues).extensions), releaseName };
    for (const d of ALLOWED_DIFFERENCES) if (d.apply(helm, ours, ctx)) seen.add(d.id);
    const h = byKey(helm);
    const m = byKey(ours);
    expect(Object.keys(m).sort()).toStrictEqual(Object.keys(h).sort());
    for (const k of Object.keys(h)) expect({ [k]: m[k] }).toStrictEqual({ [k]: h[k] });
  });

  test('each allowed difference was needed by at least one case (no stale entry)', () => {
    expect(ALLOWED_DIFFERENCES.map((d) => d.id).filter((id) => !seen.has(id))).toStrictEqual([]);
  });

  test('the chart still refuses to render without image.tag, which our props default to the release', async () => {
    await expect(helmTemplate(release, {})).rejects.toThrow('image.tag is required');
    expect(propsFromHelmValues({}, { version }).image?.tag).toBeUndefined();
  });
});
