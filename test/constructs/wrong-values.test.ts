/** The constructs refuse what the config refuses: invalid image references and byte quantities without a unit. */
import { Testing } from 'cdk8s';
import { AgentSandbox } from '../../constructs/agent-sandbox/agent-sandbox';
import { SandboxNamespace } from '../../constructs/tenant/sandbox-namespace';
import { SandboxTemplate } from '../../constructs/workloads/sandbox-template';
import { thrownProblems } from '../support/problems';

const problems = (fn: () => unknown): string[] => thrownProblems(fn);

test('SandboxTemplate: image and memory', () => {
  const chart = Testing.chart();
  expect(problems(() => new SandboxTemplate(chart, 't', { namespace: 'team-a', platform: 'eks', containers: [{ name: 'main', image: 'Team/App:1', resources: { limits: { cpu: '1', memory: 256 } } }] }))).toEqual([
    'containers[0] (main).image: "Team/App:1" is not a valid image reference: it has an uppercase repository name "Team" (repository names are lowercase: "team")',
    'containers[0] (main).resources.limits.memory: 256 has no unit, so it means 256 bytes, less than a container can start in; write 256Mi or 256Gi (binary units), or 256M (decimal)',
  ]);
});

test('SandboxNamespace quota and LimitRange, AgentSandbox resources and repository', () => {
  const chart = Testing.chart();
  expect(problems(() => new SandboxNamespace(chart, 'ns', { name: 'team-a', quota: { hard: { 'limits.memory': 4096 } }, limitRange: { max: { memory: '64' } } }))).toEqual([
    'quota.hard["limits.memory"]: 4096 has no unit, so it means 4096 bytes, less than a container can start in; write 4096Mi or 4096Gi (binary units), or 4096M (decimal)',
    'limitRange.max.memory: 64 has no unit, so it means 64 bytes, less than a container can start in; write 64Mi or 64Gi (binary units), or 64M (decimal)',
  ]);
  expect(problems(() => new AgentSandbox(chart, 'as', { image: { repository: 'Registry.k8s.io/AgentSandbox' }, resources: { limits: { memory: '512' } } }))).toEqual([
    'image.repository: "Registry.k8s.io/AgentSandbox" is not a valid image reference: it has an uppercase repository name "AgentSandbox" (repository names are lowercase: "agentsandbox")',
    'resources.limits.memory: 512 has no unit, so it means 512 bytes, less than a container can start in; write 512Mi or 512Gi (binary units), or 512M (decimal)',
  ]);
});
