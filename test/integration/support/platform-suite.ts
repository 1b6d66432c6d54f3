/**
 * Every platform's synth output on a real control plane (kube-apiserver, controller-manager, scheduler built from
 * k8s.io/kubernetes; nodes simulated by kwok) with the real agent-sandbox controller: admitted, scheduled and
 * reconciled, one fresh cluster per platform. What is simulated: the nodes and their container runtimes (a pod
 * "runs" when kwok says so), the platform-owned RuntimeClasses (stand-ins). Everything else is the real thing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as cli } from '../../../cli/main';
import { platformFacts, PLATFORMS, type Platform } from '../../../platforms';
import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS, DEFAULT_AGENT_SANDBOX_VERSION } from '../../../core/upstream/pins';
import { EXAMPLE_CONFIG } from '../../../config/example';
import { toYamlStream } from '../../../core/yaml/emit';
import { checkCapacity } from '../../../platforms/capacity';
import { applyFile, deployPlatform, FIELD_MANAGER, kubectl, type Deployment } from '../../../scripts/cluster/deploy';
import { KubeApiError, type KubeObject } from '../../../scripts/cluster/kube-client';
import { forbiddenLines } from '../../../scripts/cluster/pod-process';
import { simulatedPools } from '../../../scripts/cluster/platform-nodes';
import { secureSandboxPolicyFor, upstreamSecureSandboxPolicy } from '../../../scripts/cluster/secure-sandbox-policy';
import { agentSandboxControllerComponent, DEFAULT_LOCAL_KUBERNETES, kubernetesComponent, KUBERNETES_RELEASES, type LocalKubernetesMinor } from '../../../scripts/toolchain/versions';
import { CLAIMS, describeNamespace, describeWithCluster, SANDBOXES, WARM_POOLS, waitForCondition, withCluster } from './cluster';

/**
 * What runs: every platform with the default release on each Kubernetes minor of the version table, and every other
 * pinned release (v0.5.6, deprecated) on one platform, on the default minor.
 */
type Variant = keyof typeof VARIANTS;
/**
 * Platform settings some suites deploy instead of the example's: `aks-spot` is AKS with a Spot Kata pool
 * (`platforms.aks.spot`), whose simulated Kata nodes carry AKS's Spot label and taint.
 */
const VARIANTS = { '': undefined, 'aks-spot': { aks: { spot: true } } } as const;
export type MatrixRow = [Platform, LocalKubernetesMinor, string, Variant];
export const MATRIX: MatrixRow[] = [
  ...(Object.keys(KUBERNETES_RELEASES) as LocalKubernetesMinor[]).flatMap((minor) => PLATFORMS.map((p): [Platform, LocalKubernetesMinor, string, Variant] => [p, minor, DEFAULT_AGENT_SANDBOX_VERSION, ''])),
  ...AGENT_SANDBOX_VERSIONS.filter((v) => v !== DEFAULT_AGENT_SANDBOX_VERSION).map((v): [Platform, LocalKubernetesMinor, string, Variant] => ['eks', DEFAULT_LOCAL_KUBERNETES, v, '']),
  ['aks', DEFAULT_LOCAL_KUBERNETES, DEFAULT_AGENT_SANDBOX_VERSION, 'aks-spot'],
];
const describeOnCluster = describeWithCluster(
  'platforms on a local cluster',
  [...AGENT_SANDBOX_VERSIONS.map(agentSandboxControllerComponent), ...(Object.keys(KUBERNETES_RELEASES) as LocalKubernetesMinor[]).map(kubernetesComponent)],
  { podRunner: true },
);
const configDir = mkdtempSync(join(tmpdir(), 'asi-platforms-'));

/** The built-in example config with a variant's platform settings. */
function exampleConfig(variant: Variant): typeof EXAMPLE_CONFIG {
  const platforms = VARIANTS[variant];
  return platforms ? { ...EXAMPLE_CONFIG, platforms: { ...EXAMPLE_CONFIG.platforms, ...platforms } } : EXAMPLE_CONFIG;
}

