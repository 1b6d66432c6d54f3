import { Testing } from 'cdk8s';
import { DEFAULT_MAX_WARM_POOL_REPLICAS, SandboxWarmPool, warmPoolReplicaProblems } from '../../../constructs/workloads/sandbox-warm-pool';
import { findObject, synthObjects } from '../../support/synth';
import { chartWithController, errorOf, template } from './support';
import { EXTENSIONS_API } from '../../support/upstream';
import { formatProblem } from '../../../core/diagnostics';

const CLAIM_RATE = {
  type: 'External',
  external: {
    metric: { name: 'agent_sandbox_claim_creation_rate', selector: { matchLabels: { warmpool_name: 'python-warm' } } },
    target: { type: 'AverageValue', averageValue: '500m' },
  },
};
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' };

describe('SandboxWarmPool', () => {
  test('defaults: 1 replica, OnReplenish, references the template construct, no autoscaler', () => {
    const chart = Testing.chart();
    const tpl = template(chart, { name: 'python-runtime' });
    const pool = new SandboxWarmPool(chart, 'python-warm', { template: tpl });
    expect(findObject(synthObjects(chart), 'SandboxWarmPool')).toStrictEqual({
      apiVersion: EXTENSIONS_API,
      kind: 'SandboxWarmPool',
      metadata: { name: 'python-warm', namespace: 'ns', labels: MANAGED_BY },
      spec: { replicas: 1, sandboxTemplateRef: { name: 'python-runtime' }, updateStrategy: { type: 'OnReplenish' } },
    });
    expect(pool.replicas).toBe(1);
    expect(pool.peakReplicas).toBe(1);
    expect(pool.namespace).toBe('ns');
    expect(pool.template).toBe(tpl);
    expect(pool.autoscaler).toBeUndefined();
    expect(synthObjects(chart).map((o) => o.kind)).toStrictEqual(['SandboxTemplate', 'SandboxWarmPool']);
  });

  test('replicas and updateStrategy as given; peakReplicas is the replica count without an autoscaler', () => {
    const chart = Testing.chart();
    const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart), replicas: 7, updateStrategy: 'Recreate' });
    expect(findObject(synthObjects(chart), 'SandboxWarmPool').spec).toStrictEqual({
      replicas: 7,
      sandboxTemplateRef: { name: 'tpl' },
      updateStrategy: { type: 'Recreate' },
    });
    expect(pool.peakReplicas).toBe(7);
  });

  test('autoscaling: an autoscaling/v2 HPA on the pool\'s scale subresource, which owns spec.replicas (not emitted)', () => {
    const chart = Testing.chart();
    const behavior = { scaleDown: { stabilizationWindowSeconds: 300 } };
    const pool = new SandboxWarmPool(chart, 'python-warm', {
      template: template(chart),
      autoscaling: { minReplicas: 4, maxReplicas: 16, metrics: [CLAIM_RATE], behavior },
    });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'HorizontalPodAutoscaler')).toStrictEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'python-warm', namespace: 'ns', labels: MANAGED_BY },
      spec: {
        scaleTargetRef: { apiVersion: EXTENSIONS_API, kind: 'SandboxWarmPool', name: 'python-warm' },
        minReplicas: 4,
        maxReplicas: 16,
        metrics: [CLAIM_RATE],
        behavior,
      },
    });
    // No replicas: applying the manifest again must not reset the HPA-scaled pool (the CRD default applies on create).
    expect(findObject(objects, 'SandboxWarmPool').spec).toStrictEqual({ sandboxTemplateRef: { name: 'tpl' }, updateStrategy: { type: 'OnReplenish' } });
    expect(pool.replicas).toBe(4);
    expect(pool.peakReplicas).toBe(16);
    expect(pool.autoscaler).toBeDefined();
  });

  test('autoscaling with replicas given: still no spec.replicas (the HPA owns it); replicas reads the autoscaler floor', () => {
    const chart = Testing.chart();
    const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart), replicas: 6, autoscaling: { minReplicas: 4, maxReplicas: 16, metrics: [CLAIM_RATE] } });
    const objects = synthObjects(chart);
    expect(findObject(objects, 'SandboxWarmPool').spec).toStrictEqual({ sandboxTemplateRef: { name: 'tpl' }, updateStrategy: { type: 'OnReplenish' } });
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(4);
    expect(pool.replicas).toBe(4);
    expect(pool.peakReplicas).toBe(16);
  });

  test('the HPA targets the name the pool really has (name prop, not the construct id)', () => {
    const chart = Testing.chart();
    new SandboxWarmPool(chart, 'Pool', { name: 'renamed', template: template(chart), autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [CLAIM_RATE] } });
    const hpa = findObject(synthObjects(chart), 'HorizontalPodAutoscaler');
    expect(hpa.metadata.name).toBe('renamed');
    expect(hpa.spec.scaleTargetRef).toStrictEqual({ apiVersion: EXTENSIONS_API, kind: 'SandboxWarmPool', name: 'renamed' });
  });

  test('the bound is 500 by default and configurable', () => {
    expect(DEFAULT_MAX_WARM_POOL_REPLICAS).toBe(500);
    const chart = Testing.chart();
    const tpl = template(chart);
    expect(new SandboxWarmPool(chart, 'at-bound', { template: tpl, replicas: 500 }).replicas).toBe(500);
    expect(new SandboxWarmPool(chart, 'raised', { template: tpl, replicas: 600, maxReplicas: 1000 }).replicas).toBe(600);
    expect(new SandboxWarmPool(chart, 'zero', { template: tpl, replicas: 0 }).replicas).toBe(0);
    expect(errorOf(() => new SandboxWarmPool(chart, 'lowered', { template: tpl, replicas: 11, maxReplicas: 10 }))).toBe(
      'SandboxWarmPool "test/lowered" is invalid:\n  replicas: must be ≤ 10 (maxReplicas), got 11',
    );
  });

  test.each([
    ['replicas over the bound', { replicas: 501 }, ['replicas: must be ≤ 500 (maxReplicas), got 501']],
    ['negative replicas', { replicas: -1 }, ['replicas: must be an integer ≥ 0, got -1']],
    ['fractional replicas', { replicas: 1.5 }, ['replicas: must be an integer ≥ 0, got 1.5']],
    ['a bound below 1', { maxReplicas: 0 }, ['maxReplicas: must be an integer ≥ 1, got 0', 'replicas: must be ≤ 0 (maxReplicas), got 1']],
    ['autoscaling maxReplicas over the bound', { autoscaling: { minReplicas: 1, maxReplicas: 501, metrics: [CLAIM_RATE] } }, ['autoscaling.maxReplicas: must be ≤ 500 (maxReplicas), got 501']],
    [
      'autoscaling minReplicas 0 before Kubernetes 1.37',
      { autoscaling: { minReplicas: 0, maxReplicas: 5, metrics: [CLAIM_RATE] } },
      ['autoscaling.minReplicas: 0 needs Kubernetes 1.37 or later (HPAScaleToZero is on by default from 1.37); the target is 1.36, where the API server refuses it: use 1 or more, or set kubernetesVersion'],
    ],
    ['autoscaling min > max', { autoscaling: { minReplicas: 5, maxReplicas: 2, metrics: [CLAIM_RATE] } }, ['autoscaling.maxReplicas: must be ≥ minReplicas (5), got 2']],
    ['autoscaling without metrics', { autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [] } }, ['autoscaling.metrics: at least one metric is required (e.g. an External metric of the claim rate)']],
    [
      'replicas outside the autoscaler range',
      { replicas: 20, autoscaling: { minReplicas: 1, maxReplicas: 10, metrics: [CLAIM_RATE] } },
      ['replicas: 20 is outside autoscaling 1..10; the autoscaler would change it at once'],
    ],
  ] as const)('%s: the exact problem lines', (_label, props, problems) => {
    expect(warmPoolReplicaProblems(props).map(formatProblem)).toStrictEqual(problems);
    const chart = Testing.chart();
    expect(errorOf(() => new SandboxWarmPool(chart, 'pool', { template: template(chart), ...props }))).toBe(
      `SandboxWarmPool "test/pool" is invalid:\n  ${problems.join('\n  ')}`,
    );
  });

  test('scales to zero on Kubernetes 1.37 with an External metric: the HPA has minReplicas 0 and the pool no replicas of its own', () => {
    const chart = Testing.chart();
    const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart), kubernetesVersion: '1.37', autoscaling: { minReplicas: 0, maxReplicas: 5, metrics: [CLAIM_RATE] } });
    expect(pool.replicas).toBe(0);
    const hpa = Testing.synth(chart).find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toStrictEqual([0, 5]);
    expect(Testing.synth(chart).find((o) => o.kind === 'SandboxWarmPool')!.spec.replicas).toBeUndefined();
  });

  test('needs the controller extensions: refused in a chart whose AgentSandbox runs without them', () => {
    const elsewhere = Testing.chart(); // the template is built where no controller is declared
    const tpl = template(elsewhere);
    const chart = chartWithController({ controller: { extensions: false } });
    expect(errorOf(() => new SandboxWarmPool(chart, 'pool', { template: tpl }))).toBe(
      'SandboxWarmPool "test/pool" is invalid:\n' +
        '  the agent-sandbox controller in this chart runs without extensions (AgentSandbox controller.extensions: false; in a config file agentSandbox.controller.extensions), so the SandboxWarmPool CRD is not installed and no controller would reconcile SandboxWarmPools; enable extensions',
    );
  });

  test('with the controller\'s extensions on it is built', () => {
    const chart = chartWithController({ controller: { extensions: true } });
    expect(new SandboxWarmPool(chart, 'pool', { template: template(chart) }).name).toBe('pool');
  });
});
