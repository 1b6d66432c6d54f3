/**
 * EksSandboxCluster: an EKS cluster (created, or adopted with `existingCluster`) with a system node group and gVisor
 * sandbox node groups whose launch templates install `runsc` and register it in containerd.
 *
 * A created cluster also gets the managed `vpc-cni` add-on with NetworkPolicy enforcement on (the tenant namespaces'
 * default deny and egress allowlists are NetworkPolicies; EKS enforces none by default) running under its own IRSA
 * role, and the node groups wait for it. An adopted cluster's CNI is not ours: its state is checked and warned about.
 *
 * Why plain @pulumi/aws and not @pulumi/eks: @pulumi/eks's Cluster and ManagedNodeGroup are multi-language *remote*
 * components, so their children (launch template, user data, node group, IAM) are created inside the provider
 * plugin and, under `pulumi.runtime.setMocks`, a test sees only the component's own inputs. The properties that make
 * a sandbox node safe (IMDSv2 with hop limit 1, encrypted gp3 root, the gVisor user data, the sandbox taint) live in
 * exactly those children, so we build them from @pulumi/aws submodules and assert on every input in unit tests.
 */
import * as pulumi from '@pulumi/pulumi';
import * as ec2 from '@pulumi/aws/ec2';
import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as kms from '@pulumi/aws/kms';
import { getPartitionOutput } from '@pulumi/aws/getPartition';
import { runtimeFor, type Platform } from '../../platforms';
import type { SandboxClusterOutputs } from '../sandbox-cluster';
import { InputProblemsError } from '../stack-error';
import { problemCount } from '../../core/diagnostics';
import {
  EKS_CLUSTER_DEFAULTS,
  eksClusterConfigWarnings,
  gvisorNodeOptions,
  eksEndpointWarnings,
  nodeContainerd,
  parseEksClusterConfig,
  type EksClusterConfig,
} from '../../platforms/eks/cluster-config';
import {
  awsManagedPolicyArn,
  CLUSTER_ADMIN_ACCESS_POLICY,
  CLUSTER_ROLE_POLICIES,
  clusterKmsPolicy,
  eksAccessPolicyArn,
  gvisorMirrorReadPolicy,
  irsaAssumeRolePolicy,
  nodeRolePolicies,
  serviceAssumeRolePolicy,
  SSM_CORE_POLICY,
  VPC_CNI_ADDON_CONFIGURATION,
  VPC_CNI_POLICY,
  VPC_CNI_SERVICE_ACCOUNT,
} from '../../platforms/eks/iam-policies';
import { buildEksKubeconfig } from '../../platforms/eks/kubeconfig';
import { nodeLaunchTemplateSettings } from '../../platforms/eks/launch-template';
import { coreDnsStrictModePolicy, enforcingModeOf, standardModeWarning, vpcCniAddonConfiguration } from '../../platforms/eks/network-policy';
import { aliasReleaseVersion, KARPENTER_DEFAULTS, KARPENTER_DISCOVERY_TAG, karpenterEc2NodeClass, karpenterNodePool } from '../../platforms/eks/karpenter';
import {
  buildSandboxNodeUserData,
  checkSandboxNodeGroup,
  gvisorArch,
  gvisorArchForInstanceTypes,
  gvisorS3Location,
  sandboxAmiTypeForArch,
  sandboxNodeGroupScheduling,
} from '../../platforms/eks/node-bootstrap';
import { createSandboxVpc } from './vpc';

export const EKS_SANDBOX_CLUSTER_TYPE = 'agent-sandbox-infra:eks:SandboxCluster';

export interface EksSandboxClusterArgs {
  /**
   * The `agent-sandbox-infra:cluster` stack config value (shape: {@link EksClusterConfig}). Validated here: every
   * problem is reported at once in one `pulumi.InputPropertiesError`, before any resource is registered.
   */
  readonly cluster: unknown;
  /** A production stack: deletion protection defaults to on. @default false */
  readonly production?: boolean;
}

/** What the node groups attach to, whether the cluster is created or adopted. */
interface ClusterHandle {
  readonly name: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  /** Kubernetes `major.minor`: known up front for a created cluster, read for an adopted one. */
  readonly version: pulumi.Input<string>;
  readonly nodeSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Resources nodes need before they boot (VPC egress routes, the vpc-cni add-on). */
  readonly nodeDependencies: pulumi.Resource[];
  readonly oidcProviderArn?: pulumi.Output<string>;
  /** The managed vpc-cni add-on we created (created clusters only). */
  readonly vpcCniAddon?: eks.Addon;
  /** The IRSA role of `aws-node` (created clusters only). */
  readonly vpcCniRole?: iam.Role;
}

