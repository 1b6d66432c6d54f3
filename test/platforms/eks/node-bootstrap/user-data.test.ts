import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  buildSandboxNodeBootstrap,
  buildSandboxNodeUserData,
  GVISOR_RELEASE,
  renderMimeMultipart,
  runscContainerdConfigToml,
  SANDBOX_USER_DATA_BOUNDARY,
} from '../../../../platforms/eks/node-bootstrap';
import { errorOf, parseMultipart, PINNED, REPO_ROOT, TEST_GVISOR_SHA512 } from '../../../support/eks';

// Reviewed expected output. After an intended change: UPDATE_GOLDEN=1 npx jest test/stacks/eks, then review the diff.
const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/eks/sandbox-node-user-data.x86_64.txt');

describe('buildSandboxNodeUserData', () => {
  const userData = buildSandboxNodeUserData({ ...PINNED, instanceTypes: ['m7i.large', 'c7i.xlarge'] });

  test('is a multipart/mixed document: NodeConfig part first, then the install script', () => {
    const { headers, parts } = parseMultipart(userData);
    expect(headers).toEqual({
      'mime-version': '1.0',
      'content-type': `multipart/mixed; boundary="${SANDBOX_USER_DATA_BOUNDARY}"`,
    });
    expect(parts.map((p) => p.headers['content-type'])).toEqual(['application/node.eks.aws', 'text/x-shellscript; charset="us-ascii"']);

    const nodeConfig = parseYaml(parts[0].body);
    expect(nodeConfig).toEqual({
      apiVersion: 'node.eks.aws/v1alpha1',
      kind: 'NodeConfig',
      spec: { containerd: { config: runscContainerdConfigToml() } },
    });
    expect(parts[1].body.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(parts[1].body).toContain(`readonly GVISOR_RELEASE='${GVISOR_RELEASE}'\nreadonly GVISOR_ARCH='x86_64'\n`);
  });

  test('is deterministic and matches the reviewed golden file byte for byte', () => {
    expect(buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64' })).toBe(userData);
    expect(buildSandboxNodeUserData({ ...PINNED, instanceTypes: ['m7i.large', 'c7i.xlarge'] })).toBe(userData);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, userData);
    expect(userData).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  test('is plain ASCII (the script part declares us-ascii)', () => {
    expect(userData).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
  });

  // EC2 takes 16 KiB of user data before base64; EKS (cluster details) and Karpenter (its NodeConfig, ~1.5 KiB with
  // labels and taints) append a part each.
  test('leaves room under the 16 KiB EC2 user-data limit for the parts EKS or Karpenter merge in', () => {
    expect(Buffer.byteLength(buildSandboxNodeUserData({ ...PINNED, arch: 'arm64', kubeletLabelAndTaint: true, nvproxy: true }))).toBeLessThan(12 * 1024);
  });

  test('the containerd 2.x document never contains the containerd 1.x CRI plugin path', () => {
    expect(userData).not.toContain('io.containerd.grpc.v1.cri');
    expect(buildSandboxNodeUserData({ ...PINNED, arch: 'arm64', kubeletLabelAndTaint: true })).not.toContain('io.containerd.grpc.v1.cri');
  });

  test('containerd 1.7 only when asked, with version 2 and the grpc.v1.cri path', () => {
    const b = buildSandboxNodeBootstrap({ ...PINNED, arch: 'x86_64', containerdMajorVersion: 1 });
    expect(b.containerdMajorVersion).toBe(1);
    expect(b.nodeConfig.spec.containerd.config).toBe(runscContainerdConfigToml({ containerdMajorVersion: 1 }));
    expect(b.userData).not.toContain('io.containerd.cri.v1.runtime');
  });

  test('Graviton instance types install the aarch64 build', () => {
    const b = buildSandboxNodeBootstrap({ ...PINNED, instanceTypes: ['m7g.large', 'c7gn.xlarge'] });
    expect(b.arch).toBe('aarch64');
    expect(b.userData).toContain(`https://storage.googleapis.com/gvisor/releases/release/${GVISOR_RELEASE}/aarch64/`);
    expect(b.userData).not.toContain('/arm64/');
  });

  test('another release and latest-by-choice end up in the script', () => {
    expect(buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64', gvisorRelease: '20240729.0' })).toContain("readonly GVISOR_RELEASE='20240729.0'");
    expect(buildSandboxNodeUserData({ arch: 'x86_64', gvisorRelease: 'latest', allowLatest: true, acceptGvisorBucketChecksums: true })).toContain(
      "readonly GVISOR_RELEASE='latest'",
    );
  });

  test('every invalid option is reported at once', () => {
    const e = errorOf(() =>
      buildSandboxNodeUserData({
        ...PINNED,
        instanceTypes: ['m5.large', 'm7g.large'],
        gvisorRelease: 'latest',
        containerdMajorVersion: 3 as never,
        cluster: { name: 'c', apiServerEndpoint: 'https://x', certificateAuthority: '' },
      }),
    );
    expect(e.errors.map((x) => x.field)).toEqual(['instanceTypes', 'gvisorRelease', 'containerdMajorVersion', 'cluster.certificateAuthority']);
    expect(e.message.split('\n')).toHaveLength(4);
  });

  test('arch or instanceTypes is required, and they must agree', () => {
    expect(errorOf(() => buildSandboxNodeUserData({ ...PINNED })).message).toBe(
      'arch: set arch (x86_64 or arm64) or instanceTypes to pick the gVisor build',
    );
    expect(errorOf(() => buildSandboxNodeUserData({ ...PINNED, arch: 'arm64', instanceTypes: ['m7i.large'] })).message).toBe(
      'arch: "arm64" (aarch64) does not match instanceTypes m7i.large (x86_64)',
    );
  });
});

describe('the trust anchor of the gVisor download', () => {
  test('none given: refused, naming both ways out; nothing is built', () => {
    expect(errorOf(() => buildSandboxNodeUserData({ arch: 'arm64' })).message).toBe(
      `gvisorSha512: no sha512 for gVisor ${GVISOR_RELEASE} aarch64: the .sha512 files sit in the same bucket as the binaries, so whoever can replace one ` +
        `can replace the other; set gvisorSha512: { "${GVISOR_RELEASE}": { aarch64: "<sha512 of gvisor.tar.bz2>" } } with digests obtained independently ` +
        "of the bucket, or acceptGvisorBucketChecksums: true to trust the bucket's own checksums (written into the user data and warned)",
    );
    // Digests of another release or architecture do not count.
    expect(errorOf(() => buildSandboxNodeUserData({ ...PINNED, arch: 'arm64', gvisorRelease: '20250102.0' })).message).toMatch(/^gvisorSha512: no sha512 for gVisor 20250102\.0 aarch64: /);
  });

  test('pinned: the digest is in the script, the bucket .sha512 is not read, no warning', () => {
    const b = buildSandboxNodeBootstrap({ ...PINNED, arch: 'arm64' });
    const digest = TEST_GVISOR_SHA512[GVISOR_RELEASE].aarch64 as string;
    expect(b.gvisorTrust).toEqual({ kind: 'pinned', sha512: { 'gvisor.tar.bz2': digest } });
    expect(b.warnings).toEqual([]);
    expect(b.installScript).toContain(`readonly TRUST='pinned'\ndeclare -rA PINNED_SHA512=(['gvisor.tar.bz2']='${digest}')\n`);
    expect(b.installScript).toContain("verified against the sha512 digests pinned in this user data (gvisorSha512); the download location's .sha512 files are not read");
  });

  test('a release with loose binaries takes one digest per binary', () => {
    const b = buildSandboxNodeBootstrap({ ...PINNED, arch: 'x86_64', gvisorRelease: '20240729.0' });
    expect(Object.keys(b.gvisorTrust.kind === 'pinned' ? b.gvisorTrust.sha512 : {})).toEqual(['runsc', 'containerd-shim-runsc-v1']);
  });

  test('the bucket opt-in: explicit, written into the script header, returned as a warning', () => {
    const b = buildSandboxNodeBootstrap({ arch: 'x86_64', acceptGvisorBucketChecksums: true });
    expect(b.gvisorTrust).toEqual({ kind: 'bucket-checksums' });
    expect(b.installScript).toContain("readonly TRUST='bucket-checksums'\ndeclare -rA PINNED_SHA512=()\n");
    expect(b.installScript).toContain('#   verified against only the .sha512 files from the download location itself; WARNING: acceptGvisorBucketChecksums: true, ');
    expect(b.warnings).toEqual([
      `acceptGvisorBucketChecksums: gVisor ${GVISOR_RELEASE} (x86_64) is verified only against the .sha512 files from the same location as the binaries, ` +
        'which whoever can replace the binaries can replace too; set gvisorSha512 to digests obtained independently',
    ]);
    // Pinned digests win over the opt-in.
    expect(buildSandboxNodeBootstrap({ ...PINNED, arch: 'x86_64', acceptGvisorBucketChecksums: true }).gvisorTrust.kind).toBe('pinned');
  });

  test('malformed digests: every one named, with the release\'s payload files', () => {
    const e = errorOf(() =>
      buildSandboxNodeUserData({
        arch: 'x86_64',
        gvisorSha512: {
          [GVISOR_RELEASE]: { x86_64: 'ABC', arm64: 'a'.repeat(128) } as never,
          '20240729.0': { x86_64: { runsc: 'b'.repeat(128), shim: 'c'.repeat(128) } },
          '20250101.0': { aarch64: 'd'.repeat(128) },
          latest: {},
        },
      }),
    );
    expect(e.errors.map((x) => `${x.field}: ${x.message}`)).toEqual([
      `gvisorSha512["${GVISOR_RELEASE}"].x86_64: "ABC" is not a sha512 digest of gvisor.tar.bz2; use 128 lowercase hex digits (sha512sum's first column)`,
      `gvisorSha512["${GVISOR_RELEASE}"].arm64: "arm64" is not a gVisor architecture; use x86_64 or aarch64 (the release directory names)`,
      'gvisorSha512["20240729.0"].x86_64.shim: release 20240729.0 has no payload file "shim"; its files are runsc, containerd-shim-runsc-v1',
      'gvisorSha512["20240729.0"].x86_64.containerd-shim-runsc-v1: missing: every payload file of release 20240729.0 needs its digest (runsc, containerd-shim-runsc-v1)',
      'gvisorSha512["20250101.0"].aarch64: release 20250101.0 has 2 payload files; give one digest each: { runsc: "<sha512>", containerd-shim-runsc-v1: "<sha512>" }',
      'gvisorSha512["latest"]: "latest" moves with every release, so no digest can be pinned for it; name a dated release (YYYYMMDD.N)',
    ]);
  });
});

describe('renderMimeMultipart', () => {
  test('refuses a body that contains the boundary', () => {
    expect(() => renderMimeMultipart([{ contentType: 'text/plain', body: `x\n--${SANDBOX_USER_DATA_BOUNDARY}\n` }])).toThrow(
      `MIME part text/plain contains the boundary "--${SANDBOX_USER_DATA_BOUNDARY}"`,
    );
  });

  test('keeps each body byte-exact', () => {
    const doc = renderMimeMultipart([
      { contentType: 'a/b', body: 'one\n' },
      { contentType: 'c/d', body: 'two\n\nthree' },
    ]);
    expect(parseMultipart(doc).parts.map((p) => p.body)).toEqual(['one\n', 'two\n\nthree\n']);
  });
});
