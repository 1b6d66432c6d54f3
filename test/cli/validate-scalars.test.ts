/**
 * `validate` checks the scalars the API server parses: Kubernetes quantities in built-in kinds (the pinned schema
 * declares them as any string or number) and in CRD pod templates, and RFC 3339 times (`format: date-time`, which
 * ajv does not check by itself).
 */
import { runCli } from '../support/cli';
import { sandboxTemplateYaml } from '../support/manifests';
import { outputLines, useScratchDir } from '../support/scratch';

const QUOTA = `apiVersion: v1
kind: ResourceQuota
metadata: { name: quota, namespace: apps }
spec:
  hard:
    pods: PODS
    requests.cpu: "2"
    requests.memory: 4Gi
    limits.cpu: 4
    limits.memory: 8.5e9
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: apps }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: { cpu: 500m, memory: 512Mi }
            limits: { cpu: CPU, memory: 1Gi }
`;

const CLAIM = `apiVersion: extensions.agents.x-k8s.io/v1beta1
kind: SandboxClaim
metadata: { name: claim, namespace: apps }
spec:
  warmPoolRef: { name: pool }
  lifecycle:
    shutdownTime: WHEN
    shutdownPolicy: Delete
`;

const LEASE = `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: { name: lease, namespace: apps }
spec:
  holderIdentity: me
  acquireTime: "2026-02-30T10:00:00.000000Z"
  renewTime: "2026-02-28T10:00:00.000000Z"
`;

describe('agent-sandbox-infra validate: quantities and times', () => {
  const { write } = useScratchDir('asi-validate-scalars-');
  const lines = outputLines;

  test('valid quantities (strings and numbers) and RFC 3339 times pass', async () => {
    const files = [
      write('quota.yaml', QUOTA.replace('PODS', '"50"')),
      write('deploy.yaml', DEPLOYMENT.replace('CPU', '1.5')),
      write('claim.yaml', CLAIM.replace('WHEN', '"2026-12-31T23:59:59Z"')),
      write('claim2.yaml', CLAIM.replace('name: claim,', 'name: claim2,').replace('WHEN', '"2026-12-31T23:59:59.5+02:00"')),
    ];
    const run = await runCli(['validate', ...files.map((f) => f.path)]);
    expect(run).toStrictEqual({ code: 0, stdout: '', stderr: '4 objects in 4 files: ok\n' });
  });

  test('a quantity that is not one is an error with a readable message, in built-in kinds and in CRD pod templates', async () => {
    const quota = write('quota.yaml', QUOTA.replace('PODS', 'fifty'));
    const deploy = write('deploy.yaml', DEPLOYMENT.replace('CPU', 'lots'));
    const template = write('template.yaml', sandboxTemplateYaml({ name: 'tpl', namespace: 'apps', container: 'agent', image: 'python:3.12', limits: '{ cpu: 1e1.5, memory: 2 Gi }' }));
    const run = await runCli(['validate', quota.path, deploy.path, template.path]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      `${quota.shown}: ResourceQuota apps/quota: spec.hard.pods: must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi, got "fifty"`,
      `${deploy.shown}: Deployment apps/web: spec.template.spec.containers[0].resources.limits.cpu: must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi, got "lots"`,
      `${template.shown}: SandboxTemplate apps/tpl: spec.podTemplate.spec.containers[0].resources.limits.cpu: must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi, got "1e1.5"`,
      `${template.shown}: SandboxTemplate apps/tpl: spec.podTemplate.spec.containers[0].resources.limits.memory: must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi, got "2 Gi"`,
    ]);
    expect(run.stderr).toBe('3 objects in 3 files: 4 problems\n');
  });

  test('a time that is not RFC 3339 is an error with a readable message (CRD date-time fields and meta/v1 times)', async () => {
    const claim = write('claim.yaml', CLAIM.replace('WHEN', 'tomorrow'));
    const lease = write('lease.yaml', LEASE);
    const run = await runCli(['validate', claim.path, lease.path]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      `${claim.shown}: SandboxClaim apps/claim: spec.lifecycle.shutdownTime: must be an RFC 3339 time like 2026-12-31T23:59:59Z, got "tomorrow"`,
      `${lease.shown}: Lease apps/lease: spec.acquireTime: must be an RFC 3339 time like 2026-12-31T23:59:59Z, got "2026-02-30T10:00:00.000000Z"`,
    ]);
    expect(run.stderr).toBe('2 objects in 2 files: 2 problems\n');
  });

  test('a date without a time, and a space instead of T, are refused too', async () => {
    const a = write('a.yaml', CLAIM.replace('WHEN', '"2026-12-31"'));
    const b = write('b.yaml', CLAIM.replace('name: claim,', 'name: claim-b,').replace('WHEN', '"2026-12-31 23:59:59Z"'));
    const run = await runCli(['validate', a.path, b.path]);
    expect(lines(run.stdout)).toStrictEqual([
      `${a.shown}: SandboxClaim apps/claim: spec.lifecycle.shutdownTime: must be an RFC 3339 time like 2026-12-31T23:59:59Z, got "2026-12-31"`,
      `${b.shown}: SandboxClaim apps/claim-b: spec.lifecycle.shutdownTime: must be an RFC 3339 time like 2026-12-31T23:59:59Z, got "2026-12-31 23:59:59Z"`,
    ]);
    expect(run.code).toBe(1);
  });
});
