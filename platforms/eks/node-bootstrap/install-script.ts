/**
 * The `text/x-shellscript` user-data part that installs gVisor on a sandbox node, fail-closed.
 *
 * Order on AL2023 (awslabs/amazon-eks-ami templates/al2023/runtime/rootfs/etc/systemd/system/nodeadm-*.service,
 * platforms/eks/facts.ts eks.nodeadm-order, eks.kubelet-not-enabled): nodeadm-config writes containerd's and kubelet's config before cloud-init;
 * cloud-init's final stage runs this script; nodeadm-run (`After=cloud-final.service`) then restarts containerd and
 * starts kubelet. `After=` is ordering only: a failed script does not stop nodeadm-run, so on its own a node whose
 * install failed would join Ready and take sandbox pods that can never start. Hence the gate: the script's first
 * action is a kubelet drop-in `AssertPathExists=<marker>`, and the marker is written only after everything was
 * downloaded, verified and installed. Any failure (download, checksum, a wrong architecture, a crash) leaves no
 * marker, so systemd refuses to start kubelet, nodeadm-run fails, and the node never registers: it takes no pods at
 * all. The failure goes to stderr (cloud-init's log), the serial console (EC2 get-console-output) and the journal.
 * Managed node groups then report NodeCreationFailure; Karpenter deletes the NodeClaim that never registered.
 *
 * It never restarts containerd (nodeadm starts it next, with the runsc runtime registered by the NodeConfig part).
 */
import { gvisorArch, NodeArchitecture } from './arch';
import { RUNSC_CONFIG_PATH, runscConfigToml, type RunscConfigOptions } from './containerd';
import {
  GVISOR_BINARIES,
  GVISOR_SIDECAR_DIR,
  GVISOR_TARBALL,
  GvisorReleaseOptions,
  gvisorPayloadFiles,
  gvisorReleaseLayout,
  resolveGvisorBaseUrl,
  resolveGvisorRelease,
} from './gvisor-release';
import { ACCEPT_BUCKET_CHECKSUMS_FIELD, GVISOR_SHA512_FIELD, type GvisorTrust, type GvisorTrustOptions, resolveGvisorTrust } from './gvisor-trust';

/** Env var: install root (every path is below it). For tests; unset on nodes. */
export const INSTALL_ROOT_ENV = 'AGENT_SANDBOX_INFRA_ROOT';
/** Env var: replaces the base URL the user data was built with (the script appends `/<release>/<arch>/`). For tests. */
export const GVISOR_BASE_URL_ENV = 'AGENT_SANDBOX_INFRA_GVISOR_BASE_URL';
/** Env var: where the failure line goes besides stderr and the journal (default `/dev/console`). For tests. */
export const CONSOLE_ENV = 'AGENT_SANDBOX_INFRA_CONSOLE';

/** Written last, only after a verified install; kubelet's start asserts it exists. */
export const GVISOR_INSTALLED_MARKER = '/var/lib/agent-sandbox-infra/gvisor-installed';
/** The kubelet drop-in that gates kubelet on {@link GVISOR_INSTALLED_MARKER}. */
export const KUBELET_GATE_DROP_IN = '/etc/systemd/system/kubelet.service.d/10-agent-sandbox-infra-gvisor.conf';

/** Text of {@link KUBELET_GATE_DROP_IN}. */
export function kubeletGateDropIn(): string {
  return [
    '# agent-sandbox-infra: this node runs gVisor sandboxes. kubelet must not start unless runsc was downloaded,',
    '# verified and installed (the install script writes the marker last); otherwise the node never joins.',
    '[Unit]',
    `AssertPathExists=${GVISOR_INSTALLED_MARKER}`,
    '',
  ].join('\n');
}

export interface RunscInstallScriptOptions extends GvisorReleaseOptions, GvisorTrustOptions, RunscConfigOptions {
  /** Node CPU architecture; `arm64` and `amd64` are mapped to the release directory names `aarch64`/`x86_64`. */
  readonly arch: NodeArchitecture;
}

