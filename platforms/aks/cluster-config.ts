/**
 * The `cluster` stack-config object for platform `aks` (`agent-sandbox-infra:cluster`).
 *
 * Two modes:
 * - create (no `existingCluster`): a resource group (unless `resourceGroupName` names an existing one), an AKS cluster
 *   with an Azure Linux system pool, and the Kata sandbox pool;
 * - adopt (`existingCluster`): only the Kata sandbox pool is added to a cluster a team already runs.
 *
 * The schema only validates; defaults are applied in the component with `??` (values in {@link AKS_DEFAULTS}).
 */
import { z } from 'zod';
import { issueProblems } from '../../core/zod-issues';
import { problemAt, type Problem } from '../../core/diagnostics';
import { DEFAULT_KATA_VM_SIZE, kataVmSizeProblem } from './kata-vm-sizes';
import { KUBELOGIN_MODES } from './kubeconfig';
import { spotMaxPriceProblem } from './spot';

/** Defaults the component applies. */
export const AKS_DEFAULTS = {
  systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 2, maxCount: 3 },
  sandboxPool: { name: 'kata', vmSize: DEFAULT_KATA_VM_SIZE, minCount: 1, maxCount: 3 },
  upgradeChannel: 'patch',
  nodeOsUpgradeChannel: 'NodeImage',
  networkPolicy: 'cilium',
  kubeloginMode: 'azurecli',
  /** Node image and Kubernetes upgrades of our pools surge a third of the pool (AKS's own default is 10%). */
  maxSurge: '33%',
} as const;

/** The only Kata workload runtime in azure-native 3.x (`enums.containerservice.WorkloadRuntime`). */
export const KATA_WORKLOAD_RUNTIME = 'KataVmIsolation';
/** Pod Sandboxing: "Only the Azure Linux os-sku supports this feature" (https://learn.microsoft.com/azure/aks/use-pod-sandboxing). */
export const KATA_OS_SKU = 'AzureLinux';

// https://learn.microsoft.com/azure/aks/use-system-pools#limitations: "The name of a node pool may only contain
// lowercase alphanumeric characters and must begin with a lowercase letter. For Linux node pools, the length must be
// between 1 and 12 characters."
const poolName = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,11}$/, 'must be 1-12 lowercase letters or digits starting with a letter (AKS Linux node pool name)');
// Resource group names: 1-90 letters, digits, "_", "-", ".", "(", ")"; not ending in ".".
const resourceGroupName = z
  .string()
  .regex(/^[-\w.()]{0,89}[-\w()]$/, 'must be 1-90 letters, digits, "_", "-", ".", "(" or ")" and not end with "."');
const zones = z.array(z.enum(['1', '2', '3'])).min(1);

/** Fields both pools have; their defaults are listed on `systemPool` and `sandboxPool`. */
const poolFields = {
  /** VM size. @default per pool */
  vmSize: z.string().min(1),
  /** Autoscaler lower bound (the system pool needs ≥ 1). @default per pool */
  minCount: z.number().int().min(0).max(1000),
  /** Autoscaler upper bound. @default per pool */
  maxCount: z.number().int().min(1).max(1000),
  /** Availability zones of the nodes. @default none (regional placement) */
  availabilityZones: zones,
};

