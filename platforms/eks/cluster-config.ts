/**
 * The `agent-sandbox-infra:cluster` stack config for EKS: a strict zod schema (typos fail) plus the checks that need
 * several fields. `parseEksClusterConfig` reports every problem at once, each with its `cluster.`-prefixed path.
 * Defaults are documented here (`@default`) and applied in the component from {@link EKS_CLUSTER_DEFAULTS}.
 */
import { z } from 'zod';
import { issueProblems } from '../../core/zod-issues';
import { distinctProblems, problemAt, type Problem } from '../../core/diagnostics';
import {
  amiContainerdMajor,
  checkGvisorBaseUrl,
  bucketChecksumsWarning,
  checkGvisorRelease,
  checkGvisorTrust,
  checkSandboxNodeGroup,
  collectErrors,
  GVISOR_ARCHES,
  GVISOR_RELEASE,
  gvisorArch,
  gvisorArchForInstanceTypes,
  resolveGvisorTrust,
  SandboxConfigError,
  type GvisorArch,
  type GvisorReleaseOptions,
  type GvisorTrustOptions,
  type ContainerdMajorVersion,
} from './node-bootstrap';
import { VPC_AZ_RANGE, vpcCidrProblem } from './vpc-plan';
import { quantityProblem } from '../../core/quantity';

/**
 * Defaults the component applies with `??`.
 * `version`: EKS 1.36 (facts eks.versions): AL2023 AMIs for 1.36 since release v20260610, so in standard support
 * (14 months) until mid-2027; 1.35's standard support ends 2027-03-27, 1.34's ended 2026-12-02. AWS's Nitro Sandbox
 * page already creates 1.37 clusters, but 1.37's EKS launch date could not be read here, so it is not the default.
 * `upgradePolicy`: STANDARD (auto-upgrade at the end of standard support; EXTENDED costs extra per cluster hour).
 */
export const EKS_CLUSTER_DEFAULTS = {
  version: '1.36',
  upgradePolicy: 'STANDARD' as const,
  /** Node group updates replace at most a third of the nodes at a time. */
  nodeGroupMaxUnavailablePercentage: 33,
  endpointPrivateAccess: true,
  endpointPublicAccess: true,
  controlPlaneLogTypes: ['api', 'audit', 'authenticator'] as const,
  systemNodeGroup: {
    name: 'system',
    instanceTypes: ['m7i.large'],
    scaling: { min: 2, desired: 2, max: 3 },
    diskSizeGiB: 50,
  },
  sandboxNodeGroup: { scaling: { min: 1, desired: 1, max: 3 }, diskSizeGiB: 100 },
  capacityType: 'ON_DEMAND' as const,
  ssmAccess: false,
  networkPolicyEnforcingMode: 'strict' as const,
} as const;

const EKS_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]*$/;
const clusterName = z.string().max(100).regex(EKS_NAME, 'must start with a letter or digit and contain only letters, digits, "-" and "_"');
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id like "subnet-0123456789abcdef0"');
const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN like "arn:aws:iam::123456789012:role/platform-admin"');
const iamRoleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN like "arn:aws:iam::123456789012:role/deployer"');

/**
 * Node group scaling; `min ≤ desired ≤ max` is checked across fields. `desired` is used when the group is created;
 * afterwards it belongs to the cluster autoscaler (the component ignores later changes to it).
 */
const scaling = z
  .object({
    min: z.number().int().min(0),
    desired: z.number().int().min(0),
    max: z.number().int().min(1),
  })
  .strict();

/** Root volume size: the AL2023 AMI snapshot is 20 GiB; gp3 goes up to 16 TiB. */
const diskSizeGiB = z.number().int().min(20).max(16384);
const capacityType = z.enum(['ON_DEMAND', 'SPOT']);

/**
 * Node group name: EKS allows 63 characters; we create groups with `nodeGroupNamePrefix: "<name>-"` and the provider
 * appends 26 unique characters (so a replacement can be created before the old group is deleted).
 */
const nodeGroupName = z
  .string()
  .max(36)
  .regex(EKS_NAME, 'must start with a letter or digit and contain only letters, digits, "-" and "_"');

const systemNodeGroup = z
  .object({
    /**
     * EC2 instance types (one CPU architecture; the AL2023 AMI type follows from it).
     * @default ["m7i.large"]
     */
    instanceTypes: z.array(z.string()).optional(),
    /** @default { min: 2, desired: 2, max: 3 } */
    scaling: scaling.optional(),
    /** @default 50 */
    diskSizeGiB: diskSizeGiB.optional(),
    /** @default "ON_DEMAND" */
    capacityType: capacityType.optional(),
  })
  .strict();