/**
 * What the `vpc-cni` add-on of an adopted cluster tells about NetworkPolicy enforcement: a warning, or undefined when
 * it is enforced. `addon` is undefined when the cluster has no managed vpc-cni add-on (self-managed VPC CNI, or
 * another CNI such as Cilium or Calico), which we cannot inspect.
 */
export function adoptedCniWarning(clusterName: string, addon: { readonly configurationValues?: string } | undefined): string | undefined {
  const fix =
    `enable it with "aws eks update-addon --cluster-name ${clusterName} --addon-name vpc-cni ` +
    `--configuration-values '${JSON.stringify(VPC_CNI_ADDON_CONFIGURATION)}'" (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html)`;
  const consequence = "the sandbox namespaces' NetworkPolicies (default deny, egress allowlists) would not be enforced";
  if (addon === undefined) {
    return (
      `EKS cluster ${clusterName} has no managed vpc-cni add-on, so NetworkPolicy enforcement cannot be checked: unless its CNI enforces ` +
      `NetworkPolicy (a self-managed VPC CNI started with --enable-network-policy=true, Calico, Cilium), ${consequence}; ` +
      `with the VPC CNI, install it as the managed add-on and ${fix}`
    );
  }
  let values: unknown;
  try {
    values = addon.configurationValues ? JSON.parse(addon.configurationValues) : {};
  } catch {
    values = {};
  }
  const enabled = typeof values === 'object' && values !== null && (values as Record<string, unknown>).enableNetworkPolicy === 'true';
  if (!enabled) return `EKS cluster ${clusterName}'s vpc-cni add-on does not enforce NetworkPolicy (enableNetworkPolicy is not "true"): ${consequence}; ${fix}`;
  return enforcingModeOf(addon.configurationValues) === 'strict' ? undefined : standardModeWarning(clusterName, true);
}

interface NodeGroupSpec {
  readonly role: string;
  readonly groupName: string;
  readonly instanceTypes: string[];
  readonly amiType: string;
  readonly scaling: { readonly min: number; readonly desired: number; readonly max: number };
  readonly diskSizeGiB: number;
  readonly capacityType: string;
  readonly userData?: pulumi.Input<string>;
  readonly releaseVersion?: string;
  readonly scheduling?: ReturnType<typeof sandboxNodeGroupScheduling>;
}

export class EksSandboxCluster extends pulumi.ComponentResource implements SandboxClusterOutputs {
  readonly platform: Platform;
  readonly clusterName: pulumi.Output<string>;
  /** Secret kubeconfig; credentials come from `aws eks get-token` (exec), no token is stored. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly runtimeClassName: string;
  readonly sandboxPoolNames: pulumi.Output<string[]>;
  /** The node groups (system, if any, then sandbox) and what Karpenter's nodes need (their role's access entry). */
  readonly readyResources: pulumi.Resource[] = [];
  /** The validated config. */
  readonly config: EksClusterConfig;
  /** IAM role of every node group. */
  readonly nodeRoleArn: pulumi.Output<string>;
  /** IAM OIDC provider for IRSA; only for a created cluster (an adopted cluster keeps the provider it has). */
  readonly oidcProviderArn?: pulumi.Output<string>;
  /** The managed vpc-cni add-on (NetworkPolicy enforcement, IRSA); only for a created cluster. */
  readonly vpcCniAddon?: eks.Addon;
  /** IRSA role of the VPC CNI's `aws-node` service account; only for a created cluster. */
  readonly vpcCniRoleArn?: pulumi.Output<string>;
  readonly systemNodeGroup?: eks.NodeGroup;
  readonly sandboxNodeGroups: eks.NodeGroup[];
  /** Karpenter EC2NodeClasses and NodePools (`karpenter.nodePools`), deployed by the program before the workloads. */
  readonly nodeManifests?: pulumi.Output<Record<string, unknown>[]>;
  /** The role Karpenter's sandbox nodes run as, when this stack created it. */
  readonly karpenterNodeRole?: iam.Role;

