/**
 * The upgrade from agent-sandbox v0.5.x to v1.0.x on a real control plane, with both real controllers, following
 * `upgrade-plan`'s own commands (run by bash with the cluster's kubectl, as a user would): every object is still
 * there with the same UID and spec, warm pools return to their replicas, claims stay bound. The cluster starts the
 * way clusters that began on an older release look: CRDs whose status.storedVersions names v1alpha1, and objects
 * written while v1alpha1 was the storage version (reproduced faithfully: the same v0.5.6 CRDs with v1alpha1 as the
 * storage version, objects created at v1alpha1, then the real v0.5.6 CRDs applied over them). Skipping a step of
 * the plan fails loudly: the API server refuses the v1 CRDs, or the verification finds the webhook still wired.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { EXAMPLE_CONFIG } from '../../config/example';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS } from '../../core/upstream/pins';
import { readUpstreamText } from '../../core/upstream/store';
import { deployPlatform, FIELD_MANAGER, kubectl, readObjects, synthPlatform } from '../../scripts/cluster/deploy';
import type { KubeObject } from '../../scripts/cluster/kube-client';
import { forbiddenLines, runDeploymentPod } from '../../scripts/cluster/pod-process';
import { stopProcesses } from '../../scripts/cluster/processes';
import { binaryPath } from '../../scripts/toolchain/paths';
import { agentSandboxControllerComponent } from '../../scripts/toolchain/versions';
import { upgradePlan, type UpgradeStep } from '../../validation/upgrade-plan';
import { describeWithCluster, waitForCondition, withCluster } from './support/cluster';

const run = promisify(execFile);
const OLD = AGENT_SANDBOX_VERSIONS.find((v) => agentSandboxRelease(v).conversionWebhook)!;
const NEW = AGENT_SANDBOX_VERSIONS.find((v) => !agentSandboxRelease(v).conversionWebhook)!;
const PLATFORM = 'eks';
const LEGACY_NS = 'legacy';

const describeOnCluster = describeWithCluster(`the upgrade ${OLD} → ${NEW}`, [agentSandboxControllerComponent(OLD), agentSandboxControllerComponent(NEW)], { podRunner: true });

/** The example config pinned to a release, as a file for `synth --config`. */
function configFile(dir: string, version: string): string {
  const file = join(dir, `config-${version}.json`);
  writeFileSync(file, JSON.stringify({ ...EXAMPLE_CONFIG, agentSandbox: { ...EXAMPLE_CONFIG.agentSandbox, version } }));
  return file;
}

const KINDS = [
  { kind: 'SandboxWarmPool', path: (v: string) => `/apis/extensions.agents.x-k8s.io/${v}/sandboxwarmpools` },
  { kind: 'SandboxTemplate', path: (v: string) => `/apis/extensions.agents.x-k8s.io/${v}/sandboxtemplates` },
  { kind: 'Sandbox', path: (v: string) => `/apis/agents.x-k8s.io/${v}/sandboxes` },
  { kind: 'SandboxClaim', path: (v: string) => `/apis/extensions.agents.x-k8s.io/${v}/sandboxclaims` },
];

