/**
 * The `agent-sandbox-infra:cluster` stack config for GKE (`gke-autopilot` and `gke-standard`). The schema only
 * validates; defaults are applied by `GkeSandboxCluster` (documented here with `@default`).
 *
 * `parseGkeClusterConfig` reports every problem at once: schema problems and the cross-field checks, which read
 * the raw input defensively so that they still run when another field is invalid.
 */
import { z } from 'zod';
import { issueProblems } from '../../core/zod-issues';
import { GKE_ADDON_MIN_VERSION, GKE_ADDON_V1BETA1_VERSION } from './addon';
import { problemAt, type Problem } from '../../core/diagnostics';
import { describeGpuTypes, gpuMachineProblems, GKE_SANDBOX_GPUS, isGkeSandboxGpuType, type GkeSandboxGpuType } from './gpu';
import { versionAtLeast, versionBelow } from './versions';
import { bootDiskProblem, GKE_BOOT_DISK_TYPES } from './boot-disk';

export const GKE_RELEASE_CHANNELS = ['RAPID', 'REGULAR', 'STABLE', 'EXTENDED'] as const;
/** The only node image GKE Sandbox (gVisor) supports. */
export const SANDBOX_IMAGE_TYPE = 'COS_CONTAINERD';

const projectId = z
  .string()
  .regex(/^([a-z][-a-z0-9.]*:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'must be a Google Cloud project ID like "acme-agents-prod"');
const location = z
  .string()
  .regex(/^[a-z]+-[a-z]+\d+(-[a-z])?$/, 'must be a region like "us-central1" or a zone like "us-central1-a"');
const zone = z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, 'must be a zone like "us-central1-a"');
const clusterName = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a GKE cluster name: lowercase letters, digits and "-", starting with a letter, at most 40 characters');
export const GKE_VERSION_SYNTAX = /^(latest|\d+\.\d+(\.\d+(-gke\.\d+)?)?)$/;
const gkeVersion = z.string().regex(GKE_VERSION_SYNTAX, 'must be "latest" or a GKE version like "1.36" or "1.36.3-gke.1767000"');
const ipv4Cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR like "203.0.113.0/24"');
const machineType = z.string().regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, 'must be a Compute Engine machine type like "n2-standard-8"');

const sandboxImageType = z.string().superRefine((value, ctx) => {
  if (value !== SANDBOX_IMAGE_TYPE) {
    ctx.addIssue({
      code: 'custom',
      message: `GKE Sandbox (gVisor) node pools only run on "${SANDBOX_IMAGE_TYPE}" (Container-Optimized OS with containerd), got ${JSON.stringify(value)}`,
    });
  }
});

const gpuType = z
  .string()
  .superRefine((value, ctx) => {
    if (!isGkeSandboxGpuType(value)) {
      ctx.addIssue({ code: 'custom', message: `must be a GPU GKE Sandbox supports: ${describeGpuTypes()}; got ${JSON.stringify(value)}` });
    }
  })
  .transform((value) => value as GkeSandboxGpuType);

/** Fields every node pool we create has. */
const poolFields = {
  /** Compute Engine machine type. @default system "e2-standard-4", sandbox "n2-standard-4", gpu by gpuType (t4 "n1-standard-8", a100 "a2-highgpu-1g", a100-80gb "a2-ultragpu-1g", l4 "g2-standard-8", h100-80gb "a3-highgpu-8g") */
  machineType: machineType.optional(),
  /** Autoscaler minimum, per zone of the pool. @default system 1, sandbox 1, gpu 0 */
  minNodes: z.number().int().min(0).max(1000).optional(),
  /** Autoscaler maximum, per zone of the pool. @default system 3, sandbox 10, gpu 2 */
  maxNodes: z.number().int().min(1).max(1000).optional(),
  /** Boot disk size. @default 100 */
  diskSizeGb: z.number().int().min(10).max(65536).optional(),
  /** Boot disk type. @default "hyperdisk-balanced" on Hyperdisk-only series (C4, C4A, C4D, N4, N4A, N4D), else "pd-balanced" */
  diskType: z.enum(GKE_BOOT_DISK_TYPES).optional(),
  /** Spot VMs (cheaper, can be reclaimed at any time). @default false */
  spot: z.boolean().optional(),
  /** Zones of the pool's nodes. @default the cluster's zones */
  nodeLocations: z.array(zone).min(1).optional(),
};

