/**
 * CPU architecture of an EKS sandbox node, in the spelling gVisor's release bucket uses.
 *
 * The release directory is named after what `uname -m` prints: `x86_64` or `aarch64`. Users, EC2 and Kubernetes
 * say `arm64`/`amd64`; {@link gvisorArch} maps those aliases.
 */
import { collectErrors, SandboxConfigError, throwIfErrors } from './errors';

/** Directory names under `https://storage.googleapis.com/gvisor/releases/release/<release>/`. */
export const GVISOR_ARCHES = ['x86_64', 'aarch64'] as const;
export type GvisorArch = (typeof GVISOR_ARCHES)[number];

/** Architecture names accepted from users and mapped onto {@link GvisorArch}. */
export const NODE_ARCHITECTURE_ALIASES: Readonly<Record<string, GvisorArch>> = {
  x86_64: 'x86_64',
  amd64: 'x86_64',
  arm64: 'aarch64',
  aarch64: 'aarch64',
};
export type NodeArchitecture = 'x86_64' | 'amd64' | 'arm64' | 'aarch64';

/** Maps a user-facing architecture (`arm64`, `x86_64`, `amd64`, `aarch64`) to the gVisor release directory name. */
export function gvisorArch(arch: string, field = 'arch'): GvisorArch {
  const resolved = Object.prototype.hasOwnProperty.call(NODE_ARCHITECTURE_ALIASES, arch)
    ? NODE_ARCHITECTURE_ALIASES[arch]
    : undefined;
  if (resolved === undefined) {
    throwIfErrors([
      {
        field,
        value: arch,
        message: `"${arch}" is not a supported CPU architecture; use one of ${Object.keys(NODE_ARCHITECTURE_ALIASES).join(', ')}`,
      },
    ]);
  }
  return resolved as GvisorArch;
}

// `<family>.<size>`, family = series letters, generation digits, attribute letters, optional `-suffix`
// (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html).
const INSTANCE_TYPE = /^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)?\.([a-z0-9-]+)$/;
// First-generation High Memory types are named differently (u-6tb1.metal, u-12tb1.112xlarge); all Intel.
const HIGH_MEMORY_U = /^u-\d+tb\d+\.[a-z0-9]+$/;

/**
 * The gVisor architecture of one EC2 instance type.
 *
 * The attribute letter `g` after the generation means AWS Graviton (t4g, m6g, m6gd, m7g, c7gn, r8g, x2gd, im4gn,
 * is4gen, g5g, hpc7g…); `a1` is first-generation Graviton; a `-gb<N>` suffix (p6e-gb200) is NVIDIA Grace.
 * Everything else (Intel `i`, AMD `a`, no letter) is x86_64.
 */
export function gvisorArchForInstanceType(instanceType: string, field = 'instanceType'): GvisorArch {
  if (HIGH_MEMORY_U.test(instanceType)) return 'x86_64';
  const m = INSTANCE_TYPE.exec(instanceType);
  const errors: SandboxConfigError[] = [];
  if (m === null) {
    errors.push({
      field,
      value: instanceType,
      message: `"${instanceType}" is not an EC2 instance type; expected <family>.<size> such as "m7i.large" or "m7g.large"`,
    });
  } else if (m[1] === 'mac') {
    errors.push({
      field,
      value: instanceType,
      message: `"${instanceType}" is an EC2 Mac instance, which cannot be an EKS node`,
    });
  }
  throwIfErrors(errors);
  const [, series, generation, attributes, suffix] = m as RegExpExecArray;
  const graviton =
    attributes.includes('g') || (series === 'a' && generation === '1') || (suffix !== undefined && /^-gb\d/.test(suffix));
  return graviton ? 'aarch64' : 'x86_64';
}

/**
 * The single gVisor architecture of a node group's instance types.
 * One node group boots one AMI and installs one gVisor build, so mixing x86_64 and Graviton types is an error
 * that lists which type is which.
 */
export function gvisorArchForInstanceTypes(instanceTypes: readonly string[], field = 'instanceTypes'): GvisorArch {
  if (instanceTypes.length === 0) {
    throwIfErrors([
      {
        field,
        value: instanceTypes,
        message: 'at least one instance type is needed to pick the gVisor build (x86_64 or aarch64)',
      },
    ]);
  }
  const errors: SandboxConfigError[] = [];
  const byArch: Record<GvisorArch, string[]> = { x86_64: [], aarch64: [] };
  instanceTypes.forEach((type, i) => {
    const arch = collectErrors(errors, () => gvisorArchForInstanceType(type, `${field}[${i}]`));
    if (arch !== undefined) byArch[arch].push(type);
  });
  throwIfErrors(errors);
  const present = GVISOR_ARCHES.filter((a) => byArch[a].length > 0);
  if (present.length > 1) {
    throwIfErrors([
      {
        field,
        value: instanceTypes,
        message:
          `mixes CPU architectures (x86_64: ${byArch.x86_64.join(', ')}; aarch64/Graviton: ${byArch.aarch64.join(', ')}), ` +
          'but one node group boots one AMI and installs one gVisor build; use one node group per architecture',
      },
    ]);
  }
  return present[0];
}
