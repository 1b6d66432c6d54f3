/**
 * The containerd config fragment that registers gVisor's `runsc` runtime.
 *
 * containerd 2.x (AL2023 today) reads config `version = 3`, where CRI runtimes live under
 * `plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.<name>`. containerd 1.7 reads `version = 2`, where they
 * live under `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.<name>`. A v2-path stanza under `version = 3` is
 * silently ignored by containerd 2.x and pods then fail with `no runtime for "runsc" is configured`, so version and
 * path come from one table row and cannot be mixed. The default runtime is left alone: only pods whose RuntimeClass
 * has handler `runsc` use gVisor.
 */
import { stringify } from 'smol-toml';
import { SandboxConfigError, throwIfErrors } from './errors';

/** Major version of containerd on the node. */
export type ContainerdMajorVersion = 1 | 2;

/** Where a containerd major version expects CRI runtimes. */
export interface ContainerdConfigLayout {
  /** Value of the top-level `version` key. */
  readonly configVersion: 2 | 3;
  /** Plugin table whose `containerd.runtimes` map holds CRI runtimes. */
  readonly criRuntimePlugin: string;
}

/** Per-version layout; source: containerd docs/cri/config.md and nodeadm's expected configs (amazon-eks-ami). */
export const CONTAINERD_CONFIG_LAYOUTS: Readonly<Record<ContainerdMajorVersion, ContainerdConfigLayout>> = {
  2: { configVersion: 3, criRuntimePlugin: 'io.containerd.cri.v1.runtime' },
  1: { configVersion: 2, criRuntimePlugin: 'io.containerd.grpc.v1.cri' },
};

/** CRI handler name; the `gvisor` RuntimeClass references it. */
export const RUNSC_RUNTIME_NAME = 'runsc';
/** containerd shim v2 type, served by `containerd-shim-runsc-v1` on the node's PATH. */
export const RUNSC_RUNTIME_TYPE = 'io.containerd.runsc.v1';

/** Which containerd the config is for. */
export interface RunscContainerdConfigOptions {
  /**
   * containerd major version on the node. AL2023 EKS AMIs ship containerd 2.x; `1` (containerd 1.7, config
   * `version = 2`) only when explicitly chosen for older AMIs.
   * @default 2
   */
  readonly containerdMajorVersion?: ContainerdMajorVersion;
}

/** Validation errors for a containerd major version (empty when valid). */
export function checkContainerdMajorVersion(value: unknown, field = 'containerdMajorVersion'): SandboxConfigError[] {
  return value === 1 || value === 2
    ? []
    : [
        {
          field,
          value,
          message:
            `${JSON.stringify(value)} is not a supported containerd major version; ` +
            'use 2 (containerd 2.x, AL2023, the default) or 1 (containerd 1.7)',
        },
      ];
}

/** The layout for the chosen containerd version (2 by default); throws for anything but 1 or 2. */
export function containerdConfigLayout(options: RunscContainerdConfigOptions = {}): ContainerdConfigLayout {
  const major = options.containerdMajorVersion ?? 2;
  throwIfErrors(checkContainerdMajorVersion(major));
  return CONTAINERD_CONFIG_LAYOUTS[major];
}

/**
 * containerd TOML that adds the `runsc` runtime and nothing else, for nodeadm to merge over its generated config.
 *
 * containerd 2.x:
 * ```toml
 * version = 3
 *
 * [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]
 * runtime_type = "io.containerd.runsc.v1"
 * ```
 */
export function runscContainerdConfigToml(options: RunscContainerdConfigOptions = {}): string {
  const layout = containerdConfigLayout(options);
  return stringify({
    version: layout.configVersion,
    plugins: {
      [layout.criRuntimePlugin]: {
        containerd: { runtimes: { [RUNSC_RUNTIME_NAME]: { runtime_type: RUNSC_RUNTIME_TYPE } } },
      },
    },
  })
    .trimEnd()
    .concat('\n');
}
