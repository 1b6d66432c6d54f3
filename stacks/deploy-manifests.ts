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
  readonly id: 'crds' | 'agent-sandbox-access' | 'agent-sandbox' | 'runtime' | 'workloads';
  readonly files: readonly string[];
  /** Only the documents of these kinds (`include`) or all but them (`exclude`). @default every document */
  readonly kinds?: { readonly include: readonly string[] } | { readonly exclude: readonly string[] };
  /** Ids of earlier groups this one depends on. */
  readonly after: readonly ManifestGroup['id'][];
  /** Also waits for the sandbox node pools (`readyResources`). */
  readonly afterNodePools: boolean;
}

/**
 * What the controller must find in place when it starts: its namespace, identity, permissions and configuration.
 * yaml/v2 creates a group's objects in parallel (only CRDs and Namespaces first), so in one group the controller's
 * pod can run before its ClusterRoleBinding exists: it then logs `forbidden` until it does (found by the real engine
 * on the local cluster, test/integration/pulumi-stack.test.ts). These come first, in a group of their own.
 */
export const CONTROLLER_ACCESS_KINDS: readonly string[] = ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ConfigMap', 'Secret'];

/** A file of RuntimeClasses only (`20-runtime.yaml` where we own the RuntimeClass: EKS, kind). */
function isRuntimeFile(f: RenderedFile): boolean {
  return f.objects.length > 0 && f.objects.every((o) => o.kind === 'RuntimeClass' && String(o.apiVersion).startsWith('node.k8s.io/'));
}

/**
 * The ConfigGroups, in order. yaml/v2 orders only CRDs and Namespaces ahead of the rest inside one group, so
 * anything that must exist before something else gets its own group:
 * - CRDs first;
 * - the controller's namespace, identity, RBAC and configuration ({@link CONTROLLER_ACCESS_KINDS});
 * - the controller next (ConfigGroup waits for its Deployment to be ready, so the conversion webhook answers before
 *   any custom resource is written), with its Service (whose await needs the pods) and PodDisruptionBudget;
 * - the RuntimeClass next, where we own it (EKS: `gvisor`; GKE and AKS ship theirs, so no group): a warm pool's pods
 *   are refused while their RuntimeClass does not exist;
 * - tenants last, after the sandbox node pools exist (a warm pool would otherwise sit at 0).
 */
export function planManifestGroups(files: readonly RenderedFile[]): ManifestGroup[] {
  const groups: ManifestGroup[] = [];
  const ids = () => groups.map((g) => g.id);
  const crds = files.some((f) => f.name === CRDS_FILE);
  if (crds) groups.push({ id: 'crds', files: [CRDS_FILE], after: [], afterNodePools: false });
  const controllerFile = files.find((f) => f.name.endsWith('-agent-sandbox.yaml'));
  if (controllerFile) {
    if (controllerFile.objects.some((o) => CONTROLLER_ACCESS_KINDS.includes(String(o.kind)))) {
      groups.push({ id: 'agent-sandbox-access', files: [controllerFile.name], kinds: { include: CONTROLLER_ACCESS_KINDS }, after: ids(), afterNodePools: false });
    }
    groups.push({ id: 'agent-sandbox', files: [controllerFile.name], kinds: { exclude: CONTROLLER_ACCESS_KINDS }, after: ids(), afterNodePools: true });
  }
  const runtimeFiles = files.filter((f) => f.name !== CRDS_FILE && f.name !== controllerFile?.name && isRuntimeFile(f)).map((f) => f.name);
  if (runtimeFiles.length) groups.push({ id: 'runtime', files: runtimeFiles, after: ids(), afterNodePools: false });
  const placed = new Set(groups.flatMap((g) => g.files));
  const rest = files.map((f) => f.name).filter((f) => !placed.has(f));
  if (rest.length) groups.push({ id: 'workloads', files: rest, after: ids(), afterNodePools: true });
  return groups;
}

/** The YAML documents of `file` that `group` deploys. */
function documentsOf(file: RenderedFile, group: ManifestGroup): string[] {
  const k = group.kinds;
  if (!k) return [file.text];
  return file.documents.filter((_, i) => {
    const kind = String(file.objects[i].kind);
    return 'include' in k ? k.include.includes(kind) : !k.exclude.includes(kind);
  });
}

/** Creates the ConfigGroups of {@link planManifestGroups}, each depending on the cluster and the groups before it. */
export function deployManifests(name: string, rendered: RenderedPlatform, provider: Provider, cluster: SandboxClusterOutputs & pulumi.Resource): string[] {
  const byName = new Map(rendered.files.map((f) => [f.name, f]));
  const created = new Map<string, ConfigGroup>();
  // The cluster's node objects (Karpenter NodePools) come before anything that waits for sandbox nodes.
  const nodes = cluster.nodeManifests ? [new ConfigGroup(`${name}-nodes`, { objs: cluster.nodeManifests }, { provider, dependsOn: [cluster] })] : [];
  for (const g of planManifestGroups(rendered.files)) {
    const yaml = g.files.flatMap((f) => documentsOf(byName.get(f)!, g)).join('---\n');
    const dependsOn: pulumi.Resource[] = [cluster, ...g.after.map((id) => created.get(id)!), ...(g.afterNodePools ? [...cluster.readyResources, ...nodes] : [])];
    created.set(g.id, new ConfigGroup(`${name}-${g.id}`, { yaml }, { provider, dependsOn }));
  }
  return rendered.files.map((f) => f.name);
}
