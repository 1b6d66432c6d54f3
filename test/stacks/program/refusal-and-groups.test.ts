/**
 * How the program refuses a stack (one error the Pulumi CLI prints without a stack trace; missing pinned upstream
 * files as a problem with the command that fetches them), and how it splits the manifests into ConfigGroups.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { RenderedFile } from '../../../constructs/output/render';
import { CONTROLLER_ACCESS_KINDS, planManifestGroups } from '../../../stacks/deploy-manifests';
import { FETCH_UPSTREAM_COMMANDS, StackConfigError } from '../../../stacks/stack-error';
import { refusedStack, stackFileConfig } from '../../support/pulumi-stack';

describe('a refused stack', () => {
  test('is one InputPropertiesError that the Pulumi runner treats as a RunError (message only, no stack trace)', async () => {
    const { error } = await refusedStack('eks', { ...stackFileConfig('eks'), 'agent-sandbox-infra:platform': 'openshift' });
    expect(error).toBeInstanceOf(StackConfigError);
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    // @pulumi/pulumi cmd/run: `if (RunError.isInstance(err)) log.error(err.message)` — "Always hide the stack for RunErrors".
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'stack config has 1 problem; nothing was created:\n  platform: must be one of gke-autopilot, gke-standard, eks, aks, kubernetes, got "openshift" (a cluster you already run, kind included: kubernetes, with its kubeconfig)',
    );
  });
});

describe('pinned upstream files missing', () => {
  const saved = { mirror: process.env.AGENT_SANDBOX_INFRA_MIRROR, cache: process.env.AGENT_SANDBOX_INFRA_CACHE };
  let empty: string;
  beforeEach(() => {
    empty = mkdtempSync(join(tmpdir(), 'asi-empty-'));
  });
  afterEach(() => {
    rmSync(empty, { recursive: true, force: true });
    for (const [key, value] of [['AGENT_SANDBOX_INFRA_MIRROR', saved.mirror], ['AGENT_SANDBOX_INFRA_CACHE', saved.cache]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  test('no mirror, empty cache: a stack problem that says which command to run, nothing registered', async () => {
    delete process.env.AGENT_SANDBOX_INFRA_MIRROR;
    process.env.AGENT_SANDBOX_INFRA_CACHE = empty;
    const { error, registered } = await refusedStack('eks', stackFileConfig('eks'));
    expect(registered).toStrictEqual([]);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    const errors = (error as StackConfigError).errors;
    expect(errors.map((e) => e.propertyPath)).toStrictEqual(['upstream files']);
    expect(errors[0].reason).toMatch(/ is not available \(AGENT_SANDBOX_INFRA_MIRROR is not set; the cache has no \S+\)\. /);
    expect(errors[0].reason.endsWith(`To deploy: run ${FETCH_UPSTREAM_COMMANDS} in this folder (it needs GitHub or a Go module proxy once), then run pulumi again.`)).toBe(true);
    expect(FETCH_UPSTREAM_COMMANDS).toBe('`npx agent-sandbox-infra fetch-upstream --if-missing` (or `node bin/agent-sandbox-infra.js fetch-upstream --if-missing`)');
    expect((error as Error).message).toMatch(/^stack config has 1 problem; nothing was created:\n {2}upstream files: /);
  });

  test('the other stack problems are still listed with it', async () => {
    delete process.env.AGENT_SANDBOX_INFRA_MIRROR;
    process.env.AGENT_SANDBOX_INFRA_CACHE = empty;
    const config = stackFileConfig('eks');
    const cluster = JSON.parse(config['agent-sandbox-infra:cluster']);
    cluster.sandboxNodeGroups[0].amiType = 'BOTTLEROCKET_x86_64';
    const { error } = await refusedStack('eks', { ...config, 'agent-sandbox-infra:cluster': JSON.stringify(cluster) });
    expect((error as StackConfigError).errors.map((e) => e.propertyPath)).toStrictEqual(['upstream files', 'cluster.sandboxNodeGroups[0].amiType']);
  });

  test('a mirror without the file and an empty cache: add it to the mirror, or let fetch-upstream complete it in the cache', async () => {
    process.env.AGENT_SANDBOX_INFRA_MIRROR = empty;
    process.env.AGENT_SANDBOX_INFRA_CACHE = join(empty, 'cache');
    const { error } = await refusedStack('eks', stackFileConfig('eks'));
    const [problem] = (error as StackConfigError).errors;
    expect(problem.propertyPath).toBe('upstream files');
    expect(problem.reason).toMatch(new RegExp(` is not available \\(AGENT_SANDBOX_INFRA_MIRROR=${empty} has no \\S+; the cache has no \\S+\\)\\. `));
    expect(problem.reason).toContain(`To deploy: add the file to the mirror, or run ${FETCH_UPSTREAM_COMMANDS} in this folder (the cache completes the mirror).`);
  });
});

describe('planManifestGroups: one ConfigGroup per step that must finish before the next', () => {
  const file = (name: string, ...kinds: string[]): RenderedFile => ({
    name,
    documents: [],
    text: '',
    objects: kinds.map((kind) => ({ apiVersion: kind === 'RuntimeClass' ? 'node.k8s.io/v1' : kind === 'CustomResourceDefinition' ? 'apiextensions.k8s.io/v1' : 'v1', kind })),
  });

  test('EKS: CRDs, the controller\'s access (namespace, identity, RBAC, config), the controller, the RuntimeClass, then tenants', () => {
    const files = [
      file('00-crds.yaml', 'CustomResourceDefinition'),
      file('10-agent-sandbox.yaml', 'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'ConfigMap', 'Deployment', 'PodDisruptionBudget'),
      file('20-runtime.yaml', 'RuntimeClass'),
      file('30-device-classes.yaml', 'DeviceClass'),
      file('40-tenant-agents-prod.yaml', 'Namespace', 'SandboxTemplate', 'SandboxWarmPool'),
    ];
    const access = { include: CONTROLLER_ACCESS_KINDS };
    expect(planManifestGroups(files)).toStrictEqual([
      { id: 'crds', files: ['00-crds.yaml'], after: [], afterNodePools: false },
      { id: 'agent-sandbox-access', files: ['10-agent-sandbox.yaml'], kinds: access, after: ['crds'], afterNodePools: false },
      { id: 'agent-sandbox', files: ['10-agent-sandbox.yaml'], kinds: { exclude: CONTROLLER_ACCESS_KINDS }, after: ['crds', 'agent-sandbox-access'], afterNodePools: true },
      { id: 'runtime', files: ['20-runtime.yaml'], after: ['crds', 'agent-sandbox-access', 'agent-sandbox'], afterNodePools: false },
      {
        id: 'workloads',
        files: ['30-device-classes.yaml', '40-tenant-agents-prod.yaml'],
        after: ['crds', 'agent-sandbox-access', 'agent-sandbox', 'runtime'],
        afterNodePools: true,
      },
    ]);
    // The Deployment's RBAC is never in the Deployment's group (the controller would start before it).
    expect(CONTROLLER_ACCESS_KINDS).toEqual(expect.arrayContaining(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']));
    expect(CONTROLLER_ACCESS_KINDS).not.toContain('Service'); // its await needs the Deployment's pods
  });

  test('AKS/GKE ship their RuntimeClass: no runtime group; a tenant named "runtime" is a tenant', () => {
    const files = [
      file('00-crds.yaml', 'CustomResourceDefinition'),
      file('10-agent-sandbox.yaml', 'Deployment'),
      file('20-tenant-runtime.yaml', 'Namespace', 'SandboxTemplate'),
    ];
    expect(planManifestGroups(files).map((g) => [g.id, g.files])).toStrictEqual([
      ['crds', ['00-crds.yaml']],
      ['agent-sandbox', ['10-agent-sandbox.yaml']], // no access objects in this file: no access group
      ['workloads', ['20-tenant-runtime.yaml']],
    ]);
  });

  test('managed agent-sandbox (no CRDs, no controller): the workloads group alone', () => {
    expect(planManifestGroups([file('10-tenant-a.yaml', 'Namespace', 'SandboxTemplate')])).toStrictEqual([
      { id: 'workloads', files: ['10-tenant-a.yaml'], after: [], afterNodePools: true },
    ]);
  });
});