/** Single-quotes a value for bash. Inputs here are validated names, this is belt and braces. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Checks a verified tarball's members (only runsc, the shim and gvisor-bin/ files and dirs) and extracts them. */
const EXTRACT_TARBALL_PY = `import sys, tarfile
src, dest = sys.argv[1], sys.argv[2]
binaries = ('runsc', 'containerd-shim-runsc-v1')
with tarfile.open(src, 'r:bz2') as tar:
    members, names = [], set()
    for m in tar.getmembers():
        name = m.name[2:] if m.name.startswith('./') else m.name
        name = name.rstrip('/')
        if name in ('', '.'):
            continue
        parts = name.split('/')
        if name.startswith('/') or '..' in parts:
            sys.exit('unsafe path %r in the tarball' % m.name)
        if not (m.isfile() or m.isdir()):
            sys.exit('%r in the tarball is not a regular file or directory' % m.name)
        if not (name in binaries or parts[0] == '${GVISOR_SIDECAR_DIR}'):
            sys.exit('unexpected %r in the tarball' % m.name)
        m.name = name
        members.append(m)
        names.add(name)
    missing = [b for b in binaries if b not in names]
    if missing:
        sys.exit('the tarball has no ' + ', '.join(missing))
    tar.extractall(dest, members=members)`;

/** The script's description of its trust anchor (header and marker). */
function trustDescription(trust: GvisorTrust): string {
  return trust.kind === 'pinned'
    ? `the sha512 digests pinned in this user data (${GVISOR_SHA512_FIELD}); the download location's .sha512 files are not read`
    : `only the .sha512 files from the download location itself; WARNING: ${ACCEPT_BUCKET_CHECKSUMS_FIELD}: true, whoever can replace the binaries can replace those too`;
}

/**
 * Bash script: gate kubelet, download the release payload into a private temp dir, verify it against the trust anchor
 * (digests pinned in the script, or the location's `.sha512` files when the user accepted those), install runsc, the
 * shim (and `gvisor-bin/`) into `/usr/local/bin` by rename, write the runsc config the shim reads, then the marker. Idempotent; a failed run leaves the node gated (previously installed binaries stay).
 */
