/**
 * EKS gVisor sandbox-node bootstrap: the user data of an AL2023 sandbox node group.
 *
 * The MIME multipart document has two parts:
 * 1. `application/node.eks.aws`: a nodeadm NodeConfig whose `spec.containerd.config` registers the `runsc` runtime
 *    (nodeadm merges it over its generated containerd config);
 * 2. `text/x-shellscript`: gates kubelet, then installs gVisor from a pinned release, verified against digests the
 *    user pinned (or, by explicit opt-in only, the download location's own sha512 files) and the runsc config the shim reads; a failed install keeps kubelet from starting (./install-script.ts).
 *
 * Pure functions, no `@pulumi/*` imports: the Pulumi launch template and the CLI `node-bootstrap` command print the
 * same bytes for the same input.
 */
import { GvisorArch, gvisorArch, gvisorArchForInstanceTypes, NodeArchitecture } from './arch';
import { checkContainerdMajorVersion, ContainerdMajorVersion, type RunscConfigOptions } from './containerd';
import { collectErrors, SandboxConfigError, throwIfErrors } from './errors';
import { checkGvisorBaseUrl, checkGvisorRelease, GVISOR_RELEASE, GvisorReleaseOptions } from './gvisor-release';
import { bucketChecksumsWarning, checkGvisorTrust, GvisorTrust, GvisorTrustOptions, resolveGvisorTrust } from './gvisor-trust';
import { buildRunscInstallScript } from './install-script';
import {
  buildSandboxNodeConfig,
  checkNodeadmCluster,
  NODEADM_MIME_TYPE,
  NodeadmNodeConfig,
  renderNodeConfigYaml,
  SandboxNodeConfigOptions,
} from './nodeconfig';

export * from './errors';
export * from './arch';
export * from './gvisor-release';
export * from './gvisor-trust';
export * from './containerd';
export * from './containerd-versions';
export * from './nodeconfig';
export * from './install-script';
export * from './ami-type';
export * from './node-group';

/** Fixed so that the same input gives the same bytes; must not occur in any part (checked). */
export const SANDBOX_USER_DATA_BOUNDARY = '==AGENT-SANDBOX-INFRA-BOUNDARY==';
/** Content type of the install-script part (cloud-init runs it before nodeadm starts containerd and kubelet). */
export const SHELL_SCRIPT_MIME_TYPE = 'text/x-shellscript; charset="us-ascii"';

/** One part of a MIME multipart document. */
export interface MimePart {
  /** Full `Content-Type` header value. */
  readonly contentType: string;
  readonly body: string;
}

/**
 * Renders a `multipart/mixed` document: LF line endings, parts in the given order, every body ending in a newline.
 * Throws if a body contains the boundary delimiter.
 */
export function renderMimeMultipart(parts: readonly MimePart[], boundary = SANDBOX_USER_DATA_BOUNDARY): string {
  const lines = ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, ''];
  for (const part of parts) {
    if (part.body.includes(`--${boundary}`)) {
      throw new Error(`MIME part ${part.contentType} contains the boundary "--${boundary}"`);
    }
    // The newline before the next delimiter belongs to the delimiter, so a body's own final newline is kept.
    const body = part.body.endsWith('\n') ? part.body.slice(0, -1) : part.body;
    lines.push(`--${boundary}`, `Content-Type: ${part.contentType}`, '', body, '');
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\n');
}

/** Inputs of a sandbox node's user data. Give `arch` or `instanceTypes` (or both, if they agree). */
export interface SandboxNodeUserDataOptions extends GvisorReleaseOptions, GvisorTrustOptions, SandboxNodeConfigOptions, RunscConfigOptions {
  /**
   * Node CPU architecture (`x86_64`/`amd64` or `arm64`/`aarch64`).
   * @default derived from `instanceTypes`
   */
  readonly arch?: NodeArchitecture;
  /**
   * EC2 instance types of the node group; all must have one architecture (Graviton types are aarch64).
   * @default none; then `arch` is required
   */
  readonly instanceTypes?: readonly string[];
  /**
   * containerd major version on the node: 2 (config `version = 3`) or 1 (containerd 1.7); the EKS stack derives it
   * from the AMI release (./containerd-versions.ts).
   * @default 2
   */
  readonly containerdMajorVersion?: ContainerdMajorVersion;
}

