/**
 * The Pulumi toolchain for real, offline, against the local cluster: the CLI and the Kubernetes provider built from
 * their Go modules (scripts/toolchain), the provider installed as a local plugin, a `file://` backend, and a small
 * TypeScript program written to a temp folder that creates a Namespace and a ConfigMap through a Provider made from
 * the cluster's kubeconfig. Preview, up and destroy run through the Automation API; the assertions read the engine's
 * structured events and the API server's objects, not printed text.
 *
 * The program runs in this process through the Automation API's own language host (an inline program that loads
 * the temp folder's module): the CLI's Node.js language host is not built (its module is not served, see
 * scripts/toolchain/versions.ts). Everything else is the real engine: the CLI's deployment engine, its plugin
 * loading, the provider process and what it sends to kube-apiserver.
 */
import * as auto from '@pulumi/pulumi/automation';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/control-plane';
import { offlineEngine, policyPackLauncher, type OfflineEngine } from '../../scripts/pulumi/engine';
import { PULUMI_ENGINE } from '../../scripts/toolchain/components';
import { DEFAULT_LOCAL_KUBERNETES, ETCD, kubernetesComponent, KWOK, PULUMI_KUBERNETES_PLUGIN_VERSION, PULUMI_RELEASE } from '../../scripts/toolchain/versions';
import { REPO_ROOT } from '../support/upstream';
import { requireToolchain } from '../support/require-toolchain';

const describeWithToolchain = requireToolchain(
  'the Pulumi toolchain test',
  [kubernetesComponent(DEFAULT_LOCAL_KUBERNETES), ETCD, KWOK, ...PULUMI_ENGINE],
  `npm run toolchain -- kubernetes etcd kwok pulumi --kubernetes ${DEFAULT_LOCAL_KUBERNETES}`,
);

const NAMESPACE = 'pulumi-toolchain-check';
const CONFIG_MAP = 'engine-greeting';

/** The program as a user would write it: @pulumi/kubernetes, an explicit Provider from a kubeconfig file. */
const PROGRAM = `
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';

export async function program() {
  const config = new pulumi.Config();
  const provider = new k8s.Provider('local-cluster', { kubeconfig: config.require('kubeconfig') });
  const ns = new k8s.core.v1.Namespace('check', { metadata: { name: '${NAMESPACE}' } }, { provider });
  const cm = new k8s.core.v1.ConfigMap(
    'greeting',
    { metadata: { name: '${CONFIG_MAP}', namespace: ns.metadata.name }, data: { engine: 'real', release: config.require('release') } },
    { provider },
  );
  return { namespace: ns.metadata.name, configMap: cm.metadata.name };
}
`;

type Op = { op: string; type: string };

/** Engine events of CLI 3.277 that the @pulumi/pulumi 3.270 typings predate (the SDK passes every event through). */
type CliEvent = auto.EngineEvent & {
  policyLoadEvent?: Record<string, never>;
  policyAnalyzeSummaryEvent?: { resourceUrn: string; policyPackName: string; policyPackVersion: string };
};

/** The resource operations of a run, from the engine's structured events (resourcePreEvent per step). */
function stepsOf(events: auto.EngineEvent[]): Op[] {
  return events.flatMap((e) => (e.resourcePreEvent ? [{ op: e.resourcePreEvent.metadata.op, type: e.resourcePreEvent.metadata.type }] : []));
}

function diagnosticsOf(events: auto.EngineEvent[]): string[] {
  return events.flatMap((e) => (e.diagnosticEvent ? [`${e.diagnosticEvent.severity}: ${e.diagnosticEvent.message.trim()}`] : []));
}

