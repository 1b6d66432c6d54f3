/**
 * The sandbox router and claim lifecycle on a local cluster, with the real agent-sandbox v1.0.3 controller and the
 * real sandbox router built from the same module at the pinned tag:
 *
 * - the `router:` objects of `synth` are admitted; the router runs as its pod's process with the RBAC we emit (its
 *   Pod-IP cache lists and watches sandbox pods: a missing rule would be a `forbidden` line);
 * - a request sent to the router with a claimed sandbox's name reaches that sandbox pod's process: the router looks
 *   the pod up in its cache (from the API server) and dials its pod IP on 8888. Stand-ins: the sandbox's program is
 *   scripts/cluster/echo-server.js in place of the image, and the pod network is the pod runner's (the pod IP lives
 *   on the router's own loopback, wired to the sandbox process through Unix sockets); no CNI enforces NetworkPolicy
 *   here, so the policies are checked for what they select, by the API server's own label-selector evaluation;
 * - claims we emit with a short `shutdownTime` are torn down by the controller: `Retain` keeps the claim
 *   (Ready=False, ClaimExpired) and removes its sandbox; `Delete` removes both; a claim with a short
 *   `ttlSecondsAfterFinished` expires that long after its sandbox's program ended (stand-in: the harness reports the
 *   exit in the pod's status, as the kubelet would).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { deployPlatform, type Deployment } from '../../scripts/cluster/deploy';
import type { KubeObject } from '../../scripts/cluster/kube-client';
import { forbiddenLines, runDeploymentPod, runPod } from '../../scripts/cluster/pod-process';
import type { RunningPodProcess } from '../../scripts/cluster/pod-runner';
import { isRunning, waitFor } from '../../scripts/cluster/processes';
import { binaryPath } from '../../scripts/toolchain/paths';
import { agentSandboxControllerComponent, sandboxRouterComponent } from '../../scripts/toolchain/versions';
import { CLAIMS, describeWithCluster, SANDBOXES, waitForCondition, withCluster } from './support/cluster';

const RELEASE = agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION);
const ROUTER = sandboxRouterComponent(RELEASE.version);
const describeOnCluster = describeWithCluster('the sandbox router and claim lifecycle', [agentSandboxControllerComponent(RELEASE.version), ROUTER], { podRunner: true });

const TENANT = 'team-a';
const ROUTER_NS = 'agent-sandbox-system';
/**
 * Claims expire this long after the config is written: enough for the cluster to start the controller, fill the
 * pool and bind them first (about 10 s here; a run that binds them later fails loudly, see below).
 */
const EXPIRY_SECONDS = 45;

