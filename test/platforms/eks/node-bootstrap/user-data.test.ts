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
import { errorOf, parseMultipart, REPO_ROOT } from '../../../support/eks';

// Reviewed expected output. After an intended change: UPDATE_GOLDEN=1 npx jest test/stacks/eks, then review the diff.
const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/eks/sandbox-node-user-data.x86_64.txt');

describe('buildSandboxNodeUserData', () => {
  const userData = buildSandboxNodeUserData({ instanceTypes: ['m7i.large', 'c7i.xlarge'] });

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
    expect(buildSandboxNodeUserData({ arch: 'x86_64' })).toBe(userData);
    expect(buildSandboxNodeUserData({ instanceTypes: ['m7i.large', 'c7i.xlarge'] })).toBe(userData);
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, userData);
    expect(userData).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  test('is plain ASCII (the script part declares us-ascii)', () => {
    expect(userData).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
  });

  // EC2 takes 16 KiB of user data before base64; EKS (cluster details) and Karpenter (its NodeConfig, ~1.5 KiB with
  // labels and taints) append a part each.
  test('leaves room under the 16 KiB EC2 user-data limit for the parts EKS or Karpenter merge in', () => {
    expect(Buffer.byteLength(buildSandboxNodeUserData({ arch: 'arm64', kubeletLabelAndTaint: true, nvproxy: true }))).toBeLessThan(12 * 1024);
  });

  test('the containerd 2.x document never contains the containerd 1.x CRI plugin path', () => {
    expect(userData).not.toContain('io.containerd.grpc.v1.cri');
    expect(buildSandboxNodeUserData({ arch: 'arm64', kubeletLabelAndTaint: true })).not.toContain('io.containerd.grpc.v1.cri');
  });

  test('containerd 1.7 only when asked, with version 2 and the grpc.v1.cri path', () => {
    const b = buildSandboxNodeBootstrap({ arch: 'x86_64', containerdMajorVersion: 1 });
    expect(b.containerdMajorVersion).toBe(1);
    expect(b.nodeConfig.spec.containerd.config).toBe(runscContainerdConfigToml({ containerdMajorVersion: 1 }));
    expect(b.userData).not.toContain('io.containerd.cri.v1.runtime');
  });

  test('Graviton instance types install the aarch64 build', () => {
    const b = buildSandboxNodeBootstrap({ instanceTypes: ['m7g.large', 'c7gn.xlarge'] });
    expect(b.arch).toBe('aarch64');
    expect(b.userData).toContain(`https://storage.googleapis.com/gvisor/releases/release/${GVISOR_RELEASE}/aarch64/`);
    expect(b.userData).not.toContain('/arm64/');
  });

  test('another release and latest-by-choice end up in the script', () => {
    expect(buildSandboxNodeUserData({ arch: 'x86_64', gvisorRelease: '20240729.0' })).toContain("readonly GVISOR_RELEASE='20240729.0'");
    expect(buildSandboxNodeUserData({ arch: 'x86_64', gvisorRelease: 'latest', allowLatest: true })).toContain(
      "readonly GVISOR_RELEASE='latest'",
    );
  });

  test('every invalid option is reported at once', () => {
    const e = errorOf(() =>
      buildSandboxNodeUserData({
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
    expect(errorOf(() => buildSandboxNodeUserData({})).message).toBe(
      'arch: set arch (x86_64 or arm64) or instanceTypes to pick the gVisor build',
    );
    expect(errorOf(() => buildSandboxNodeUserData({ arch: 'arm64', instanceTypes: ['m7i.large'] })).message).toBe(
      'arch: "arm64" (aarch64) does not match instanceTypes m7i.large (x86_64)',
    );
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
