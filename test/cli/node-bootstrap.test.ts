import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildSandboxNodeUserData, GVISOR_RELEASE } from '../../platforms/eks/node-bootstrap';
import { runCli } from '../support/cli';
import { PINNED, TEST_GVISOR_SHA512 } from '../support/eks';
import { REPO_ROOT } from '../support/upstream';

describe('agent-sandbox-infra node-bootstrap', () => {
  const ARM = TEST_GVISOR_SHA512[GVISOR_RELEASE].aarch64 as string;
  const X86 = TEST_GVISOR_SHA512[GVISOR_RELEASE].x86_64 as string;

  test('prints the same MIME user data the launch template gets, per architecture and containerd version', async () => {
    const arm = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'arm64', '--gvisor-sha512', ARM]);
    expect(arm.stderr).toBe('');
    expect(arm.code).toBe(0);
    expect(arm.stdout).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'arm64' }));
    expect(arm.stdout).toContain('/aarch64/');
    const v2 = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'x86_64', '--containerd', '1', '--gvisor-sha512', X86]);
    expect(v2.stdout).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64', containerdMajorVersion: 1 }));
    expect(v2.stdout).toContain('io.containerd.grpc.v1.cri');
  });

  test('without a trust anchor nothing is printed; --accept-bucket-checksums prints it with a warning on stderr', async () => {
    const refused = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'arm64']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`gvisorSha512: no sha512 for gVisor ${GVISOR_RELEASE} aarch64: the .sha512 files sit in the same bucket as the binaries`);
    const bad = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'arm64', '--gvisor-sha512', 'abc']);
    expect(bad.stderr).toContain(`gvisorSha512["${GVISOR_RELEASE}"].aarch64: "abc" is not a sha512 digest of gvisor.tar.bz2`);
    const accepted = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'arm64', '--accept-bucket-checksums']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toBe(buildSandboxNodeUserData({ arch: 'arm64', acceptGvisorBucketChecksums: true }));
    expect(accepted.stderr).toBe(
      `warning: acceptGvisorBucketChecksums: gVisor ${GVISOR_RELEASE} (aarch64) is verified only against the .sha512 files from the same location as the ` +
        'binaries, which whoever can replace the binaries can replace too; set gvisorSha512 to digests obtained independently\n',
    );
  });

  test('--config reads a Pulumi stack file and uses its sandbox node group (the example accepts the bucket checksums: warned)', async () => {
    const stack = parse(readFileSync(join(REPO_ROOT, 'Pulumi.eks.yaml'), 'utf8')).config['agent-sandbox-infra:cluster'];
    const run = await runCli(['node-bootstrap', '--platform', 'eks', '--config', join(REPO_ROOT, 'Pulumi.eks.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(buildSandboxNodeUserData({ instanceTypes: stack.sandboxNodeGroups[0].instanceTypes, acceptGvisorBucketChecksums: true }));
    expect(run.stderr).toContain('warning: acceptGvisorBucketChecksums: gVisor');
    const both = await runCli(['node-bootstrap', '--platform', 'eks', '--config', join(REPO_ROOT, 'Pulumi.eks.yaml'), '--accept-bucket-checksums']);
    expect(both.stderr).toContain('--gvisor-sha512/--accept-bucket-checksums: with --config the stack file says this (gvisorSha512, acceptGvisorBucketChecksums)');
  });

  test('only eks has node bootstrap data; a bad architecture or group is refused', async () => {
    expect((await runCli(['node-bootstrap', '--platform', 'aks'])).stderr).toContain("argument 'aks' is invalid. Allowed choices are eks.");
    expect((await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'ppc64'])).stderr).toContain("argument 'ppc64' is invalid. Allowed choices are x86_64, amd64, arm64, aarch64.");
    const missing = await runCli(['node-bootstrap', '--platform', 'eks', '--config', join(REPO_ROOT, 'Pulumi.eks.yaml'), '--node-group', 'gpu']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--node-group: "gpu" is not defined; groups: sandbox');
  });
});
