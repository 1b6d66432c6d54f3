/** The constructs never put sandboxes in a system namespace: SandboxNamespace names and workloads' namespaces. */
import { Testing } from 'cdk8s';
import { AgentSandbox } from '../../constructs/agent-sandbox/agent-sandbox';
import { SandboxNamespace } from '../../constructs/tenant/sandbox-namespace';
import { Sandbox } from '../../constructs/workloads/sandbox';
import { SandboxTemplate } from '../../constructs/workloads/sandbox-template';
import { thrownProblems } from '../support/problems';

const MAIN = { name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };

const problems = (fn: () => unknown): string[] => thrownProblems(fn);

describe('system namespaces', () => {
  test("SandboxNamespace refuses Kubernetes' own names and the platform's reserved prefixes, with its other problems", () => {
    const chart = Testing.chart();
    expect(problems(() => new SandboxNamespace(chart, 'a', { name: 'kube-system', platform: 'eks' }))).toEqual([
      expect.stringMatching(/^name: "kube-system" is a system namespace: Kubernetes' own namespaces/),
    ]);
    expect(problems(() => new SandboxNamespace(chart, 'b', { name: 'amazon-agents', platform: 'eks', labels: { 'bad key!': 'x' } }))).toEqual([
      expect.stringMatching(/^name: "amazon-agents" has the reserved prefix amazon- on eks: EKS add-ons/),
      expect.stringMatching(/^labels: key "bad key!" is not a qualified name/),
    ]);
    // Another platform's prefix is an ordinary name here.
    expect(() => new SandboxNamespace(chart, 'c', { name: 'amazon-agents', platform: 'aks' })).not.toThrow();
  });

  test("the chart's controller namespace is not a tenant's", () => {
    const chart = Testing.chart();
    new AgentSandbox(chart, 'AgentSandbox', { namespace: 'sandbox-ctl' });
    expect(problems(() => new SandboxNamespace(chart, 'ns', { name: 'sandbox-ctl', platform: 'kind' }))).toEqual([
      expect.stringMatching(/^name: "sandbox-ctl" is the agent-sandbox controller's namespace/),
    ]);
  });

  test('a template or sandbox in a system namespace given by name is refused with its pod problems', () => {
    const chart = Testing.chart();
    const template = problems(() => new SandboxTemplate(chart, 't', { name: 'py', namespace: 'default', platform: 'eks', containers: [{ ...MAIN, resources: {} }] }));
    expect(template[0]).toMatch(/^namespace: "default" is a system namespace/);
    expect(template.slice(1)).toEqual([
      expect.stringMatching(/^containers\[0\] \(main\)\.resources\.limits\.cpu: is required/),
      expect.stringMatching(/^containers\[0\] \(main\)\.resources\.limits\.memory: is required/),
    ]);
    expect(problems(() => new Sandbox(chart, 's', { name: 'dev', namespace: 'gke-agents', platform: 'gke-autopilot', containers: [MAIN] }))).toEqual([
      expect.stringMatching(/^namespace: "gke-agents" has the reserved prefix gke- on gke-autopilot/),
    ]);
  });
});
