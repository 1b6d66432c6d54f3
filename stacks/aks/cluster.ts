/**
 * AKS cluster with a Pod Sandboxing (Kata) node pool, or a Kata pool added to a cluster a team already runs.
 * Config: {@link AksClusterConfig} (stack config `agent-sandbox-infra:cluster`), validated before anything is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as containerservice from '@pulumi/azure-native/containerservice';
import * as resources from '@pulumi/azure-native/resources';
import { aks, AKS_KATA_NODE_LABEL } from '../../platforms/aks';
import type { SandboxClusterOutputs } from '../sandbox-cluster';
import { formatProblem, problemCount } from '../../core/diagnostics';
import { InputProblemsError } from '../stack-error';
import {
  AKS_DEFAULTS,
  KATA_OS_SKU,
  KATA_WORKLOAD_RUNTIME,
  existingPoolProblem,
  parseAksClusterConfig,
  type AksClusterConfig,
} from '../../platforms/aks/cluster-config';
import { aksKubeconfig } from '../../platforms/aks/kubeconfig';
import { kataVmSizeNote } from '../../platforms/aks/kata-vm-sizes';
import { AGENT_SANDBOX_PROFILE_API_VERSION, agentSandboxExtensionProblem, publicApiServerWarning } from '../../platforms/aks/api-server';
import { getResourceOutput } from '@pulumi/azure-native/resources/getResource';
import { AKS_DEFAULT_SPOT_MAX_PRICE, AKS_SPOT_EVICTION_POLICY, AKS_SPOT_NODE_LABEL, AKS_SPOT_NODE_TAINT, SPOT_POOL_WARNING } from '../../platforms/aks/spot';

/**
 * Labels of the Kata nodes (a Spot pool also carries AKS's Spot label and taint). Only labels, no taint of ours: pods reach these nodes through AKS's own `kata-vm-isolation`
 * RuntimeClass, whose scheduling we do not control and which carries no toleration for a taint of ours. Our templates
 * could add one, but every other pod that names that RuntimeClass (a hand-written Sandbox, upstream's examples, a
 * team's own Deployment) would stay Pending without it. Ordinary runc pods may therefore also land on Kata nodes; that
 * costs Kata capacity (the capacity check counts only sandbox pods) but does not weaken the isolation of the sandbox
 * pods, which each run in their own VM. The label is the project's sandbox-node key with the value `kata`
 * (platforms/aks/index.ts); it lets operators select the nodes (`kubectl get nodes -l ...=kata`).
 */
export const AKS_KATA_NODE_LABELS: Readonly<Record<string, string>> = { [AKS_KATA_NODE_LABEL.key]: AKS_KATA_NODE_LABEL.value };

/**
 * Built-in role "Azure Kubernetes Service RBAC Cluster Admin" ("Lets you manage all resources in the cluster"; data
 * action Microsoft.ContainerService/managedClusters/*), the same id in every cloud:
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#azure-kubernetes-service-rbac-cluster-admin
 */
export const AKS_RBAC_CLUSTER_ADMIN_ROLE_ID = 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b';

/**
 * App ids of the first-party public clients people sign in through: Azure CLI and Azure PowerShell. azure-native's
 * getClientConfig reports the access token's `appid` claim as clientId (provider/pkg/provider/auth_getclientconfig.go),
 * which is one of these for a signed-in user and the principal's own app id for a service principal or managed identity.
 */
export const USER_SIGN_IN_CLIENT_IDS: readonly string[] = ['04b07795-8ddb-461a-bbee-02f9e1bf7b46', '1950a258-227b-4e31-a9cf-717495945fc2'];

/** `principalType` of the deployer's role assignment: the configured one, else derived from the signed-in client. */
export function deployerPrincipalType(clientId: string, configured?: 'User' | 'ServicePrincipal'): 'User' | 'ServicePrincipal' {
  return configured ?? (USER_SIGN_IN_CLIENT_IDS.includes(clientId.toLowerCase()) ? 'User' : 'ServicePrincipal');
}

/**
 * Warning for a cluster whose network profile enforces no NetworkPolicy (`networkPolicy` none or unset), or
 * undefined. With `networkPlugin: none` (bring your own CNI) we cannot tell, and say so.
 * https://learn.microsoft.com/azure/aks/use-network-policies
 */
