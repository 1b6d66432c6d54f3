/**
 * The containerd config fragment that registers gVisor's `runsc` runtime, and the runsc config file its shim reads.
 *
 * containerd 2.x reads config `version = 3`, where CRI runtimes live under
 * `plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.<name>`. containerd 1.7 reads `version = 2`, where they
 * live under `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.<name>`. Version and path come from one table
 * row and cannot be mixed. Which one a node needs follows its AMI (./containerd-versions.ts): nodeadm refuses a
 * fragment with v3 plugin names on containerd 1.7 (the node never joins), and migrates a v2 fragment on containerd
 * 2.x (`containerd config migrate`). The default runtime is left alone: only pods whose RuntimeClass has handler
 * `runsc` use gVisor.
 *
 * runsc flags reach runsc through the shim: the runtime's `options` carry `TypeUrl = "io.containerd.runsc.v1.options"`
 * and `ConfigPath`, and the shim turns each `[runsc_config]` entry of that file into `--<key>=<value>` (gVisor
 * g3doc/user_guide/containerd/configuration.md; pkg/shim/v1/runsc/options.go). containerd sends the TOML body instead
 * when ConfigPath is empty, which gVisor's shim does not read (its runtimeoptions proto has only type_url and
 * config_path), so the file is required. On AL2023 kubelet uses the systemd cgroup driver, so runsc gets
 * `systemd-cgroup = "true"`; the shim also switches its own cgroup handling only when it sees that key.
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

/** The runsc config file the shim reads (written by the install script). */
export const RUNSC_CONFIG_PATH = '/etc/containerd/runsc.toml';
/** `TypeUrl` that makes the shim read `ConfigPath` (gVisor's containerd configuration guide). */
export const RUNSC_OPTIONS_TYPE_URL = 'io.containerd.runsc.v1.options';

/** runsc flags for the nodes we build. */
export interface RunscConfigOptions {
  /**
   * GPU sandboxes: `nvproxy = "true"` (gVisor g3doc/user_guide/gpu.md). The driver must be one runsc supports
   * (`runsc nvproxy list-supported-drivers`).
   * @default false
   */
  readonly nvproxy?: boolean;
}

/** The `[runsc_config]` table: `systemd-cgroup` always (kubelet's cgroup driver on AL2023), `nvproxy` for GPUs. */
export function runscConfigFlags(options: RunscConfigOptions = {}): Readonly<Record<string, string>> {
  return { 'systemd-cgroup': 'true', ...(options.nvproxy ? { nvproxy: 'true' } : {}) };
}

/** Text of {@link RUNSC_CONFIG_PATH}. */
export function runscConfigToml(options: RunscConfigOptions = {}): string {
  return stringify({ runsc_config: runscConfigFlags(options) }).trimEnd().concat('\n');
}

/** Which containerd the config is for. */
export interface RunscContainerdConfigOptions {
  /**
   * containerd major version on the node: 2 (config `version = 3`) or 1 (containerd 1.7, `version = 2`); the EKS
   * stack derives it from the AMI (./containerd-versions.ts).
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
 *
 * [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc.options]
 * TypeUrl = "io.containerd.runsc.v1.options"
 * ConfigPath = "/etc/containerd/runsc.toml"
 * ```
 */
export function runscContainerdConfigToml(options: RunscContainerdConfigOptions = {}): string {
  const layout = containerdConfigLayout(options);
  return stringify({
    version: layout.configVersion,
    plugins: {
      [layout.criRuntimePlugin]: {
        containerd: {
          runtimes: {
            [RUNSC_RUNTIME_NAME]: { runtime_type: RUNSC_RUNTIME_TYPE, options: { TypeUrl: RUNSC_OPTIONS_TYPE_URL, ConfigPath: RUNSC_CONFIG_PATH } },
          },
        },
      },
    },
  })
    .trimEnd()
    .concat('\n');
}
