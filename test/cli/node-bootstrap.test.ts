import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildSandboxNodeUserData } from '../../platforms/eks/node-bootstrap';
import { runCli } from '../support/cli';
import { REPO_ROOT } from '../support/upstream';

describe('agent-sandbox-infra node-bootstrap', () => {
  test('prints the same MIME user data the launch template gets, per architecture and containerd version', async () => {
    const arm = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'arm64']);
    expect(arm.code).toBe(0);
    expect(arm.stdout).toBe(buildSandboxNodeUserData({ arch: 'arm64' }));
    expect(arm.stdout).toContain('/aarch64/');
    const v2 = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'x86_64', '--containerd', '1']);
    expect(v2.stdout).toBe(buildSandboxNodeUserData({ arch: 'x86_64', containerdMajorVersion: 1 }));
    expect(v2.stdout).toContain('io.containerd.grpc.v1.cri');
  });

  test('--config reads a Pulumi stack file and uses its sandbox node group', async () => {
    const stack = parse(readFileSync(join(REPO_ROOT, 'Pulumi.eks.yaml'), 'utf8')).config['agent-sandbox-infra:cluster'];
    const run = await runCli(['node-bootstrap', '--platform', 'eks', '--config', join(REPO_ROOT, 'Pulumi.eks.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(buildSandboxNodeUserData({ instanceTypes: stack.sandboxNodeGroups[0].instanceTypes }));
  });

  test('only eks has node bootstrap data; a bad architecture or group is refused', async () => {
    expect((await runCli(['node-bootstrap', '--platform', 'aks'])).stderr).toContain("argument 'aks' is invalid. Allowed choices are eks.");
    expect((await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'ppc64'])).stderr).toContain("argument 'ppc64' is invalid. Allowed choices are x86_64, amd64, arm64, aarch64.");
    const missing = await runCli(['node-bootstrap', '--platform', 'eks', '--config', join(REPO_ROOT, 'Pulumi.eks.yaml'), '--node-group', 'gpu']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--node-group: "gpu" is not defined; groups: sandbox');
  });
});
