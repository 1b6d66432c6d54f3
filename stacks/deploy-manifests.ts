/**
 * The platform's manifests onto the cluster, in ConfigGroups that wait for what they need (CRDs, the controller,
 * the RuntimeClass, the sandbox node pools).
 */
import type * as pulumi from '@pulumi/pulumi';
import type { Provider } from '@pulumi/kubernetes/provider';
import { ConfigGroup } from '@pulumi/kubernetes/yaml/v2';
import { CRDS_FILE, type RenderedFile, type RenderedPlatform } from '../constructs/output/render';
import type { SandboxClusterOutputs } from './sandbox-cluster';

/** One ConfigGroup of the deployment: its id (`<stack>-<id>`), files, and the groups it waits for. */
export interface ManifestGroup {
  readonly id: 'crds' | 'agent-sandbox' | 'runtime' | 'workloads';
  readonly files: readonly string[];
  /** Ids of earlier groups this one depends on. */
  readonly after: readonly ManifestGroup['id'][];
  /** Also waits for the sandbox node pools (`readyResources`). */
  readonly afterNodePools: boolean;
}

/** A file of RuntimeClasses only (`20-runtime.yaml` where we own the RuntimeClass: EKS, kind). */
function isRuntimeFile(f: RenderedFile): boolean {
  return f.objects.length > 0 && f.objects.every((o) => o.kind === 'RuntimeClass' && String(o.apiVersion).startsWith('node.k8s.io/'));
}

/**
 * The ConfigGroups, in order. yaml/v2 orders only CRDs and Namespaces ahead of the rest inside one group, so
 * anything that must exist before something else gets its own group:
 * - CRDs first;
 * - the controller next (ConfigGroup waits for its Deployment to be ready, so the conversion webhook answers before
 *   any custom resource is written);
 * - the RuntimeClass next, where we own it (EKS: `gvisor`; GKE and AKS ship theirs, so no group): a warm pool's pods
 *   are refused while their RuntimeClass does not exist;
 * - tenants last, after the sandbox node pools exist (a warm pool would otherwise sit at 0).
 */
export function planManifestGroups(files: readonly RenderedFile[]): ManifestGroup[] {
  const groups: ManifestGroup[] = [];
  const ids = () => groups.map((g) => g.id);
  const crds = files.some((f) => f.name === CRDS_FILE);
  if (crds) groups.push({ id: 'crds', files: [CRDS_FILE], after: [], afterNodePools: false });
  const controllerFile = files.find((f) => f.name.endsWith('-agent-sandbox.yaml'))?.name;
  if (controllerFile) groups.push({ id: 'agent-sandbox', files: [controllerFile], after: ids(), afterNodePools: true });
  const runtimeFiles = files.filter((f) => f.name !== CRDS_FILE && f.name !== controllerFile && isRuntimeFile(f)).map((f) => f.name);
  if (runtimeFiles.length) groups.push({ id: 'runtime', files: runtimeFiles, after: ids(), afterNodePools: false });
  const placed = new Set(groups.flatMap((g) => g.files));
  const rest = files.map((f) => f.name).filter((f) => !placed.has(f));
  if (rest.length) groups.push({ id: 'workloads', files: rest, after: ids(), afterNodePools: true });
  return groups;
}

/**
 * Creates the ConfigGroups of {@link planManifestGroups}, each depending on the cluster and the groups before it;
 * with `gate` (the cluster's live checks), each group's manifests wait for it and are not deployed when it fails.
 */
export function deployManifests(
  name: string,
  rendered: RenderedPlatform,
  provider: Provider,
  cluster: SandboxClusterOutputs & pulumi.Resource,
  gate?: pulumi.Output<unknown>,
): string[] {
  const byName = new Map(rendered.files.map((f) => [f.name, f]));
  const created = new Map<string, ConfigGroup>();
  for (const g of planManifestGroups(rendered.files)) {
    const text = g.files.map((f) => byName.get(f)!.text).join('---\n');
    const yaml = gate ? gate.apply(() => text) : text;
    const dependsOn: pulumi.Resource[] = [cluster, ...g.after.map((id) => created.get(id)!), ...(g.afterNodePools ? cluster.readyResources : [])];
    created.set(g.id, new ConfigGroup(`${name}-${g.id}`, { yaml }, { provider, dependsOn }));
  }
  return rendered.files.map((f) => f.name);
}