const sandboxNodeGroup = z
  .object({
    /** Node group name prefix; unique among the cluster's groups (`system` is taken). */
    name: nodeGroupName,
    /** EC2 instance types, all x86_64 or all Graviton (one gVisor build per group). */
    instanceTypes: z.array(z.string()),
    /**
     * AL2023 AMI type (`AL2023_x86_64_STANDARD`, `AL2023_ARM_64_STANDARD`, `AL2023_*_NVIDIA`); Bottlerocket, AL2 and
     * others are refused with the reason.
     * @default the AL2023 standard type of the instance types' architecture
     */
    amiType: z.string().optional(),
    /** @default { min: 1, desired: 1, max: 3 } */
    scaling: scaling.optional(),
    /** @default 100 */
    diskSizeGiB: diskSizeGiB.optional(),
    /** @default "ON_DEMAND" */
    capacityType: capacityType.optional(),
    /**
     * GPU sandboxes in gVisor on the NVIDIA AMI types: runsc gets `nvproxy = "true"` (gVisor g3doc/user_guide/gpu.md).
     * The AMI's driver must be one the pinned runsc supports (AL2023 NVIDIA AMIs of release v20260714 ship
     * 580.159.03, in gVisor's supported list); GPUs reach pods through NVIDIA's k8s-device-plugin, which the cluster
     * must run (EKS's GPU guide), as `nvidia.com/gpu` limits. DRA-allocated GPUs stay refused under gVisor
     * (google/gvisor#13621). Only with an `AL2023_*_NVIDIA` amiType.
     * @default false
     */
    nvproxy: z.boolean().optional(),
    /**
     * Pin the EKS AMI release (`releaseVersion`, e.g. "1.32.3-20250501"), needed for containerd 1.7 AMIs.
     * @default the latest AMI release for the cluster version
     */
    releaseVersion: z
      .string()
      .regex(/^1\.\d+\.\d+-\d{8}$/, 'must be an EKS AMI release version like "1.32.3-20250501"')
      .optional(),
  })
  .strict();

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes name: lowercase letters, digits and "-", at most 63');
const tagMap = z.record(z.string().min(1).max(128), z.string().max(256));

/**
 * Karpenter sandbox pools: an EC2NodeClass + NodePool pair each (platforms/eks/karpenter.ts), for a cluster that
 * already runs Karpenter (≥ v1, API `karpenter.sh/v1`); this stack installs neither Karpenter nor its IAM.
 */