export const aksClusterConfig = z
  .object({
    /**
     * Adopt this cluster instead of creating one: only the sandbox pool is added to it.
     * @default undefined (create a cluster)
     */
    existingCluster: z.object({ name: z.string().min(1), resourceGroupName }).strict(),
    /**
     * Name of the cluster to create, also its DNS prefix. Required unless `existingCluster` is set.
     * @default undefined
     */
    name: z
      .string()
      .regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,52}[a-zA-Z0-9])?$/, 'must be 1-54 letters, digits or "-", starting and ending with a letter or digit'),
    /**
     * Existing resource group to create the cluster in.
     * @default undefined (a resource group `<name>-rg` is created)
     */
    resourceGroupName,
    /**
     * Azure region of the created resource group and cluster.
     * @default the `azure-native:location` provider setting
     */
    location: z.string().min(1),
    /**
     * Kubernetes version (`1.34` or `1.34.2`).
     * @default the AKS default version
     */
    kubernetesVersion: z.string().regex(/^1\.\d+(\.\d+)?$/, 'must be a Kubernetes version like "1.34" or "1.34.2" (no "v")'),
    /**
     * Cluster auto-upgrade channel.
     * @default "patch"
     */
    upgradeChannel: z.enum(['patch', 'stable', 'rapid', 'node-image', 'none']),
    /**
     * Node OS upgrade channel.
     * @default "NodeImage"
     */
    nodeOsUpgradeChannel: z.enum(['NodeImage', 'SecurityPatch', 'Unmanaged', 'None']),
    /**
     * The system pool (mode System, Azure Linux, autoscaled).
     * @default { name: "system", vmSize: "Standard_D4ds_v5", minCount: 2, maxCount: 3 }
     */
    systemPool: z.object({ name: poolName, ...poolFields, minCount: poolFields.minCount.min(1) }).partial().strict(),
    /**
     * The Kata sandbox pool (mode User, Azure Linux, `KataVmIsolation`, autoscaled).
     * @default { name: "kata", vmSize: "Standard_D4s_v5", minCount: 1, maxCount: 3 }
     */
    sandboxPool: z
      .object({
        name: poolName,
        ...poolFields,
        /** Must be "AzureLinux"; present so a wrong value fails loudly instead of being ignored. @default "AzureLinux" */
        osSku: z.string(),
        /** Must be "KataVmIsolation"; present so the old preview name fails loudly. @default "KataVmIsolation" */
        workloadRuntime: z.string(),
        /**
         * `Spot`: a Spot Kata pool (cheaper; Azure can evict its nodes at any time). Eviction policy Delete; fixed at
         * creation (AKS does not let it change). Needs `platforms.aks.spot: true` in the sandbox config, so the
         * sandbox pods tolerate the Spot taint (./spot.ts). https://learn.microsoft.com/azure/aks/spot-node-pool
         * @default "Regular"
         */
        priority: z.enum(['Regular', 'Spot']),
        /**
         * Spot only: the most you pay per node and hour, in USD (≤ 5 decimals); -1 pays up to the on-demand price and
         * is never evicted for price. Fixed at creation.
         * @default -1
         */
        spotMaxPrice: z.number(),
      })
      .partial()
      .strict(),
    /**
     * Microsoft Entra ID integration (managed AAD). Without it, the kubeconfig carries a static client certificate.
     * @default undefined (no Entra integration)
     */
    entra: z
      .object({
        /** Groups whose members are cluster admins. @default [] */
        adminGroupObjectIds: z.array(z.guid()),
        /** Authorize Kubernetes API calls with Azure RBAC. @default true */
        azureRbac: z.boolean(),
        /**
         * With Azure RBAC: give the identity running `pulumi up` (`authorization.getClientConfig().objectId`) the
         * "Azure Kubernetes Service RBAC Cluster Admin" role on the cluster, so this program can deploy the manifests
         * (with Azure RBAC, Kubernetes rights come only from Azure role assignments or adminGroupObjectIds; local
         * accounts are disabled). Needs the right to create role assignments on the cluster (Owner, User Access
         * Administrator or Role Based Access Control Administrator); set false when that role is granted elsewhere
         * (e.g. inherited from the subscription) or through an admin group the deployer is in.
         * @default true (with azureRbac)
         */
        deployerClusterAdmin: z.boolean(),
        /**
         * Principal type of that role assignment. Azure refuses an assignment whose type does not match the principal
         * (UnmatchedPrincipalType), and the API's own default is "User".
         * @default "User" when `pulumi up` runs as a person signed in through the Azure CLI or Azure PowerShell
         * (getClientConfig's clientId is then their first-party app id), else "ServicePrincipal" (service principals
         * and managed identities authenticate as themselves)
         */
        deployerPrincipalType: z.enum(['User', 'ServicePrincipal']),
        /** Entra tenant. @default the tenant of the subscription */
        tenantId: z.guid(),
      })
      .partial()
      .strict(),
    /**
     * Disable local (static-credential) accounts; requires `entra`.
     * @default true when `entra` is set, false otherwise
     */
    disableLocalAccounts: z.boolean(),
    /**
     * Networking: always Azure CNI overlay (https://learn.microsoft.com/azure/aks/azure-cni-overlay).
     * @default { networkPolicy: "cilium" } (Cilium dataplane), AKS's default pod CIDR
     */
    network: z
      .object({
        /** Pod CIDR of the overlay. @default AKS's default (10.244.0.0/16) */
        podCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR like "10.244.0.0/16"'),
        /**
         * NetworkPolicy engine; `cilium` also selects the Cilium dataplane. `none` enforces no NetworkPolicy, so the
         * sandbox namespaces' default deny and egress allowlists would not apply (the component warns).
         * https://learn.microsoft.com/azure/aks/use-network-policies
         * @default "cilium"
         */
        networkPolicy: z.enum(['cilium', 'calico', 'azure', 'none']),
      })
      .partial()
      .strict(),
    /**
     * API server reachability of a created cluster. Public without authorized ranges gives a warning.
     * @default public, no authorized IP ranges
     */
    apiServer: z
      .object({
        /** CIDRs allowed to reach the public API server (≤ 200; not with `private`). */
        authorizedIpRanges: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, 'must be an IPv4 address or CIDR like "203.0.113.0/24"')).min(1).max(200),
        /**
         * Private cluster: the API server gets a private endpoint in the cluster's VNet only. `pulumi up` deploys the
         * manifests, so it must then run from a network that reaches that endpoint.
         */
        private: z.boolean(),
      })
      .partial()
      .strict(),
    /**
     * How the exec kubeconfig of an Entra cluster logs in (`kubelogin get-token --login <mode>`).
     * @default "azurecli"
     */
    kubeloginMode: z.enum(KUBELOGIN_MODES),
    /**
     * A CanNotDelete resource lock on the cluster (Azure's deletion protection): deleting the cluster or its node
     * pools fails until the lock is removed. Locks can also block managing cluster extensions.
     * @default true for a production stack (agent-sandbox-infra:environment "production", or "prod" in the stack name), else false
     */
    deletionProtection: z.boolean(),
    /**
     * Azure tags for everything created.
     * @default {}
     */
    tags: z.record(z.string(), z.string()),
  })
  .partial()
  .strict();