describeWithToolchain('the Pulumi toolchain from Go modules, offline, against the local cluster', () => {
  let cluster: LocalCluster;
  let engine: OfflineEngine;
  let programDir: string;
  let stack: auto.Stack;
  let pulumiCommand: auto.PulumiCommand;

  beforeAll(async () => {
    cluster = await LocalCluster.up({ lifetime: 'attached' });
    engine = await offlineEngine();
    programDir = mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-pulumi-program-'));
    writeFileSync(join(programDir, 'index.ts'), PROGRAM);
    // The program resolves @pulumi/* from this repository's node_modules, as a checked-out project would.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(programDir, 'node_modules'), 'dir');
    // No install, no download: the built binary, checked against the SDK's minimum CLI version (no skipVersionCheck).
    pulumiCommand = await auto.PulumiCommand.get({ root: engine.root });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { program } = require(join(programDir, 'index.ts')) as { program: auto.PulumiFn };
    stack = await auto.LocalWorkspace.createStack(
      { stackName: 'local', projectName: 'toolchain-check', program },
      {
        workDir: programDir,
        pulumiCommand,
        envVars: engine.env,
        projectSettings: { name: 'toolchain-check', runtime: 'nodejs', backend: { url: engine.backendUrl } },
      },
    );
    await stack.setAllConfig({
      kubeconfig: { value: cluster.state.kubeconfig },
      release: { value: PULUMI_RELEASE },
    });
  }, 5 * 60 * 1000);

  afterAll(async () => {
    await cluster?.down();
    engine?.dispose();
    if (programDir) rmSync(programDir, { recursive: true, force: true });
  });

  it('runs the built CLI (its version linked in) with the provider installed as a local plugin, offline', async () => {
    const env = { ...process.env, ...engine.env };
    expect(execFileSync(engine.cli, ['version'], { env, encoding: 'utf8' }).trim()).toBe(PULUMI_RELEASE);
    expect(pulumiCommand.command).toBe(engine.cli);
    expect(pulumiCommand.version?.version).toBe(engine.version);
    const plugins = JSON.parse(execFileSync(engine.cli, ['plugin', 'ls', '--json'], { env, encoding: 'utf8' })) as { name: string; kind: string; version: string }[];
    expect(plugins.map((p) => `${p.kind}/${p.name}@${p.version}`)).toContain(`resource/kubernetes@${PULUMI_KUBERNETES_PLUGIN_VERSION}`);
    expect(engine.env).toMatchObject({
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_BACKEND_URL: `file://${engine.stateDir}`,
    });
  });

  it('preview plans the provider, the Namespace and the ConfigMap, and creates nothing', async () => {
    const events: auto.EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e), color: 'never' });
    expect(stepsOf(events)).toEqual(
      expect.arrayContaining([
        { op: 'create', type: 'pulumi:providers:kubernetes' },
        { op: 'create', type: 'kubernetes:core/v1:Namespace' },
        { op: 'create', type: 'kubernetes:core/v1:ConfigMap' },
      ]),
    );
    expect(stepsOf(events).filter((s) => s.type.startsWith('kubernetes:'))).toHaveLength(2);
    expect(preview.changeSummary).toEqual({ create: 4 }); // the stack itself, the provider, the two objects
    expect(diagnosticsOf(events).filter((d) => d.startsWith('error'))).toEqual([]);
    expect(await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}`)).toBeUndefined();
  });

  it("loads the repository's policy pack through its launcher: every resource is analyzed, none violates", async () => {
    const events: CliEvent[] = [];
    const launcher = policyPackLauncher(join(REPO_ROOT, 'policy'), join(programDir, 'policy-launcher'));
    const preview = await stack.preview({ onEvent: (e) => events.push(e), color: 'never', policyPacks: [launcher] });
    expect(preview.changeSummary).toEqual({ create: 4 });
    expect(events.filter((e) => e.policyLoadEvent)).toHaveLength(1);
    const analyzed = events.flatMap((e) => (e.policyAnalyzeSummaryEvent ? [e.policyAnalyzeSummaryEvent] : []));
    expect(new Set(analyzed.map((a) => `${a.policyPackName}@${a.policyPackVersion}`))).toEqual(new Set(['agent-sandbox-infra@0.1.0']));
    expect(analyzed.map((a) => a.resourceUrn.split('::').slice(-2).join('::'))).toEqual(
      expect.arrayContaining(['kubernetes:core/v1:Namespace::check', 'kubernetes:core/v1:ConfigMap::greeting']),
    );
    expect(events.filter((e) => e.policyEvent)).toEqual([]);
  });

  it('up creates both objects in the cluster, applied server-side by the provider', async () => {
    const events: auto.EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e), color: 'never' });
    expect(up.summary.result).toBe('succeeded');
    expect(up.summary.resourceChanges).toEqual({ create: 4 });
    expect(up.outputs.namespace.value).toBe(NAMESPACE);
    expect(up.outputs.configMap.value).toBe(CONFIG_MAP);

    const ns = await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}`);
    expect(ns?.status?.phase).toBe('Active');
    const cm = await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/${CONFIG_MAP}`);
    expect(cm?.data).toEqual({ engine: 'real', release: PULUMI_RELEASE });
    // Server-side apply (the provider's default since v4): it owns the fields it sent under its own field manager,
    // and, unlike its client-side mode, stamps no `app.kubernetes.io/managed-by: pulumi` label.
    const managers = ((cm?.metadata?.managedFields ?? []) as { manager: string; operation: string }[]).map((m) => `${m.operation}:${m.manager}`);
    expect(managers).toEqual([expect.stringMatching(/^Apply:pulumi-kubernetes-/)]);
    expect(cm?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('destroy removes both objects and the stack is empty', async () => {
    const events: auto.EngineEvent[] = [];
    const destroy = await stack.destroy({ onEvent: (e) => events.push(e), color: 'never' });
    expect(destroy.summary.result).toBe('succeeded');
    expect(stepsOf(events).filter((s) => s.type.startsWith('kubernetes:'))).toEqual(
      expect.arrayContaining([
        { op: 'delete', type: 'kubernetes:core/v1:Namespace' },
        { op: 'delete', type: 'kubernetes:core/v1:ConfigMap' },
      ]),
    );
    // The provider awaits deletion: the namespace controller has finalized the Namespace when destroy returns.
    expect(await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}/configmaps/${CONFIG_MAP}`)).toBeUndefined();
    expect(await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}`)).toBeUndefined();
    expect((await stack.exportStack()).deployment.resources ?? []).toEqual([]);
  });
});
