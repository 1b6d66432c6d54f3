/**
 * Support for the real-component tier: the skip rule (one loud line when a real component is missing; a failure
 * under CI=true), one fresh local cluster per suite, and waits on object conditions that print what the objects
 * say when they time out.
 */
import { DEFAULT_LOCAL_KUBERNETES, type GoComponent, type LocalKubernetesMinor } from '../../../scripts/toolchain/versions';
import { controlPlaneComponents, LocalCluster } from '../../../scripts/cluster/control-plane';
import { requireToolchain } from '../../support/require-toolchain';
import { podRunnerUnavailable } from '../../../scripts/cluster/pod-runner';
import type { KubeClient, KubeObject } from '../../../scripts/cluster/kube-client';
import { waitFor } from '../../../scripts/cluster/processes';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../../core/upstream/pins';

/**
 * `describe` for a suite that needs the local cluster's binaries (and, with `podRunner`, root for the pod runner);
 * otherwise one loud line and `describe.skip`, or a failure under CI=true (test/support/require-toolchain.ts).
 */
export function describeWithCluster(suite: string, components: readonly GoComponent[], opts: { podRunner?: boolean; kubernetes?: LocalKubernetesMinor } = {}): jest.Describe {
  const minor = opts.kubernetes ?? DEFAULT_LOCAL_KUBERNETES;
  const all = [...new Map([...controlPlaneComponents(minor), ...components].map((c) => [`${c.id}@${c.version}`, c])).values()];
  return requireToolchain(suite, all, `npm run toolchain -- cluster --kubernetes ${minor}`, process.env, opts.podRunner ? podRunnerUnavailable() : undefined);
}

/** Starts a fresh cluster for a suite, stopped in afterAll (its processes are checked to be gone). */
export function withCluster(opts: { kubernetes?: LocalKubernetesMinor } = {}): { readonly cluster: LocalCluster } {
  const holder: { cluster?: LocalCluster } = {};
  beforeAll(async () => {
    holder.cluster = await LocalCluster.up({ kubernetes: opts.kubernetes, lifetime: 'attached' });
  });
  afterAll(async () => {
    const c = holder.cluster;
    if (!c) return;
    await c.down();
    expect(c.running()).toEqual([]);
  });
  return {
    get cluster() {
      if (!holder.cluster) throw new Error('the local cluster did not start (see beforeAll)');
      return holder.cluster;
    },
  };
}

/** What the API says about the objects of a namespace: for timeout messages. */
export async function describeNamespace(client: KubeClient, namespace: string): Promise<string> {
  const lines: string[] = [];
  for (const [path, label] of [
    [WARM_POOLS(namespace), 'SandboxWarmPool'],
    [CLAIMS(namespace), 'SandboxClaim'],
    [SANDBOXES(namespace), 'Sandbox'],
    [`/api/v1/namespaces/${namespace}/pods`, 'Pod'],
  ] as const) {
    for (const o of await client.list(path).catch(() => [] as KubeObject[])) {
      lines.push(`${label} ${o.metadata.name}: spec=${JSON.stringify(o.spec?.replicas ?? '')} status=${JSON.stringify(o.status ?? {})}`.slice(0, 600));
    }
  }
  const events = await client.list(`/api/v1/namespaces/${namespace}/events`).catch(() => [] as KubeObject[]);
  for (const e of events.slice(-20)) lines.push(`event ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.type} ${e.reason}: ${e.message}`);
  return lines.join('\n');
}

export async function waitForCondition(client: KubeClient, what: string, namespace: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await waitFor(what, check, { timeoutMs, describe: () => describeNamespace(client, namespace) });
}

/** Collection paths of the agent-sandbox kinds, in the API version the default pinned release serves and we emit. */
const API_VERSION = agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION).apiVersion;
export const WARM_POOLS = (ns: string) => `/apis/extensions.agents.x-k8s.io/${API_VERSION}/namespaces/${ns}/sandboxwarmpools`;
export const SANDBOXES = (ns: string) => `/apis/agents.x-k8s.io/${API_VERSION}/namespaces/${ns}/sandboxes`;
export const CLAIMS = (ns: string) => `/apis/extensions.agents.x-k8s.io/${API_VERSION}/namespaces/${ns}/sandboxclaims`;