describeOnCluster(`the upgrade ${OLD} → ${NEW} on a local cluster`, () => {
  const env = withCluster();
  const work = mkdtempSync(join(tmpdir(), 'asi-upgrade-'));
  const plan = upgradePlan(OLD, NEW);
  const storage = agentSandboxRelease(NEW).apiVersion;
  let newDir: string;
  type Snapshot = Map<string, { uid: string; spec: unknown; boundTo?: string }>;
  let before: Snapshot;

  /**
   * Every object of the four kinds, read at the new storage version (through the old webhook while it runs). A warm
   * pool an HPA scales has its spec.replicas left out: the HPA owns that field (our manifests leave it unset), and
   * it moves on the HPA's own schedule, upgrade or not.
   */
  async function snapshot(): Promise<Snapshot> {
    const out: Snapshot = new Map();
    const scaled = new Set(
      (await env.cluster.client.list('/apis/autoscaling/v2/horizontalpodautoscalers'))
        .filter((h) => h.spec.scaleTargetRef.kind === 'SandboxWarmPool')
        .map((h) => `${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`),
    );
    for (const k of KINDS) {
      for (const o of await env.cluster.client.list(k.path(storage))) {
        const key = `${o.metadata.namespace}/${o.metadata.name}`;
        const spec = k.kind === 'SandboxWarmPool' && scaled.has(key) ? { ...o.spec, replicas: undefined } : o.spec;
        out.set(`${k.kind} ${key}`, { uid: o.metadata.uid, spec, boundTo: o.status?.sandbox?.name });
      }
    }
    return out;
  }

  /** Runs one step of the plan, as written, with bash and the cluster's kubectl. */
  async function runStep(step: UpgradeStep): Promise<string> {
    const script = ['set -euo pipefail', ...step.commands.map((c) => c.replace(/dist\/<platform>/g, newDir))].join('\n');
    try {
      const { stdout } = await run('bash', ['-c', script], {
        cwd: work,
        env: { ...process.env, KUBECONFIG: env.cluster.state.kubeconfig, PATH: `${dirname(env.cluster.state.kubectl)}:${process.env.PATH}` },
      });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`step ${step.id} failed:\n${e.stderr || e.message}`);
    }
  }
  const step = (id: UpgradeStep['id']) => plan.steps.find((s) => s.id === id)!;

  async function waitForPools(): Promise<void> {
    const client = env.cluster.client;
    for (const k of [KINDS[0]]) {
      for (const pool of await client.list(k.path(storage))) {
        await waitForCondition(client, `warm pool ${pool.metadata.namespace}/${pool.metadata.name} at ${pool.spec.replicas} Ready`, pool.metadata.namespace, async () => {
          const p = await client.get(`${k.path(storage).replace(/\/sandboxwarmpools$/, '')}/namespaces/${pool.metadata.namespace}/sandboxwarmpools/${pool.metadata.name}`);
          return p?.status?.readyReplicas === p?.spec.replicas && p?.spec.replicas > 0;
        }, 120_000);
      }
    }
  }

  beforeAll(async () => {
    const client = env.cluster.client;
    const old = agentSandboxRelease(OLD);
    // 1. A cluster that began on an older release: the CRDs with v1alpha1 as the storage version, objects at v1alpha1.
    for (const pin of old.crds) {
      const crd = load(readUpstreamText(pin)) as KubeObject;
      for (const v of crd.spec.versions as KubeObject[]) v.storage = v.name === 'v1alpha1';
      await client.apply(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, crd, FIELD_MANAGER);
    }
    await waitForCondition(client, 'the v1alpha1-storage CRDs Established', 'default', async () => {
      for (const pin of old.crds) {
        const crd = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${pin.crdName}`);
        if (!crd?.status?.conditions?.some((c: KubeObject) => c.type === 'Established' && c.status === 'True')) return false;
      }
      return true;
    });
    await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LEGACY_NS } });
    const template = readObjects(join(await synthPlatform(PLATFORM, join(work, 'probe'), configFile(work, OLD)), '40-tenant-agents-prod.yaml')).find((o) => o.kind === 'SandboxTemplate')!;
    const podTemplate = { spec: { ...template.spec.podTemplate.spec, serviceAccountName: undefined } };
    const v1alpha1 = (group: string, kind: string, name: string, spec: KubeObject) => ({ apiVersion: `${group}/v1alpha1`, kind, metadata: { name, namespace: LEGACY_NS }, spec });
    await client.create(`/apis/extensions.agents.x-k8s.io/v1alpha1/namespaces/${LEGACY_NS}/sandboxtemplates`, v1alpha1('extensions.agents.x-k8s.io', 'SandboxTemplate', 'legacy-runtime', { podTemplate }));
    await client.create(
      `/apis/extensions.agents.x-k8s.io/v1alpha1/namespaces/${LEGACY_NS}/sandboxwarmpools`,
      v1alpha1('extensions.agents.x-k8s.io', 'SandboxWarmPool', 'legacy-warm', { replicas: 2, sandboxTemplateRef: { name: 'legacy-runtime' } }),
    );
    await client.create(`/apis/agents.x-k8s.io/v1alpha1/namespaces/${LEGACY_NS}/sandboxes`, v1alpha1('agents.x-k8s.io', 'Sandbox', 'legacy-sandbox', { podTemplate }));

    // 2. The old release as we install it: its CRDs (storage v1beta1) over those, its controller, the tenants.
    await deployPlatform(env.cluster, { platform: PLATFORM, config: configFile(work, OLD) });
    newDir = await synthPlatform(PLATFORM, join(work, 'new'), configFile(work, NEW));
    await waitForPools();
    await waitForCondition(client, 'the smoke-test claim bound', 'agents-prod', async () => Boolean((await client.get(`${KINDS[3].path(storage).replace(/\/sandboxclaims$/, '')}/namespaces/agents-prod/sandboxclaims/smoke-test`))?.status?.sandbox?.name));
    before = await snapshot();
  });

  it(`starts where clusters that began before ${OLD} are: status.storedVersions names ${plan.retiredVersions.join(', ')}`, async () => {
    for (const pin of agentSandboxRelease(NEW).crds) {
      const crd = await env.cluster.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${pin.crdName}`);
      expect([pin.crdName, crd?.status.storedVersions]).toEqual([pin.crdName, [...plan.retiredVersions, storage]]);
    }
    expect([...before.keys()]).toEqual(expect.arrayContaining(['SandboxWarmPool legacy/legacy-warm', 'SandboxTemplate legacy/legacy-runtime', 'Sandbox legacy/legacy-sandbox', 'SandboxClaim agents-prod/smoke-test']));
  });

  it(`refuses the ${NEW} CRDs while a step is skipped: the API server names the stored version`, async () => {
    const attempt = await kubectl(env.cluster, ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', join(newDir, '00-crds.yaml')], { allowExit: [1] });
    expect(attempt.code).toBe(1);
    expect(attempt.stderr).toContain(`status.storedVersions[0]: Invalid value: "${plan.retiredVersions[0]}": missing from spec.versions`);
  });

  it('upgrades with the plan: same objects (UIDs and specs), warm pools full, claims bound, nothing of the webhook left', async () => {
    const client = env.cluster.client;
    await runStep(step('preflight'));
    await runStep(step('backup'));
    await runStep(step('migrate-storage'));
    await runStep(step('prune-stored-versions'));
    await runStep(step('remove-conversion'));
    await runStep(step('apply-crds'));
    // The roll: the old controller stops with its pod; the new Deployment's pod runs the new release's binary.
    const oldController = env.cluster.processes.filter((p) => p.name.startsWith('agent-sandbox-controller'));
    await runStep(step('roll-controller'));
    await stopProcesses(oldController);
    const controller = await runDeploymentPod(
      env.cluster,
      { namespace: 'agent-sandbox-system', name: 'agent-sandbox-controller', container: 'agent-sandbox-controller' },
      binaryPath(agentSandboxControllerComponent(NEW), 'agent-sandbox-controller'),
      'attached',
      `agent-sandbox-controller-${NEW}`,
    );
    await runStep(step('apply-rest'));
    await runStep(step('remove-webhook-objects'));
    const verify = await runStep(step('verify'));

    for (const pin of agentSandboxRelease(NEW).crds) {
      const crd = await client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${pin.crdName}`);
      expect([pin.crdName, crd?.status.storedVersions, crd?.spec.conversion?.strategy ?? 'None', crd?.spec.versions.map((v: KubeObject) => v.name)]).toEqual([pin.crdName, [storage], 'None', [storage]]);
      expect(verify).toContain(`${pin.crdName} ["${storage}"] None`);
    }
    await waitForPools();
    const after = await snapshot();
    const changed = [...before].filter(([key, o]) => after.get(key)?.uid !== o.uid || JSON.stringify(after.get(key)?.spec) !== JSON.stringify(o.spec)).map(([key]) => key);
    expect(changed).toEqual([]);
    const claims = [...before].filter(([key, o]) => key.startsWith('SandboxClaim ') && o.boundTo);
    expect(claims.length).toBeGreaterThan(0);
    for (const [key, o] of claims) expect([key, after.get(key)?.boundTo]).toEqual([key, o.boundTo]);
    for (const o of plan.orphans) {
      const path = o.kind === 'Service' ? `/api/v1/namespaces/${o.namespace}/services/${o.name}` : o.kind === 'Secret' ? `/api/v1/namespaces/${o.namespace}/secrets/${o.name}` : `/apis/rbac.authorization.k8s.io/v1/namespaces/${o.namespace}/${o.kind === 'Role' ? 'roles' : 'rolebindings'}/${o.name}`;
      expect([o.kind, o.name, await client.get(path)]).toEqual([o.kind, o.name, undefined]);
    }
    const retired = await client.get(`/apis/extensions.agents.x-k8s.io/${plan.retiredVersions[0]}/namespaces/legacy/sandboxwarmpools/legacy-warm`).catch((e: unknown) => e);
    expect(retired).toBeUndefined();
    expect(forbiddenLines(controller.main.logFile)).toEqual([]);
  });

  it(`a claim bound under ${OLD} stays bound to the same sandbox, and a new claim binds under ${NEW}`, async () => {
    const client = env.cluster.client;
    const base = `/apis/extensions.agents.x-k8s.io/${storage}/namespaces/${LEGACY_NS}`;
    await client.create(`${base}/sandboxclaims`, { apiVersion: `extensions.agents.x-k8s.io/${storage}`, kind: 'SandboxClaim', metadata: { name: 'after-upgrade', namespace: LEGACY_NS }, spec: { warmPoolRef: { name: 'legacy-warm' } } });
    await waitForCondition(client, 'a new claim bound by the new controller', LEGACY_NS, async () => Boolean((await client.get(`${base}/sandboxclaims/after-upgrade`))?.status?.sandbox?.name));
  });
});
