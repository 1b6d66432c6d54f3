/**
 * `agent-sandbox-infra node-bootstrap --platform eks`: prints the EKS sandbox-node user data — the same MIME
 * document our launch templates carry — for eksctl, Terraform or Karpenter EC2NodeClass users.
 */
import { ConfigError } from '../config/validate';
import { readSingleYamlDocument } from './read-yaml-file';
import { parseEksClusterConfig, type EksClusterConfig } from '../platforms/eks/cluster-config';
import { buildSandboxNodeUserData, SandboxBootstrapError, type SandboxNodeUserDataOptions } from '../platforms/eks/node-bootstrap';

export interface NodeBootstrapOptions {
  readonly arch?: 'x86_64' | 'arm64';
  readonly containerd?: '1' | '2';
  readonly config?: string;
  readonly nodeGroup?: string;
}

/** Reads `agent-sandbox-infra:cluster` from a Pulumi stack file, or the whole file as the cluster settings. */
function readClusterConfig(file: string): EksClusterConfig {
  const doc = (readSingleYamlDocument(file, 'stack file') ?? {}) as { config?: Record<string, unknown> };
  const raw = doc.config && typeof doc.config === 'object' ? doc.config['agent-sandbox-infra:cluster'] : doc;
  const { value, problems } = parseEksClusterConfig(raw);
  if (!value || problems.length) throw new ConfigError(problems.map((p) => `${p.propertyPath}: ${p.reason}`), file);
  return value;
}

export function nodeBootstrap(opts: NodeBootstrapOptions): string {
  let options: SandboxNodeUserDataOptions = {};
  if (opts.config) {
    const cluster = readClusterConfig(opts.config);
    const groups = cluster.sandboxNodeGroups ?? [];
    const group = opts.nodeGroup ? groups.find((g) => g.name === opts.nodeGroup) : groups[0];
    if (!group) {
      throw new ConfigError(
        [`--node-group: ${opts.nodeGroup ? `"${opts.nodeGroup}" is not` : 'no sandbox node group is'} defined; groups: ${groups.map((g) => g.name).join(', ') || 'none'}`],
        opts.config,
      );
    }
    options = {
      instanceTypes: group.instanceTypes,
      containerdMajorVersion: cluster.containerdMajorVersion,
      gvisorRelease: cluster.gvisorRelease,
      allowLatest: cluster.allowLatestGvisor,
    };
  }
  if (opts.arch) options = { ...options, arch: opts.arch, instanceTypes: opts.config && !opts.nodeGroup ? undefined : options.instanceTypes };
  if (opts.containerd) options = { ...options, containerdMajorVersion: Number(opts.containerd) as 1 | 2 };
  if (!options.arch && !options.instanceTypes) options = { ...options, arch: 'x86_64' };
  try {
    return buildSandboxNodeUserData(options);
  } catch (err) {
    if (err instanceof SandboxBootstrapError) throw new ConfigError(err.errors.map((e) => `${e.field}: ${e.message}`), 'node-bootstrap');
    throw err;
  }
}