export type AksClusterConfig = z.infer<typeof aksClusterConfig>;

/** Fields that only apply when creating a cluster. */
const CREATE_ONLY = [
  'name',
  'resourceGroupName',
  'location',
  'kubernetesVersion',
  'upgradeChannel',
  'nodeOsUpgradeChannel',
  'systemPool',
  'entra',
  'disableLocalAccounts',
  'network',
  'deletionProtection',
  'apiServer',
] as const satisfies readonly (keyof AksClusterConfig)[];

const at = (path: string): string => (path.startsWith('[') ? `cluster${path}` : `cluster.${path}`);


/**
 * Checks that need several fields. `invalid` holds the paths the schema rejected (`name`, `sandboxPool.minCount`):
 * checks that depend on them are skipped, their schema problem is already reported.
 */
export function crossFieldProblems(config: AksClusterConfig, invalid: ReadonlySet<string> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(path, message, 'clusterConfig'));
  const adopting = config.existingCluster !== undefined || invalid.has('existingCluster');

  if (adopting) {
    for (const field of CREATE_ONLY) {
      if (config[field] !== undefined || invalid.has(field)) {
        add(at(field), 'only applies when creating a cluster; remove it, or remove existingCluster to create one');
      }
    }
  } else if (config.name === undefined && !invalid.has('name')) {
    add('cluster.name', 'is required to create a cluster (or set existingCluster to add the sandbox pool to a cluster you run)');
  }

  if (config.entra?.deployerPrincipalType !== undefined && (config.entra.deployerClusterAdmin === false || config.entra.azureRbac === false)) {
    add('cluster.entra.deployerPrincipalType', `only applies to the deployer's role assignment, which is off (${config.entra.azureRbac === false ? 'azureRbac' : 'deployerClusterAdmin'}: false); remove it`);
  }
  if (config.entra?.deployerClusterAdmin === true && config.entra.azureRbac === false) {
    add('cluster.entra.deployerClusterAdmin', 'true requires entra.azureRbac: the role assignment grants Kubernetes rights only through Azure RBAC, got azureRbac: false');
  }

  if (config.disableLocalAccounts === true && config.entra === undefined && !invalid.has('entra')) {
    add('cluster.disableLocalAccounts', 'true requires cluster.entra: AKS only disables local accounts on Microsoft Entra ID integrated clusters');
  }

  const pools = [
    ['systemPool', config.systemPool, AKS_DEFAULTS.systemPool],
    ['sandboxPool', config.sandboxPool, AKS_DEFAULTS.sandboxPool],
  ] as const;
  for (const [field, pool, defaults] of pools) {
    const min = pool?.minCount ?? defaults.minCount;
    const max = pool?.maxCount ?? defaults.maxCount;
    if (min > max && !invalid.has(`${field}.minCount`) && !invalid.has(`${field}.maxCount`)) {
      const show = (key: 'minCount' | 'maxCount', v: number) => (pool?.[key] === undefined ? `${v} (default)` : String(v));
      add(at(`${field}.minCount`), `must be ≤ maxCount ${show('maxCount', max)}, got ${show('minCount', min)}`);
    }
  }

  if (config.apiServer?.private === true && config.apiServer.authorizedIpRanges !== undefined) {
    add('cluster.apiServer.authorizedIpRanges', 'cannot be used with apiServer.private: true: AKS authorized IP ranges apply to a public API server only (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges)');
  }

  const sandbox = config.sandboxPool ?? {};
  if (sandbox.vmSize !== undefined) {
    const reason = kataVmSizeProblem(sandbox.vmSize);
    if (reason) add('cluster.sandboxPool.vmSize', reason);
  }
  if (sandbox.workloadRuntime === 'KataMshvVmIsolation') {
    add('cluster.sandboxPool.workloadRuntime', `"KataMshvVmIsolation" was the preview name of Pod Sandboxing; use "${KATA_WORKLOAD_RUNTIME}"`);
  } else if (sandbox.workloadRuntime !== undefined && sandbox.workloadRuntime !== KATA_WORKLOAD_RUNTIME) {
    add('cluster.sandboxPool.workloadRuntime', `must be "${KATA_WORKLOAD_RUNTIME}" (the sandbox pool runs Kata), got ${JSON.stringify(sandbox.workloadRuntime)}`);
  }
  if (sandbox.spotMaxPrice !== undefined) {
    const reason = sandbox.priority === 'Spot' ? spotMaxPriceProblem(sandbox.spotMaxPrice) : invalid.has('sandboxPool.priority') ? undefined : 'only applies to a Spot pool: set sandboxPool.priority: "Spot", or remove spotMaxPrice';
    if (reason) add('cluster.sandboxPool.spotMaxPrice', reason);
  }
  if (sandbox.osSku !== undefined && sandbox.osSku !== KATA_OS_SKU) {
    add('cluster.sandboxPool.osSku', `must be "${KATA_OS_SKU}": Pod Sandboxing runs only on Azure Linux nodes (https://learn.microsoft.com/azure/aks/use-pod-sandboxing), got ${JSON.stringify(sandbox.osSku)}`);
  }

  if (!adopting) {
    const system = config.systemPool?.name ?? AKS_DEFAULTS.systemPool.name;
    const kata = sandbox.name ?? AKS_DEFAULTS.sandboxPool.name;
    if (system === kata && !invalid.has('systemPool.name') && !invalid.has('sandboxPool.name')) {
      add('cluster.sandboxPool.name', `must differ from the system pool's name, both are ${JSON.stringify(kata)}`);
    }
  }
  return problems;
}