  constructor(name: string, args: EksSandboxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before super(): nothing, not even this component, is registered for a bad config.
    const { value: config, problems } = parseEksClusterConfig(args.cluster);
    if (config === undefined) {
      throw new InputProblemsError(`EksSandboxCluster "${name}": invalid cluster config (${problemCount(problems.length)})`, problems);
    }
    super(EKS_SANDBOX_CLUSTER_TYPE, name, {}, opts);
    this.config = config;
    this.platform = 'eks';
    this.runtimeClassName = runtimeFor('eks', 'gvisor').runtimeClassName;

    const partition = getPartitionOutput({}, { parent: this });
    const cluster = config.existingCluster ? this.adoptCluster(config) : this.createCluster(name, config, partition.partition, args.production ?? false);

    // One node role for all groups. Managed node groups create the role's EKS access entry themselves.
    const nodeRole = new iam.Role(
      `${name}-node-role`,
      { assumeRolePolicy: partition.dnsSuffix.apply((suffix) => serviceAssumeRolePolicy(`ec2.${suffix}`)) },
      { parent: this },
    );
    // The CNI policy stays on the node role only where we do not run aws-node under its own role (adopted clusters).
    const cniOnNodeRole = cluster.vpcCniRole === undefined;
    const nodePolicies: pulumi.Resource[] = [...nodeRolePolicies(cniOnNodeRole), ...(config.ssmAccess ?? EKS_CLUSTER_DEFAULTS.ssmAccess ? [SSM_CORE_POLICY] : [])].map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: partition.partition.apply((p) => awsManagedPolicyArn(p, policy)) },
          { parent: this },
        ),
    );
    // A gVisor mirror in S3 is read with the node role (the install script runs `aws s3 cp`): read access to that
    // prefix only.
    const mirror = config.gvisorBaseUrl === undefined ? undefined : gvisorS3Location(config.gvisorBaseUrl);
    if (mirror) {
      nodePolicies.push(
        new iam.RolePolicy(
          `${name}-node-gvisor-mirror`,
          { role: nodeRole.id, policy: partition.partition.apply((p) => gvisorMirrorReadPolicy(p, mirror.bucket, mirror.prefix)) },
          { parent: this },
        ),
      );
    }
    const nodeGroup = (spec: NodeGroupSpec) => {
      const launchTemplate = new ec2.LaunchTemplate(
        `${name}-${spec.role}-lt`,
        {
          description: `agent-sandbox-infra ${spec.role} nodes of ${name}`,
          updateDefaultVersion: true,
          ...nodeLaunchTemplateSettings({ diskSizeGiB: spec.diskSizeGiB }),
          ...(spec.userData !== undefined
            ? { userData: pulumi.output(spec.userData).apply((text) => nodeLaunchTemplateSettings({ diskSizeGiB: spec.diskSizeGiB, userData: text }).userData!) }
            : {}),
        },
        { parent: this },
      );
      return new eks.NodeGroup(
        `${name}-${spec.role}`,
        {
          clusterName: cluster.name,
          nodeGroupNamePrefix: `${spec.groupName}-`,
          nodeRoleArn: nodeRole.arn,
          subnetIds: cluster.nodeSubnetIds,
          instanceTypes: spec.instanceTypes,
          amiType: spec.amiType,
          capacityType: spec.capacityType,
          ...(spec.releaseVersion ? { releaseVersion: spec.releaseVersion } : {}),
          scalingConfig: { minSize: spec.scaling.min, desiredSize: spec.scaling.desired, maxSize: spec.scaling.max },
          updateConfig: { maxUnavailablePercentage: EKS_CLUSTER_DEFAULTS.nodeGroupMaxUnavailablePercentage },
          // Disk size and remote access live in the launch template: EKS fails a node group that sets them in both
          // places (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html).
          launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
          ...(spec.scheduling ? { labels: { ...spec.scheduling.labels }, taints: spec.scheduling.taints.map((t) => ({ ...t })) } : {}),
        },
        // desiredSize belongs to the cluster autoscaler once the group exists.
        { parent: this, dependsOn: [...nodePolicies, ...cluster.nodeDependencies], ignoreChanges: ['scalingConfig.desiredSize'] },
      );
    };

    const system = config.systemNodeGroup ?? (config.existingCluster ? undefined : {});
    if (system !== undefined) {
      const defaults = EKS_CLUSTER_DEFAULTS.systemNodeGroup;
      const instanceTypes = [...(system.instanceTypes ?? defaults.instanceTypes)];
      this.systemNodeGroup = nodeGroup({
        role: 'system',
        groupName: defaults.name,
        instanceTypes,
        amiType: sandboxAmiTypeForArch(gvisorArchForInstanceTypes(instanceTypes)), // AL2023 standard, x86_64 or ARM
        scaling: system.scaling ?? defaults.scaling,
        diskSizeGiB: system.diskSizeGiB ?? defaults.diskSizeGiB,
        capacityType: system.capacityType ?? EKS_CLUSTER_DEFAULTS.capacityType,
      });
    }

    this.sandboxNodeGroups = (config.sandboxNodeGroups ?? []).map((group, i) => {
      const { amiType } = checkSandboxNodeGroup({ instanceTypes: group.instanceTypes, amiType: group.amiType });
      // The runsc stanza's config version follows the group's AMI (known once the cluster version is): refused
      // combinations fail the deployment before the launch template is sent (created clusters: already in the config check).
      const userData = pulumi.output(cluster.version).apply((version) => {
        const containerd = nodeContainerd(version, group.releaseVersion, config.containerdMajorVersion);
        if (containerd.error) {
          throw new pulumi.ResourceError(`cluster.containerdMajorVersion: ${containerd.error} (sandboxNodeGroups[${i}] "${group.name}")`, this, true);
        }
        return buildSandboxNodeUserData({
          instanceTypes: group.instanceTypes,
          containerdMajorVersion: containerd.major,
          ...gvisorNodeOptions(config),
          nvproxy: group.nvproxy,
        });
      });
      return nodeGroup({
        role: `sandbox-${group.name}`,
        groupName: group.name,
        instanceTypes: [...group.instanceTypes],
        amiType: amiType as string, // set: the config check refused any group without a valid AMI type
        scaling: group.scaling ?? EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.scaling,
        diskSizeGiB: group.diskSizeGiB ?? EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.diskSizeGiB,
        capacityType: group.capacityType ?? EKS_CLUSTER_DEFAULTS.capacityType,
        releaseVersion: group.releaseVersion,
        userData,
        scheduling: sandboxNodeGroupScheduling(),
      });
    });

    const manifests: pulumi.Output<Record<string, unknown>[]>[] = [];
    if (config.karpenter) {
      const karpenter = this.karpenterNodes(name, config, cluster, partition.partition, partition.dnsSuffix);
      manifests.push(karpenter.manifests);
      this.karpenterNodeRole = karpenter.role;
      this.readyResources.push(...karpenter.ready);
    }
    // Strict mode on a cluster we create: CoreDNS needs a policy of its own (the controller brings its own).
    const strict = !config.existingCluster && (config.networkPolicyEnforcingMode ?? EKS_CLUSTER_DEFAULTS.networkPolicyEnforcingMode) === 'strict';
    if (strict) manifests.push(pulumi.output(JSON.stringify([coreDnsStrictModePolicy()])).apply((text) => JSON.parse(text) as Record<string, unknown>[]));
    if (manifests.length) this.nodeManifests = pulumi.all(manifests).apply((lists) => (lists as Record<string, unknown>[][]).flat()) as pulumi.Output<Record<string, unknown>[]>;

    this.clusterName = cluster.name;
    this.nodeRoleArn = nodeRole.arn;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.vpcCniAddon = cluster.vpcCniAddon;
    this.vpcCniRoleArn = cluster.vpcCniRole?.arn;
    this.readyResources.push(...(this.systemNodeGroup ? [this.systemNodeGroup] : []), ...this.sandboxNodeGroups);
    this.sandboxPoolNames = pulumi.all(this.sandboxNodeGroups.map((g) => g.nodeGroupName));
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthorityData, cluster.region])
        .apply(([clusterName, endpoint, certificateAuthorityData, region]) =>
          buildEksKubeconfig({
            clusterName,
            endpoint,
            certificateAuthorityData,
            region,
            roleArn: config.kubeconfig?.roleArn,
            profile: config.kubeconfig?.profile,
          }),
        ),
    );
    this.registerOutputs({
      nodeManifests: this.nodeManifests,
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      sandboxPoolNames: this.sandboxPoolNames,
      nodeRoleArn: this.nodeRoleArn,
      oidcProviderArn: this.oidcProviderArn,
      vpcCniRoleArn: this.vpcCniRoleArn,
    });
  }

  /**
   * Karpenter sandbox pools: the nodes' role (ours, with an EC2_LINUX access entry so they can join, or the one named
   * in the config) and one EC2NodeClass + NodePool per pool, with the user data of the pool's architecture and AMI.
   */
  private karpenterNodes(
    name: string,
    config: EksClusterConfig,
    cluster: ClusterHandle,
    partition: pulumi.Output<string>,
    dnsSuffix: pulumi.Output<string>,
  ): { manifests: pulumi.Output<Record<string, unknown>[]>; role?: iam.Role; ready: pulumi.Resource[] } {
    const karpenter = config.karpenter!;
    let roleName: pulumi.Input<string>;
    let role: iam.Role | undefined;
    const ready: pulumi.Resource[] = [];
    if (karpenter.nodeRoleName) {
      roleName = karpenter.nodeRoleName;
    } else {
      role = new iam.Role(
        `${name}-karpenter-node-role`,
        { description: `Karpenter gVisor sandbox nodes of ${name}`, assumeRolePolicy: dnsSuffix.apply((suffix) => serviceAssumeRolePolicy(`ec2.${suffix}`)) },
        { parent: this },
      );
      for (const policy of [...nodeRolePolicies(true), ...(config.ssmAccess ? [SSM_CORE_POLICY] : [])]) {
        ready.push(
          new iam.RolePolicyAttachment(
            `${name}-karpenter-node-${policy}`,
            { role: role.name, policyArn: partition.apply((p) => awsManagedPolicyArn(p, policy)) },
            { parent: this },
          ),
        );
      }
      // Nodes Karpenter launches join only with an access entry for their role (managed node groups make theirs).
      ready.push(new eks.AccessEntry(`${name}-karpenter-node-access`, { clusterName: cluster.name, principalArn: role.arn, type: 'EC2_LINUX' }, { parent: this }));
      const mirror = config.gvisorBaseUrl === undefined ? undefined : gvisorS3Location(config.gvisorBaseUrl);
      if (mirror) {
        ready.push(
          new iam.RolePolicy(
            `${name}-karpenter-node-gvisor-mirror`,
            { role: role.id, policy: partition.apply((p) => gvisorMirrorReadPolicy(p, mirror.bucket, mirror.prefix)) },
            { parent: this },
          ),
        );
      }
      roleName = role.name;
    }
    const manifests = pulumi.all([cluster.name, cluster.version, roleName]).apply(([clusterName, version, nodeRole]) => {
      const discovery = { [KARPENTER_DISCOVERY_TAG]: clusterName };
      return karpenter.nodePools.flatMap((pool, i) => {
        const arch = pool.instanceTypes ? gvisorArchForInstanceTypes(pool.instanceTypes) : gvisorArch(pool.arch ?? 'x86_64');
        const alias = pool.amiAlias ?? KARPENTER_DEFAULTS.amiAlias;
        const containerd = nodeContainerd(version, aliasReleaseVersion(alias, version), config.containerdMajorVersion);
        if (containerd.error) {
          throw new pulumi.ResourceError(`cluster.containerdMajorVersion: ${containerd.error} (karpenter.nodePools[${i}] "${pool.name}")`, this, true);
        }
        const input = {
          name: pool.name,
          arch,
          instanceTypes: pool.instanceTypes,
          capacityTypes: pool.capacityTypes,
          limits: pool.limits,
          diskSizeGiB: pool.diskSizeGiB,
          amiAlias: alias,
          role: nodeRole,
          subnetSelectorTerms: [{ tags: karpenter.subnetSelectorTags ?? discovery }],
          securityGroupSelectorTerms: [{ tags: karpenter.securityGroupSelectorTags ?? discovery }],
          userData: buildSandboxNodeUserData({
            arch,
            containerdMajorVersion: containerd.major,
            ...gvisorNodeOptions(config),
          }),
        };
        return [karpenterEc2NodeClass(input), karpenterNodePool(input)] as unknown as Record<string, unknown>[];
      });
    });
    return { manifests, role, ready };
  }

  /** Reads a running cluster; nothing about it is changed. */
  private adoptCluster(config: EksClusterConfig): ClusterHandle {
    const existing = config.existingCluster as NonNullable<EksClusterConfig['existingCluster']>;
    const found = eks.getClusterOutput({ name: existing.name }, { parent: this });
    // The version is known only now: warn about a containerd override the AMI does not need (errors fail the user data).
    found.version.apply((version) => eksClusterConfigWarnings(config, version).forEach((w) => pulumi.log.warn(w, this)));
    // NetworkPolicy enforcement lives in the vpc-cni add-on's configuration, which getCluster does not show. The
    // adopted cluster's CNI is not ours to change: read the managed add-on (absent → the lookup fails) and warn.
    eks
      .getAddon({ clusterName: existing.name, addonName: 'vpc-cni' }, { parent: this })
      .then(
        (addon) => addon,
        () => undefined,
      )
      .then((addon) => {
        const warning = adoptedCniWarning(existing.name, addon);
        if (warning) pulumi.log.warn(warning, this);
      });
    return {
      name: found.name,
      endpoint: found.endpoint,
      certificateAuthorityData: found.certificateAuthorities.apply((cas) => cas[0]?.data ?? ''),
      region: found.region,
      version: found.version,
      nodeSubnetIds: existing.subnetIds ?? found.vpcConfig.subnetIds,
      nodeDependencies: [],
    };
  }

  private createCluster(name: string, config: EksClusterConfig, partition: pulumi.Output<string>, production: boolean): ClusterHandle {
    const parent = { parent: this };
    const version = config.version ?? EKS_CLUSTER_DEFAULTS.version;
    for (const warning of [...eksClusterConfigWarnings(config, version), ...eksEndpointWarnings(config)]) pulumi.log.warn(warning, this);
    if (config.networkPolicyEnforcingMode === 'standard') pulumi.log.warn(standardModeWarning(config.name ?? name, false), this);

    const clusterRole = new iam.Role(`${name}-cluster-role`, { assumeRolePolicy: serviceAssumeRolePolicy('eks.amazonaws.com') }, parent);
    const clusterPolicies = CLUSTER_ROLE_POLICIES.map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-cluster-${policy}`,
          { role: clusterRole.name, policyArn: partition.apply((p) => awsManagedPolicyArn(p, policy)) },
          parent,
        ),
    );
    const secretsKey = new kms.Key(
      `${name}-secrets-key`,
      { description: `EKS secrets envelope encryption (${name})`, enableKeyRotation: true, deletionWindowInDays: 30 },
      parent,
    );
    const keyAccess = new iam.RolePolicy(
      `${name}-cluster-kms`,
      { role: clusterRole.id, policy: secretsKey.arn.apply(clusterKmsPolicy) },
      parent,
    );

    const vpc = config.vpc as NonNullable<EksClusterConfig['vpc']>; // required without existingCluster (checked)
    const created = vpc.create ? createSandboxVpc(name, vpc.create, this) : undefined;
    const subnetIds: pulumi.Input<pulumi.Input<string>[]> = created ? created.privateSubnetIds : (vpc.subnetIds ?? []);
    const endpoint = config.endpoint ?? {};

    const cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        ...(config.name ? { name: config.name } : {}),
        version,
        roleArn: clusterRole.arn,
        // Access entries only (no aws-auth ConfigMap); whoever runs `pulumi up` becomes cluster admin.
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
        vpcConfig: {
          subnetIds,
          endpointPrivateAccess: endpoint.privateAccess ?? EKS_CLUSTER_DEFAULTS.endpointPrivateAccess,
          endpointPublicAccess: endpoint.publicAccess ?? EKS_CLUSTER_DEFAULTS.endpointPublicAccess,
          ...(endpoint.publicAccessCidrs ? { publicAccessCidrs: endpoint.publicAccessCidrs } : {}),
        },
        encryptionConfig: { resources: ['secrets'], provider: { keyArn: secretsKey.arn } },
        deletionProtection: config.deletionProtection ?? production,
        upgradePolicy: { supportType: config.upgradePolicy ?? EKS_CLUSTER_DEFAULTS.upgradePolicy },
        enabledClusterLogTypes: [...(config.controlPlaneLogTypes ?? EKS_CLUSTER_DEFAULTS.controlPlaneLogTypes)],
      },
      { parent: this, dependsOn: [...clusterPolicies, keyAccess] },
    );

    // IRSA. No thumbprintLists: IAM verifies the issuer's TLS certificate against its trusted root CAs and, when it
    // needs a thumbprint, retrieves it itself (IAM CreateOpenIDConnectProvider API reference; pulumi-aws
    // iam.OpenIdConnectProvider `thumbprintLists` docs), so no pinned value can go stale.
    const oidc = new iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? ''), clientIdLists: ['sts.amazonaws.com'] },
      parent,
    );

    // The VPC CNI as a managed add-on, under its own IRSA role and with NetworkPolicy enforcement on (see
    // VPC_CNI_ADDON_CONFIGURATION). EKS installs a self-managed vpc-cni with every new cluster; OVERWRITE lets the
    // managed add-on take it over on create (and keep our values on update) instead of failing on the conflict
    // (https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html). Version: EKS's default for the
    // cluster version (≥ 1.14, which enforces NetworkPolicy). Created before any node group, which waits for it, so
    // no node ever runs aws-node without enforcement or without its role (terraform-aws-eks does the same for
    // vpc-cni: `before_compute = true`). Enforcing mode: strict by default (platforms/eks/network-policy.ts).
    const issuer = cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? '');
    const vpcCniRole = new iam.Role(
      `${name}-vpc-cni-role`,
      {
        description: `IRSA role of the VPC CNI (kube-system/aws-node) of ${name}`,
        assumeRolePolicy: pulumi.all([oidc.arn, issuer]).apply(([arn, url]) => irsaAssumeRolePolicy(arn, url, VPC_CNI_SERVICE_ACCOUNT)),
      },
      parent,
    );
    const vpcCniPolicy = new iam.RolePolicyAttachment(
      `${name}-vpc-cni-${VPC_CNI_POLICY}`,
      { role: vpcCniRole.name, policyArn: partition.apply((p) => awsManagedPolicyArn(p, VPC_CNI_POLICY)) },
      parent,
    );
    const vpcCniAddon = new eks.Addon(
      `${name}-vpc-cni`,
      {
        clusterName: cluster.name,
        addonName: 'vpc-cni',
        serviceAccountRoleArn: vpcCniRole.arn,
        configurationValues: JSON.stringify(vpcCniAddonConfiguration(config.networkPolicyEnforcingMode ?? EKS_CLUSTER_DEFAULTS.networkPolicyEnforcingMode)),
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
      },
      { parent: this, dependsOn: [vpcCniPolicy] },
    );

    const admins = [...(config.adminPrincipalArns ?? [])];
    for (const [i, principalArn] of admins.entries()) this.clusterAdminEntry(`${name}-admin-${i}`, cluster.name, principalArn, partition);
    // The kubeconfig's role needs an entry too, or the kubeconfig (and this program's Kubernetes provider) would be
    // Unauthorized: only the creator (bootstrapClusterCreatorAdminPermissions) and adminPrincipalArns have one.
    const kubeconfigRole = config.kubeconfig?.roleArn;
    if (kubeconfigRole !== undefined && (config.kubeconfig?.accessEntry ?? true) && !admins.includes(kubeconfigRole)) {
      this.clusterAdminEntry(`${name}-kubeconfig-role`, cluster.name, kubeconfigRole, partition);
    }

    return {
      name: cluster.name,
      endpoint: cluster.endpoint,
      certificateAuthorityData: cluster.certificateAuthority.apply((ca) => ca?.data ?? ''),
      region: cluster.region,
      version,
      nodeSubnetIds: created ? created.privateSubnetIds : (vpc.nodeSubnetIds ?? subnetIds),
      nodeDependencies: [...(created ? created.egressReady : []), vpcCniAddon],
      oidcProviderArn: oidc.arn,
      vpcCniAddon,
      vpcCniRole,
    };
  }

  /** An EKS access entry with AmazonEKSClusterAdminPolicy at cluster scope. */
  private clusterAdminEntry(resourceName: string, clusterName: pulumi.Output<string>, principalArn: string, partition: pulumi.Output<string>): void {
    const entry = new eks.AccessEntry(resourceName, { clusterName, principalArn, type: 'STANDARD' }, { parent: this });
    new eks.AccessPolicyAssociation(
      `${resourceName}-policy`,
      {
        clusterName,
        principalArn,
        policyArn: partition.apply((p) => eksAccessPolicyArn(p, CLUSTER_ADMIN_ACCESS_POLICY)),
        accessScope: { type: 'cluster' },
      },
      { parent: this, dependsOn: [entry] },
    );
  }
}