/** The built-in example config (with a variant's settings) pinned to a release, as a file for `synth --config`. */
function exampleConfigFor(version: string, variant: Variant): string {
  const file = join(configDir, `example-${version}${variant ? `-${variant}` : ''}.json`);
  const config = exampleConfig(variant);
  writeFileSync(file, JSON.stringify({ ...config, agentSandbox: { ...config.agentSandbox, version } }));
  return file;
}

/** A secure Sandbox for the platform: the first SandboxTemplate's pod of its own synth output. */
function secureSandbox(d: Deployment, name: string, namespace = 'default'): KubeObject {
  const template = d.objects.find((o) => o.kind === 'SandboxTemplate')!;
  const release = agentSandboxRelease(d.objects.find((o) => o.kind === 'Deployment')!.metadata.labels['app.kubernetes.io/version']);
  return { apiVersion: `agents.x-k8s.io/${release.apiVersion}`, kind: 'Sandbox', metadata: { name, namespace }, spec: { podTemplate: structuredClone(template.spec.podTemplate) } };
}

type PodSpec = KubeObject;
const eachContainer = (spec: PodSpec, f: (c: KubeObject) => void) => (spec.containers as KubeObject[]).forEach(f);

/** Deliberately insecure sandboxes: what upstream's policy refuses, each with the message it refuses it with. */
const INSECURE: readonly { name: string; message: string; mutate: (spec: PodSpec) => void }[] = [
  { name: 'privileged', message: 'Privileged containers are not allowed', mutate: (s) => eachContainer(s, (c) => (c.securityContext.privileged = true)) },
  { name: 'host-path', message: 'HostPath volumes are strictly prohibited', mutate: (s) => (s.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }]) },
  { name: 'no-runtime-class', message: "must use 'runtimeClassName:", mutate: (s) => delete s.runtimeClassName },
  { name: 'token-automount', message: "'automountServiceAccountToken' must be explicitly set to 'false'", mutate: (s) => (s.automountServiceAccountToken = true) },
  { name: 'host-network', message: "'hostNetwork: true' is strictly prohibited", mutate: (s) => (s.hostNetwork = true) },
  { name: 'host-pid', message: "'hostPID' and 'hostIPC' must be false", mutate: (s) => (s.hostPID = true) },
  { name: 'add-capability', message: 'Capabilities.add must be empty', mutate: (s) => eachContainer(s, (c) => (c.securityContext.capabilities.add = ['NET_ADMIN'])) },
  { name: 'keep-capabilities', message: "must explicitly drop 'ALL' capabilities", mutate: (s) => eachContainer(s, (c) => delete c.securityContext.capabilities) },
  { name: 'no-limits', message: 'must define resource limits (cpu and memory)', mutate: (s) => eachContainer(s, (c) => delete c.resources.limits.cpu) },
  {
    name: 'root',
    message: "must set 'runAsNonRoot: true'",
    mutate: (s) => {
      s.securityContext.runAsNonRoot = false;
      eachContainer(s, (c) => delete c.securityContext.runAsNonRoot);
    },
  },
  {
    name: 'projected-token',
    message: 'Projected Service Account Tokens, ClusterTrustBundles, and PodCertificates are prohibited',
    mutate: (s) => (s.volumes = [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]),
  },
  { name: 'host-port', message: "'hostPort' usage is prohibited", mutate: (s) => eachContainer(s, (c) => (c.ports = [{ containerPort: 8888, hostPort: 8888 }])) },
  { name: 'sysctls', message: "Custom 'sysctls' are prohibited", mutate: (s) => (s.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }]) },
];

