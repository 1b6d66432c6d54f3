/**
 * Workloads emit the API version of the release their chart's AgentSandbox installs (the pin table's `apiVersion`), so
 * an agent-sandbox release added as data (e.g. v1.x serving `v1`) changes what they emit without code changes.
 * Only v0.5.6 (v1beta1) is pinned: a controller registering another version stands in for such a release here.
 */
import { Testing } from 'cdk8s';
import { validateConstructTree } from '../../../constructs/output/manifest-files';
import { AGENT_SANDBOX_RELEASES, AGENT_SANDBOX_SERVED_VERSIONS, DEFAULT_AGENT_SANDBOX_VERSION } from '../../../core/upstream/pins';
import { SANDBOX_POD_KINDS } from '../../../validation/sandbox/object';
import { registerController } from '../../../constructs/workloads/context';
import { Sandbox } from '../../../constructs/workloads/sandbox';
import { SandboxClaim } from '../../../constructs/workloads/sandbox-claim';
import { SandboxWarmPool } from '../../../constructs/workloads/sandbox-warm-pool';
import { chartWithController, errorOf, MAIN, template } from './support';
import { EXTENSIONS_API, SANDBOX_API } from '../../support/upstream';

const v1Controller = { extensions: true, allowedLabelDomains: ['sandbox.users.io'], apiVersion: 'v1', version: DEFAULT_AGENT_SANDBOX_VERSION };

test('the pinned release: v1beta1 for every kind, and the HPA targets the pool at that version', () => {
  expect(AGENT_SANDBOX_RELEASES['v0.5.6'].apiVersion).toBe('v1beta1');
  const chart = chartWithController();
  const pool = new SandboxWarmPool(chart, 'pool', {
    template: template(chart),
    autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
  });
  new SandboxClaim(chart, 'claim', { warmPool: pool });
  new Sandbox(chart, 'one-off', { namespace: 'ns', platform: 'eks', containers: [MAIN] });
  const objects = Testing.synth(chart) as { apiVersion: string; kind: string; spec?: { scaleTargetRef?: { apiVersion: string } } }[];
  const version = (kind: string) => objects.find((o) => o.kind === kind)!.apiVersion;
  expect(['SandboxTemplate', 'SandboxWarmPool', 'SandboxClaim', 'Sandbox'].map(version)).toStrictEqual([
    EXTENSIONS_API,
    EXTENSIONS_API,
    EXTENSIONS_API,
    SANDBOX_API,
  ]);
  expect(objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!.spec!.scaleTargetRef!.apiVersion).toBe(EXTENSIONS_API);
});

test('a chart whose controller serves another version: the workloads emit it', () => {
  const chart = Testing.chart();
  registerController(chart, v1Controller);
  const pool = new SandboxWarmPool(chart, 'pool', { template: template(chart) });
  new SandboxClaim(chart, 'claim', { warmPool: pool });
  new Sandbox(chart, 'one-off', { namespace: 'ns', platform: 'eks', containers: [MAIN] });
  validateConstructTree(chart);
  const versions = (Testing.synth(chart) as { apiVersion: string; kind: string }[]).map((o) => `${o.kind} ${o.apiVersion}`);
  expect(versions).toStrictEqual(['SandboxTemplate extensions.agents.x-k8s.io/v1', 'SandboxWarmPool extensions.agents.x-k8s.io/v1', 'SandboxClaim extensions.agents.x-k8s.io/v1', 'Sandbox agents.x-k8s.io/v1']);
});

test('created before such a controller: refused at synth, not emitted at the wrong version', () => {
  const chart = Testing.chart();
  template(chart);
  registerController(chart, v1Controller);
  expect(errorOf(() => validateConstructTree(chart))).toBe(
    `invalid constructs:\n  test/tpl: apiVersion: emitted as ${EXTENSIONS_API}, but the chart's AgentSandbox installs a release whose version is v1; create the AgentSandbox first`,
  );
});

test('the invariant checker reads every version a pinned release serves (and only those)', () => {
  expect(AGENT_SANDBOX_SERVED_VERSIONS).toStrictEqual(['v1alpha1', 'v1beta1']);
  for (const kind of SANDBOX_POD_KINDS) expect(kind.versions).toBe(AGENT_SANDBOX_SERVED_VERSIONS);
});