export function networkPolicyWarning(
  clusterName: string,
  profile: { readonly networkPlugin?: string; readonly networkPolicy?: string } | undefined,
  resourceGroupName?: string,
): string | undefined {
  const policy = profile?.networkPolicy;
  if (policy !== undefined && policy !== 'none') return undefined;
  const consequence = "the sandbox namespaces' NetworkPolicies (default deny, egress allowlists) would not be enforced";
  if (profile?.networkPlugin === 'none') {
    return `AKS cluster ${clusterName} brings its own CNI (networkPlugin none), so NetworkPolicy enforcement cannot be checked: unless that CNI enforces NetworkPolicy, ${consequence}`;
  }
  const fix = resourceGroupName
    ? `enable an engine with "az aks update --resource-group ${resourceGroupName} --name ${clusterName} --network-policy cilium" (or azure, calico)`
    : 'set cluster.network.networkPolicy to cilium (the default), calico or azure';
  return `AKS cluster ${clusterName} has no NetworkPolicy engine (networkProfile.networkPolicy ${policy ?? 'unset'}): ${consequence}; ${fix} (https://learn.microsoft.com/azure/aks/use-network-policies)`;
}

/** Where the sandbox pool goes: the created or adopted cluster. */
interface ClusterRef {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly oidcIssuerUrl: pulumi.Output<string | undefined>;
  /** The pool name, resolved only once it is known not to clash with an existing pool. */
  readonly sandboxPoolName: pulumi.Input<string>;
}

export class AksSandboxCluster extends pulumi.ComponentResource implements SandboxClusterOutputs {
  readonly platform = 'aks' as const;
  readonly runtimeClassName: string;
  readonly clusterName: pulumi.Output<string>;
  /** Secret. Entra clusters: exec credentials via `kubelogin` (needs it on PATH); otherwise AKS's static user cert. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  readonly readyResources: pulumi.Resource[];
  readonly resourceGroupName: pulumi.Output<string>;
  /** OIDC issuer of the cluster, for workload-identity federated credentials. */
  readonly oidcIssuerUrl: pulumi.Output<string | undefined>;
  /** The created cluster; undefined when an existing cluster was adopted. */
  readonly cluster?: containerservice.ManagedCluster;
  readonly sandboxPool: containerservice.AgentPool;
  /** "AKS RBAC Cluster Admin" for the deploying identity (created Azure-RBAC clusters, unless turned off). */
  readonly deployerRoleAssignment?: authorization.RoleAssignment;

  /** The CanNotDelete lock on a created cluster (deletionProtection). */
  readonly deletionLock?: authorization.ManagementLockByScope;