/** GKE's placement rules, in upstream's policy as shipped on the GKE platforms. */
const GKE_INSECURE: typeof INSECURE = [
  { name: 'no-gke-node-selector', message: "nodeSelector 'sandbox.gke.io/runtime: gvisor'", mutate: (s) => delete s.nodeSelector },
  { name: 'no-gke-toleration', message: "tolerate the gVisor taint ('sandbox.gke.io/runtime=gvisor:NoSchedule')", mutate: (s) => delete s.tolerations },
];

/**
 * The platform's settings in the config every suite deploys (the built-in example): the generic `kubernetes`
 * platform's RuntimeClass and the label and taint of its sandbox nodes come from them.
 */
const settingsOf = (platform: Platform, variant: Variant = '') => exampleConfig(variant).platforms?.[platform];

/** Runs `validate` (the CLI) on objects, with the platform's settings from the same config; returns its problem lines. */
async function validateLines(objects: readonly KubeObject[], platform: Platform, variant: Variant = ''): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'validate-'));
  const file = join(dir, 'objects.yaml');
  writeFileSync(file, toYamlStream(objects as object[]));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify(exampleConfig(variant)));
  const out: string[] = [];
  await cli(['validate', file, '--platform', platform, '--config', config], { out: (t) => out.push(t), err: (t) => out.push(t) });
  // One line per problem: `<file as given, relative to the working folder>: Kind namespace/name: path: message`.
  return out.join('').split('\n').filter((l) => l.includes('objects.yaml: '));
}

