/**
 * The `text/x-shellscript` user-data part that installs gVisor on a sandbox node.
 *
 * It runs from cloud-init before nodeadm starts containerd and kubelet, so it only places the binaries; the runtime
 * is registered by the NodeConfig part. It never restarts containerd.
 */
import { gvisorArch, NodeArchitecture } from './arch';
import {
  GVISOR_BINARIES,
  GVISOR_RELEASES_BASE_URL,
  GvisorReleaseOptions,
  resolveGvisorRelease,
} from './gvisor-release';

/** Env var: install root (binaries go to `$ROOT/usr/local/bin`). For tests; unset on nodes. */
export const INSTALL_ROOT_ENV = 'AGENT_SANDBOX_INFRA_ROOT';
/** Env var: replaces {@link GVISOR_RELEASES_BASE_URL} (the script appends `/<release>/<arch>/`). For tests. */
export const GVISOR_BASE_URL_ENV = 'AGENT_SANDBOX_INFRA_GVISOR_BASE_URL';

export interface RunscInstallScriptOptions extends GvisorReleaseOptions {
  /** Node CPU architecture; `arm64` and `amd64` are mapped to the release directory names `aarch64`/`x86_64`. */
  readonly arch: NodeArchitecture;
}

/** Single-quotes a value for bash. Inputs here are validated names, this is belt and braces. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bash script: download `runsc` and `containerd-shim-runsc-v1` with their `.sha512` files into a private temp dir,
 * verify both, then copy both into `/usr/local/bin` under temp names and rename them into place (mode 0755).
 * Any download or checksum failure exits non-zero before anything is installed. Idempotent.
 */
export function buildRunscInstallScript(options: RunscInstallScriptOptions): string {
  const arch = gvisorArch(options.arch);
  const release = resolveGvisorRelease(options);
  const binaries = GVISOR_BINARIES.join(' ');
  return `#!/usr/bin/env bash
# agent-sandbox-infra: install gVisor (runsc + containerd-shim-runsc-v1) on an EKS sandbox node.
#
#   gVisor release ${release}, architecture ${arch}
#   from ${GVISOR_RELEASES_BASE_URL}/${release}/${arch}/
#
# Downloads both binaries and their published .sha512 files into a private temporary directory and verifies
# them with sha512sum -c. Only when both verify are they copied next to their destination and renamed into
# /usr/local/bin (mode 0755: runsc re-executes itself as user nobody). A failed download or checksum aborts with
# a message on stderr and nothing installed. Running it again is harmless. It does not touch the containerd
# service: nodeadm starts containerd and kubelet after cloud-init scripts, with the runsc runtime registered by
# the application/node.eks.aws part of this user data.
#
# Environment (for tests; leave unset on nodes):
#   ${INSTALL_ROOT_ENV}             install root; binaries go to <root>/usr/local/bin (default: /)
#   ${GVISOR_BASE_URL_ENV}  release bucket URL; the script appends /<release>/<arch>/
#                                        (default: ${GVISOR_RELEASES_BASE_URL}).
#                                        Must be https; plain http only for 127.0.0.1, localhost, [::1].
set -euo pipefail
umask 022
export LC_ALL=C

readonly GVISOR_RELEASE=${shellQuote(release)}
readonly GVISOR_ARCH=${shellQuote(arch)}
readonly BINARIES=(${binaries})

die() {
  printf 'agent-sandbox-infra: gVisor install failed: %s\\n' "$*" >&2
  exit 1
}

root="\${${INSTALL_ROOT_ENV}:-/}"
base_url="\${${GVISOR_BASE_URL_ENV}:-${GVISOR_RELEASES_BASE_URL}}"
base_url="\${base_url%/}"
if [[ "$base_url" =~ ^https:// ]]; then
  proto='=https'
elif [[ "$base_url" =~ ^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/.*)?$ ]]; then
  proto='=http'
else
  die "refusing gVisor base URL '$base_url': https is required (plain http only on 127.0.0.1, localhost, [::1]); nothing installed"
fi
url="$base_url/$GVISOR_RELEASE/$GVISOR_ARCH"
bin_dir="\${root%/}/usr/local/bin"

machine="$(uname -m)"
[[ "$machine" == "$GVISOR_ARCH" ]] ||
  die "this node is $machine but the user data installs gVisor for $GVISOR_ARCH (check the node group's instance types and AMI type); nothing installed"

work="$(mktemp -d)" # mode 0700: nobody else can swap files between verification and install
staged=()
cleanup() {
  rm -rf "$work"
  if ((\${#staged[@]} > 0)); then rm -f "\${staged[@]}"; fi
}
trap cleanup EXIT

for name in "\${BINARIES[@]}"; do
  for file in "$name" "$name.sha512"; do
    curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" \\
      --retry 5 --retry-delay 2 --retry-connrefused --connect-timeout 10 --max-time 300 \\
      --output "$work/$file" "$url/$file" ||
      die "could not download $url/$file; nothing installed"
  done
done

for name in "\${BINARIES[@]}"; do
  expected='' listed=''
  read -r expected listed <"$work/$name.sha512" || true
  [[ "$expected" =~ ^[0-9a-f]{128}$ && ("$listed" == "$name" || "$listed" == "*$name") ]] ||
    die "$url/$name.sha512 is not a sha512sum line for $name; nothing installed"
  # Check our own line, so a tampered .sha512 file cannot point sha512sum at a different file.
  (cd "$work" && printf '%s  %s\\n' "$expected" "$name" | sha512sum --check --strict --quiet - >&2) ||
    die "sha512 mismatch for $name from $url (expected $expected); nothing installed"
done

# Both verified: stage copies in the destination directory, then rename (atomic within one filesystem).
mkdir -p "$bin_dir"
for name in "\${BINARIES[@]}"; do
  staged+=("$bin_dir/.$name.agent-sandbox-infra.$$")
  cp "$work/$name" "$bin_dir/.$name.agent-sandbox-infra.$$"
  chmod 0755 "$bin_dir/.$name.agent-sandbox-infra.$$"
done
for name in "\${BINARIES[@]}"; do
  mv -f "$bin_dir/.$name.agent-sandbox-infra.$$" "$bin_dir/$name"
done
staged=()
printf 'agent-sandbox-infra: installed gVisor %s (%s) into %s: %s\\n' "$GVISOR_RELEASE" "$GVISOR_ARCH" "$bin_dir" "\${BINARIES[*]}"
`;
}