  constructor(name: string, config: AksClusterConfig, opts?: pulumi.ComponentResourceOptions, settings: { readonly production?: boolean } = {}) {
    // Validate first: nothing (not even this component) is registered when the config is wrong.
    const { value: cfg, problems } = parseAksClusterConfig(config);
    if (!cfg) throw new InputProblemsError(`AKS sandbox cluster ${JSON.stringify(name)}: invalid cluster config (${problemCount(problems.length)})`, problems);
    super('agent-sandbox-infra:aks:SandboxCluster', name, {}, opts);

    this.runtimeClassName = aks.runtimes.kata!.runtimeClassName;
    const poolName = cfg.sandboxPool?.name ?? AKS_DEFAULTS.sandboxPool.name;
    let ref: ClusterRef;
    if (cfg.existingCluster) {
      ref = this.adopt(cfg.existingCluster, poolName);
    } else {
      const created = this.create(name, cfg, poolName);
      this.cluster = created.cluster;
      if (cfg.deletionProtection ?? settings.production ?? false) {
        this.deletionLock = new authorization.ManagementLockByScope(
          `${name}-delete-lock`,
          {
            scope: created.cluster.id,
            level: 'CanNotDelete',
            lockName: `${cfg.name}-delete-lock`,
            notes: 'agent-sandbox-infra deletionProtection: remove this lock (or set cluster.deletionProtection: false) before deleting the cluster',
          },
          { parent: this },
        );
      }
      this.deployerRoleAssignment = created.deployerRoleAssignment;
      ref = created.ref;
    }

    const pool = cfg.sandboxPool ?? {};
    const minCount = pool.minCount ?? AKS_DEFAULTS.sandboxPool.minCount;
    const sizeNote = kataVmSizeNote(pool.vmSize ?? AKS_DEFAULTS.sandboxPool.vmSize);
    if (sizeNote) pulumi.log.warn(`cluster.sandboxPool.vmSize ${pool.vmSize}: ${sizeNote}`, this);
    const spot = pool.priority === 'Spot';
    if (spot) pulumi.log.warn(SPOT_POOL_WARNING, this);
    this.sandboxPool = new containerservice.AgentPool(
      `${name}-sandbox-pool`,
      {
        resourceGroupName: ref.resourceGroupName,
        resourceName: ref.clusterName,
        agentPoolName: ref.sandboxPoolName,
        mode: 'User',
        type: 'VirtualMachineScaleSets',
        osType: 'Linux',
        osSKU: KATA_OS_SKU,
        workloadRuntime: KATA_WORKLOAD_RUNTIME,
        vmSize: pool.vmSize ?? AKS_DEFAULTS.sandboxPool.vmSize,
        enableAutoScaling: true,
        minCount,
        maxCount: pool.maxCount ?? AKS_DEFAULTS.sandboxPool.maxCount,
        count: minCount,
        availabilityZones: pool.availabilityZones,
        nodeLabels: { ...AKS_KATA_NODE_LABELS, ...(spot ? { [AKS_SPOT_NODE_LABEL.key]: AKS_SPOT_NODE_LABEL.value } : {}) },
        // Spot: AKS adds its label and taint to the pool itself; written here too, so that the pool's state and
        // these inputs agree (no update that tries to remove them). AKS refuses maxSurge on Spot pools.
        ...(spot
          ? {
              scaleSetPriority: 'Spot',
              scaleSetEvictionPolicy: AKS_SPOT_EVICTION_POLICY,
              spotMaxPrice: pool.spotMaxPrice ?? AKS_DEFAULT_SPOT_MAX_PRICE,
              nodeTaints: [`${AKS_SPOT_NODE_TAINT.key}=${AKS_SPOT_NODE_TAINT.value}:${AKS_SPOT_NODE_TAINT.effect}`],
            }
          : { upgradeSettings: { maxSurge: AKS_DEFAULTS.maxSurge } }),
        tags: cfg.tags,
      },
      // The cluster autoscaler owns the node count after creation.
      { parent: this, ignoreChanges: ['count'] },
    );

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      // `format: exec` only affects Entra clusters: a kubelogin exec kubeconfig instead of the legacy auth provider.
      { resourceGroupName: ref.resourceGroupName, resourceName: ref.clusterName, format: 'exec' },
      { parent: this },
    );
    const loginMode = cfg.kubeloginMode ?? AKS_DEFAULTS.kubeloginMode;
    this.kubeconfig = pulumi.secret(credentials.apply((c) => aksKubeconfig(c, loginMode)));