const systemPool = z
  .object({
    ...poolFields,
    /** Node image. @default "COS_CONTAINERD" */
    imageType: z.enum(['COS_CONTAINERD', 'UBUNTU_CONTAINERD']).optional(),
    /**
     * Must stay false: GKE needs a non-sandboxed pool for its system workloads, so the system pool cannot be
     * sandboxed (sandboxes run on `sandboxPool`). Present so that the mistake gets a clear error.
     * @default false
     */
    gvisor: z.boolean().optional(),
  })
  .strict();

const sandboxPool = z
  .object({
    ...poolFields,
    /** Node image; GKE Sandbox requires "COS_CONTAINERD". @default "COS_CONTAINERD" */
    imageType: sandboxImageType.optional(),
  })
  .strict();

const gpuPool = z
  .object({
    ...poolFields,
    imageType: sandboxImageType.optional(),
    /** GPU model: t4, a100, a100-80gb, l4 or h100-80gb (see `./gpu.ts`). */
    gpuType,
    /** GPUs per node. @default the machine type's fixed count (A2/A3/G2), else 1 */
    gpuCount: z.number().int().min(1).max(16).optional(),
  })
  .strict();

export const gkeClusterConfigSchema = z
  .object({
    /** Project of the cluster, node pools and node service account. @default the `gcp:project` stack config */
    project: projectId.optional(),
    /** Region (regional cluster) or zone (zonal cluster). @default `gcp:region`, else `gcp:zone` */
    location: location.optional(),
    /** Cluster name. @default auto-named from the component name (`<name>-cluster-<suffix>`) */
    name: clusterName.optional(),
    /**
     * Adopt a cluster a team already runs instead of creating one: nothing about the cluster itself is changed;
     * on Standard the sandbox (and GPU) pools are added to it, on Autopilot nothing is created.
     * @default undefined (create a cluster)
     */
    existingCluster: z
      .object({
        name: clusterName,
        location,
        /** @default `cluster.project`, else `gcp:project` */
        project: projectId.optional(),
      })
      .strict()
      .optional(),
    /** GKE release channel. @default "REGULAR" */
    releaseChannel: z.enum(GKE_RELEASE_CHANNELS).optional(),
    /**
     * Minimum control-plane version, e.g. "1.36.3-gke.1767000". Required with `addons.agentSandbox: true`, and then
     * ≥ 1.36.3-gke.1767000 (the first GKE whose add-on serves v1beta1, the API version we emit) and ≥ the sandbox
     * config's `platforms.<platform>.gkeVersion`.
     * @default the release channel's default version
     */
    minMasterVersion: gkeVersion.optional(),
    /**
     * Refuse to delete the cluster (the provider must be told `false` first). Guards against a `pulumi destroy` or
     * a replacement (a changed immutable field) silently deleting every workload and volume on the cluster.
     * @default true
     */
    deletionProtection: z.boolean().optional(),
    /** VPC network name or self link. @default the project's "default" network */
    network: z.string().min(1).optional(),
    /** Subnetwork name or self link. @default GKE's choice in `network` */
    subnetwork: z.string().min(1).optional(),
    /**
     * Nodes get internal IPs only. Not the default because egress, including image pulls from registries outside
     * Google (Docker Hub), then needs Cloud NAT on the subnetwork, which this stack does not create: a first
     * `pulumi up` would leave sandbox pods in ImagePullBackOff. Without it every node has a public IP (a warning says so).
     * @default false
     */
    privateNodes: z.boolean().optional(),
    /** Control-plane /28 range for private nodes (older peering-based private clusters). @default GKE's choice */
    masterIpv4CidrBlock: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}\/28$/, 'must be an IPv4 /28 range like "172.16.0.32/28"')
      .optional(),
    /**
     * CIDR ranges allowed to reach the control-plane endpoint (`masterAuthorizedNetworksConfig`), e.g. your office
     * and CI egress ranges. Without it the endpoint accepts connections from any address (authentication still
     * applies; a warning says so).
     * https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks
     * @default undefined (no restriction)
     */
    masterAuthorizedNetworks: z
      .array(z.object({ cidrBlock: ipv4Cidr, displayName: z.string().min(1).optional() }).strict())
      .min(1)
      .optional(),
    addons: z
      .object({
        /**
         * GKE's managed agent-sandbox add-on (`addonsConfig.agentSandboxConfig`): GKE installs the controller and
         * CRDs. Must match the sandbox config: on with `agentSandbox: managed`, off with `self`. Needs GKE ≥
         * 1.35.2-gke.1269000, and serves v1beta1 (what we emit) only from 1.36.3-gke.1767000: a created cluster must
         * pin `minMasterVersion` to at least that. @default false
         */
        agentSandbox: z.boolean().optional(),
        /**
         * Not supported: refused with the reason. Turning the add-on on alone gave no working snapshots (they also
         * need a bucket, a PodSnapshotStorageConfig, IAM for each workload's KSA and policies), and Google's own
         * statement of the IAM roles and of the add-on's interplay with the managed agent-sandbox add-on could not be
         * read (platforms/gke/facts.ts gke.pod-snapshots).
         */
        podSnapshots: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Use this existing node service account instead of creating a least-privilege one. @default created */
    nodeServiceAccountEmail: z
      .string()
      .regex(/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/, 'must be a service account email like "nodes@acme-agents-prod.iam.gserviceaccount.com"')
      .optional(),
    /** Standard only, created clusters only: the non-sandboxed pool for system workloads (and our controller). @default {} (all pool defaults) */
    systemPool: systemPool.optional(),
    /** Standard only: the gVisor pool sandboxes run on (always created). @default {} (all pool defaults) */
    sandboxPool: sandboxPool.optional(),
    /** Standard only: an optional gVisor pool with GPUs. @default undefined (no GPU pool) */
    gpuPool: gpuPool.optional(),
  })
  .strict();

