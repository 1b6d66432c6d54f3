/**
 * The nodeadm `NodeConfig` document (MIME part `application/node.eks.aws`) of a sandbox node.
 *
 * Schema: CRD `nodeconfigs.node.eks.aws` v1alpha1 in awslabs/amazon-eks-ami (no field is required).
 * nodeadm merges `spec.containerd.config` over the containerd config it generates, so ours carries only the
 * `runsc` runtime. Managed node groups with a launch template (and no custom AMI) get `spec.cluster` from a
 * NodeConfig part EKS merges into the user data; self-managed nodes must pass `cluster` themselves.
 */
import { stringify } from 'yaml';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from '../sandbox-node';
import { runscContainerdConfigToml, RunscContainerdConfigOptions } from './containerd';
import { SandboxConfigError, throwIfErrors } from './errors';

export const NODEADM_API_VERSION = 'node.eks.aws/v1alpha1';
export const NODEADM_KIND = 'NodeConfig';
/** MIME type nodeadm reads NodeConfig documents from. */
export const NODEADM_MIME_TYPE = 'application/node.eks.aws';

/** EKS cluster coordinates (`aws eks describe-cluster`), needed by nodes EKS does not bootstrap itself. */
export interface NodeadmClusterDetails {
  /** Cluster name. */
  readonly name: string;
  /** kube-apiserver URL, `https://…`. */
  readonly apiServerEndpoint: string;
  /** Base64-encoded cluster CA bundle. */
  readonly certificateAuthority: string;
  /**
   * Service CIDR, used to infer the cluster DNS address.
   * @default nodeadm's default (derived from the cluster)
   */
  readonly cidr?: string;
}

/** The subset of NodeConfig this module writes. */
export interface NodeadmNodeConfig {
  readonly apiVersion: typeof NODEADM_API_VERSION;
  readonly kind: typeof NODEADM_KIND;
  readonly spec: {
    readonly cluster?: NodeadmClusterDetails;
    readonly containerd: { readonly config: string };
    readonly kubelet?: { readonly flags: readonly string[] };
  };
}

export interface SandboxNodeConfigOptions extends RunscContainerdConfigOptions {
  /**
   * Cluster coordinates, for self-managed nodes. Leave unset for managed node groups: EKS merges its own NodeConfig
   * with them into the launch template's user data.
   * @default none
   */
  readonly cluster?: NodeadmClusterDetails;
  /**
   * Register our sandbox label and `NoSchedule` taint via kubelet flags (`--node-labels`, `--register-with-taints`).
   * For self-managed nodes. Managed node groups should set them on the node group instead
   * ({@link sandboxNodeGroupScheduling}): EKS writes its own `--register-with-taints` and kubelet keeps only one.
   * @default false
   */
  readonly kubeletLabelAndTaint?: boolean;
}

/** Kubelet flags that put our sandbox label and taint on the node. */
export function sandboxKubeletFlags(): string[] {
  return [
    `--node-labels=${EKS_SANDBOX_NODE_LABEL.key}=${EKS_SANDBOX_NODE_LABEL.value}`,
    `--register-with-taints=${EKS_SANDBOX_NODE_TAINT.key}=${EKS_SANDBOX_NODE_TAINT.value}:${EKS_SANDBOX_NODE_TAINT.effect}`,
  ];
}

/** Validation errors for cluster details (empty when valid or unset). */
export function checkNodeadmCluster(cluster: NodeadmClusterDetails | undefined, field = 'cluster'): SandboxConfigError[] {
  if (cluster === undefined) return [];
  const errors: SandboxConfigError[] = [];
  for (const key of ['name', 'apiServerEndpoint', 'certificateAuthority'] as const) {
    const value: unknown = cluster[key];
    if (typeof value !== 'string' || value.length === 0) {
      errors.push({ field: `${field}.${key}`, value, message: `is required when cluster is set, got ${JSON.stringify(value)}` });
    }
  }
  const { apiServerEndpoint: endpoint, certificateAuthority: ca } = cluster;
  if (typeof endpoint === 'string' && endpoint.length > 0 && !endpoint.startsWith('https://')) {
    errors.push({ field: `${field}.apiServerEndpoint`, value: endpoint, message: `"${endpoint}" must be an https:// URL` });
  }
  if (typeof ca === 'string' && ca.length > 0 && !/^[A-Za-z0-9+/]+={0,2}$/.test(ca)) {
    errors.push({
      field: `${field}.certificateAuthority`,
      value: ca,
      message: 'must be the base64-encoded CA bundle (certificateAuthority.data of describe-cluster), not PEM text',
    });
  }
  return errors;
}

/** The NodeConfig object for a sandbox node. */
export function buildSandboxNodeConfig(options: SandboxNodeConfigOptions = {}): NodeadmNodeConfig {
  throwIfErrors(checkNodeadmCluster(options.cluster));
  const cluster = options.cluster && {
    name: options.cluster.name,
    apiServerEndpoint: options.cluster.apiServerEndpoint,
    certificateAuthority: options.cluster.certificateAuthority,
    ...(options.cluster.cidr !== undefined ? { cidr: options.cluster.cidr } : {}),
  };
  return {
    apiVersion: NODEADM_API_VERSION,
    kind: NODEADM_KIND,
    spec: {
      ...(cluster ? { cluster } : {}),
      containerd: { config: runscContainerdConfigToml(options) },
      ...(options.kubeletLabelAndTaint ? { kubelet: { flags: sandboxKubeletFlags() } } : {}),
    },
  };
}

/** YAML text of a NodeConfig (YAML 1.1-safe quoting, the TOML as a literal block). */
export function renderNodeConfigYaml(config: NodeadmNodeConfig): string {
  return `---\n${stringify(config, { version: '1.1', lineWidth: 0 })}`;
}
