/**
 * A local Kubernetes control plane from the real binaries (scripts/toolchain): etcd, kube-apiserver (RBAC + Node
 * authorization, the default admission plugins with PodSecurity, ValidatingAdmissionPolicy and RuntimeClass named,
 * DRA on), kube-controller-manager, kube-scheduler, and kwok for simulated nodes. Everything listens on 127.0.0.1
 * on free ports, with its data in one temp folder; start-up waits on `/readyz` and on the controllers' first
 * objects, never on sleeps.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from './kube-client';
import { ComponentError, freePort, isRunning, logTail, startProcess, stopProcesses, waitFor, type StartedProcess } from './processes';
import { binaryPath, moduleFilePath } from '../toolchain/paths';
import { isBuilt } from '../toolchain/build';
import { DEFAULT_LOCAL_KUBERNETES, ETCD, kubernetesComponent, KWOK, KUBERNETES_RELEASES, type LocalKubernetesMinor, type GoComponent } from '../toolchain/versions';

export type Lifetime = 'attached' | 'detached';

/** What `up` leaves in `<dataDir>/state.json`; `down`, `env` and `deploy` read it. */
export interface ClusterState {
  readonly version: 1;
  readonly dataDir: string;
  readonly kubernetes: LocalKubernetesMinor;
  readonly kubernetesVersion: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly kubectl: string;
  readonly processes: StartedProcess[];
}

export const STATE_FILE = 'state.json';
/** Marks the nodes kwok simulates (and the only nodes it manages). */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;
/** Every data folder starts with this prefix, so a leftover process can be recognised by its arguments. */
export const DATA_DIR_PREFIX = 'agent-sandbox-infra-cluster-';
/** A test run's id (set by the integration tier's global setup): its data folders are `<prefix><run id>-…`. */
export const RUN_ID_ENV = 'AGENT_SANDBOX_INFRA_TEST_RUN';
const SERVICE_CIDR = '10.96.0.0/16';
const SERVICE_PROXY = join(__dirname, 'service-proxy.js');
const POD_CIDR = '10.244.0.0/16';

/** What the control plane of a Kubernetes minor runs (Go-built, from the toolchain cache). */
export function controlPlaneComponents(minor: LocalKubernetesMinor = DEFAULT_LOCAL_KUBERNETES): GoComponent[] {
  return [kubernetesComponent(minor), ETCD, KWOK];
}

/** Components missing from the toolchain cache for this Kubernetes minor (empty: ready to start). */
export function missingControlPlaneComponents(minor: LocalKubernetesMinor = DEFAULT_LOCAL_KUBERNETES): GoComponent[] {
  return controlPlaneComponents(minor).filter((c) => !isBuilt(c));
}

function token(): string {
  return randomBytes(24).toString('hex');
}

export class LocalCluster {
  private constructor(
    readonly state: ClusterState,
    private readonly adminToken: string,
  ) {}

  get client(): KubeClient {
    return new KubeClient(this.state.server, this.adminToken, readFileSync(join(this.state.dataDir, 'pki', 'apiserver.crt')));
  }

  get dataDir(): string {
    return this.state.dataDir;
  }

  /** Service routes of the service proxy: `<clusterIP>:<port>` → the socket of the real pod process behind it. */
  get routesFile(): string {
    return join(this.state.dataDir, 'service-routes.json');
  }

  /** Adds routes to the service proxy (merged with the existing ones). */
  addServiceRoutes(routes: Readonly<Record<string, string>>): void {
    const current = existsSync(this.routesFile) ? (JSON.parse(readFileSync(this.routesFile, 'utf8')) as Record<string, string>) : {};
    writeFileSync(this.routesFile, `${JSON.stringify({ ...current, ...routes }, null, 2)}\n`);
  }

  /** The processes this cluster started (control plane, kwok, and those `track` added). */
  get processes(): readonly StartedProcess[] {
    return this.state.processes;
  }

  /** Records a process started for this cluster (e.g. the agent-sandbox controller), so `down` stops it too. */
  track(p: StartedProcess): void {
    this.state.processes.push(p);
    this.save();
  }