const karpenterConfig = z
  .object({
    /**
     * IAM role the nodes run as (e.g. the KarpenterNodeRole-<cluster> of Karpenter's getting-started setup, which
     * Karpenter's controller policy may pass and which has its EKS access entry).
     * @default a role this stack creates, with an EC2_LINUX access entry; the controller needs iam:PassRole on it
     */
    nodeRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (not an ARN)').optional(),
    /** Tags of the node subnets. @default { "karpenter.sh/discovery": <cluster name> } */
    subnetSelectorTags: tagMap.optional(),
    /** Tags of the node security groups. @default { "karpenter.sh/discovery": <cluster name> } */
    securityGroupSelectorTags: tagMap.optional(),
    nodePools: z
      .array(
        z
          .object({
            /** Name of the NodePool and its EC2NodeClass. */
            name: k8sName,
            /** Exact EC2 instance types (one architecture). @default Karpenter picks c/m/r, generation 6–8, of `arch` */
            instanceTypes: z.array(z.string()).min(1).optional(),
            /** CPU architecture, when instanceTypes is not set. @default from instanceTypes */
            arch: z.enum(['x86_64', 'arm64']).optional(),
            /** @default ["on-demand"] */
            capacityTypes: z.array(z.enum(['on-demand', 'spot'])).min(1).optional(),
            /** NodePool limits: Karpenter launches no node past them (e.g. { cpu: "64", memory: "256Gi" }). */
            limits: z.object({ cpu: z.string(), memory: z.string() }).strict(),
            /** @default 100 */
            diskSizeGiB: diskSizeGiB.optional(),
            /** AL2023 AMI alias; pin `al2023@v<YYYYMMDD>` in production. @default "al2023@latest" */
            amiAlias: z.string().regex(/^al2023@(latest|v\d{8})$/, 'must be "al2023@latest" or "al2023@v<YYYYMMDD>"').optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const eksClusterConfigSchema = z
  .object({
    /**
     * EKS cluster name (new clusters only).
     * @default a Pulumi auto-name from the component name (`<name>-cluster-<random>`)
     */
    name: clusterName.optional(),
    /**
     * Kubernetes `major.minor` of a new cluster.
     * @default "1.36"
     */
    version: z
      .string()
      .regex(/^1\.\d{2}$/, 'must be an EKS Kubernetes version "1.<minor>" like "1.35"')
      .optional(),
    /**
     * Adopt a cluster a team already runs instead of creating one: the stack only adds node groups to it.
     * @default none: the stack creates the cluster
     */
    existingCluster: z
      .object({
        /** Name of the existing EKS cluster (same account and region as the provider). */
        name: clusterName,
        /**
         * Subnets for the new node groups.
         * @default the cluster's own subnets (`vpcConfig.subnetIds`)
         */
        subnetIds: z.array(subnetId).optional(),
      })
      .strict()
      .optional(),
    /**
     * Network of a new cluster: `create` a VPC, or use existing `subnetIds`. Not allowed with `existingCluster`.
     * @default none (required unless existingCluster is set)
     */
    vpc: z
      .object({
        /** Create a VPC: a private (nodes) and a public (NAT, load balancers) subnet per AZ, one NAT gateway. */
        create: z
          .object({
            /** VPC IPv4 CIDR, /16 to /20, e.g. "10.42.0.0/16". */
            cidr: z.string(),
            /** Availability zones to span, 2 to 6. */
            azCount: z.number().int(),
          })
          .strict()
          .optional(),
        /** Existing subnets for the control plane in at least 2 AZs (and for nodes unless nodeSubnetIds is set). */
        subnetIds: z.array(subnetId).optional(),
        /**
         * Subnets for the node groups (only with subnetIds).
         * @default subnetIds
         */
        nodeSubnetIds: z.array(subnetId).optional(),
      })
      .strict()
      .optional(),
    /**
     * EKS deletion protection of a new cluster (`aws eks update-cluster-config --deletion-protection`): a delete,
     * including a `pulumi destroy` or a replacement, fails until it is turned off.
     * @default true for a production stack (agent-sandbox-infra:environment "production", or "prod" in the stack name), else false
     */
    deletionProtection: z.boolean().optional(),
    /**
     * What happens at the end of standard support: STANDARD (EKS upgrades the cluster) or EXTENDED (12 more months, paid).
     * @default "STANDARD"
     */
    upgradePolicy: z.enum(['STANDARD', 'EXTENDED']).optional(),
    /** API server endpoint access of a new cluster. */
    endpoint: z
      .object({
        /** @default true */
        privateAccess: z.boolean().optional(),
        /** @default true */
        publicAccess: z.boolean().optional(),
        /**
         * CIDRs allowed to reach the public endpoint (only with publicAccess), e.g. your office and CI egress ranges.
         * Left open (EKS's default, or a list with 0.0.0.0/0), the component warns: anyone can reach the API server
         * (authentication still applies). Not narrowed by default because no range can be guessed for whoever runs
         * `pulumi up`, which needs the endpoint itself.
         * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
         * @default EKS's default, ["0.0.0.0/0"]
         */
        publicAccessCidrs: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    /**
     * Control-plane logs sent to CloudWatch (new clusters).
     * @default ["api", "audit", "authenticator"]
     */
    controlPlaneLogTypes: z.array(z.enum(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'])).optional(),
    /**
     * IAM roles/users that get cluster-admin through EKS access entries, besides the creator (new clusters).
     * @default []
     */
    adminPrincipalArns: z.array(iamPrincipalArn).optional(),
    /**
     * The non-sandbox node group (CoreDNS, the agent-sandbox controller).
     * @default for a new cluster: m7i.large × 2, 50 GiB; for existingCluster: none unless set
     */
    systemNodeGroup: systemNodeGroup.optional(),
    /** The gVisor node groups: at least one, unless karpenter pools are set (checked with its own message). */
    sandboxNodeGroups: z.array(sandboxNodeGroup).optional(),
    /**
     * EKS Auto Mode. Refused: Auto Mode takes no custom AMI and no user data (EKS manages the nodes through a
     * NodeClass), so runsc cannot be installed on its nodes. AWS documents Nitro Sandbox RuntimeClasses
     * (`isolated-sandbox`, `confidential-sandbox`, Kubernetes 1.36+) for Auto Mode; this stack does not offer them as
     * an isolation yet (platforms/eks/facts.ts eks.auto-mode, eks.auto-mode-nitro-sandbox).
     */
    autoMode: z.boolean().optional(),
    /** Karpenter NodePools for sandbox nodes, on an adopted cluster that runs Karpenter. @default none */
    karpenter: karpenterConfig.optional(),
    /**
     * containerd major version on sandbox nodes (decides the runsc stanza's config version). Only needed for an AMI
     * release the table in node-bootstrap/containerd-versions.ts cannot decide; a value that contradicts the table
     * for a v3 stanza on containerd 1.7 is an error (nodeadm refuses it and the node never joins).
     * @default from the AMI: the node group's releaseVersion, else the newest AMI of the cluster's version
     */
    containerdMajorVersion: z.union([z.literal(1), z.literal(2)]).optional(),
    /**
     * gVisor release installed on sandbox nodes (dated, `YYYYMMDD.N`).
     * @default GVISOR_RELEASE of node-bootstrap-gvisor-release.ts
     */
    gvisorRelease: z.string().optional(),
    /**
     * Accept `gvisorRelease: "latest"` (unpinned).
     * @default false
     */
    allowLatestGvisor: z.boolean().optional(),
    /**
     * Where nodes download gVisor: a copy of the release bucket (`agent-sandbox-infra gvisor-mirror` lays one out),
     * `https://…` or `s3://<bucket>/<prefix>` (then the node role gets s3:GetObject on that prefix). For private
     * subnets without internet egress, and aws-cn. Verified against the same trust anchor either way (gvisorSha512).
     * @default "https://storage.googleapis.com/gvisor/releases/release"
     */
    gvisorBaseUrl: z.string().optional(),
    /**
     * The trust anchor of the gVisor download: sha512 digests per release and architecture, obtained independently of
     * the download location (the bucket's own `.sha512` files can be replaced together with the binaries). A tarball
     * release takes the digest of `gvisor.tar.bz2`; an older release one per binary. Checked on every node before
     * anything is installed; the `.sha512` files are then not read.
     * @example { "20261012.0": { x86_64: "<sha512 of gvisor.tar.bz2>", aarch64: "…" } }
     * @default none: then acceptGvisorBucketChecksums must be true
     */
    gvisorSha512: z
      .record(z.string(), z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])))
      .optional(),
    /**
     * Verify gVisor only against the `.sha512` files from the download location itself. Whoever can replace the
     * binaries there can replace those too, so this is an explicit opt-in: warned at every deploy and written into
     * the nodes' user data. Ignored for an architecture that gvisorSha512 covers.
     * @default false
     */
    acceptGvisorBucketChecksums: z.boolean().optional(),
    /**
     * The VPC CNI's NetworkPolicy enforcing mode on a cluster this stack creates: `strict` starts every pod
     * default-deny (sandboxes are confined from their first packet) and is cluster-wide, so the stack adds the
     * policies CoreDNS and the controller need; other pods need their own (platforms/eks/network-policy.ts).
     * @default "strict"
     */
    networkPolicyEnforcingMode: z.enum(['strict', 'standard']).optional(),
    /**
     * Attach AmazonSSMManagedInstanceCore to the node role (Session Manager access to nodes).
     * @default false
     */
    ssmAccess: z.boolean().optional(),
    /** Credentials the kubeconfig's `aws eks get-token` uses. */
    kubeconfig: z
      .object({
        /**
         * Role the kubeconfig assumes (`--role-arn`), also for this program's own Kubernetes provider. On a cluster
         * this stack creates it gets cluster-admin through an EKS access entry (see accessEntry): only the creator
         * and adminPrincipalArns have access otherwise, so the kubeconfig would be Unauthorized.
         * @default none (`--role-arn` not passed)
         */
        roleArn: iamRoleArn.optional(),
        /**
         * Create the access entry (AmazonEKSClusterAdminPolicy, cluster scope) for roleArn on a cluster this stack
         * creates. Set false when roleArn is the identity that runs `pulumi up` (EKS already made the cluster creator
         * admin, and a second entry for the same principal fails with ResourceInUseException) or when its access is
         * managed elsewhere. A roleArn listed in adminPrincipalArns gets its entry there.
         * @default true (with roleArn, on a created cluster)
         */
        accessEntry: z.boolean().optional(),
        /** @default none (`AWS_PROFILE` not set) */
        profile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type EksClusterConfig = z.infer<typeof eksClusterConfigSchema>;
export type EksSandboxNodeGroupConfig = z.infer<typeof sandboxNodeGroup>;
export type EksKarpenterConfig = z.infer<typeof karpenterConfig>;
export type EksKarpenterPoolConfig = EksKarpenterConfig['nodePools'][number];
export type EksSystemNodeGroupConfig = z.infer<typeof systemNodeGroup>;

const ROOT = 'cluster';

/** The node bootstrap's errors (gVisor build, AMI type, instance types) at their `cluster.` paths. */
function fromBootstrap(errors: readonly SandboxConfigError[]): Problem[] {
  return errors.map((e) => problemAt(`${ROOT}.${e.field}`, e.message, 'nodeBootstrap'));
}

function scalingProblems(path: string, s: z.infer<typeof scaling> | undefined): Problem[] {
  if (s === undefined || (s.min <= s.desired && s.desired <= s.max)) return [];
  return [problemAt(`${path}.scaling`, `needs min ≤ desired ≤ max, got min ${s.min}, desired ${s.desired}, max ${s.max}`, 'clusterConfig')];
}

/** The containerd major of a node group's AMI and what the config says about it. */
export interface NodeContainerd {
  /** The major the runsc stanza is built for; undefined when neither the AMI table nor the config decides it. */
  readonly major?: ContainerdMajorVersion;
  /** Refuses the config. */
  readonly error?: string;
  /** Logged. */
  readonly warning?: string;
}

/**
 * The containerd major for a sandbox node group on Kubernetes `k8sVersion` (its AMI: `releaseVersion`, else the
 * newest), from the AMI table (node-bootstrap/containerd-versions.ts), checked against an explicit `override`:
 * - a v3 stanza (override 2) on a containerd 1.7 AMI is an error: nodeadm refuses V3 properties on containerd 1.x
 *   ("containerd 1.* doesn't support containerd configuration V3 properties") and the node never joins;
 * - a v2 stanza (override 1) on a containerd 2.x AMI works (nodeadm runs `containerd config migrate`): a warning;
 * - an AMI the table does not decide needs the override.
 */
export function nodeContainerd(k8sVersion: string, releaseVersion: string | undefined, override?: ContainerdMajorVersion): NodeContainerd {
  const ami = amiContainerdMajor(k8sVersion, releaseVersion);
  if (ami.major === undefined) {
    return override !== undefined
      ? { major: override }
      : { error: `cannot be derived: ${ami.reason}; set containerdMajorVersion (1 or 2) to what that AMI ships, or pin another releaseVersion` };
  }
  if (override === undefined || override === ami.major) return { major: ami.major };
  if (override === 2) {
    return {
      error:
        `2 (a config version 3 runsc stanza) cannot work: ${ami.reason}, and nodeadm refuses version 3 properties on containerd 1.x ` +
        '("containerd 1.* doesn\'t support containerd configuration V3 properties"), so the node would never join; remove containerdMajorVersion',
    };
  }
  return {
    major: 1,
    warning:
      `1 (a config version 2 runsc stanza) on an AMI with containerd 2.x: ${ami.reason}; nodeadm migrates it (containerd config migrate), ` +
      'so it works, but remove containerdMajorVersion to emit version 3 directly',
  };
}

/** Checks that need several fields; `config` already passed the schema. */
export function eksClusterConfigProblems(config: EksClusterConfig): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(`${ROOT}.${path}`, message, 'clusterConfig'));
  const existing = config.existingCluster;

  if (existing !== undefined) {
    if (config.vpc !== undefined) {
      add(
        'vpc',
        `cannot be used with existingCluster "${existing.name}": vpc is the network of a cluster this stack creates, ` +
          'an existing cluster keeps its own; remove vpc and set existingCluster.subnetIds to choose the node subnets',
      );
    }
    for (const key of ['name', 'version', 'endpoint', 'controlPlaneLogTypes', 'adminPrincipalArns', 'networkPolicyEnforcingMode', 'deletionProtection', 'upgradePolicy'] as const) {
      if (config[key] !== undefined) {
        add(key, `applies only to a cluster this stack creates; existingCluster "${existing.name}" keeps its own settings: remove ${key}`);
      }
    }
    if (existing.subnetIds !== undefined && existing.subnetIds.length === 0) {
      add('existingCluster.subnetIds', 'is empty; list the node subnets or leave it out to use the cluster\'s own subnets');
    }
  } else if (config.vpc === undefined) {
    add(
      'vpc',
      'is required to create a cluster: set vpc.create ({ cidr, azCount }) for a new VPC or vpc.subnetIds ' +
        '(existing subnets in at least 2 availability zones), or set existingCluster to adopt a running cluster',
    );
  }

  const vpc = config.vpc;
  if (vpc !== undefined) {
    if ((vpc.create === undefined) === (vpc.subnetIds === undefined)) {
      add('vpc', `set exactly one of vpc.create (a new VPC) or vpc.subnetIds (existing subnets), got ${vpc.create ? 'both' : 'neither'}`);
    }
    if (vpc.create !== undefined) {
      const cidrProblem = vpcCidrProblem(vpc.create.cidr);
      if (cidrProblem) add('vpc.create.cidr', cidrProblem);
      const { azCount } = vpc.create;
      if (azCount < VPC_AZ_RANGE.min || azCount > VPC_AZ_RANGE.max) {
        add(
          'vpc.create.azCount',
          `must be ${VPC_AZ_RANGE.min} to ${VPC_AZ_RANGE.max}, got ${azCount}: EKS needs subnets in at least 2 availability zones`,
        );
      }
      if (vpc.nodeSubnetIds !== undefined) {
        add('vpc.nodeSubnetIds', 'cannot be used with vpc.create: nodes go to the private subnets the created VPC has');
      }
    }
    if (vpc.subnetIds !== undefined) {
      if (vpc.subnetIds.length < 2) {
        add(
          'vpc.subnetIds',
          `has ${vpc.subnetIds.length} subnet${vpc.subnetIds.length === 1 ? '' : 's'} (${vpc.subnetIds.join(', ') || 'none'}): ` +
            'creating an EKS cluster needs subnets in at least 2 availability zones',
        );
      }
      const dupes = vpc.subnetIds.filter((id, i) => vpc.subnetIds?.indexOf(id) !== i);
      if (dupes.length > 0) add('vpc.subnetIds', `lists ${[...new Set(dupes)].join(', ')} more than once`);
    }
    if (vpc.nodeSubnetIds !== undefined && vpc.nodeSubnetIds.length === 0) {
      add('vpc.nodeSubnetIds', 'is empty; list the node subnets or leave it out to use vpc.subnetIds');
    }
  }

  const kubeconfig = config.kubeconfig;
  if (kubeconfig?.accessEntry !== undefined && kubeconfig.roleArn === undefined) {
    add('kubeconfig.accessEntry', `only applies with kubeconfig.roleArn (the role it gives cluster access), got accessEntry: ${kubeconfig.accessEntry} and no roleArn`);
  } else if (existing !== undefined && kubeconfig?.accessEntry === true) {
    add(
      'kubeconfig.accessEntry',
      `applies only to a cluster this stack creates; existingCluster "${existing.name}" keeps its own access entries: give ${kubeconfig.roleArn} access there ` +
        `("aws eks create-access-entry --cluster-name ${existing.name} --principal-arn ${kubeconfig.roleArn}" and associate AmazonEKSClusterAdminPolicy) and remove accessEntry`,
    );
  }

  const endpoint = config.endpoint;
  if (endpoint !== undefined) {
    const privateAccess = endpoint.privateAccess ?? EKS_CLUSTER_DEFAULTS.endpointPrivateAccess;
    const publicAccess = endpoint.publicAccess ?? EKS_CLUSTER_DEFAULTS.endpointPublicAccess;
    if (!privateAccess && !publicAccess) {
      add('endpoint', 'privateAccess and publicAccess are both false, so nothing could reach the API server; enable at least one');
    }
    if (!publicAccess && endpoint.publicAccessCidrs !== undefined) {
      add('endpoint.publicAccessCidrs', 'only applies with publicAccess: true, got publicAccess: false');
    }
  }

  // Node groups: the system group, then every sandbox group; names must be unique across all of them.
  const names = new Map<string, string>();
  const claimName = (groupName: string, path: string) => {
    const first = names.get(groupName);
    if (first !== undefined) add(`${path}.name`, `"${groupName}" is already the name of ${first}; node group names must be unique`);
    else names.set(groupName, path);
  };
  const system = config.systemNodeGroup;
  if (existing === undefined || system !== undefined) {
    claimName(EKS_CLUSTER_DEFAULTS.systemNodeGroup.name, 'systemNodeGroup');
  }
  if (system !== undefined) {
    if (system.instanceTypes !== undefined) {
      const errors: SandboxConfigError[] = [];
      collectErrors(errors, () => gvisorArchForInstanceTypes(system.instanceTypes ?? [], 'systemNodeGroup.instanceTypes'));
      problems.push(...fromBootstrap(errors));
    }
    problems.push(...scalingProblems(`${ROOT}.systemNodeGroup`, system.scaling));
  }

  const groups = config.sandboxNodeGroups ?? [];
  if (groups.length === 0 && config.karpenter === undefined) {
    add(
      'sandboxNodeGroups',
      'needs at least one sandbox node group ({ name, instanceTypes }) or karpenter.nodePools: gVisor pods only run on sandbox nodes, ' +
        `got ${config.sandboxNodeGroups === undefined ? 'nothing' : 'an empty list'}`,
    );
  }
  problems.push(...karpenterProblems(config));
  if (config.autoMode === true) {
    add(
      'autoMode',
      'cannot run gVisor sandboxes: EKS Auto Mode takes no custom AMI and no user data (nodes are configured through its NodeClass only), so runsc ' +
        'cannot be installed on its nodes (https://docs.aws.amazon.com/eks/latest/userguide/automode.html). Auto Mode\'s own Nitro Sandbox ' +
        'RuntimeClasses (isolated-sandbox, confidential-sandbox; Kubernetes 1.36+, https://docs.aws.amazon.com/eks/latest/userguide/sandboxing-isolated-setup.html) ' +
        'are not an isolation this stack offers yet; use sandboxNodeGroups or karpenter.nodePools on a cluster with EC2 nodes',
    );
  }
  groups.forEach((group, i) => {
    const path = `sandboxNodeGroups[${i}]`;
    claimName(group.name, path);
    const check = checkSandboxNodeGroup({ instanceTypes: group.instanceTypes, amiType: group.amiType, fieldPrefix: path });
    problems.push(...fromBootstrap(check.errors));
    if (group.nvproxy === true && !(group.amiType ?? '').endsWith('_NVIDIA')) {
      add(`${path}.nvproxy`, `needs an NVIDIA AMI type (AL2023_x86_64_NVIDIA or AL2023_ARM_64_NVIDIA): nvproxy passes the node's NVIDIA driver into gVisor, got amiType ${JSON.stringify(group.amiType ?? 'the standard AMI')}`);
    }
    problems.push(...scalingProblems(`${ROOT}.${path}`, group.scaling));
    // An adopted cluster's version is read at deploy time (the component runs the same check then), unless the
    // group pins its AMI release, which carries the version.
    if (existing === undefined || group.releaseVersion !== undefined) {
      const containerd = nodeContainerd(config.version ?? EKS_CLUSTER_DEFAULTS.version, group.releaseVersion, config.containerdMajorVersion);
      if (containerd.error) add('containerdMajorVersion', `${containerd.error} (${path} "${group.name}")`);
    }
    const pinnedMinor = /^1\.(\d+)\./.exec(group.releaseVersion ?? '')?.[1];
    if (existing === undefined && pinnedMinor !== undefined && config.version !== undefined && `1.${pinnedMinor}` !== config.version) {
      add(`${path}.releaseVersion`, `"${group.releaseVersion}" is an AMI release for Kubernetes 1.${pinnedMinor}, but the cluster is ${config.version}`);
    }
  });

  const release = config.gvisorRelease ?? GVISOR_RELEASE;
  problems.push(
    ...fromBootstrap(checkGvisorRelease(release, config.allowLatestGvisor ?? false, 'gvisorRelease')),
    ...fromBootstrap(checkGvisorBaseUrl(config.gvisorBaseUrl, 'gvisorBaseUrl')),
    ...fromBootstrap(checkGvisorTrust(release, sandboxNodeArches(config), gvisorNodeOptions(config))),
  );
  return distinctProblems(problems);
}

/** The architectures of the sandbox nodes (groups and Karpenter pools) that can be told from the config. */
export function sandboxNodeArches(config: EksClusterConfig): GvisorArch[] {
  const arches = new Set<GvisorArch>();
  const add = (fn: () => GvisorArch) => collectErrors([], () => arches.add(fn()));
  for (const group of config.sandboxNodeGroups ?? []) add(() => gvisorArchForInstanceTypes(group.instanceTypes));
  for (const pool of config.karpenter?.nodePools ?? []) {
    add(() => (pool.instanceTypes ? gvisorArchForInstanceTypes(pool.instanceTypes) : gvisorArch(pool.arch ?? 'x86_64')));
  }
  return GVISOR_ARCHES.filter((a) => arches.has(a));
}

/** The gVisor settings every sandbox node's user data is built from (release, location, trust anchor). */
export function gvisorNodeOptions(config: EksClusterConfig): GvisorReleaseOptions & GvisorTrustOptions {
  return {
    gvisorRelease: config.gvisorRelease,
    allowLatest: config.allowLatestGvisor,
    gvisorBaseUrl: config.gvisorBaseUrl,
    gvisorSha512: config.gvisorSha512,
    acceptGvisorBucketChecksums: config.acceptGvisorBucketChecksums,
  };
}

/** The warning a deploy prints when some sandbox node trusts the bucket's own checksums (empty otherwise). */
export function gvisorTrustWarnings(config: EksClusterConfig): string[] {
  const release = config.gvisorRelease ?? GVISOR_RELEASE;
  const options = gvisorNodeOptions(config);
  const bucket = sandboxNodeArches(config).filter((arch) => collectErrors([], () => resolveGvisorTrust(release, arch, options))?.kind === 'bucket-checksums');
  return bucket.length > 0 ? [`${ROOT}.${bucketChecksumsWarning(release, bucket)}`] : [];
}

/** Karpenter pools: an adopted cluster (we install no Karpenter), one architecture each, valid limits, unique names. */
function karpenterProblems(config: EksClusterConfig): Problem[] {
  const karpenter = config.karpenter;
  if (karpenter === undefined) return [];
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(`${ROOT}.karpenter${path}`, message, 'karpenter'));
  if (config.existingCluster === undefined) {
    add(
      '',
      'needs existingCluster: this stack installs no Karpenter (controller, IAM, interruption queue), so on a cluster it creates nothing would act on ' +
        'the NodePools; adopt a cluster that runs Karpenter v1, or use sandboxNodeGroups',
    );
  }
  const seen = new Set<string>();
  karpenter.nodePools.forEach((pool, i) => {
    const at = `.nodePools[${i}]`;
    if (seen.has(pool.name)) add(`${at}.name`, `"${pool.name}" is already the name of another Karpenter pool; names must be unique`);
    seen.add(pool.name);
    if (pool.instanceTypes === undefined && pool.arch === undefined) {
      add(at, 'set instanceTypes or arch (x86_64 or arm64): the user data installs one gVisor build, so the NodePool must pin one architecture');
    }
    if (pool.instanceTypes !== undefined) {
      const errors: SandboxConfigError[] = [];
      const arch = collectErrors(errors, () => gvisorArchForInstanceTypes(pool.instanceTypes ?? [], `karpenter.nodePools[${i}].instanceTypes`));
      problems.push(...fromBootstrap(errors));
      const given = pool.arch === undefined ? undefined : pool.arch === 'arm64' ? 'aarch64' : 'x86_64';
      if (arch !== undefined && given !== undefined && arch !== given) add(`${at}.arch`, `"${pool.arch}" does not match instanceTypes ${pool.instanceTypes.join(', ')} (${arch})`);
    }
    for (const key of ['cpu', 'memory'] as const) {
      const problem = quantityProblem(pool.limits[key]);
      if (problem) add(`${at}.limits.${key}`, problem);
    }
  });
  return problems;
}

/**
 * Validates the raw `cluster` config value: schema problems first; when the shape is right, the cross-field checks.
 * `value` is set only when there is no problem.
 */
export function parseEksClusterConfig(raw: unknown): { value?: EksClusterConfig; problems: Problem[] } {
  if (raw === undefined || raw === null) {
    return { problems: [problemAt(ROOT, 'is required: set agent-sandbox-infra:cluster with vpc (or existingCluster) and sandboxNodeGroups', 'schema')] };
  }
  const parsed = eksClusterConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { problems: issueProblems(parsed.error.issues, eksClusterConfigSchema, [ROOT]) };
  const problems = eksClusterConfigProblems(parsed.data);
  return problems.length > 0 ? { problems } : { value: parsed.data, problems };
}

/**
 * Warnings for a valid config once the cluster version is known (new clusters: `version`; adopted: read at deploy):
 * a containerd override the AMI does not need.
 */
export function eksClusterConfigWarnings(config: EksClusterConfig, k8sVersion: string): string[] {
  const containerd = (config.sandboxNodeGroups ?? []).flatMap((group, i) => {
    const { warning } = nodeContainerd(k8sVersion, group.releaseVersion, config.containerdMajorVersion);
    return warning ? [`${ROOT}.containerdMajorVersion: ${warning} (sandboxNodeGroups[${i}] "${group.name}")`] : [];
  });
  return [...containerd, ...gvisorTrustWarnings(config)];
}

/**
 * Warnings about a new cluster's API server endpoint: public and open to the whole internet (EKS's default when
 * publicAccessCidrs is not set). https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export function eksEndpointWarnings(config: EksClusterConfig): string[] {
  if (config.existingCluster !== undefined) return [];
  const endpoint = config.endpoint ?? {};
  if (!(endpoint.publicAccess ?? EKS_CLUSTER_DEFAULTS.endpointPublicAccess)) return [];
  const cidrs = endpoint.publicAccessCidrs;
  if (cidrs !== undefined && !cidrs.includes('0.0.0.0/0')) return [];
  return [
    `${ROOT}.endpoint: the API server endpoint is public and open to 0.0.0.0/0 (${cidrs === undefined ? "EKS's default" : 'publicAccessCidrs lists it'}); ` +
      'set endpoint.publicAccessCidrs to your admin and CI ranges (e.g. ["203.0.113.0/24"]), or endpoint.publicAccess: false to reach it only from ' +
      'inside the VPC (privateAccess) (https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)',
  ];
}
