/** Pods against the Pod Security level of their namespace, when the namespace is in the same input. */
import { namespacePodSecurityProblems } from '../../validation/namespace-pod-security';

const ns = (name: string, enforce?: string, version?: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { ...(enforce ? { 'pod-security.kubernetes.io/enforce': enforce } : {}), ...(version ? { 'pod-security.kubernetes.io/enforce-version': version } : {}) } },
});
const container = (securityContext: Record<string, unknown>) => ({ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext } });
const pod = (securityContext: Record<string, unknown> = {}) => ({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container(securityContext)] });

const template = (namespace: string, podSpec: unknown, annotations?: Record<string, string>) => ({
  apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
  kind: 'SandboxTemplate',
  metadata: { name: 't', namespace },
  spec: { podTemplate: { ...(annotations ? { metadata: { annotations } } : {}), spec: podSpec } },
});
const deployment = (namespace: string, podSpec: unknown) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace }, spec: { template: { spec: podSpec } } });

const run = (...values: unknown[]) => namespacePodSecurityProblems(values.map((value) => ({ value, file: 'f.yaml' }))).map((p) => `${p.object}: ${p.path}: ${p.message.split(':')[0]}`);

test('a template its namespace (restricted) rejects is an error at the field, whatever its own opt-outs say', () => {
  expect(run(ns('a', 'restricted'), template('a', pod({ seccompProfile: { type: 'Unconfined' } })))).toStrictEqual([
    'SandboxTemplate a/t: spec.podTemplate.spec.containers[0].securityContext.seccompProfile.type: must be RuntimeDefault or Localhost',
  ]);
});

test('baseline namespaces: baseline checks only; the AppArmor annotation of the pod counts', () => {
  expect(run(ns('b', 'baseline'), template('b', pod({ capabilities: { drop: ['ALL'], add: ['CHOWN'] } })))).toStrictEqual([]);
  expect(run(ns('b', 'baseline'), deployment('b', pod({ privileged: true })))).toStrictEqual(['Deployment b/d: spec.template.spec.containers[0].securityContext.privileged: must not be true']);
  expect(run(ns('b', 'baseline'), template('b', pod(), { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' }))).toStrictEqual([
    'SandboxTemplate b/t: spec.podTemplate.metadata.annotations["container.apparmor.security.beta.kubernetes.io/c"]: must be runtime/default or localhost/<profile>, got "unconfined"',
  ]);
});

test('privileged, unlabelled or unknown namespaces are not checked; the enforce-version is honoured', () => {
  const probe = { ...pod(), containers: [{ ...container({}), livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } }] };
  expect(run(ns('p', 'privileged'), template('p', pod({ privileged: true })))).toStrictEqual([]);
  expect(run(ns('u'), template('u', pod({ privileged: true })))).toStrictEqual([]);
  expect(run(template('elsewhere', pod({ privileged: true })))).toStrictEqual([]);
  expect(run(ns('v', 'baseline', 'v1.33'), template('v', probe))).toStrictEqual([]);
  expect(run(ns('v', 'baseline', 'v1.34'), template('v', probe))).toHaveLength(1);
});
