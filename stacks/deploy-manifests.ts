/**
 * The platform's manifests onto the cluster, in ConfigGroups that wait for what they need (CRDs, the controller,
 * the RuntimeClass, the sandbox node pools).
 */
import * as pulumi from '@pulumi/pulumi';
import type { Provider } from '@pulumi/kubernetes/provider';
import { ConfigGroup } from '@pulumi/kubernetes/yaml/v2';
import { CRDS_FILE, type RenderedFile, type RenderedPlatform } from '../constructs/output/render';
import type { SandboxClusterOutputs } from './sandbox-cluster';
import { secretWhen } from './secret-config';

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

export interface DeployManifestsOptions {
  /**
   * The manifests derive from a secret (a stack config key set with `--secret`): every ConfigGroup's input and every
   * object it creates keep their content only as a secret, in state and in `preview --diff` — but the CRDs
   * ({@link SECRET_EXEMPT_GROUPS}). @default false
   */
  readonly secret?: boolean;
}

/**
 * Groups that stay plain when the manifests are secret. The CRDs are the agent-sandbox release's own files, the same
 * for every user of that release, nothing of the config in them; and the Kubernetes provider does not normalize a
 * schema's `x-kubernetes-*` keys inside a secret, so a secret CRD shows a change at every preview (seen on the real
 * engine: test/integration/pulumi-secret-config.test.ts).
 */
export const SECRET_EXEMPT_GROUPS: readonly ManifestGroup['id'][] = ['crds'];

/** Kept plain on a secret object: its type, which its URN names anyway. */
const TYPE_KEYS: ReadonlySet<string> = new Set(['apiVersion', 'kind']);

/** `value` in the engine's wire form of a secret (a value already secret stays as it is). */
function secretEnvelope(value: unknown): unknown {
  const sig = pulumi.runtime.specialSigKey;
  if (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[sig] === pulumi.runtime.specialSecretSig) return value;
  return { [sig]: pulumi.runtime.specialSecretSig, value };
}

/**
 * Marks every property of each object a ConfigGroup creates as a secret (but its type). A secret `yaml` alone would
 * not do: the Kubernetes provider parses it inside an apply and registers the objects with plain inputs
 * (provider/pkg/provider/yaml/v2 `ConfigGroupProvider.Construct`). A transform on the group reaches them, since the
 * engine runs a parent's transforms on the children a provider registers; the provider then marks each output field
 * secret whose input was (`annotateSecrets`), `metadata.managedFields` with `metadata`.
 *
 * The values are returned in the wire form of a secret, not as `pulumi.secret(…)`: the SDK runs a transform from its
 * callback server, outside the program's runtime state, where `supportsSecrets` reads false and a secret Output is
 * sent as its plain value (seen on the real engine: test/integration/pulumi-secret-config.test.ts).
 */
export const secretObjectContent: pulumi.ResourceTransform = (args) => {
  // The group itself: its inputs are made secret where it is created.
  if (!args.custom) return undefined;
  const props = Object.fromEntries(Object.entries(args.props).map(([key, value]) => [key, TYPE_KEYS.has(key) ? value : secretEnvelope(value)]));
  // No `opts`: the callback server then keeps the request's options as they came (runtime/callbacks.ts
  // `if (result.opts !== undefined)`); passing `args.opts` back would rebuild them from a copy without hideDiff and
  // the plugin checksums.
  return { props } as pulumi.ResourceTransformResult;
};

/**
 * Creates the ConfigGroups of {@link planManifestGroups}, each depending on the cluster and the groups before it.
 * With `secret`, each group's input (but the CRDs') is a secret and {@link secretObjectContent} keeps its objects'
 * content secret.
 */
export function deployManifests(
  name: string,
  rendered: RenderedPlatform,
  provider: Provider,
  cluster: SandboxClusterOutputs & pulumi.Resource,
  options: DeployManifestsOptions = {},
): string[] {
  const secret = options.secret ?? false;
  const secrecy = secret ? { transforms: [secretObjectContent] } : {};
  const byName = new Map(rendered.files.map((f) => [f.name, f]));
  const created = new Map<string, ConfigGroup>();
  // The cluster's node objects (Karpenter NodePools) come before anything that waits for sandbox nodes.
  const nodes = cluster.nodeManifests ? [new ConfigGroup(`${name}-nodes`, { objs: secretWhen(secret, cluster.nodeManifests) }, { provider, dependsOn: [cluster], ...secrecy })] : [];
  for (const g of planManifestGroups(rendered.files)) {
    const yaml = g.files.flatMap((f) => documentsOf(byName.get(f)!, g)).join('---\n');
    const dependsOn: pulumi.Resource[] = [cluster, ...g.after.map((id) => created.get(id)!), ...(g.afterNodePools ? [...cluster.readyResources, ...nodes] : [])];
    const secretGroup = secret && !SECRET_EXEMPT_GROUPS.includes(g.id);
    created.set(g.id, new ConfigGroup(`${name}-${g.id}`, { yaml: secretWhen(secretGroup, yaml) }, { provider, dependsOn, ...(secretGroup ? secrecy : {}) }));
  }
  return rendered.files.map((f) => f.name);
}
