import { load } from 'js-yaml';
import { AgentSandbox } from '../../../constructs/agent-sandbox/agent-sandbox';
import { chartDefaultValues, HELM_VALUES, mergeHelmValues, propsFromHelmValues, unknownValueKeys, type HelmValues } from '../../../constructs/agent-sandbox/helm-values';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS } from '../../../core/upstream/pins';
import { readUpstreamText } from '../../../core/upstream/store';
import { EVERY_CONTROLLER_FLAG } from '../../support/controller-flags';
import { findObject, newChart, synthObjects } from '../../support/synth';

const chartReleases = AGENT_SANDBOX_VERSIONS.filter((v) => agentSandboxRelease(v).helmChart);

/** Every `.Values.a.b` the chart's templates read, and every `hasKey .Values.controller "x"` (read as controller.x). */
function valuesReadByTemplates(version: string): string[] {
  const files = agentSandboxRelease(version).helmChart!.files;
  const read = new Set<string>();
  for (const [name, file] of Object.entries(files)) {
    if (!name.startsWith('templates/')) continue;
    const text = readUpstreamText(file);
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) read.add(m[1].slice(1));
    for (const m of text.matchAll(/hasKey \.Values\.([A-Za-z0-9_.]+) "([A-Za-z0-9_]+)"/g)) read.add(`${m[1]}.${m[2]}`);
  }
  // A map read whole (`with .Values.metrics.serviceMonitor`) is covered by its leaves.
  return [...read].filter((k) => ![...read].some((other) => other.startsWith(`${k}.`))).sort();
}

describe.each(chartReleases.map((v) => [v]))('the %s Helm chart values', (version) => {
  test('every value its templates read is in the table (a prop, or the reason there is none), and nothing else is', () => {
    expect(HELM_VALUES.map((m) => m.value).sort()).toStrictEqual(valuesReadByTemplates(version));
  });

  test('every key of its values.yaml is in the table', () => {
    expect(unknownValueKeys(chartDefaultValues(agentSandboxRelease(version)))).toStrictEqual([]);
  });

  test('every prop of the table exists on AgentSandboxProps and reaches the output', () => {
    const values: HelmValues = {
      namespace: { create: false, name: 'sandbox-ops' },
      image: { repository: 'mirror.example.com/asc', tag: 'v1.0.3-patched', pullPolicy: 'Always' },
      imagePullSecrets: [{ name: 'regcred' }],
      replicaCount: 2,
      podAnnotations: { 'example.com/team': 'platform' },
      podLabels: { team: 'platform' },
      controller: { ...EVERY_CONTROLLER_FLAG, enableTracing: false },
      resources: { limits: { memory: '1Gi' } },
      nodeSelector: { pool: 'system' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      podSecurityContext: { fsGroup: 65532 },
      containerSecurityContext: { runAsUser: 65532 },
      service: { name: 'asc-metrics' },
      metrics: {
        serviceMonitor: { enabled: true, additionalLabels: { release: 'kps' }, interval: '15s', scrapeTimeout: '5s' },
        prometheusRule: { enabled: true, additionalLabels: { release: 'kps' }, additionalGroups: [{ name: 'extra', rules: [] }] },
      },
    };
    const props = propsFromHelmValues(values, { version });
    for (const m of HELM_VALUES) {
      if (!('prop' in m)) continue;
      const value = m.prop.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], props);
      expect([m.value, value === undefined]).toStrictEqual([m.value, false]);
    }
    const chart = newChart();
    new AgentSandbox(chart, 'AgentSandbox', props);
    const objs = synthObjects(chart);
    const pod = findObject(objs, 'Deployment').spec.template.spec;
    expect(findObject(objs, 'Deployment').metadata.namespace).toBe('sandbox-ops');
    expect(objs.filter((o) => o.kind === 'Namespace')).toStrictEqual([]);
    expect(pod.containers[0].image).toBe('mirror.example.com/asc:v1.0.3-patched');
    expect(pod.imagePullSecrets).toStrictEqual([{ name: 'regcred' }]);
    expect(pod.containers[0].args).toStrictEqual([
      '--leader-elect=true',
      '--cluster-domain=corp.local',
      '--leader-election-namespace=kube-system',
      '--extensions',
      '--enable-tracing=false',
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
      '--sandbox-warm-pool-readiness-grace-period=10m',
      '--sandbox-warm-pool-unschedulable-recheck-interval=2m',
      '--enable-warm-pool-eviction=false',
      '--zap-log-level=debug',
    ]);
    expect(pod.securityContext.fsGroup).toBe(65532);
    expect(findObject(objs, 'Service').metadata.name).toBe('asc-metrics');
    expect(findObject(objs, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ interval: '15s', scrapeTimeout: '5s' });
    expect(findObject(objs, 'PrometheusRule').spec.groups.map((g: { name: string }) => g.name)).toStrictEqual(['agent-sandbox-controller.rules', 'extra']);
  });

  test('unset values mean what they mean in the chart: extensions off, one replica, the values.yaml namespace', () => {
    const props = propsFromHelmValues({ image: { tag: version } }, { version });
    expect(props).toMatchObject({ namespace: 'agent-sandbox-system', createNamespace: true, replicas: 1, controller: { leaderElect: true, extensions: false } });
    expect(props.controller).toStrictEqual({ leaderElect: true, extensions: false });
  });
});

describe('Helm values conversion', () => {
  test('a key the chart does not read is an error naming it', () => {
    expect(() => propsFromHelmValues({ replicas: 2, controller: { extension: true } })).toThrow(
      'Helm values: "replicas", "controller.extension" are not read by the agent-sandbox v1.0.3 chart; known values: namespace.create,',
    );
  });

  test('an empty namespace.name is the release namespace, as in the chart', () => {
    expect(propsFromHelmValues({ namespace: { name: '' } }, { releaseNamespace: 'ops' }).namespace).toBe('ops');
  });

  test('values merge like Helm: maps key by key, lists replace, null removes', () => {
    const base = load('a: {b: 1, c: [1, 2]}\nd: x\ne: {f: 1}') as HelmValues;
    expect(mergeHelmValues(base, { a: { c: [3] }, d: null, e: { g: 2 } })).toStrictEqual({ a: { b: 1, c: [3] }, e: { f: 1, g: 2 } });
  });
});