/**
 * For an adopted cluster: the sandbox pool must not reuse the name of one of its pools (creating an AgentPool is a PUT
 * on that name). Returns the problem, or undefined when the name is free.
 */
export function existingPoolProblem(
  poolName: string,
  clusterName: string,
  existingPools: readonly { readonly name: string }[] | undefined,
): Problem | undefined {
  const names = (existingPools ?? []).map((p) => p.name);
  if (!names.includes(poolName)) return undefined;
  return problemAt(
    'cluster.sandboxPool.name',
    `${JSON.stringify(poolName)} is already a node pool of cluster ${JSON.stringify(clusterName)} (pools: ${names.join(', ')}); choose another name, or \`pulumi import\` that pool`,
    'existingPool',
  );
}

/** Keeps the fields of `raw` that pass `schema` on their own (one level into nested objects), noting the others. */
function salvage(schema: z.ZodObject, raw: Record<string, unknown>, prefix: string, invalid: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = schema.shape[key];
    if (!field) continue;
    const one = field.safeParse(value);
    if (one.success) {
      out[key] = one.data;
      continue;
    }
    invalid.add(prefix + key);
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodObject && isPlainObject(value)) out[key] = salvage(inner, value, `${prefix}${key}.`, invalid);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates the raw `cluster` stack config. Every problem is reported at once: schema problems, then the cross-field
 * checks on the fields that passed the schema. `value` is set only when there is no problem.
 */
export function parseAksClusterConfig(raw: unknown): { value?: AksClusterConfig; problems: Problem[] } {
  const parsed = aksClusterConfig.safeParse(raw ?? {}, { reportInput: true });
  if (parsed.success) {
    const problems = crossFieldProblems(parsed.data);
    return problems.length ? { problems } : { value: parsed.data, problems };
  }
  const problems = issueProblems(parsed.error.issues, aksClusterConfig, ['cluster']);
  if (isPlainObject(raw)) {
    const invalid = new Set<string>();
    const valid = salvage(aksClusterConfig, raw, '', invalid) as AksClusterConfig;
    problems.push(...crossFieldProblems(valid, invalid));
  }
  return { problems };
}
