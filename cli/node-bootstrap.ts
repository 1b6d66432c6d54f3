/**
 * `agent-sandbox-infra node-bootstrap --platform eks`: prints the EKS sandbox-node user data — the same MIME
 * document our launch templates carry — for eksctl, Terraform or Karpenter EC2NodeClass users.
 */
import { ConfigError } from '../config/validate';
import { readSingleYamlDocument } from './read-yaml-file';
import { EKS_CLUSTER_DEFAULTS, gvisorNodeOptions, nodeContainerd, parseEksClusterConfig, type EksClusterConfig } from '../platforms/eks/cluster-config';
import { buildSandboxNodeBootstrap, GVISOR_RELEASE, gvisorArch, SandboxBootstrapError, type NodeArchitecture, type SandboxNodeUserDataOptions } from '../platforms/eks/node-bootstrap';
import { problemAt } from '../core/diagnostics';

export interface NodeBootstrapOptions {
  readonly arch?: NodeArchitecture;
  readonly containerd?: '1' | '2';
  readonly config?: string;
  readonly nodeGroup?: string;
  /** Without --config: the sha512 of the pinned release's payload for --arch (the trust anchor). */
  readonly gvisorSha512?: string;
  /** Without --config: trust the download location's own .sha512 files (warned). */
  readonly acceptBucketChecksums?: boolean;
}

export interface NodeBootstrapOutput {
  readonly userData: string;
  /** For stderr: the bucket-checksums opt-in. */
  readonly warnings: readonly string[];
}

/** Reads `agent-sandbox-infra:cluster` from a Pulumi stack file, or the whole file as the cluster settings. */
function readClusterConfig(file: string): EksClusterConfig {
  const doc = (readSingleYamlDocument(file, 'stack file') ?? {}) as { config?: Record<string, unknown> };
  const raw = doc.config && typeof doc.config === 'object' ? doc.config['agent-sandbox-infra:cluster'] : doc;
  const { value, problems } = parseEksClusterConfig(raw);
  if (!value || problems.length) throw new ConfigError(problems, file);
  return value;
}

export function nodeBootstrap(opts: NodeBootstrapOptions): NodeBootstrapOutput {
  let options: SandboxNodeUserDataOptions = {};
  if (opts.config && (opts.gvisorSha512 !== undefined || opts.acceptBucketChecksums)) {
    throw new ConfigError([problemAt('--gvisor-sha512/--accept-bucket-checksums', 'with --config the stack file says this (gvisorSha512, acceptGvisorBucketChecksums)', 'commandLine')], 'node-bootstrap');
  }
  if (opts.config) {
    const cluster = readClusterConfig(opts.config);
    const groups = cluster.sandboxNodeGroups ?? [];
    const group = opts.nodeGroup ? groups.find((g) => g.name === opts.nodeGroup) : groups[0];
    if (!group) {
      throw new ConfigError(
        [problemAt('--node-group', `${opts.nodeGroup ? `"${opts.nodeGroup}" is not` : 'no sandbox node group is'} defined; groups: ${groups.map((g) => g.name).join(', ') || 'none'}`, 'commandLine')],
        opts.config,
      );
    }
    // An adopted cluster's version is unknown here: the AMI table then assumes the default version, unless the group
    // pins its AMI release (which names the version).
    const containerd = nodeContainerd(cluster.version ?? EKS_CLUSTER_DEFAULTS.version, group.releaseVersion, cluster.containerdMajorVersion);
    if (containerd.error) throw new ConfigError([problemAt('cluster.containerdMajorVersion', containerd.error, 'nodeBootstrap')], opts.config);
    options = {
      instanceTypes: group.instanceTypes,
      containerdMajorVersion: containerd.major,
      ...gvisorNodeOptions(cluster),
    };
  }
  if (opts.arch) options = { ...options, arch: opts.arch, instanceTypes: opts.config && !opts.nodeGroup ? undefined : options.instanceTypes };
  if (opts.containerd) options = { ...options, containerdMajorVersion: Number(opts.containerd) as 1 | 2 };
  if (!options.arch && !options.instanceTypes) options = { ...options, arch: 'x86_64' };
  if (!opts.config) {
    const arch = gvisorArch(options.arch ?? 'x86_64');
    options = {
      ...options,
      gvisorSha512: opts.gvisorSha512 === undefined ? undefined : { [GVISOR_RELEASE]: { [arch]: opts.gvisorSha512 } },
      acceptGvisorBucketChecksums: opts.acceptBucketChecksums,
    };
  }
  try {
    const { userData, warnings } = buildSandboxNodeBootstrap(options);
    return { userData, warnings };
  } catch (err) {
    if (err instanceof SandboxBootstrapError) throw new ConfigError(err.errors.map((e) => problemAt(e.field, e.message, 'nodeBootstrap')), 'node-bootstrap');
    throw err;
  }
}