  private save(): void {
    writeFileSync(join(this.state.dataDir, STATE_FILE), `${JSON.stringify({ ...this.state, adminToken: this.adminToken }, null, 2)}\n`, { mode: 0o600 });
  }

  /** Reads a running cluster's state (from `up` in another process). */
  static attach(dataDir: string): LocalCluster {
    const file = join(dataDir, STATE_FILE);
    if (!existsSync(file)) throw new ComponentError(`no local cluster at ${dataDir} (${file} does not exist); start one with \`npm run cluster -- up\``);
    const { adminToken, ...state } = JSON.parse(readFileSync(file, 'utf8')) as ClusterState & { adminToken: string };
    return new LocalCluster(state, adminToken);
  }

  /**
   * Starts a cluster. `attached`: its processes die with this one (tests). `detached`: they outlive it (the
   * `cluster up` command); stop them with {@link down}.
   */
  static async up(opts: { kubernetes?: LocalKubernetesMinor; lifetime?: Lifetime; log?: (line: string) => void } = {}): Promise<LocalCluster> {
    // Ports are found free, then handed to the components, which bind them a moment later: in between, another
    // process (or an outgoing connection's ephemeral source port) can take one. Such a start is retried with new
    // ports (the failed attempt is stopped and removed first); any other failure is reported at once.
    for (let attempt = 1; ; attempt++) {
      try {
        return await LocalCluster.upOnce(opts);
      } catch (err) {
        if (!(err instanceof ComponentError) || !portTaken(err.message) || attempt >= 3) throw err;
        (opts.log ?? (() => undefined))(`cluster: a port was taken while starting (${err.message.split('\n').at(-1)?.trim()}); retrying with new ports`);
      }
    }
  }

  private static async upOnce(opts: { kubernetes?: LocalKubernetesMinor; lifetime?: Lifetime; log?: (line: string) => void }): Promise<LocalCluster> {
    const minor = opts.kubernetes ?? DEFAULT_LOCAL_KUBERNETES;
    const lifetime = opts.lifetime ?? 'attached';
    const log = opts.log ?? (() => undefined);
    const missing = missingControlPlaneComponents(minor);
    if (missing.length) {
      throw new ComponentError(
        `the local cluster needs ${missing.map((c) => `${c.id} ${c.version}`).join(', ')}, not built yet: run \`npm run toolchain -- cluster --kubernetes ${minor}\` (builds from the Go module proxy into the user cache)`,
      );
    }
    const k8s = kubernetesComponent(minor);
    const runId = process.env[RUN_ID_ENV];
    const dataDir = mkdtempSync(join(tmpdir(), `${DATA_DIR_PREFIX}${runId ? `${runId}-` : ''}`));
    const dirs = { pki: join(dataDir, 'pki'), etcd: join(dataDir, 'etcd'), logs: join(dataDir, 'logs') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });

