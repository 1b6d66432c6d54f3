/** Shared fixtures for the workload construct tests. */
import { Testing, type Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { AgentSandbox, type AgentSandboxProps } from '../../../constructs/agent-sandbox/agent-sandbox';
import type { SandboxContainer } from '../../../constructs/workloads/sandbox-pod';
import { SandboxTemplate, type SandboxTemplateProps } from '../../../constructs/workloads/sandbox-template';
import type { K8sObject } from '../../support/synth';

/** A container that meets the secure profile on every platform (cpu + memory limits). */
export const MAIN: SandboxContainer = { name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };

/** The container as the construct emits it by default. */
export const MAIN_EMITTED = {
  name: 'main',
  image: 'python:3.12-slim',
  resources: { limits: { cpu: '1', memory: '1Gi' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
};

/** The pod securityContext the construct emits by default. */
export const POD_SECURITY_CONTEXT = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };

export const GKE_PLACEMENT = {
  nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
  tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
};

/** The message of the error `fn` throws; fails the test when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** A template on `platform` in namespace `ns` with the MAIN container, plus `props`. */
export function template(scope: Construct, props: Partial<SandboxTemplateProps> = {}, id = 'tpl'): SandboxTemplate {
  return new SandboxTemplate(scope, id, { namespace: 'ns', platform: 'eks', containers: [MAIN], ...props });
}

/** Synthesized objects of a chart, by kind (exactly one of each is expected). */
export function byKind(chart: Chart): Record<string, K8sObject> {
  const out: Record<string, K8sObject> = {};
  for (const o of Testing.synth(chart) as K8sObject[]) {
    if (out[o.kind]) throw new Error(`two ${o.kind} objects`);
    out[o.kind] = o;
  }
  return out;
}

/** A chart holding an AgentSandbox install (the controller the workloads look for). */
export function chartWithController(props: AgentSandboxProps = {}): Chart {
  const chart = Testing.chart();
  new AgentSandbox(chart, 'AgentSandbox', props);
  return chart;
}