export type GkeClusterConfig = z.infer<typeof gkeClusterConfigSchema>;
export type GkePoolConfig = z.infer<typeof sandboxPool>;
export type GkeSystemPoolConfig = z.infer<typeof systemPool>;
export type GkeGpuPoolConfig = z.infer<typeof gpuPool>;

/** Config path prefix of every problem. */
export const CLUSTER_PATH = 'cluster';

/**
 * Validates the raw `agent-sandbox-infra:cluster` value. `value` is set only when there are no problems.
 * Checks that need the platform or the sandbox config are in `./checks.ts`.
 */
export function parseGkeClusterConfig(raw: unknown): { value?: GkeClusterConfig; problems: Problem[] } {
  const parsed = gkeClusterConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  const problems = [...(parsed.success ? [] : zodProblems(parsed.error.issues, CLUSTER_PATH)), ...crossFieldProblems(raw)];
  return problems.length === 0 && parsed.success ? { value: parsed.data, problems } : { problems };
}

/** zod issues → Problems, paths prefixed with `root.`. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], root: string): Problem[] {
  return issueProblems(issues, gkeClusterConfigSchema, [root]);
}

/** Fields that describe a cluster we create; with `existingCluster` they would silently do nothing. */
const CREATE_ONLY_FIELDS = [
  'name',
  'location',
  'releaseChannel',
  'minMasterVersion',
  'deletionProtection',
  'network',
  'subnetwork',
  'privateNodes',
  'masterIpv4CidrBlock',
  'masterAuthorizedNetworks',
  'systemPool',
] as const;