/** The resource's collection path, from the API's discovery by kubectl (`kubectl get -f` resolves kinds for us). */
async function liveObjects(d: Deployment, cluster: Parameters<typeof kubectl>[0]): Promise<KubeObject[]> {
  const { stdout } = await kubectl(cluster, ['get', '-f', d.dir, '-o', 'json', '--show-managed-fields']);
  const list = JSON.parse(stdout) as KubeObject;
  return (list.items ?? [list]) as KubeObject[];
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * One suite per row: a fresh cluster, the platform deployed, every check below. The rows are split over two test
 * files (platforms-on-*.test.ts) so that the tier runs two clusters side by side.
 */
export function describePlatforms(rows: readonly MatrixRow[]): void {
  if (rows.length === 0) throw new Error('no platform rows to test: the version table has no such Kubernetes minor');
  describeOnCluster.each(rows as MatrixRow[])('%s on Kubernetes %s with agent-sandbox %s %s', (platform: Platform, minor: LocalKubernetesMinor, version: string, variant: Variant) => {
    const RELEASE = agentSandboxRelease(version);
    const SANDBOX_API = `agents.x-k8s.io/${RELEASE.apiVersion}`;
    const env = withCluster({ kubernetes: minor });
    let d: Deployment;
    const runtime = Object.values(platformFacts(platform, settingsOf(platform, variant)).runtimes)[0]!;
    const sandboxNodes = () => d.pools.filter((p) => p.roles.includes('sandbox')).flatMap((p) => Array.from({ length: p.nodes }, (_, i) => `${p.name}-${i}`));
    const systemNodes = () => d.pools.filter((p) => p.roles.includes('system')).flatMap((p) => Array.from({ length: p.nodes }, (_, i) => `${p.name}-${i}`));

    beforeAll(async () => {
      const upstream = await upstreamSecureSandboxPolicy(RELEASE.version);
      const probe = { apiVersion: SANDBOX_API, kind: 'Sandbox', metadata: { name: 'policy-probe', namespace: 'default' }, spec: { podTemplate: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };
      d = await deployPlatform(env.cluster, {
        platform,
        config: exampleConfigFor(version, variant),
        admissionPolicies: [secureSandboxPolicyFor(platform, upstream.policy, settingsOf(platform, variant)), upstream.binding],
        admissionProbe: { path: SANDBOXES('default'), object: probe },
      });
    });

    it('fills every warm pool with Ready sandboxes on the sandbox nodes, with the runtime, placement and overhead of the RuntimeClass', async () => {
      const client = env.cluster.client;
      const runtimeClass = (await client.get(`/apis/node.k8s.io/v1/runtimeclasses/${runtime.runtimeClassName}`))!;
      const sandboxTaints = d.pools.filter((p) => p.roles.includes('sandbox')).flatMap((p) => p.taints);
      for (const pool of d.objects.filter((o) => o.kind === 'SandboxWarmPool')) {
        const ns = pool.metadata.namespace as string;
        const hpa = d.objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === pool.metadata.name && o.metadata.namespace === ns);
        const replicas: number = pool.spec.replicas ?? hpa?.spec.minReplicas;
        expect(replicas).toBeGreaterThan(0);
        let live: KubeObject | undefined;
        await waitForCondition(client, `warm pool ${ns}/${pool.metadata.name} to have ${replicas} Ready sandboxes`, ns, async () => {
          live = await client.get(`${WARM_POOLS(ns)}/${pool.metadata.name}`);
          if (live?.status?.readyReplicas !== replicas) return false;
          // The pool's status can count a sandbox whose replacement pod is still being created: wait for the pods too.
          return (await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: live.status.selector })).length === replicas;
        }, 90_000);
        const pods = await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: live!.status.selector });
        expect(pods.length).toBe(replicas);
        for (const pod of pods) {
          expect(sandboxNodes()).toContain(pod.spec.nodeName);
          expect(pod.spec.runtimeClassName).toBe(runtime.runtimeClassName);
          for (const t of sandboxTaints) {
            expect(pod.spec.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: t.key, effect: t.effect })]));
          }
          for (const [k, v] of Object.entries({ ...runtimeClass.scheduling?.nodeSelector, ...runtime.podPlacement.nodeSelector })) {
            expect(pod.spec.nodeSelector?.[k]).toBe(v);
          }
          expect(pod.spec.overhead).toEqual(runtimeClass.overhead?.podFixed);
          expect(pod.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'True' })]));
        }
      }
    });

    // After the warm pools have settled (the test above): kubectl diff would otherwise show their status moving.
    it('admitted the whole synth output in the README order; applying it again changes nothing and kubectl diff is empty', async () => {
      const before = new Map((await liveObjects(d, env.cluster)).map((o) => [key(o), o]));
      expect([...before.keys()].sort()).toEqual(d.objects.map(key).sort());
      for (const file of d.files) await applyFile(env.cluster, join(d.dir, file));
      const after = await liveObjects(d, env.cluster);
      // Controllers write status (warm pools, Deployments, quotas): what an apply of ours changes is the generation and
      // our own managedFields entry (its time and fields), which a no-op apply leaves as they were.
      const ours = (o: KubeObject) => JSON.stringify([o.metadata.generation, (o.metadata.managedFields as KubeObject[]).find((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply')]);
      expect(after.filter((o) => ours(o) !== ours(before.get(key(o))!)).map(key)).toEqual([]);
      const diff = await kubectl(env.cluster, ['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', d.dir], { allowExit: [1] });
      expect(diff.stdout).toBe('');
      expect(diff.code).toBe(0);
    });

    it('runs the controller Deployment on the system nodes, and the real controller needs no permission our RBAC lacks', async () => {
      const deployment = d.objects.find((o) => o.kind === 'Deployment')!;
      const pods = await env.cluster.client.list(`/api/v1/namespaces/${deployment.metadata.namespace}/pods`, { labelSelector: 'app=agent-sandbox-controller' });
      expect(pods.length).toBe(deployment.spec.replicas);
      for (const pod of pods) expect(systemNodes()).toContain(pod.spec.nodeName);
      expect(d.controller).toBeDefined();
      expect(env.cluster.running().map((p) => p.name)).toContain('agent-sandbox-controller');
      expect(forbiddenLines(d.controller!.main.logFile)).toEqual([]);
      if (RELEASE.conversionWebhook) {
        // The release still serves a deprecated version through its conversion webhook: the API server calls it.
        const pool = d.objects.find((o) => o.kind === 'SandboxWarmPool')!;
        for (const version of RELEASE.deprecatedVersions) {
          const old = await env.cluster.client.get(`/apis/extensions.agents.x-k8s.io/${version}/namespaces/${pool.metadata.namespace}/sandboxwarmpools/${pool.metadata.name}`);
          expect([old?.apiVersion, old?.spec.sandboxTemplateRef]).toEqual([`extensions.agents.x-k8s.io/${version}`, pool.spec.sandboxTemplateRef]);
        }
      }
    });

    it('binds a SandboxClaim to a warm sandbox; deleting the claim deletes its sandbox; the scale subresource resizes a pool', async () => {
      const client = env.cluster.client;
      const pool = d.objects.find((o) => o.kind === 'SandboxWarmPool' && o.spec.replicas !== undefined)!;
      const ns = pool.metadata.namespace as string;
      const poolName = pool.metadata.name as string;
      const ready = (n: number) =>
        waitForCondition(client, `warm pool ${ns}/${poolName} at ${n} Ready`, ns, async () => (await client.get(`${WARM_POOLS(ns)}/${poolName}`))?.status?.readyReplicas === n, 90_000);
      await ready(pool.spec.replicas);
      const warm = (await client.list(SANDBOXES(ns))).filter((s) => s.metadata.name.startsWith(`${poolName}-`)).map((s) => s.metadata.name as string);

      await client.create(CLAIMS(ns), { apiVersion: `extensions.agents.x-k8s.io/${RELEASE.apiVersion}`, kind: 'SandboxClaim', metadata: { name: 'claim-1', namespace: ns }, spec: { warmPoolRef: { name: poolName } } });
      let bound = '';
      await waitForCondition(client, `claim ${ns}/claim-1 bound`, ns, async () => {
        bound = (await client.get(`${CLAIMS(ns)}/claim-1`))?.status?.sandbox?.name ?? '';
        return bound !== '';
      });
      expect(warm).toContain(bound); // a warm sandbox was adopted, not a new one made
      await ready(pool.spec.replicas); // and the pool replenished

      await client.delete(`${CLAIMS(ns)}/claim-1`);
      await waitForCondition(client, `sandbox ${ns}/${bound} deleted with its claim`, ns, async () => (await client.get(`${SANDBOXES(ns)}/${bound}`)) === undefined);

      const scale = await client.get(`${WARM_POOLS(ns)}/${poolName}/scale`);
      expect(scale?.spec.replicas).toBe(pool.spec.replicas);
      await client.patch(`${WARM_POOLS(ns)}/${poolName}/scale`, { spec: { replicas: pool.spec.replicas + 1 } });
      await ready(pool.spec.replicas + 1);
      await client.patch(`${WARM_POOLS(ns)}/${poolName}/scale`, { spec: { replicas: pool.spec.replicas } });
      await waitForCondition(client, `warm pool ${ns}/${poolName} back to ${pool.spec.replicas} sandboxes`, ns, async () => {
        const sandboxes = (await client.list(SANDBOXES(ns))).filter((s) => s.metadata.name.startsWith(`${poolName}-`) && !s.metadata.deletionTimestamp);
        return sandboxes.length === pool.spec.replicas;
      });
    });

    it("refuses insecure sandboxes with upstream's policy (derived for the platform), and validate reports the same objects", async () => {
      const cases = [...INSECURE, ...(platform.startsWith('gke-') ? GKE_INSECURE : [])];
      const objects = cases.map((c) => {
        const s = secureSandbox(d, c.name);
        c.mutate(s.spec.podTemplate.spec);
        return s;
      });
      // The secure baseline itself is admitted.
      await env.cluster.client.create(SANDBOXES('default'), secureSandbox(d, 'secure'), { dryRun: 'All' });
      const refused: Record<string, string> = {};
      for (const o of objects) {
        try {
          await env.cluster.client.create(SANDBOXES('default'), o, { dryRun: 'All' });
          refused[o.metadata.name] = 'ADMITTED';
        } catch (err) {
          refused[o.metadata.name] = err instanceof KubeApiError ? err.apiMessage : String(err);
        }
      }
      for (const c of cases) expect([c.name, refused[c.name]]).toEqual([c.name, expect.stringContaining(c.message)]);
      const lines = await validateLines(objects, platform, variant);
      const reported = new Set(cases.map((c) => c.name).filter((n) => lines.some((l) => l.includes(`Sandbox default/${n}:`))));
      expect(cases.map((c) => c.name).filter((n) => !reported.has(n))).toEqual([]);
    });

    it('agrees with the server on CRD schema and CEL errors', async () => {
      const client = env.cluster.client;
      const ext = `extensions.agents.x-k8s.io/${RELEASE.apiVersion}`;
      const cases: { name: string; path: string; object: KubeObject }[] = [
        { name: 'unknown-field', path: WARM_POOLS('default'), object: { apiVersion: ext, kind: 'SandboxWarmPool', metadata: { name: 'unknown-field', namespace: 'default' }, spec: { replicas: 1, sandboxTemplateRef: { name: 't' }, replica: 2 } } },
        { name: 'negative-replicas', path: WARM_POOLS('default'), object: { apiVersion: ext, kind: 'SandboxWarmPool', metadata: { name: 'negative-replicas', namespace: 'default' }, spec: { replicas: -1, sandboxTemplateRef: { name: 't' } } } },
        { name: 'bad-update-strategy', path: WARM_POOLS('default'), object: { apiVersion: ext, kind: 'SandboxWarmPool', metadata: { name: 'bad-update-strategy', namespace: 'default' }, spec: { replicas: 1, sandboxTemplateRef: { name: 't' }, updateStrategy: { type: 'Rolling' } } } },
        { name: 'claim-no-pool', path: CLAIMS('default'), object: { apiVersion: ext, kind: 'SandboxClaim', metadata: { name: 'claim-no-pool', namespace: 'default' }, spec: { lifecycle: { shutdownPolicy: 'Sometimes' } } } },
      ];
      for (const c of cases) {
        const err = await client.create(c.path, c.object, { dryRun: 'All', fieldValidation: 'Strict' }).then(() => undefined, (e: unknown) => e);
        expect([c.name, err instanceof KubeApiError ? err.status : 'ADMITTED']).toEqual([c.name, expect.any(Number)]);
      }
      const lines = await validateLines(cases.map((c) => c.object), platform, variant);
      expect(cases.map((c) => c.name).filter((n) => !lines.some((l) => l.includes(`default/${n}:`)))).toEqual([]);
    });

    it("agrees with Pod Security 'restricted' in the tenant namespaces", async () => {
      const client = env.cluster.client;
      const tenantNs = d.objects.find((o) => o.kind === 'SandboxTemplate')!.metadata.namespace as string;
      const namespace = d.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === tenantNs)!;
      expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const cases: { name: string; mutate: (s: PodSpec) => void }[] = [
        { name: 'escalation', mutate: (s) => eachContainer(s, (c) => (c.securityContext.allowPrivilegeEscalation = true)) },
        { name: 'unconfined-seccomp', mutate: (s) => (s.securityContext.seccompProfile = { type: 'Unconfined' }) },
        { name: 'run-as-root', mutate: (s) => ((s.securityContext.runAsNonRoot = false), eachContainer(s, (c) => delete c.securityContext.runAsNonRoot)) },
        { name: 'privileged', mutate: (s) => eachContainer(s, (c) => ((c.securityContext.privileged = true), (c.securityContext.allowPrivilegeEscalation = true))) },
      ];
      const sandboxes: KubeObject[] = [];
      for (const c of cases) {
        const s = secureSandbox(d, c.name, tenantNs);
        c.mutate(s.spec.podTemplate.spec);
        sandboxes.push(s);
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: c.name, namespace: tenantNs }, spec: s.spec.podTemplate.spec };
        const err = await client.create(`/api/v1/namespaces/${tenantNs}/pods`, pod, { dryRun: 'All' }).then(() => undefined, (e: unknown) => e);
        expect([c.name, err instanceof KubeApiError ? err.apiMessage : 'ADMITTED']).toEqual([c.name, expect.stringContaining('violates PodSecurity "restricted:latest"')]);
      }
      const lines = await validateLines(sandboxes, platform, variant);
      expect(cases.map((c) => c.name).filter((n) => !lines.some((l) => l.includes(`Sandbox ${tenantNs}/${n}:`)))).toEqual([]);
    });

    it('agrees with the scheduler: pods that cannot fit are flagged by the capacity check and stay Pending for the same reason', async () => {
      const client = env.cluster.client;
      const sandboxPool = d.pools.find((p) => p.roles.includes('sandbox'))!;
      const ns = 'capacity-check';
      await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      const cpu = `${Math.ceil(sandboxPool.allocatable.cpuMillis / 1000) + 1}`;
      const s = secureSandbox(d, 'too-big', ns);
      delete s.spec.podTemplate.spec.serviceAccountName; // the tenant's own ServiceAccount is not in this namespace
      eachContainer(s.spec.podTemplate.spec, (c) => (c.resources = { limits: { cpu, memory: '1Gi' }, requests: { cpu, memory: '1Gi' } }));
      if (sandboxPool.cloud !== 'local') {
        const result = checkCapacity({
          sandboxPools: [{ name: sandboxPool.name, cloud: sandboxPool.cloud, machineType: sandboxPool.machineType, maxNodes: sandboxPool.nodes, isolation: Object.keys(platformFacts(platform, settingsOf(platform, variant)).runtimes)[0] as 'gvisor' | 'kata' }],
          warmPools: [{ tenant: ns, name: 'too-big', replicas: 1, limits: { cpu, memory: '1Gi' } }],
        });
        expect(result.errors.map((f) => f.message).join('\n')).toMatch(/one pod needs \d+ vCPU .* offers [\d.]+ vCPU/);
      }
      await client.create(SANDBOXES(ns), s);
      await waitForCondition(client, 'a FailedScheduling event for the pod that cannot fit', ns, async () => {
        const events = await client.list(`/api/v1/namespaces/${ns}/events`, { fieldSelector: 'reason=FailedScheduling' });
        return events.some((e) => /Insufficient cpu/.test(e.message));
      });
      const pod = await client.get(`/api/v1/namespaces/${ns}/pods/too-big`);
      expect(pod?.status.phase).toBe('Pending');
      expect(pod?.spec.nodeName).toBeUndefined();
      await describeNamespace(client, ns); // printable state, exercised
    });

    const taints = simulatedPools(platform, settingsOf(platform, variant)).flatMap((p) => (p.roles.includes('sandbox') ? p.taints : []));
    if (taints.length) {
      it('agrees with the scheduler on the sandbox taint: a pod that does not tolerate it is flagged by validate and stays Pending', async () => {
        const client = env.cluster.client;
        const ns = 'taint-check';
        await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        const s = secureSandbox(d, 'no-toleration', ns);
        const spec = s.spec.podTemplate.spec;
        delete spec.serviceAccountName;
        // Without the RuntimeClass (whose scheduling would add the toleration) and without a toleration of its own, a
        // pod that selects the sandbox nodes by their labels.
        delete spec.runtimeClassName;
        delete spec.tolerations;
        spec.nodeSelector = Object.assign({}, ...simulatedPools(platform, settingsOf(platform, variant)).filter((p) => p.roles.includes('sandbox')).map((p) => p.labels));
        const lines = await validateLines([s], platform, variant);
        expect(lines.join('\n')).toMatch(/runtimeClassName/);
        if (runtime.podPlacement.tolerations.length) expect(lines.join('\n')).toMatch(/tolerations/);
        await client.create(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-toleration', namespace: ns }, spec });
        await waitForCondition(client, 'a FailedScheduling event naming the sandbox taint', ns, async () => {
          const events = await client.list(`/api/v1/namespaces/${ns}/events`, { fieldSelector: 'reason=FailedScheduling' });
          return events.some((e) => /\d+ node\(s\) had untolerated taint/.test(e.message));
        });
        expect((await client.get(`/api/v1/namespaces/${ns}/pods/no-toleration`))?.spec.nodeName).toBeUndefined();
      });
    }

    it('schedules a DRA claim from our ResourceClaimTemplate through our DeviceClass selectors, and not onto a device they exclude', async () => {
      const client = env.cluster.client;
      const template = d.objects.find((o) => o.kind === 'ResourceClaimTemplate')!;
      const deviceClass = d.objects.find((o) => o.kind === 'DeviceClass' && o.metadata.name === template.spec.spec.devices.requests[0].exactly.deviceClassName)!;
      const ns = template.metadata.namespace as string;
      const node = systemNodes()[0];
      await client.create('/apis/resource.k8s.io/v1/resourceslices', {
        apiVersion: 'resource.k8s.io/v1',
        kind: 'ResourceSlice',
        metadata: { name: `${node}-gpus` },
        spec: {
          driver: 'gpu.nvidia.com',
          nodeName: node,
          pool: { name: node, generation: 1, resourceSliceCount: 1 },
          devices: [
            { name: 'gpu-40gi', attributes: { productName: { string: 'NVIDIA A100-SXM4-40GB' } }, capacity: { memory: { value: '40Gi' } } },
            { name: 'gpu-16gi', attributes: { productName: { string: 'Tesla T4' } }, capacity: { memory: { value: '16Gi' } } },
          ],
        },
      });
      const pod = (name: string) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': node },
          resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: template.metadata.name }],
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'c',
              image: 'busybox',
              resources: { claims: [{ name: 'gpu' }], limits: { cpu: '100m', memory: '64Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      });
      await client.create(`/api/v1/namespaces/${ns}/pods`, pod('dra-1'));
      await waitForCondition(client, `pod ${ns}/dra-1 scheduled with an allocated claim`, ns, async () => (await client.get(`/api/v1/namespaces/${ns}/pods/dra-1`))?.spec.nodeName === node);
      const claims = await client.list(`/apis/resource.k8s.io/v1/namespaces/${ns}/resourceclaims`);
      const results = claims.flatMap((c) => c.status?.allocation?.devices?.results ?? []);
      expect(results).toEqual([expect.objectContaining({ driver: 'gpu.nvidia.com', device: 'gpu-40gi', request: 'gpu' })]);
      expect(deviceClass.spec.selectors.map((s: KubeObject) => s.cel.expression).join(' ')).toMatch(/24Gi/);

      // The only device left has 16Gi: the class's capacity selector excludes it, so the second pod cannot be placed.
      await client.create(`/api/v1/namespaces/${ns}/pods`, pod('dra-2'));
      await waitForCondition(client, `pod ${ns}/dra-2 unschedulable for lack of a matching device`, ns, async () => {
        const p = await client.get(`/api/v1/namespaces/${ns}/pods/dra-2`);
        return p?.status?.conditions?.some((c: KubeObject) => c.type === 'PodScheduled' && c.status === 'False' && /cannot allocate all claims|resourceclaim/i.test(c.message ?? '')) ?? false;
      });
      expect((await client.get(`/api/v1/namespaces/${ns}/pods/dra-2`))?.spec.nodeName).toBeUndefined();
    });
  });
}
