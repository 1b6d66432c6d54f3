/**
 * `cluster deploy <platform>`: what a user does on a new cluster, against the local one. Synthesizes the platform
 * (the CLI's own `synth`), creates the platform's simulated nodes and the platform-owned RuntimeClasses (stand-ins,
 * marked as such), then applies the output with server-side apply in the README's order — file by file in name
 * order, waiting for the CRDs to be Established after `00-crds.yaml` and for the controller to be Ready after
 * `10-agent-sandbox.yaml` — and runs the real agent-sandbox controller for the Deployment's pod.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main as cli } from '../../cli/main';
import { loadConfig } from '../../cli/load-config';
import type { Platform } from '../../platforms';
import { parseManifestText } from '../../core/yaml/parse';
import { agentSandboxControllerComponent } from '../toolchain/versions';
import { binaryPath } from '../toolchain/paths';
import { isBuilt } from '../toolchain/build';
import type { LocalCluster, Lifetime } from './control-plane';
import { KubeApiError, type KubeObject } from './kube-client';
import { nodeObjects, simulatedPools, type SimulatedPool } from './platform-nodes';
import { standInRuntimeClasses } from './stand-ins';
import { runDeploymentPod } from './pod-process';
import { ComponentError, waitFor } from './processes';
import type { RunningPodProcess } from './pod-runner';

const run = promisify(execFile);
export const FIELD_MANAGER = 'agent-sandbox-infra';

export interface DeployOptions {
  readonly platform: Platform;
  /** A sandbox config file (`synth --config`); default: the built-in example. */
  readonly config?: string;
  readonly lifetime?: Lifetime;
  readonly log?: (line: string) => void;
  /**
   * Admission policies (and their bindings) created right after the CRDs, before anything that they check: e.g.
   * upstream's secure-sandbox-policy, so every Sandbox the controller creates later passes through it.
   */
  readonly admissionPolicies?: readonly KubeObject[];
  /**
   * An object the policies must refuse (created with dryRun): deploy waits until they do, since the API server
   * loads a new policy asynchronously. At `path` (its collection).
   */
  readonly admissionProbe?: { readonly path: string; readonly object: KubeObject };
}

export interface Deployment {
  readonly platform: Platform;
  /** `<dataDir>/manifests/<platform>`: the synth output that was applied. */
  readonly dir: string;
  readonly files: readonly string[];
  readonly objects: readonly KubeObject[];
  readonly pools: readonly SimulatedPool[];
  readonly controller?: RunningPodProcess;
}

