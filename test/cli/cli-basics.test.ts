/** The command's first contact: no arguments, --version, --help naming the environment it reads, arch aliases. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSandboxNodeUserData, GVISOR_RELEASE } from '../../platforms/eks/node-bootstrap';
import { runCli } from '../support/cli';

const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };

describe('CLI basics', () => {
  test('no arguments prints the help on stdout and exits 0', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: agent-sandbox-infra \[options\] \[command\]/);
    expect(run.stdout).toMatch(/^ {2}synth \[options\]/m);
    expect(run.stderr).toBe('');
  });

  test('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  test('--help names the environment variables the commands read (mirror, cache)', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}AGENT_SANDBOX_INFRA_MIRROR +.*folder laid out like/m);
    expect(run.stdout).toMatch(/^ {2}AGENT_SANDBOX_INFRA_CACHE +.*~\/\.cache\/agent-sandbox-infra/m);
    expect(run.stdout).toMatch(/^ {2}XDG_CACHE_HOME /m);
    // Each command's own help says it too (synth and validate read the pinned files).
    const synth = await runCli(['synth', '--help']);
    expect(synth.stdout).toContain('AGENT_SANDBOX_INFRA_MIRROR');
  });

  test('node-bootstrap --arch accepts amd64 and aarch64 as aliases', async () => {
    // The trust anchor: a digest the user supplies for the pinned release and the requested architecture.
    const sha = 'ab'.repeat(64);
    const anchored = (gvisorArch: 'x86_64' | 'aarch64') => ({ gvisorSha512: { [GVISOR_RELEASE]: { [gvisorArch]: sha } } });
    const amd = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'amd64', '--gvisor-sha512', sha]);
    expect(amd.code).toBe(0);
    expect(amd.stdout).toBe(buildSandboxNodeUserData({ arch: 'x86_64', ...anchored('x86_64') }));
    const aarch = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'aarch64', '--gvisor-sha512', sha]);
    expect(aarch.stdout).toBe(buildSandboxNodeUserData({ arch: 'arm64', ...anchored('aarch64') }));
    const bad = await runCli(['node-bootstrap', '--platform', 'eks', '--arch', 'ppc64']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("argument 'ppc64' is invalid. Allowed choices are x86_64, amd64, arm64, aarch64.");
  });
});