/** Cross-field checks on the raw input (fields of the wrong type are skipped: the schema reports them). */
export function crossFieldProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push(problemAt(`${CLUSTER_PATH}.${path}`, message, 'clusterConfig'));
  const config = record(raw);
  if (!config) return problems;

  const system = record(config.systemPool);
  if (system?.gvisor === true) {
    add(
      'systemPool.gvisor',
      'the system pool cannot be sandboxed, got true: GKE needs at least one non-sandboxed node pool for its system workloads; sandboxes run on cluster.sandboxPool',
    );
  }

  for (const key of ['systemPool', 'sandboxPool', 'gpuPool'] as const) {
    const pool = record(config[key]);
    const min = pool?.minNodes;
    const max = pool?.maxNodes;
    if (typeof min === 'number' && typeof max === 'number' && min > max) add(`${key}.minNodes`, `must be ≤ maxNodes (${max}), got ${min}`);
  }

  for (const key of ['systemPool', 'sandboxPool', 'gpuPool'] as const) {
    const pool = record(config[key]);
    const machineType = str(pool?.machineType) ?? (key === 'gpuPool' ? undefined : GKE_POOL_DEFAULTS[key === 'systemPool' ? 'system' : 'sandbox'].machineType);
    const diskType = str(pool?.diskType);
    const problem = machineType && diskType ? bootDiskProblem(machineType, diskType) : undefined;
    if (problem) add(`${key}.diskType`, problem);
  }

  const gpu = record(config.gpuPool);
  if (gpu && typeof gpu.gpuType === 'string' && isGkeSandboxGpuType(gpu.gpuType)) {
    const type = typeof gpu.machineType === 'string' ? gpu.machineType : GKE_SANDBOX_GPUS[gpu.gpuType].defaultMachineType;
    const count = typeof gpu.gpuCount === 'number' ? gpu.gpuCount : undefined;
    for (const [field, reason] of gpuMachineProblems(gpu.gpuType, type, count)) add(`gpuPool.${field}`, reason);
  }

  if (typeof config.masterIpv4CidrBlock === 'string' && config.privateNodes !== true) {
    add('masterIpv4CidrBlock', 'only applies with privateNodes: true, got privateNodes ' + JSON.stringify(config.privateNodes ?? false));
  }

  const addons = record(config.addons);
  const existing = record(config.existingCluster);
  if (existing) {
    for (const field of CREATE_ONLY_FIELDS) {
      if (config[field] !== undefined) {
        add(field, `only applies to a cluster we create; with existingCluster the cluster keeps its own settings (remove ${field})`);
      }
    }
    const where = `${str(existing.name) ?? '<name>'} --location=${str(existing.location) ?? '<location>'} --project=${str(existing.project) ?? str(config.project) ?? '<project>'}`;
    if (addons?.agentSandbox === true) {
      add(
        'addons.agentSandbox',
        `cannot be changed on an existing cluster from here; enable the add-on with ` +
          `"gcloud beta container clusters update ${where} --enable-agent-sandbox" (needs GKE ≥ ${GKE_ADDON_MIN_VERSION}) ` +
          `and remove addons.agentSandbox, or drop existingCluster and let us create the cluster`,
      );
    }
  }
  if (addons?.podSnapshots !== undefined) {
    add(
      'addons.podSnapshots',
      'is not supported by this stack: the add-on alone gives no working snapshots (they also need a Cloud Storage bucket with hierarchical ' +
        'namespace, a PodSnapshotStorageConfig, IAM for each workload\'s Kubernetes service account and PodSnapshotPolicies); remove it, and set ' +
        'snapshots up with GKE\'s guide (gcloud container clusters update <name> --enable-pod-snapshots; ' +
        'https://cloud.google.com/kubernetes-engine/docs/how-to/pod-snapshots)',
    );
  }

  const pinned = config.minMasterVersion;
  if (addons?.agentSandbox === true && typeof pinned === 'string' && versionBelow(pinned, GKE_ADDON_MIN_VERSION)) {
    add(
      'minMasterVersion',
      `the managed agent-sandbox add-on (addons.agentSandbox) needs GKE ≥ ${GKE_ADDON_MIN_VERSION}, got "${pinned}"; ` +
        `raise minMasterVersion or turn the add-on off (agentSandbox: self)`,
    );
  } else if (addons?.agentSandbox === true && !existing) {
    // The add-on serves v1beta1 only from GKE_ADDON_V1BETA1_VERSION (platforms/gke/addon.ts); older add-ons
    // serve v1alpha1 only and would reject every SandboxTemplate, warm pool and claim we emit. A cluster we create
    // must therefore be *guaranteed* such a version: only a pinned minimum does that.
    if (pinned === undefined) {
      add(
        'minMasterVersion',
        `is required with addons.agentSandbox: true: without a pinned minimum the cluster comes up on the release channel's default ` +
          `version, whose agent-sandbox add-on may serve only v1alpha1, while we emit v1beta1 (served by the add-on from GKE ` +
          `${GKE_ADDON_V1BETA1_VERSION}); set minMasterVersion to "${GKE_ADDON_V1BETA1_VERSION}" or later ` +
          '(the sandbox config\'s platforms.<platform>.gkeVersion), or turn the add-on off (agentSandbox: self)',
      );
    } else if (typeof pinned === 'string' && GKE_VERSION_SYNTAX.test(pinned) && !versionAtLeast(pinned, GKE_ADDON_V1BETA1_VERSION)) {
      add(
        'minMasterVersion',
        `the managed agent-sandbox add-on serves v1beta1 (the API version of the SandboxTemplates, warm pools and claims we emit) ` +
          `only from GKE ${GKE_ADDON_V1BETA1_VERSION}, and minMasterVersion "${pinned}" does not guarantee that` +
          `${pinned === 'latest' ? ' ("latest" pins no version)' : ''}: set minMasterVersion to "${GKE_ADDON_V1BETA1_VERSION}" or later, ` +
          'or turn the add-on off (agentSandbox: self)',
      );
    }
  }
  return problems;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Pool defaults (the node-pool component and the capacity plan read them). */
/** Defaults of the pools we create (per zone of the pool for node counts). */
export const GKE_POOL_DEFAULTS = {
  system: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3 },
  sandbox: { machineType: 'n2-standard-4', minNodes: 1, maxNodes: 10 },
  /** Machine type: `GKE_SANDBOX_GPUS[gpuType].defaultMachineType`. */
  gpu: { minNodes: 0, maxNodes: 2 },
  diskSizeGb: 100,
  imageType: SANDBOX_IMAGE_TYPE,
} as const;