/** `kubectl` of the cluster's release against the cluster, as the user runs it. Rejects with kubectl's stderr. */
export async function kubectl(cluster: LocalCluster, args: readonly string[], opts: { allowExit?: number[] } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(cluster.state.kubectl, [...args], { env: { ...process.env, KUBECONFIG: cluster.state.kubeconfig }, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    if (typeof e.code === 'number' && opts.allowExit?.includes(e.code)) return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
    throw new ComponentError(`kubectl ${args.join(' ')} failed (exit ${e.code}):\n${(e.stderr || e.message).trim()}`);
  }
}

/** Runs the CLI's `synth` for one platform into `out`; throws with the CLI's own error text. */
export async function synthPlatform(platform: Platform, out: string, config?: string): Promise<string> {
  const err: string[] = [];
  const code = await cli(['synth', '--platform', platform, '--out', out, ...(config ? ['--config', config] : [])], { out: () => undefined, err: (t) => err.push(t) });
  if (code !== 0) throw new ComponentError(`synth --platform ${platform} failed:\n${err.join('')}`);
  return join(out, platform);
}

export async function createNodes(cluster: LocalCluster, pools: readonly SimulatedPool[]): Promise<void> {
  const client = cluster.client;
  for (const node of pools.flatMap(nodeObjects)) await client.create('/api/v1/nodes', node);
  const names = pools.flatMap(nodeObjects).map((n) => n.metadata.name as string);
  await waitFor(
    `${names.length} simulated nodes Ready`,
    async () => {
      const nodes = await client.list('/api/v1/nodes');
      return names.every((n) => nodes.find((x) => x.metadata.name === n)?.status?.conditions?.some((c: KubeObject) => c.type === 'Ready' && c.status === 'True'));
    },
    { timeoutMs: 60_000 },
  );
}

/** Server-side apply of one file with `kubectl apply --server-side`, as the README shows. */
export async function applyFile(cluster: LocalCluster, file: string): Promise<string> {
  return (await kubectl(cluster, ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', file])).stdout;
}

function release(deployment: KubeObject, container: string): string {
  const image: string = (deployment.spec.template.spec.containers as KubeObject[]).find((c) => c.name === container)?.image ?? '';
  const tag = /:(v[\w.-]+)(?:@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
  if (!tag) throw new ComponentError(`cannot tell the agent-sandbox release of image "${image}": expected …/agent-sandbox-controller:<vX.Y.Z>`);
  return tag;
}

function admissionPath(o: KubeObject): string {
  const plural = { ValidatingAdmissionPolicy: 'validatingadmissionpolicies', ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybindings' }[o.kind as string];
  if (!plural) throw new ComponentError(`admissionPolicies takes ValidatingAdmissionPolicy(Binding) objects, got ${o.kind}`);
  return `/apis/admissionregistration.k8s.io/v1/${plural}/${o.metadata.name}`;
}

/** The objects of a manifest file (synth output parses cleanly: it was validated when written). */
export function readObjects(file: string): KubeObject[] {
  return parseManifestText(file, readFileSync(file, 'utf8')).documents.map((d) => d.value as KubeObject);
}

const CONTROLLER_CONTAINER = 'agent-sandbox-controller';

export async function deployPlatform(cluster: LocalCluster, opts: DeployOptions): Promise<Deployment> {
  const log = opts.log ?? (() => undefined);
  const lifetime = opts.lifetime ?? 'attached';
  const dir = await synthPlatform(opts.platform, join(cluster.dataDir, 'manifests'), opts.config);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const objects = files.flatMap((f) => readObjects(join(dir, f)));

  // The platform's settings in the config (the generic `kubernetes` platform's sandbox nodes and RuntimeClass).
  const settings = loadConfig(opts.config).config.platforms?.[opts.platform];
  const pools = simulatedPools(opts.platform, settings);
  log(`deploy ${opts.platform}: ${pools.map((p) => `${p.nodes} × ${p.machineType} (${p.name})`).join(', ')} as simulated nodes`);
  await createNodes(cluster, pools);
  for (const rc of standInRuntimeClasses(opts.platform, settings)) {
    log(`deploy ${opts.platform}: stand-in RuntimeClass ${rc.metadata.name} (the platform's own, ${rc.metadata.annotations['agent-sandbox-infra.io/stand-in']})`);
    await cluster.client.create('/apis/node.k8s.io/v1/runtimeclasses', rc);
  }

  let controller: RunningPodProcess | undefined;
  for (const file of files) {
    log(`deploy ${opts.platform}: kubectl apply --server-side -f ${file}`);
    await applyFile(cluster, join(dir, file));
    const inFile = readObjects(join(dir, file));
    const crds = inFile.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name as string);
    if (crds.length) {
      await waitFor(`CRDs Established (${crds.join(', ')})`, async () => {
        for (const name of crds) {
          const crd = await cluster.client.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
          if (!crd?.status?.conditions?.some((c: KubeObject) => c.type === 'Established' && c.status === 'True')) return false;
        }
        return true;
      }, { timeoutMs: 30_000 });
      for (const policy of opts.admissionPolicies ?? []) {
        log(`deploy ${opts.platform}: ${policy.kind} ${policy.metadata.name}`);
        await cluster.client.apply(admissionPath(policy), policy, FIELD_MANAGER);
      }
      const probe = opts.admissionProbe;
      if (probe && opts.admissionPolicies?.length) {
        await waitFor('the admission policies to be enforced (a dry-run of a refused object is denied)', async () => {
          try {
            await cluster.client.create(probe.path, probe.object, { dryRun: 'All' });
            return false;
          } catch (err) {
            if (err instanceof KubeApiError && /ValidatingAdmissionPolicy/.test(err.apiMessage)) return true;
            throw err;
          }
        }, { timeoutMs: 30_000 });
      }
    }
    const deployment = inFile.find((o) => o.kind === 'Deployment' && (o.spec.template.spec.containers as KubeObject[]).some((c) => c.name === CONTROLLER_CONTAINER));
    if (deployment) {
      const tag = release(deployment, CONTROLLER_CONTAINER);
      const component = agentSandboxControllerComponent(tag);
      if (!isBuilt(component)) throw new ComponentError(`the agent-sandbox controller ${tag} is not built: run \`npm run toolchain -- agent-sandbox-controller --agent-sandbox ${tag}\``);
      log(`deploy ${opts.platform}: agent-sandbox controller ${tag} as a real process for the Deployment's pod`);
      controller = await runDeploymentPod(
        cluster,
        { namespace: deployment.metadata.namespace, name: deployment.metadata.name, container: CONTROLLER_CONTAINER },
        binaryPath(component, 'agent-sandbox-controller'),
        lifetime,
      );
    }
  }
  return { platform: opts.platform, dir, files, objects, pools, controller };
}
