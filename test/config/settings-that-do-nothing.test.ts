/** Settings that do nothing: controller settings under GKE's managed add-on (an error), replicas on an autoscaled pool (a warning). */
import { configWarnings, validateConfig } from '../../config/validate';
import { formatProblem } from '../../core/diagnostics';
import { configProblems } from '../support/problems';

const MANAGED = { 'gke-autopilot': { agentSandbox: 'managed', gkeVersion: '1.36.3-gke.1767000' } };

const problems = (raw: unknown, platforms?: ('gke-autopilot' | 'eks')[]): readonly string[] => configProblems(raw, 'config', platforms ? { platforms } : {});

test('controller settings when only managed platforms are rendered: an error per setting; version is used and fine', () => {
  const raw = { agentSandbox: { version: 'v0.5.6', replicas: 2, controller: { extensions: true } }, platforms: MANAGED };
  expect(problems(raw, ['gke-autopilot'])).toEqual([
    "agentSandbox.replicas: does nothing: GKE's managed add-on installs and configures the controller on gke-autopilot (platforms.gke-autopilot.agentSandbox: managed), so no controller of ours is rendered; remove agentSandbox.replicas, or use agentSandbox: self to install ours",
    "agentSandbox.controller: does nothing: GKE's managed add-on installs and configures the controller on gke-autopilot (platforms.gke-autopilot.agentSandbox: managed), so no controller of ours is rendered; remove agentSandbox.controller, or use agentSandbox: self to install ours",
  ]);
  // With a platform that installs ours, they configure that one.
  expect(problems(raw, ['gke-autopilot', 'eks'])).toEqual([]);
  expect(problems({ agentSandbox: { version: 'v0.5.6' }, platforms: MANAGED }, ['gke-autopilot'])).toEqual([]);
});

test('replicas on an autoscaled warm pool: a warning naming what owns them', () => {
  const C = { name: 'py', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };
  const metrics = [{ type: 'External', external: { metric: { name: 'claims' }, target: { type: 'AverageValue', averageValue: '1' } } }];
  const config = validateConfig({
    tenants: [{ name: 'team-a', templates: [{ name: 'py', containers: [C] }], warmPools: [{ name: 'p', template: 'py', replicas: 6, autoscaling: { minReplicas: 2, maxReplicas: 10, metrics } }, { name: 'q', template: 'py', replicas: 3 }] }],
  });
  expect(configWarnings(config).map(formatProblem)).toEqual([
    'tenants[0].warmPools[0].replicas: 6 has no effect: with autoscaling the HorizontalPodAutoscaler owns the pool\'s replicas (the pool is rendered without spec.replicas and scales within autoscaling.minReplicas 2 … maxReplicas 10); remove replicas, or set autoscaling.minReplicas',
  ]);
});