/** Everything the user data was built from, resolved, plus the user data itself. */
export interface SandboxNodeBootstrap {
  readonly arch: GvisorArch;
  readonly gvisorRelease: string;
  /** What the install script verifies the download against. */
  readonly gvisorTrust: GvisorTrust;
  /** Said to whoever builds the user data (the CLI on stderr, the stack as a Pulumi warning): the bucket opt-in. */
  readonly warnings: readonly string[];
  readonly containerdMajorVersion: ContainerdMajorVersion;
  readonly nodeConfig: NodeadmNodeConfig;
  /** YAML of `nodeConfig`, the `application/node.eks.aws` part. */
  readonly nodeConfigYaml: string;
  /** The `text/x-shellscript` part. */
  readonly installScript: string;
  /** The MIME multipart user data (not base64-encoded). */
  readonly userData: string;
}

function resolveArch(options: SandboxNodeUserDataOptions, errors: SandboxConfigError[]): GvisorArch | undefined {
  const { arch, instanceTypes } = options;
  const fromArch = arch === undefined ? undefined : collectErrors(errors, () => gvisorArch(arch));
  const fromTypes = instanceTypes === undefined ? undefined : collectErrors(errors, () => gvisorArchForInstanceTypes(instanceTypes));
  if (arch === undefined && instanceTypes === undefined) {
    errors.push({ field: 'arch', value: undefined, message: 'set arch (x86_64 or arm64) or instanceTypes to pick the gVisor build' });
  } else if (fromArch !== undefined && fromTypes !== undefined && fromArch !== fromTypes) {
    errors.push({
      field: 'arch',
      value: arch,
      message: `"${arch}" (${fromArch}) does not match instanceTypes ${instanceTypes?.join(', ')} (${fromTypes})`,
    });
  }
  return fromArch ?? fromTypes;
}

/** Validates every option (all errors at once) and builds the NodeConfig, the install script and the user data. */
export function buildSandboxNodeBootstrap(options: SandboxNodeUserDataOptions): SandboxNodeBootstrap {
  const errors: SandboxConfigError[] = [];
  const arch = resolveArch(options, errors);
  const gvisorRelease = options.gvisorRelease ?? GVISOR_RELEASE;
  const containerdMajorVersion = options.containerdMajorVersion ?? 2;
  errors.push(
    ...checkGvisorRelease(gvisorRelease, options.allowLatest ?? false),
    ...checkGvisorBaseUrl(options.gvisorBaseUrl),
    ...checkContainerdMajorVersion(containerdMajorVersion),
    ...checkNodeadmCluster(options.cluster),
    ...(arch === undefined ? [] : checkGvisorTrust(gvisorRelease, [arch], options)),
  );
  throwIfErrors(errors);
  const resolvedArch = arch as GvisorArch; // defined: an undefined arch always records an error above

  const nodeConfig = buildSandboxNodeConfig({ ...options, containerdMajorVersion });
  const nodeConfigYaml = renderNodeConfigYaml(nodeConfig);
  const installScript = buildRunscInstallScript({
    arch: resolvedArch,
    gvisorRelease,
    allowLatest: options.allowLatest,
    gvisorBaseUrl: options.gvisorBaseUrl,
    gvisorSha512: options.gvisorSha512,
    acceptGvisorBucketChecksums: options.acceptGvisorBucketChecksums,
    nvproxy: options.nvproxy,
  });
  const gvisorTrust = resolveGvisorTrust(gvisorRelease, resolvedArch, options);
  const warnings = gvisorTrust.kind === 'bucket-checksums' ? [bucketChecksumsWarning(gvisorRelease, [resolvedArch])] : [];
  const userData = renderMimeMultipart([
    { contentType: NODEADM_MIME_TYPE, body: nodeConfigYaml },
    { contentType: SHELL_SCRIPT_MIME_TYPE, body: installScript },
  ]);
  return { arch: resolvedArch, gvisorRelease, gvisorTrust, warnings, containerdMajorVersion, nodeConfig, nodeConfigYaml, installScript, userData };
}

/**
 * The user data of an EKS gVisor sandbox node: MIME multipart with the NodeConfig part, then the install script.
 * Deterministic; this exact string is what the launch template and the CLI `node-bootstrap` command emit.
 */
export function buildSandboxNodeUserData(options: SandboxNodeUserDataOptions): string {
  return buildSandboxNodeBootstrap(options).userData;
}