export function buildRunscInstallScript(options: RunscInstallScriptOptions): string {
  const arch = gvisorArch(options.arch);
  const release = resolveGvisorRelease(options);
  const baseUrl = resolveGvisorBaseUrl(options);
  const trust = resolveGvisorTrust(release, arch, options);
  const pinned = trust.kind === 'pinned' ? Object.entries(trust.sha512).map(([file, digest]) => `[${shellQuote(file)}]=${shellQuote(digest)}`) : [];
  const layout = gvisorReleaseLayout(release);
  const payload = gvisorPayloadFiles(release).join(' ');
  const contents = layout === 'tarball' ? `${GVISOR_TARBALL}: runsc, containerd-shim-runsc-v1, ${GVISOR_SIDECAR_DIR}/` : 'runsc, containerd-shim-runsc-v1';
  return `#!/usr/bin/env bash
# agent-sandbox-infra: install gVisor on an EKS sandbox node, fail-closed.
#
#   gVisor release ${release} (${contents}), architecture ${arch}
#   from ${baseUrl}/${release}/${arch}/
#   verified against ${trustDescription(trust)}
#
# First it gates kubelet: ${KUBELET_GATE_DROP_IN}
# asserts ${GVISOR_INSTALLED_MARKER}. Then it downloads the payload into a private temporary directory,
# verifies it against the trust anchor above, installs the binaries into /usr/local/bin by rename (mode 0755:
# runsc re-executes itself as user nobody), writes ${RUNSC_CONFIG_PATH} (the flags the shim passes to runsc)
# and last the marker. Any failure leaves no marker: kubelet does not start and the node never joins the cluster, with
# the reason on stderr, on the serial console and in the journal. It never restarts containerd: nodeadm starts
# containerd and kubelet after cloud-init scripts, with the runsc runtime registered by the application/node.eks.aws
# part of this user data. Needs bash, curl (https) or the AWS CLI (s3://), sha512sum and python3 (cloud-init's).
#
# Environment (for tests; leave unset on nodes):
#   ${INSTALL_ROOT_ENV}             install root; every path above is below it (default: /)
#   ${GVISOR_BASE_URL_ENV}  release location; the script appends /<release>/<arch>/ (default: the one above).
#                                        https:// or s3://; plain http only for 127.0.0.1, localhost, [::1].
#   ${CONSOLE_ENV}          where the failure line goes besides stderr and the journal (default: /dev/console)
set -euo pipefail
umask 022
export LC_ALL=C

readonly GVISOR_RELEASE=${shellQuote(release)}
readonly GVISOR_ARCH=${shellQuote(arch)}
readonly LAYOUT=${shellQuote(layout)}
readonly PAYLOAD=(${payload})
readonly BINARIES=(${GVISOR_BINARIES.join(' ')})
readonly SIDECARS=${shellQuote(GVISOR_SIDECAR_DIR)}
# The trust anchor: 'pinned' (PINNED_SHA512, from the user's gvisorSha512) or 'bucket-checksums' (the user accepted
# the location's own .sha512 files). Anything else: nothing is downloaded.
readonly TRUST=${shellQuote(trust.kind)}
declare -rA PINNED_SHA512=(${pinned.join(' ')})

root="\${${INSTALL_ROOT_ENV}:-/}"
root="\${root%/}"
console="\${${CONSOLE_ENV}:-/dev/console}"
gate="$root${KUBELET_GATE_DROP_IN}"
marker="$root${GVISOR_INSTALLED_MARKER}"
bin_dir="$root/usr/local/bin"
runsc_config="$root${RUNSC_CONFIG_PATH}"

die() {
  local line="agent-sandbox-infra: gVisor install failed: $*; kubelet stays stopped, this node will not join the cluster"
  printf '%s\\n' "$line" >&2
  { printf '%s\\n' "$line" >"$console"; } 2>/dev/null || true
  logger -t agent-sandbox-infra -p user.err -- "$line" 2>/dev/null || true
  exit 1
}
trap 'die "unexpected error (exit $?) at line $LINENO"' ERR

# 1. The gate, before anything can fail: without the marker systemd refuses to start kubelet.
mkdir -p "\${gate%/*}"
cat >"$gate.tmp" <<'GATE'
${kubeletGateDropIn().trimEnd()}
GATE
mv -f "$gate.tmp" "$gate"
rm -f "$marker"
if [[ -z "\${${INSTALL_ROOT_ENV}:-}" ]] && command -v systemctl >/dev/null; then
  systemctl daemon-reload || die "systemctl daemon-reload failed, so the kubelet gate may not be loaded"
fi

case "$TRUST" in
  pinned) (( \${#PINNED_SHA512[@]} == \${#PAYLOAD[@]} )) || die "the user data pins \${#PINNED_SHA512[@]} sha512 digests for \${#PAYLOAD[@]} payload files; nothing installed" ;;
  bucket-checksums) ;;
  *) die "no trust anchor for the gVisor download (set ${GVISOR_SHA512_FIELD}, or ${ACCEPT_BUCKET_CHECKSUMS_FIELD}: true); nothing installed" ;;
esac

base_url="\${${GVISOR_BASE_URL_ENV}:-${baseUrl}}"
base_url="\${base_url%/}"
if [[ "$base_url" =~ ^s3://[a-z0-9][a-z0-9.-]+(/.*)?$ ]]; then
  proto='s3'
elif [[ "$base_url" =~ ^https:// ]]; then
  proto='=https'
elif [[ "$base_url" =~ ^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?(/.*)?$ ]]; then
  proto='=http'
else
  die "refusing gVisor base URL '$base_url': https:// or s3:// is required (plain http only on 127.0.0.1, localhost, [::1]); nothing installed"
fi
url="$base_url/$GVISOR_RELEASE/$GVISOR_ARCH"

machine="$(uname -m)"
[[ "$machine" == "$GVISOR_ARCH" ]] ||
  die "this node is $machine but the user data installs gVisor for $GVISOR_ARCH (check the node group's instance types and AMI type); nothing installed"

work="$(mktemp -d)" # mode 0700: nobody else can swap files between verification and install
stage=''
cleanup() {
  rm -rf "$work"
  if [[ -n "$stage" ]]; then rm -rf "$stage"; fi
}
trap cleanup EXIT

fetch() { # fetch <file>: $url/<file> into $work/<file>
  if [[ "$proto" == s3 ]]; then
    aws s3 cp --only-show-errors "$url/$1" "$work/$1" >&2
  else
    curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" \\
      --retry 5 --retry-delay 2 --retry-connrefused --connect-timeout 10 --max-time 300 \\
      --output "$work/$1" "$url/$1"
  fi
}

# 2. Download the payload (and, only when the user accepted them, its .sha512 files).
for name in "\${PAYLOAD[@]}"; do
  files=("$name")
  if [[ "$TRUST" == bucket-checksums ]]; then files+=("$name.sha512"); fi
  for file in "\${files[@]}"; do
    fetch "$file" || die "could not download $url/$file; nothing installed"
  done
done

expected_sha512() { # expected_sha512 <file>: sets $expected (the digest <file> must have) and $anchor (where it is from)
  local listed=''
  expected=''
  if [[ "$TRUST" == pinned ]]; then
    expected="\${PINNED_SHA512[$1]:-}"
    anchor='the digest pinned in the user data (${GVISOR_SHA512_FIELD})'
    [[ "$expected" =~ ^[0-9a-f]{128}$ ]] || die "the user data pins no sha512 for $1; nothing installed"
    return
  fi
  anchor="$url/$1.sha512"
  read -r expected listed <"$work/$1.sha512" || true
  [[ "$expected" =~ ^[0-9a-f]{128}$ && ("$listed" == "$1" || "$listed" == "*$1") ]] ||
    die "$url/$1.sha512 is not a sha512sum line for $1; nothing installed"
}

verify() { # verify <file>: against expected_sha512, with our own check line (a tampered .sha512 cannot name another file)
  expected_sha512 "$1"
  (cd "$work" && printf '%s  %s\\n' "$expected" "$1" | sha512sum --check --strict --quiet - >&2) ||
    die "sha512 mismatch for $1 from $url (expected $expected, from $anchor); nothing installed"
  printf '%s  %s\\n' "$expected" "$1" >>"$work/verified"
}

# 3. Verify every file before anything is unpacked or installed.
for name in "\${PAYLOAD[@]}"; do verify "$name"; done

# 4. Unpack into a staging directory next to the destination (renames stay on one filesystem).
mkdir -p "$bin_dir"
stage="$(mktemp -d "$bin_dir/.agent-sandbox-infra.XXXXXX")"
if [[ "$LAYOUT" == tarball ]]; then
  command -v python3 >/dev/null || die "python3 is missing, so ${GVISOR_TARBALL} cannot be unpacked; nothing installed"
  python3 - "$work/${GVISOR_TARBALL}" "$stage" >&2 <<'PY' || die "$url/${GVISOR_TARBALL} is not a gVisor release tarball (see above); nothing installed"
${EXTRACT_TARBALL_PY}
PY
  if [[ -d "$stage/$SIDECARS" ]]; then
    find "$stage/$SIDECARS" -exec chmod 0755 {} +
  fi
else
  for name in "\${BINARIES[@]}"; do cp "$work/$name" "$stage/$name"; done
fi
for name in "\${BINARIES[@]}"; do chmod 0755 "$stage/$name"; done

# 5. Install by rename: the sidecars first (runsc looks for them next to itself), then the binaries.
if [[ -d "$stage/$SIDECARS" ]]; then
  if [[ -e "$bin_dir/$SIDECARS" ]]; then mv -f "$bin_dir/$SIDECARS" "$stage/$SIDECARS.previous"; fi
  mv "$stage/$SIDECARS" "$bin_dir/$SIDECARS"
fi
for name in "\${BINARIES[@]}"; do mv -f "$stage/$name" "$bin_dir/$name"; done

# 6. The runsc flags the shim passes to runsc (containerd's runtime options name this file).
mkdir -p "\${runsc_config%/*}"
cat >"$runsc_config.tmp" <<'RUNSC'
${runscConfigToml(options).trimEnd()}
RUNSC
mv -f "$runsc_config.tmp" "$runsc_config"

# 7. Last: the marker that opens the kubelet gate.
mkdir -p "\${marker%/*}"
{
  printf 'release=%s\\narch=%s\\nsource=%s\\ntrust=%s\\n' "$GVISOR_RELEASE" "$GVISOR_ARCH" "$url" "$TRUST"
  cat "$work/verified"
} >"$marker.tmp"
mv -f "$marker.tmp" "$marker"
installed=("\${BINARIES[@]}")
if [[ "$LAYOUT" == tarball && -d "$bin_dir/$SIDECARS" ]]; then installed+=("$SIDECARS/"); fi
printf 'agent-sandbox-infra: installed gVisor %s (%s) into %s: %s\\n' "$GVISOR_RELEASE" "$GVISOR_ARCH" "$bin_dir" "\${installed[*]}"
if [[ "$TRUST" == bucket-checksums ]]; then
  printf 'agent-sandbox-infra: WARNING: gVisor was verified only against the .sha512 files from %s (${ACCEPT_BUCKET_CHECKSUMS_FIELD}: true)\\n' "$url"
fi
`;
}