/** A NetworkPolicy LabelSelector as the API's `labelSelector` query (evaluated by the API server). */
function selectorQuery(s: KubeObject): string {
  const parts = Object.entries((s.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const e of (s.matchExpressions ?? []) as KubeObject[]) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values as string[]).join(',')})`);
  }
  return parts.join(',');
}

/** An HTTP request to the router's proxy port, through the socket that reaches it inside its pod. */
function viaRouter(router: RunningPodProcess, headers: Record<string, string>, path = '/hello'): Promise<{ status: number; body: string }> {
  return httpOverSocket(router.hostSocket(8080), 'GET', path, headers);
}

function httpOverSocket(socketPath: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ socketPath, path, method, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.on('timeout', () => req.destroy(new Error(`${socketPath} did not answer in 30 s`)));
    req.end();
  });
}

describeOnCluster('the sandbox router and claim lifecycle on a local cluster', () => {
  const env = withCluster();
  let d: Deployment;
  let expiry: string;
  const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name as string).sort();

  beforeAll(async () => {
    expiry = new Date(Date.now() + EXPIRY_SECONDS * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const container = {
      name: 'main',
      image: 'python:3.12-slim',
      command: ['python', '-m', 'http.server', '8888'],
      ports: [{ containerPort: 8888 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    };
    const config = {
      router: { clients: [{ namespace: 'agents', podLabels: { app: 'agent' } }], replicas: 1 },
      tenants: [
        {
          name: TENANT,
          templates: [{ name: 'echo', containers: [container] }],
          warmPools: [{ name: 'pool', template: 'echo', replicas: 4 }],
          claims: [
            { name: 'routed', warmPool: 'pool' },
            { name: 'expire-retain', warmPool: 'pool', lifecycle: { shutdownTime: expiry } },
            { name: 'expire-delete', warmPool: 'pool', lifecycle: { shutdownTime: expiry, shutdownPolicy: 'Delete' } },
            { name: 'ttl', warmPool: 'pool', lifecycle: { ttlSecondsAfterFinished: 5 } },
          ],
        },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'asi-router-')), 'config.yaml');
    writeFileSync(file, dump(config));
    d = await deployPlatform(env.cluster, { platform: 'kind', config: file });
    // The router's clients and a namespace that is not one.
    for (const ns of ['agents', 'intruders']) await env.cluster.client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  it('admits what synth emits for the router (one sandbox namespace: its Pod-IP cache reads pods there only), with our image pin', async () => {
    const router = d.objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'sandbox-router');
    expect(router.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toStrictEqual([
      `Deployment ${ROUTER_NS}/sandbox-router`,
      `NetworkPolicy ${ROUTER_NS}/sandbox-router`,
      `Role ${TENANT}/sandbox-router`,
      `RoleBinding ${TENANT}/sandbox-router`,
      `Service ${ROUTER_NS}/sandbox-router-svc`,
      `ServiceAccount ${ROUTER_NS}/sandbox-router`,
    ]);
    for (const o of router) {
      const plural = { Deployment: 'apis/apps/v1', NetworkPolicy: 'apis/networking.k8s.io/v1', Role: 'apis/rbac.authorization.k8s.io/v1', RoleBinding: 'apis/rbac.authorization.k8s.io/v1', Service: 'api/v1', ServiceAccount: 'api/v1' }[o.kind as string];
      const live = await env.cluster.client.get(`/${plural}/namespaces/${o.metadata.namespace}/${(o.kind as string).toLowerCase()}s/${o.metadata.name}`.replace('/networkpolicys/', '/networkpolicies/'));
      expect(`${o.kind} ${live?.metadata.uid ? 'admitted' : 'missing'}`).toBe(`${o.kind} admitted`);
    }
    const dep = router.find((o) => o.kind === 'Deployment')!;
    expect(dep.spec.template.spec.containers[0].image).toBe(`registry.k8s.io/agent-sandbox/sandbox-router-go:${RELEASE.version}`);
    for (const c of d.objects.filter((o) => o.kind === 'SandboxClaim')) expect(c.spec.lifecycle.shutdownPolicy).toBeDefined();
  });

  describe('a request through the real router', () => {
    let sandboxPod: KubeObject;
    let sandbox: RunningPodProcess;
    let router: RunningPodProcess;

    beforeAll(async () => {
      const client = env.cluster.client;
      let claim: KubeObject | undefined;
      await waitForCondition(client, 'claim routed to be bound to a Ready sandbox', TENANT, async () => {
        claim = await client.get(`${CLAIMS(TENANT)}/routed`);
        const name = claim?.status?.sandbox?.name;
        if (!name) return false;
        const pod = await client.get(`/api/v1/namespaces/${TENANT}/pods/${name}`);
        if (pod?.status?.phase !== 'Running' || !pod.status.podIP) return false;
        sandboxPod = pod;
        return true;
      }, 120_000);
      sandbox = await runPod(env.cluster, sandboxPod, 'main', process.execPath, 'attached', { args: [resolve(__dirname, '../../scripts/cluster/echo-server.js'), '8888'] });
      router = await runDeploymentPod(env.cluster, { namespace: ROUTER_NS, name: 'sandbox-router', container: 'sandbox-router' }, binaryPath(ROUTER, 'sandbox-router'), 'attached', 'sandbox-router', {
        peers: [{ ip: sandboxPod.status.podIP, port: 8888, target: sandbox.hostSocket(8888) }],
      });
    });

    it("reaches the claimed sandbox's pod process by the sandbox's name, through the router's Pod-IP cache", async () => {
      const sandboxName = sandboxPod.metadata.name as string;
      let answer = { status: 0, body: '' };
      // The cache fills from its watch after the router turns ready: the first requests may fall back to DNS.
      await waitForCondition(env.cluster.client, `a 200 from ${sandboxName} through the router`, TENANT, async () => {
        answer = await viaRouter(router, { 'X-Sandbox-ID': sandboxName, 'X-Sandbox-Namespace': TENANT, 'X-Sandbox-Port': '8888' });
        return answer.status === 200;
      }, 60_000);
      const echoed = JSON.parse(answer.body) as { pod: string; url: string; headers: Record<string, string> };
      expect({ pod: echoed.pod, url: echoed.url }).toStrictEqual({ pod: sandboxName, url: '/hello' });
      expect(echoed.headers.host).toBe(`${sandboxPod.status.podIP}:8888`);
    });

    it('answers a request for a sandbox that does not exist with an error, not another sandbox', async () => {
      const answer = await viaRouter(router, { 'X-Sandbox-ID': 'no-such-sandbox', 'X-Sandbox-Namespace': TENANT, 'X-Sandbox-Port': '8888' });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body).not.toContain('"pod"');
    });

    it('runs with the RBAC we emit: no forbidden request in its log', () => {
      expect(forbiddenLines(router.main.logFile)).toStrictEqual([]);
    });
  });

  describe('its NetworkPolicy selects what we intend (evaluated by the API server)', () => {
    const policy = () => d.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'sandbox-router')!;

    it('applies to the router pods and nothing else', async () => {
      const client = env.cluster.client;
      const selected = await client.list(`/api/v1/namespaces/${ROUTER_NS}/pods`, { labelSelector: selectorQuery(policy().spec.podSelector) });
      const routerPods = await client.list(`/api/v1/namespaces/${ROUTER_NS}/pods`, { labelSelector: 'app=sandbox-router' });
      expect(routerPods.length).toBe(1);
      expect(names(selected)).toStrictEqual(names(routerPods));
    });

    it('admits the client namespace only (with its pod labels), on the proxy port only', async () => {
      const [rule, ...others] = policy().spec.ingress as KubeObject[];
      expect(others).toStrictEqual([]);
      expect(rule.ports).toStrictEqual([{ protocol: 'TCP', port: 8080 }]);
      const namespaces = await env.cluster.client.list('/api/v1/namespaces', { labelSelector: selectorQuery(rule.from[0].namespaceSelector) });
      expect(names(namespaces)).toStrictEqual(['agents']);
      expect(rule.from[0].podSelector).toStrictEqual({ matchLabels: { app: 'agent' } });
    });

    it('reaches exactly the sandbox pods of the tenant on 8888, DNS, and the API server', async () => {
      const client = env.cluster.client;
      const [dns, sandboxes, api] = policy().spec.egress as KubeObject[];
      expect(dns.ports.map((p: KubeObject) => `${p.protocol}/${p.port}`)).toStrictEqual(['UDP/53', 'TCP/53']);
      expect(api.ports.map((p: KubeObject) => p.port)).toStrictEqual([443, 6443]);
      expect(sandboxes.ports).toStrictEqual([{ protocol: 'TCP', port: 8888 }]);
      const peer = sandboxes.to[0];
      const namespaces = names(await client.list('/api/v1/namespaces', { labelSelector: selectorQuery(peer.namespaceSelector) }));
      expect(namespaces).toStrictEqual([TENANT]);
      const allPods = (await client.list('/api/v1/pods')).filter((p) => namespaces.includes(p.metadata.namespace));
      const reached = await client.list(`/api/v1/namespaces/${TENANT}/pods`, { labelSelector: selectorQuery(peer.podSelector) });
      // Every pod of a Sandbox (warm or claimed), and only those.
      const sandboxNames = names(await client.list(SANDBOXES(TENANT)));
      expect(names(reached)).toStrictEqual(sandboxNames);
      expect(names(reached)).toStrictEqual(names(allPods.filter((p) => (p.metadata.ownerReferences ?? []).some((r: KubeObject) => r.kind === 'Sandbox'))));
      // Outside the tenant nothing carries the label: the controller and the router are not reachable through it.
      const elsewhere = await client.list(`/api/v1/namespaces/${ROUTER_NS}/pods`, { labelSelector: selectorQuery(peer.podSelector) });
      expect(elsewhere).toStrictEqual([]);
    });

    it("the tenant's namespace admits the router pods (and only them) on 8888", async () => {
      const allow = d.objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === TENANT && o.metadata.name === 'allow-ingress')!;
      const from = allow.spec.ingress[0].from[0];
      const namespaces = await env.cluster.client.list('/api/v1/namespaces', { labelSelector: selectorQuery(from.namespaceSelector) });
      expect(names(namespaces)).toStrictEqual([ROUTER_NS]);
      const pods = await env.cluster.client.list(`/api/v1/namespaces/${ROUTER_NS}/pods`, { labelSelector: selectorQuery(from.podSelector) });
      expect(names(pods)).toStrictEqual(names(await env.cluster.client.list(`/api/v1/namespaces/${ROUTER_NS}/pods`, { labelSelector: 'app=sandbox-router' })));
      expect(allow.spec.ingress[0].ports).toStrictEqual([{ port: 8888, protocol: 'TCP' }]);
    });
  });

  describe('claims with a short shutdownTime, torn down by the controller', () => {
    const sandboxesOf: Record<string, string> = {};

    beforeAll(async () => {
      const client = env.cluster.client;
      await waitForCondition(client, 'both expiring claims to be bound before their shutdownTime', TENANT, async () => {
        for (const name of ['expire-retain', 'expire-delete']) {
          const claim = await client.get(`${CLAIMS(TENANT)}/${name}`);
          const sandbox = claim?.status?.sandbox?.name;
          if (!sandbox) return false;
          sandboxesOf[name] = sandbox;
        }
        return true;
      }, 120_000);
      if (Date.now() >= Date.parse(expiry)) throw new Error(`the claims were bound only after their shutdownTime ${expiry}: raise EXPIRY_SECONDS`);
    });

    it('Retain: the sandbox is deleted and the claim stays, Ready=False with reason ClaimExpired', async () => {
      const client = env.cluster.client;
      let claim: KubeObject | undefined;
      await waitForCondition(client, `claim expire-retain to expire at ${expiry}`, TENANT, async () => {
        claim = await client.get(`${CLAIMS(TENANT)}/expire-retain`);
        const ready = (claim?.status?.conditions ?? []).find((c: KubeObject) => c.type === 'Ready');
        return ready?.reason === 'ClaimExpired' && !(await client.get(`${SANDBOXES(TENANT)}/${sandboxesOf['expire-retain']}`));
      }, (EXPIRY_SECONDS + 90) * 1000);
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiry));
      expect((claim!.status.conditions as KubeObject[]).find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ClaimExpired' });
      // Its pod goes with it (the garbage collector follows the Sandbox's ownership).
      await waitForCondition(client, `the pod of ${sandboxesOf['expire-retain']} to be deleted`, TENANT, async () => {
        const pod = await client.get(`/api/v1/namespaces/${TENANT}/pods/${sandboxesOf['expire-retain']}`);
        return pod === undefined || pod.metadata.deletionTimestamp !== undefined;
      }, 60_000);
    });

    it('Delete: the claim and its sandbox are deleted', async () => {
      const client = env.cluster.client;
      await waitForCondition(client, `claim expire-delete to be deleted at ${expiry}`, TENANT, async () => {
        return !(await client.get(`${CLAIMS(TENANT)}/expire-delete`)) && !(await client.get(`${SANDBOXES(TENANT)}/${sandboxesOf['expire-delete']}`));
      }, (EXPIRY_SECONDS + 90) * 1000);
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiry));
    });

    it('the claim without a shutdownTime is untouched (its default lifecycle waits for its sandbox to finish)', async () => {
      const claim = await env.cluster.client.get(`${CLAIMS(TENANT)}/routed`);
      expect(claim!.spec.lifecycle).toStrictEqual({ ttlSecondsAfterFinished: 3600, shutdownPolicy: 'Retain' });
      expect((claim!.status.conditions as KubeObject[]).find((c) => c.type === 'Ready')?.status).toBe('True');
    });

    it("TTL: once the sandbox's program ends, the claim expires ttlSecondsAfterFinished later (the default lifecycle's mechanism)", async () => {
      const client = env.cluster.client;
      let pod: KubeObject | undefined;
      await waitForCondition(client, 'claim ttl to be bound to a Running sandbox pod', TENANT, async () => {
        const name = (await client.get(`${CLAIMS(TENANT)}/ttl`))?.status?.sandbox?.name;
        pod = name ? await client.get(`/api/v1/namespaces/${TENANT}/pods/${name}`) : undefined;
        return pod?.status?.phase === 'Running';
      }, 120_000);
      const sandboxName = pod!.metadata.name as string;
      const program = await runPod(env.cluster, pod!, 'main', process.execPath, 'attached', { name: 'ttl-sandbox', args: [resolve(__dirname, '../../scripts/cluster/echo-server.js'), '8888'] });
      // No readiness probe on the pod: wait for the program to listen, then tell it its work is done.
      await waitFor('the sandbox program to answer', () => httpOverSocket(program.hostSocket(8888), 'GET', '/').then((r) => r.status === 200, () => false), { timeoutMs: 30_000, watch: [program.main] });
      expect((await httpOverSocket(program.hostSocket(8888), 'POST', '/exit')).status).toBe(200);
      await waitFor('the sandbox program to exit', () => !isRunning(program.main), { timeoutMs: 10_000 });
      // Stand-in for the kubelet: the container exited 0, so the pod Succeeded (kwok changes no terminal pod).
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await client.patch(`/api/v1/namespaces/${TENANT}/pods/${sandboxName}/status`, {
        status: {
          phase: 'Succeeded',
          conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now }],
          containerStatuses: [{ name: 'main', image: pod!.spec.containers[0].image, imageID: '', ready: false, restartCount: 0, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: pod!.status.startTime, finishedAt: now } } }],
        },
      });
      const finishedAt = Date.parse(now);
      let claim: KubeObject | undefined;
      await waitForCondition(client, 'claim ttl to expire 5 s after its sandbox finished', TENANT, async () => {
        claim = await client.get(`${CLAIMS(TENANT)}/ttl`);
        return (claim?.status?.conditions ?? []).some((c: KubeObject) => c.type === 'Ready' && c.reason === 'ClaimExpired') && !(await client.get(`${SANDBOXES(TENANT)}/${sandboxName}`));
      }, 90_000);
      // The controller counts from the Finished condition, which carries the container's finishedAt.
      expect(Date.now() - finishedAt).toBeGreaterThanOrEqual(5_000);
      expect(claim!.spec.lifecycle).toStrictEqual({ ttlSecondsAfterFinished: 5, shutdownPolicy: 'Retain' });
    });

    it('the controller logged no forbidden request', () => {
      expect(forbiddenLines(d.controller!.main.logFile)).toStrictEqual([]);
    });
  });
});