    this.resourceGroupName = ref.resourceGroupName;
    this.clusterName = ref.clusterName;
    this.oidcIssuerUrl = ref.oidcIssuerUrl;
    this.sandboxPoolNames = pulumi.output([poolName]);
    // The workloads also wait for the deployer's role assignment: without it the first ConfigGroup is Forbidden.
    this.readyResources = [this.sandboxPool, ...(this.deployerRoleAssignment ? [this.deployerRoleAssignment] : [])];
    this.registerOutputs({
      platform: this.platform,
      clusterName: this.clusterName,
      resourceGroupName: this.resourceGroupName,
      kubeconfig: this.kubeconfig,
      runtimeClassName: this.runtimeClassName,
      sandboxPoolNames: this.sandboxPoolNames,
      oidcIssuerUrl: this.oidcIssuerUrl,
    });
  }

  /** Reads the cluster a team runs; the sandbox pool is the only thing added to it. */
  private adopt(existing: NonNullable<AksClusterConfig['existingCluster']>, poolName: string): ClusterRef {
    const cluster = containerservice.getManagedClusterOutput(
      { resourceGroupName: existing.resourceGroupName, resourceName: existing.name },
      { parent: this },
    );
    cluster.apply((c) => {
      if (!c.aadProfile) {
        pulumi.log.warn(`AKS cluster ${c.name} has no Entra ID integration: the kubeconfig carries a static client certificate`, this);
      }
      // The adopted cluster's network profile is not ours to change: warn when it enforces no NetworkPolicy.
      const warning = networkPolicyWarning(c.name, c.networkProfile, existing.resourceGroupName);
      if (warning) pulumi.log.warn(warning, this);
      const exposure = publicApiServerWarning(c.name, c.apiServerAccessProfile, true);
      if (exposure) pulumi.log.warn(exposure, this);
    });
    // The AKS-managed Agent Sandbox extension is visible in the preview API only: read the cluster generically. A
    // cluster running it is refused (two controllers on the same CRDs); an unreadable preview API only warns.
    const extension = getResourceOutput(
      {
        resourceGroupName: existing.resourceGroupName,
        resourceProviderNamespace: 'Microsoft.ContainerService',
        parentResourcePath: '',
        resourceType: 'managedClusters',
        resourceName: existing.name,
        apiVersion: AGENT_SANDBOX_PROFILE_API_VERSION,
      },
      { parent: this },
    ).apply((r) => {
      const problem = agentSandboxExtensionProblem(existing.name, existing.resourceGroupName, r.properties);
      if (problem) throw new pulumi.ResourceError(problem, this, true);
      return existing.name;
    });
    return {
      resourceGroupName: pulumi.output(existing.resourceGroupName),
      clusterName: cluster.name,
      oidcIssuerUrl: cluster.apply((c) => c.oidcIssuerProfile?.issuerURL),
      // Creating an AgentPool is a PUT on its name: refuse a name the cluster already uses instead of rewriting that
      // pool. Throwing here fails the program (Pulumi reports the rejected output) before the pool is sent to Azure.
      sandboxPoolName: pulumi.all([cluster, extension]).apply(([c]) => {
        const problem = existingPoolProblem(poolName, c.name, c.agentPoolProfiles);
        if (problem) throw new Error(formatProblem(problem));
        return poolName;
      }),
    };
  }

  private create(
    name: string,
    cfg: AksClusterConfig,
    poolName: string,
  ): { cluster: containerservice.ManagedCluster; ref: ClusterRef; deployerRoleAssignment?: authorization.RoleAssignment } {
    const clusterName = cfg.name as string; // required in create mode (checked by parseAksClusterConfig)
    const tags = cfg.tags;
    const resourceGroupName =
      cfg.resourceGroupName !== undefined
        ? pulumi.output(cfg.resourceGroupName)
        : new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: `${clusterName}-rg`, location: cfg.location, tags }, { parent: this }).name;

    const system = cfg.systemPool ?? {};
    const systemMin = system.minCount ?? AKS_DEFAULTS.systemPool.minCount;
    const entra = cfg.entra;
    if (!entra) {
      pulumi.log.warn('cluster.entra is not set: the kubeconfig will carry a static client certificate; set cluster.entra for kubelogin exec credentials', this);
    }
    const apiServerAccessProfile = cfg.apiServer && {
      ...(cfg.apiServer.private ? { enablePrivateCluster: true } : {}),
      ...(cfg.apiServer.authorizedIpRanges ? { authorizedIPRanges: [...cfg.apiServer.authorizedIpRanges] } : {}),
    };
    const exposure = publicApiServerWarning(clusterName, apiServerAccessProfile, false);
    if (exposure) pulumi.log.warn(exposure, this);
    const networkPolicy = cfg.network?.networkPolicy ?? AKS_DEFAULTS.networkPolicy;
    const noPolicy = networkPolicyWarning(clusterName, { networkPolicy });
    if (noPolicy) pulumi.log.warn(noPolicy, this);

    const cluster = new containerservice.ManagedCluster(
      `${name}-cluster`,
      {
        resourceGroupName,
        resourceName: clusterName,
        location: cfg.location,
        dnsPrefix: clusterName,
        kubernetesVersion: cfg.kubernetesVersion,
        identity: { type: 'SystemAssigned' },
        enableRBAC: true,
        aadProfile: entra && {
          managed: true,
          enableAzureRBAC: entra.azureRbac ?? true,
          adminGroupObjectIDs: entra.adminGroupObjectIds ?? [],
          tenantID: entra.tenantId,
        },
        // AKS refuses disableLocalAccounts without Entra (checked in the config), so default it to "Entra is on".
        disableLocalAccounts: cfg.disableLocalAccounts ?? entra !== undefined,
        oidcIssuerProfile: { enabled: true },
        ...(apiServerAccessProfile ? { apiServerAccessProfile } : {}),
        securityProfile: { workloadIdentity: { enabled: true } },
        autoUpgradeProfile: {
          upgradeChannel: cfg.upgradeChannel ?? AKS_DEFAULTS.upgradeChannel,
          nodeOSUpgradeChannel: cfg.nodeOsUpgradeChannel ?? AKS_DEFAULTS.nodeOsUpgradeChannel,
        },
        // Azure CNI overlay: pod IPs from a private CIDR, node IPs from the VNet
        // (https://learn.microsoft.com/azure/aks/azure-cni-overlay). Cilium is both dataplane and policy engine
        // (https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium); other engines use the Azure dataplane.
        networkProfile: {
          networkPlugin: 'azure',
          networkPluginMode: 'overlay',
          networkDataplane: networkPolicy === 'cilium' ? 'cilium' : 'azure',
          networkPolicy,
          podCidr: cfg.network?.podCidr,
        },
        agentPoolProfiles: [
          {
            name: system.name ?? AKS_DEFAULTS.systemPool.name,
            mode: 'System',
            type: 'VirtualMachineScaleSets',
            osType: 'Linux',
            osSKU: 'AzureLinux',
            vmSize: system.vmSize ?? AKS_DEFAULTS.systemPool.vmSize,
            enableAutoScaling: true,
            minCount: systemMin,
            maxCount: system.maxCount ?? AKS_DEFAULTS.systemPool.maxCount,
            count: systemMin,
            availabilityZones: system.availabilityZones,
            upgradeSettings: { maxSurge: AKS_DEFAULTS.maxSurge },
            tags,
          },
        ],
        tags,
      },
      { parent: this, ignoreChanges: ['agentPoolProfiles[0].count'] },
    );

    // With Azure RBAC, Kubernetes API rights come only from Azure role assignments (or adminGroupObjectIds), and
    // local accounts are disabled: without this the deploying identity could create the cluster but the first
    // ConfigGroup would be Forbidden (https://learn.microsoft.com/azure/aks/manage-azure-rbac). "New role
    // assignments can take up to five minutes to propagate and be updated by the authorization server" (same page):
    // the manifests wait for the component, which includes the sandbox pool (several minutes to create), so in
    // practice the role is effective before the first Kubernetes call; a rerun of `pulumi up` covers a slower case.
    // principalType must match the principal (Azure: UnmatchedPrincipalType otherwise) and azure-native defaults it
    // to "User", which would fail for a CI service principal: see deployerPrincipalType.
    let deployerRoleAssignment: authorization.RoleAssignment | undefined;
    if (entra && (entra.azureRbac ?? true) && (entra.deployerClusterAdmin ?? true)) {
      const client = authorization.getClientConfigOutput({ parent: this });
      deployerRoleAssignment = new authorization.RoleAssignment(
        `${name}-deployer-cluster-admin`,
        {
          principalId: client.objectId,
          principalType: client.clientId.apply((id) => deployerPrincipalType(id, entra.deployerPrincipalType)),
          roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AKS_RBAC_CLUSTER_ADMIN_ROLE_ID}`,
          scope: cluster.id,
          description: `Lets the identity that deploys ${clusterName} (agent-sandbox-infra) apply its Kubernetes manifests`,
        },
        { parent: this },
      );
    }
    return {
      deployerRoleAssignment,
      cluster,
      ref: {
        resourceGroupName,
        clusterName: cluster.name,
        oidcIssuerUrl: cluster.oidcIssuerProfile.apply((p) => p?.issuerURL),
        sandboxPoolName: poolName,
      },
    };
  }
}