    // Identities: static tokens for the admin and the control-plane components (the simplest authenticator the API
    // server has), an RSA key pair to sign service-account tokens, generated per run.
    const tokens = { admin: token(), controllerManager: token(), scheduler: token(), kwok: token() };
    writeFileSync(
      join(dirs.pki, 'tokens.csv'),
      [
        `${tokens.admin},admin,admin,"system:masters"`,
        `${tokens.controllerManager},system:kube-controller-manager,system:kube-controller-manager`,
        `${tokens.scheduler},system:kube-scheduler,system:kube-scheduler`,
        // kwok plays every simulated kubelet: it updates many nodes and their pods.
        `${tokens.kwok},kwok,kwok,"system:masters"`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dirs.pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dirs.pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

    const ports = {
      etcd: await freePort(),
      etcdPeer: await freePort(),
      apiserver: await freePort(),
      kcm: await freePort(),
      scheduler: await freePort(),
      kwok: await freePort(),
      serviceProxy: await freePort(),
    };
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const kubectl = binaryPath(k8s, 'kubectl');
    const state: ClusterState = {
      version: 1,
      dataDir,
      kubernetes: minor,
      kubernetesVersion: KUBERNETES_RELEASES[minor],
      server,
      kubeconfig: join(dataDir, 'kubeconfig'),
      kubectl,
      processes: [],
    };
    const cluster = new LocalCluster(state, tokens.admin);
    const start = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
      const { started } = startProcess({ name, command, args, env, logFile: join(dirs.logs, `${name}.log`) }, lifetime);
      cluster.track(started);
      return started;
    };
    try {
      log(`cluster: etcd ${ETCD.version} on 127.0.0.1:${ports.etcd}`);
      const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
      const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
      const etcd = start('etcd', binaryPath(ETCD, 'etcd'), [
        '--name=local',
        `--data-dir=${dirs.etcd}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=local=${peerUrl}`,
        '--unsafe-no-fsync', // a throwaway test store: durability buys nothing, fsync costs seconds
        '--log-level=warn',
      ]);
      await waitFor(`etcd on ${etcdUrl}`, () => httpOk(`${etcdUrl}/health`), { timeoutMs: 30_000, watch: [etcd] });

      // The API server reaches webhook Services through this proxy (see service-proxy.js), as kube-proxy would route.
      writeFileSync(cluster.routesFile, '{}\n');
      const proxy = start('service-proxy', process.execPath, [SERVICE_PROXY, String(ports.serviceProxy), cluster.routesFile]);
      await waitFor('the service proxy', () => httpOk(`http://127.0.0.1:${ports.serviceProxy}/`, 405), { timeoutMs: 10_000, watch: [proxy] });

      log(`cluster: kube-apiserver ${k8s.version} on ${server}`);
      const apiserverEnv: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: `http://127.0.0.1:${ports.serviceProxy}`, NO_PROXY: '127.0.0.1,localhost' };
      for (const k of ['HTTP_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete apiserverEnv[k];
      const apiserver = start('kube-apiserver', binaryPath(k8s, 'kube-apiserver'), [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${dirs.pki}`, // a self-signed serving certificate for 127.0.0.1, generated at start
        `--token-auth-file=${join(dirs.pki, 'tokens.csv')}`,
        '--authorization-mode=Node,RBAC',
        // The defaults plus NodeRestriction, named so that a change of defaults cannot drop the ones we test.
        '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,PodSecurity,RuntimeClass,Priority,DefaultTolerationSeconds,TaintNodesByCondition,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy',
        `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
        `--service-account-key-file=${join(dirs.pki, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dirs.pki, 'sa.key')}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--allow-privileged=true', // as managed clusters do: refusing privileged pods is the admission policies' job
        '--runtime-config=resource.k8s.io/v1=true',
        '--endpoint-reconciler-type=none', // no kubernetes Service endpoints to 127.0.0.1 (the API refuses loopback endpoints)
        '--profiling=false',
        '--v=1',
      ], apiserverEnv);
      await waitFor(
        'kube-apiserver /readyz',
        async () => (await cluster.client.raw('GET', '/readyz')).status === 200,
        { timeoutMs: 90_000, watch: [etcd, apiserver], describe: () => `kube-apiserver log:\n${logTail(apiserver.logFile)}` },
      );
      cluster.writeKubeconfig('admin', tokens.admin);
      const kubeconfigFor = (name: string, t: string) => cluster.writeKubeconfig(name, t, join(dirs.pki, `${name}.kubeconfig`));

      log('cluster: kube-controller-manager, kube-scheduler');
      // What the controller manager and the scheduler share: their own kubeconfig for the API, delegated authn/authz,
      // a serving port on loopback, one instance (no leader election).
      const componentFlags = (config: string, port: number, certDir: string) => [
        `--kubeconfig=${config}`,
        `--authentication-kubeconfig=${config}`,
        `--authorization-kubeconfig=${config}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${join(dirs.pki, certDir)}`,
        '--leader-elect=false',
        '--v=1',
      ];
      const kcm = start('kube-controller-manager', binaryPath(k8s, 'kube-controller-manager'), [
        ...componentFlags(kubeconfigFor('kube-controller-manager', tokens.controllerManager), ports.kcm, 'kcm'),
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${join(dirs.pki, 'sa.key')}`,
        `--root-ca-file=${join(dirs.pki, 'apiserver.crt')}`,
        `--cluster-cidr=${POD_CIDR}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // The HPA controller's sync period (15 s by default) is how long a warm pool whose HPA raises it to
        // minReplicas waits for its first scale-up; 1 s here keeps the tests from waiting on a timer.
        '--horizontal-pod-autoscaler-sync-period=1s',
      ]);
      const scheduler = start('kube-scheduler', binaryPath(k8s, 'kube-scheduler'), componentFlags(kubeconfigFor('kube-scheduler', tokens.scheduler), ports.scheduler, 'scheduler'));
      log(`cluster: kwok ${KWOK.version} (simulated nodes)`);
      const kwokConfig = kubeconfigFor('kwok', tokens.kwok);
      const kwok = start('kwok', binaryPath(KWOK, 'kwok'), [
        `--kubeconfig=${kwokConfig}`,
        ...(KWOK.moduleFiles ?? []).map((f) => `--config=${moduleFilePath(KWOK, f)}`),
        '--manage-all-nodes=false',
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
        `--server-address=127.0.0.1:${ports.kwok}`,
        '--node-ip=127.0.0.1',
        '--node-port=0',
        `--cidr=10.244.0.1/16`,
        '--node-lease-duration-seconds=40',
      ]);
      const all = [etcd, apiserver, kcm, scheduler, kwok];
      // The controller manager is working when its service-account and root-CA controllers have written their
      // first objects; the scheduler answers /readyz.
      await waitFor(
        'kube-controller-manager (the default ServiceAccount and kube-root-ca.crt in namespace default)',
        async () => (await cluster.client.get('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined && (await cluster.client.get('/api/v1/namespaces/default/configmaps/kube-root-ca.crt')) !== undefined,
        { timeoutMs: 60_000, watch: all, describe: () => `kube-controller-manager log:\n${logTail(kcm.logFile)}` },
      );
      await waitFor('kube-scheduler /readyz', () => httpOk(`https://127.0.0.1:${ports.scheduler}/readyz`), {
        timeoutMs: 60_000,
        watch: all,
        describe: () => `kube-scheduler log:\n${logTail(scheduler.logFile)}`,
      });
      await waitFor('kwok /healthz', () => httpOk(`http://127.0.0.1:${ports.kwok}/healthz`), {
        timeoutMs: 30_000,
        watch: all,
        describe: () => `kwok log:\n${logTail(kwok.logFile)}`,
      });
      log(`cluster: ready (${dataDir})`);
      return cluster;
    } catch (err) {
      await cluster.down().catch(() => undefined);
      throw err;
    }
  }

  /** Writes a kubeconfig with a bearer token for this cluster (default: the admin's, at state.kubeconfig). */
  writeKubeconfig(user: string, bearer: string, file = this.state.kubeconfig, namespace?: string): string {
    const ca = readFileSync(join(this.state.dataDir, 'pki', 'apiserver.crt')).toString('base64');
    const doc = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: this.state.server, 'certificate-authority-data': ca } }],
      users: [{ name: user, user: { token: bearer } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user, ...(namespace ? { namespace } : {}) } }],
      'current-context': 'local',
    };
    writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
    return file;
  }

  /** Stops every process this cluster started (in reverse order) and removes its data folder. */
  async down(): Promise<void> {
    await stopProcesses(this.state.processes);
    rmSync(this.state.dataDir, { recursive: true, force: true });
  }

  /** Processes of this cluster still running (for leak checks). */
  running(): StartedProcess[] {
    return this.state.processes.filter(isRunning);
  }
}

/** An HTTP(S) GET to a loopback health endpoint of a process we started: the expected status (200) or not. */
async function httpOk(url: string, expected = 200): Promise<boolean> {
  const { request } = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    // Our own processes' self-signed serving certificates on 127.0.0.1: the health answer is what matters here.
    const req = request(url, { method: 'GET', rejectUnauthorized: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === expected);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Whether a component's failure says its port was taken: Node's `EADDRINUSE` (the service proxy), Go's
 * `bind: address already in use` (etcd, the Kubernetes components, kwok).
 */
export function portTaken(message: string): boolean {
  return message.includes('EADDRINUSE') || message.includes('address already in use');
}
