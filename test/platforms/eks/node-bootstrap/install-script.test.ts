/**
 * Runs the real install script (bash, curl, sha512sum, python3) against a loopback HTTP server that serves a fake
 * gVisor release directory holding Debian's runsc, then runs the installed runsc. Needs Debian's `runsc` package.
 * Both release layouts: the two loose binaries (releases before 20260721.0) and gvisor.tar.bz2 (the pinned one).
 * Fail-closed: whatever fails, the kubelet gate is in place and its marker absent, which systemd's own condition
 * evaluator (`systemd-analyze condition`) turns into a refused kubelet start.
 * The trust anchor (issue 14): a tampered payload served with a matching tampered .sha512 is refused when digests are
 * pinned, installed (with a warning) only when the user accepted the bucket's checksums, and no script is built without
 * either. The first two suites run with the bucket's checksums accepted: they exercise that path's checks.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  buildRunscInstallScript,
  CONSOLE_ENV,
  GVISOR_BASE_URL_ENV,
  GVISOR_INSTALLED_MARKER,
  GVISOR_RELEASE,
  INSTALL_ROOT_ENV,
  KUBELET_GATE_DROP_IN,
  kubeletGateDropIn,
  runscConfigToml,
} from '../../../../platforms/eks/node-bootstrap';
import { hostGvisorArch, tempDir } from '../../../support/eks';
import { command, findCommand, realComponentsPresent } from '../../../support/real-components';

const execFileAsync = promisify(execFile);
const RELEASE = '20240729.0';
const SHIM = Buffer.from('#!/bin/sh\necho "fake containerd-shim-runsc-v1 $*"\n');

const runscCommand = command('runsc', 'apt-get install -y runsc', ['/usr/bin/runsc', '/usr/sbin/runsc']);
const arch = hostGvisorArch();
const present = realComponentsPresent('runsc install script (test/platforms/eks/node-bootstrap/install-script.test.ts)', [
  runscCommand.missing,
  command('curl', 'apt-get install -y curl').missing,
  command('python3', 'apt-get install -y python3').missing,
  // systemd's own evaluator of the kubelet gate (AssertPathExists): without it the gate would be checked by us alone.
  command('systemd-analyze', 'apt-get install -y systemd', ['/usr/bin/systemd-analyze']).missing,
  !arch && `host architecture is not x86_64/aarch64 (uname -m: ${process.arch})`,
]);
const describeIfRunsc = present ? describe : describe.skip;

function sha512Line(content: Buffer, name: string): Buffer {
  return Buffer.from(`${createHash('sha512').update(content).digest('hex')}  ${name}\n`);
}

/** Files served under /<release>/<arch>/, keyed by file name; tests replace entries to tamper. */
type Release = Map<string, Buffer>;

function goodRelease(runsc: Buffer): Release {
  return new Map([
    ['runsc', runsc],
    ['runsc.sha512', sha512Line(runsc, 'runsc')],
    ['containerd-shim-runsc-v1', SHIM],
    ['containerd-shim-runsc-v1.sha512', sha512Line(SHIM, 'containerd-shim-runsc-v1')],
  ]);
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describeIfRunsc('runsc install script (real bash, curl, sha512sum, runsc)', () => {
  const script = buildRunscInstallScript({ arch: arch ?? 'x86_64', gvisorRelease: RELEASE, acceptGvisorBucketChecksums: true });
  // Read in beforeAll, not here: a describe body runs even when the suite is skipped.
  let runsc: Buffer;
  let served: Release;
  const requests: string[] = [];
  let server: http.Server;
  let baseUrl: string;
  let work: string;
  let scriptFile: string;

  beforeAll(async () => {
    runsc = fs.readFileSync(runscCommand.path as string);
    served = goodRelease(runsc);
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const prefix = `/gvisor/${RELEASE}/${arch}/`;
      const body = req.url?.startsWith(prefix) ? served.get(req.url.slice(prefix.length)) : undefined;
      res.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gvisor`;
    work = tempDir('eks-runsc-install-');
    scriptFile = path.join(work, 'install-gvisor.sh');
    fs.writeFileSync(scriptFile, script);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    served = goodRelease(runsc);
    requests.length = 0;
  });

  let rootCounter = 0;
  function newRoot(): string {
    const root = path.join(work, `root-${rootCounter++}`);
    fs.mkdirSync(root);
    return root;
  }

  // Async: the HTTP server lives in this process, so the script must not block the event loop.
  async function run(root: string, env: Record<string, string> = {}): Promise<RunResult> {
    try {
      const r = await execFileAsync('bash', [scriptFile], {
        env: { ...process.env, [INSTALL_ROOT_ENV]: root, [GVISOR_BASE_URL_ENV]: baseUrl, [CONSOLE_ENV]: path.join(root, 'console'), ...env },
        timeout: 60_000,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  const binDir = (root: string) => path.join(root, 'usr/local/bin');
  const installed = (root: string) => (fs.existsSync(binDir(root)) ? fs.readdirSync(binDir(root)).sort() : []);

  test('installs both verified binaries with mode 0755, and the installed runsc runs a sandbox', async () => {
    const root = newRoot();
    const r = await run(root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `agent-sandbox-infra: installed gVisor ${RELEASE} (${arch}) into ${binDir(root)}: runsc containerd-shim-runsc-v1\n` +
        `agent-sandbox-infra: WARNING: gVisor was verified only against the .sha512 files from ${baseUrl}/${RELEASE}/${arch} (acceptGvisorBucketChecksums: true)\n`,
    );
    expect(installed(root)).toEqual(['containerd-shim-runsc-v1', 'runsc']);
    expectGateOpen(root);
    expect(fs.readFileSync(path.join(root, 'etc/containerd/runsc.toml'), 'utf8')).toBe(runscConfigToml());
    for (const name of ['runsc', 'containerd-shim-runsc-v1']) {
      expect(fs.statSync(path.join(binDir(root), name)).mode & 0o7777).toBe(0o755);
    }
    expect(fs.readFileSync(path.join(binDir(root), 'runsc')).equals(runsc)).toBe(true);
    expect(fs.readFileSync(path.join(binDir(root), 'containerd-shim-runsc-v1')).equals(SHIM)).toBe(true);
    expect(requests.sort()).toEqual(
      ['containerd-shim-runsc-v1', 'containerd-shim-runsc-v1.sha512', 'runsc', 'runsc.sha512'].map((f) => `/gvisor/${RELEASE}/${arch}/${f}`),
    );

    // Debian's runsc (ptrace platform by default here) runs a rootless sandbox without networking.
    const sandbox = spawnSync(path.join(binDir(root), 'runsc'), ['--rootless', '--network=none', 'do', 'sh', '-c', 'echo inside-gvisor; exit 0'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: sandbox.status, stdout: sandbox.stdout }).toEqual({ status: 0, stdout: 'inside-gvisor\n' });
    const shim = spawnSync(path.join(binDir(root), 'containerd-shim-runsc-v1'), ['-v'], { encoding: 'utf8' });
    expect(shim.stdout).toBe('fake containerd-shim-runsc-v1 -v\n');
  });

  test('running it twice succeeds and leaves identical files, no leftovers, other files untouched', async () => {
    const root = newRoot();
    fs.mkdirSync(binDir(root), { recursive: true });
    fs.writeFileSync(path.join(binDir(root), 'other-tool'), 'keep me');
    expect((await run(root)).code).toBe(0);
    const snapshot = () =>
      installed(root).map((f) => {
        const p = path.join(binDir(root), f);
        return [f, fs.statSync(p).mode, createHash('sha256').update(fs.readFileSync(p)).digest('hex')];
      });
    const first = snapshot();
    const second = await run(root);
    expect(second.code).toBe(0);
    expect(snapshot()).toEqual(first);
    expect(installed(root)).toEqual(['containerd-shim-runsc-v1', 'other-tool', 'runsc']);
    expect(fs.readFileSync(path.join(binDir(root), 'other-tool'), 'utf8')).toBe('keep me');
  });

  test('a tampered runsc binary: non-zero exit, message on stderr, nothing installed', async () => {
    const root = newRoot();
    const tampered = Buffer.from(runsc);
    tampered[tampered.length - 1] ^= 0xff;
    served.set('runsc', tampered);
    const r = await run(root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`agent-sandbox-infra: gVisor install failed: sha512 mismatch for runsc from ${baseUrl}/${RELEASE}/${arch}`);
    expect(r.stderr).toContain('nothing installed');
    expect(installed(root)).toEqual([]);
    expectGateClosed(root, `sha512 mismatch for runsc`);
  });

  test('a tampered checksum file for the second binary: the first, verified one is not installed either', async () => {
    const root = newRoot();
    served.set('containerd-shim-runsc-v1.sha512', sha512Line(Buffer.from('something else'), 'containerd-shim-runsc-v1'));
    const r = await run(root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('sha512 mismatch for containerd-shim-runsc-v1');
    expect(installed(root)).toEqual([]);
  });

  test('a checksum file that names another file is refused (it would verify the wrong file)', async () => {
    const root = newRoot();
    // Valid line, but for the shim: `sha512sum -c runsc.sha512` would then check the shim, not runsc.
    served.set('runsc.sha512', sha512Line(SHIM, 'containerd-shim-runsc-v1'));
    const r = await run(root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`runsc.sha512 is not a sha512sum line for runsc; nothing installed`);
    expect(installed(root)).toEqual([]);
  });

  test('a failed download: non-zero exit naming the URL, nothing installed', async () => {
    const root = newRoot();
    served.delete('containerd-shim-runsc-v1.sha512');
    const r = await run(root);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`could not download ${baseUrl}/${RELEASE}/${arch}/containerd-shim-runsc-v1.sha512; nothing installed`);
    expect(r.stderr).toContain('404');
    expect(installed(root)).toEqual([]);
    expectGateClosed(root, 'could not download');
  });

  test('a failed run keeps the previously installed binaries', async () => {
    const root = newRoot();
    expect((await run(root)).code).toBe(0);
    served.set('runsc', Buffer.from('evil'));
    expect((await run(root)).code).not.toBe(0);
    expect(fs.readFileSync(path.join(binDir(root), 'runsc')).equals(runsc)).toBe(true);
    expect(installed(root)).toEqual(['containerd-shim-runsc-v1', 'runsc']);
    // ...but the node is gated again: this run's install did not happen.
    expectGateClosed(root, 'sha512 mismatch for runsc');
  });

  test('plain http to a non-loopback host is refused before any download', async () => {
    const root = newRoot();
    const r = await run(root, { [GVISOR_BASE_URL_ENV]: 'http://storage.example.com/gvisor' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(
      "agent-sandbox-infra: gVisor install failed: refusing gVisor base URL 'http://storage.example.com/gvisor': https:// or s3:// is required " +
        '(plain http only on 127.0.0.1, localhost, [::1]); nothing installed; kubelet stays stopped, this node will not join the cluster\n',
    );
    const r2 = await run(root, { [GVISOR_BASE_URL_ENV]: `http://localhost:1@storage.example.com/gvisor` });
    expect(r2.stderr).toContain('refusing gVisor base URL');
    expect(requests).toEqual([]);
    expect(installed(root)).toEqual([]);
  });

  test('a node of another architecture is refused (uname -m)', async () => {
    const root = newRoot();
    const fakeBin = path.join(work, 'fake-uname');
    fs.mkdirSync(fakeBin, { recursive: true });
    const other = arch === 'x86_64' ? 'aarch64' : 'x86_64';
    fs.writeFileSync(path.join(fakeBin, 'uname'), `#!/bin/sh\necho ${other}\n`, { mode: 0o755 });
    const r = await run(root, { PATH: `${fakeBin}:${process.env.PATH}` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`this node is ${other} but the user data installs gVisor for ${arch}`);
    expect(requests).toEqual([]);
    expect(installed(root)).toEqual([]);
    expectGateClosed(root, `this node is ${other}`);
  });
});

/** The gate as systemd evaluates it: `AssertPathExists=` of our drop-in, under the test root. */
function gateAssertion(root: string): { status: number | null; output: string } {
  const dropIn = fs.readFileSync(path.join(root, KUBELET_GATE_DROP_IN), 'utf8');
  expect(dropIn).toBe(kubeletGateDropIn());
  const asserts = dropIn.split('\n').filter((l) => l.startsWith('Assert'));
  expect(asserts).toEqual([`AssertPathExists=${GVISOR_INSTALLED_MARKER}`]);
  const rooted = asserts.map((a) => a.replace('=', `=${root}`));
  const r = spawnSync('systemd-analyze', ['condition', ...rooted], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const systemdAnalyze = findCommand('systemd-analyze', ['/usr/bin/systemd-analyze']);

/** kubelet may start: the marker exists, and systemd's evaluator says the assertion holds. */
function expectGateOpen(root: string): void {
  expect(fs.readFileSync(path.join(root, GVISOR_INSTALLED_MARKER), 'utf8')).toMatch(
    /^release=\S+\narch=(x86_64|aarch64)\nsource=\S+\ntrust=(pinned|bucket-checksums)\n([0-9a-f]{128} {2}\S+\n)+$/,
  );
  if (systemdAnalyze) expect(gateAssertion(root)).toEqual({ status: 0, output: expect.stringContaining('Asserts succeeded') });
}

/** kubelet may not start, loudly: no marker, systemd's evaluator fails the assertion, and the console has the reason. */
function expectGateClosed(root: string, reason: string): void {
  expect(fs.existsSync(path.join(root, GVISOR_INSTALLED_MARKER))).toBe(false);
  if (systemdAnalyze) expect(gateAssertion(root)).toEqual({ status: 1, output: expect.stringContaining('Asserts failed') });
  const console = fs.readFileSync(path.join(root, 'console'), 'utf8');
  expect(console).toMatch(/^agent-sandbox-infra: gVisor install failed: .*; kubelet stays stopped, this node will not join the cluster\n/);
  expect(console).toContain(reason);
}

describe('runsc install script text', () => {
  const script = buildRunscInstallScript({ arch: 'arm64', acceptGvisorBucketChecksums: true });
  const code = script.split('\n').filter((l) => !l.trimStart().startsWith('#'));

  test('never restarts, reloads or stops containerd (nodeadm starts it after cloud-init scripts); the only systemctl is daemon-reload for the gate', () => {
    expect(code.filter((l) => /systemctl/.test(l))).toEqual([
      'if [[ -z "${AGENT_SANDBOX_INFRA_ROOT:-}" ]] && command -v systemctl >/dev/null; then',
      '  systemctl daemon-reload || die "systemctl daemon-reload failed, so the kubelet gate may not be loaded"',
    ]);
    expect(code.join('\n')).not.toMatch(/service\s+containerd|restart|pkill|killall|systemctl (start|stop|restart|reload) /i);
    expect(code.filter((l) => /containerd/.test(l) && !/runsc_config|RUNSC|containerd\/runsc\.toml/.test(l))).toEqual([
      'readonly BINARIES=(runsc containerd-shim-runsc-v1)',
      "binaries = ('runsc', 'containerd-shim-runsc-v1')",
    ]);
  });

  test('the gate is written before the first download, and the marker after the last install step', () => {
    const at = (needle: string) => code.findIndex((l) => l.includes(needle));
    expect(at('mv -f "$gate.tmp" "$gate"')).toBeGreaterThan(0);
    expect(at('mv -f "$gate.tmp" "$gate"')).toBeLessThan(at('fetch "$file"'));
    expect(at('mv -f "$marker.tmp" "$marker"')).toBeGreaterThan(at('mv -f "$runsc_config.tmp" "$runsc_config"'));
    expect(at('mv -f "$marker.tmp" "$marker"')).toBeGreaterThan(at('mv -f "$stage/$name" "$bin_dir/$name"'));
  });

  test('strict mode, pinned https download with retries and --fail, for the aarch64 directory', () => {
    expect(code).toContain('set -euo pipefail');
    expect(script).toContain("readonly GVISOR_ARCH='aarch64'");
    expect(script).toContain('base_url="${AGENT_SANDBOX_INFRA_GVISOR_BASE_URL:-https://storage.googleapis.com/gvisor/releases/release}"');
    expect(script).toContain('root="${AGENT_SANDBOX_INFRA_ROOT:-/}"');
    expect(script).toContain(`readonly GVISOR_RELEASE='${GVISOR_RELEASE}'`);
    expect(script).toContain('readonly PAYLOAD=(gvisor.tar.bz2)');
    expect(script).toMatch(/curl --fail .*--proto "\$proto" --proto-redir "\$proto"/);
    expect(script).toContain('--retry 5');
    expect(script).toContain('sha512sum --check --strict');
  });

  test('documents its environment variables in the header', () => {
    const header = script.split('set -euo pipefail')[0];
    expect(header).toContain(`#   ${INSTALL_ROOT_ENV} `);
    expect(header).toContain(`#   ${GVISOR_BASE_URL_ENV} `);
    expect(header).toContain(`#   ${CONSOLE_ENV} `);
  });

  test('passes bash -n', () => {
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describeIfRunsc('runsc install script, tarball release (the pinned layout: gvisor.tar.bz2 with gvisor-bin/)', () => {
  // Read in beforeAll, never in the describe body: that body runs even when the suite is skipped.
  let runsc: Buffer;
  beforeAll(() => {
    runsc = fs.readFileSync(runscCommand.path as string);
  });
  const SIDECAR = Buffer.from('#!/bin/sh\necho sidecar\n');
  let work: string;
  let server: http.Server;
  let baseUrl: string;
  let served = new Map<string, Buffer>();
  const requests: string[] = [];
  let scriptFile: string;
  let counter = 0;

  /** A tarball built with tar(1) from `files` (path → content; a Buffer, or 'symlink:<target>'). */
  function tarball(files: Record<string, Buffer | string>): Buffer {
    const dir = path.join(work, `tar-${counter++}`);
    for (const [name, content] of Object.entries(files)) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      if (typeof content === 'string') fs.symlinkSync(content.slice('symlink:'.length), p);
      else fs.writeFileSync(p, content, { mode: 0o644 });
    }
    const out = path.join(work, `tar-${counter++}.tar.bz2`);
    const r = spawnSync('tar', ['-cjf', out, '-C', dir, ...Object.keys(files).map((f) => f.split('/')[0]).filter((f, i, a) => a.indexOf(f) === i)]);
    expect(r.status).toBe(0);
    return fs.readFileSync(out);
  }

  const good = () => tarball({ runsc, 'containerd-shim-runsc-v1': SHIM, 'gvisor-bin/runsc-sidecar': SIDECAR });
  function serve(tar: Buffer, sha = sha512Line(tar, 'gvisor.tar.bz2')): void {
    served = new Map([
      ['gvisor.tar.bz2', tar],
      ['gvisor.tar.bz2.sha512', sha],
    ]);
  }

  beforeAll(async () => {
    work = tempDir('eks-runsc-tarball-');
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const prefix = `/mirror/${GVISOR_RELEASE}/${arch}/`;
      const body = req.url?.startsWith(prefix) ? served.get(req.url.slice(prefix.length)) : undefined;
      res.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
    scriptFile = path.join(work, 'install.sh');
    fs.writeFileSync(scriptFile, buildRunscInstallScript({ arch: arch ?? 'x86_64', acceptGvisorBucketChecksums: true }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests.length = 0;
    serve(good());
  });

  async function run(env: Record<string, string> = {}): Promise<RunResult & { root: string }> {
    const root = path.join(work, `root-${counter++}`);
    fs.mkdirSync(root);
    try {
      const r = await execFileAsync('bash', [scriptFile], {
        env: { ...process.env, [INSTALL_ROOT_ENV]: root, [GVISOR_BASE_URL_ENV]: baseUrl, [CONSOLE_ENV]: path.join(root, 'console'), ...env },
        timeout: 60_000,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr, root };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', root };
    }
  }
  const bin = (root: string, f = '') => path.join(root, 'usr/local/bin', f);

  test('installs runsc, the shim and gvisor-bin/ next to runsc (0755), the runsc config, then opens the gate; runsc runs', async () => {
    const r = await run();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`agent-sandbox-infra: installed gVisor ${GVISOR_RELEASE} (${arch}) into ${bin(r.root)}: runsc containerd-shim-runsc-v1 gvisor-bin/`);
    expect(requests).toEqual(['gvisor.tar.bz2', 'gvisor.tar.bz2.sha512'].map((f) => `/mirror/${GVISOR_RELEASE}/${arch}/${f}`));
    expect(fs.readdirSync(bin(r.root)).sort()).toEqual(['containerd-shim-runsc-v1', 'gvisor-bin', 'runsc']);
    expect(fs.readFileSync(bin(r.root, 'gvisor-bin/runsc-sidecar')).equals(SIDECAR)).toBe(true);
    for (const f of ['runsc', 'containerd-shim-runsc-v1', 'gvisor-bin', 'gvisor-bin/runsc-sidecar']) expect(fs.statSync(bin(r.root, f)).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(r.root, 'etc/containerd/runsc.toml'), 'utf8')).toBe('[runsc_config]\nsystemd-cgroup = "true"\n');
    expectGateOpen(r.root);
    const tarDigest = served.get('gvisor.tar.bz2.sha512')!.toString().split(' ')[0];
    expect(fs.readFileSync(path.join(r.root, GVISOR_INSTALLED_MARKER), 'utf8')).toContain(`${tarDigest}  gvisor.tar.bz2\n`);
    const sandbox = spawnSync(bin(r.root, 'runsc'), ['--rootless', '--network=none', 'do', 'true'], { encoding: 'utf8', timeout: 60_000 });
    expect(sandbox.status).toBe(0);
  });

  test('a checksum mismatch: nothing installed, the node stays gated, the console says why', async () => {
    serve(good(), sha512Line(Buffer.from('another tarball'), 'gvisor.tar.bz2'));
    const r = await run();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('sha512 mismatch for gvisor.tar.bz2');
    expect(fs.existsSync(bin(r.root, 'runsc'))).toBe(false);
    expectGateClosed(r.root, 'sha512 mismatch for gvisor.tar.bz2');
  });

  test('a failed download of the tarball: the node stays gated', async () => {
    served.delete('gvisor.tar.bz2');
    const r = await run();
    expect(r.code).not.toBe(0);
    expectGateClosed(r.root, `could not download ${baseUrl}/${GVISOR_RELEASE}/${arch}/gvisor.tar.bz2`);
  });

  // The tarball's runsc is read in beforeAll: the cases name it, and the test adds it.
  test.each([
    ['a path outside the install directory', { 'containerd-shim-runsc-v1': SHIM, 'gvisor-bin/x': 'symlink:../../../etc/passwd' }, 'is not a regular file or directory'],
    ['an unexpected file', { 'containerd-shim-runsc-v1': SHIM, 'install.sh': Buffer.from('x') }, "unexpected 'install.sh'"],
    ['no shim', { 'gvisor-bin/s': SIDECAR }, 'the tarball has no containerd-shim-runsc-v1'],
  ])('a verified tarball with %s is refused: nothing installed, gated', async (_what, files, reason) => {
    serve(tarball({ runsc, ...(files as Record<string, Buffer | string>) }));
    const r = await run();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(reason);
    expect(fs.readdirSync(bin(r.root)).filter((f) => !f.startsWith('.'))).toEqual([]);
    expectGateClosed(r.root, 'is not a gVisor release tarball');
  });

  test('an s3:// mirror is read with the AWS CLI (the node role), verified the same way', async () => {
    const s3 = path.join(work, 's3');
    const dir = path.join(s3, 'acme-gvisor/releases/release', GVISOR_RELEASE, arch as string);
    fs.mkdirSync(dir, { recursive: true });
    for (const [f, b] of served) fs.writeFileSync(path.join(dir, f), b);
    const fakeBin = path.join(work, 'fake-aws');
    fs.mkdirSync(fakeBin, { recursive: true });
    // `aws s3 cp --only-show-errors s3://<bucket>/<key> <file>`, served from a folder; the calls are recorded.
    fs.writeFileSync(
      path.join(fakeBin, 'aws'),
      `#!/bin/sh\necho "$*" >> "${path.join(work, 'aws-calls')}"\n[ "$1 $2 $3" = "s3 cp --only-show-errors" ] || exit 2\ncp "${s3}/\${4#s3://}" "$5"\n`,
      { mode: 0o755 },
    );
    const r = await run({ [GVISOR_BASE_URL_ENV]: 's3://acme-gvisor/releases/release', PATH: `${fakeBin}:${process.env.PATH}` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(work, 'aws-calls'), 'utf8').trim().split('\n').map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual(
      ['gvisor.tar.bz2', 'gvisor.tar.bz2.sha512'].map((f) => `s3 cp --only-show-errors s3://acme-gvisor/releases/release/${GVISOR_RELEASE}/${arch}/${f}`),
    );
    expect(requests).toEqual([]);
    expectGateOpen(r.root);
  });
});

describeIfRunsc('runsc install script, trust anchor (issue 14): a tampered tarball served with a matching tampered .sha512', () => {
  const EVIL = Buffer.from('#!/bin/sh\necho "not gVisor"\n');
  let runsc: Buffer;
  let work: string;
  let server: http.Server;
  let baseUrl: string;
  let good: Buffer;
  let tampered: Buffer;
  let served = new Map<string, Buffer>();
  const requests: string[] = [];
  let counter = 0;

  /** A release tarball built once with tar(1): its bytes, and so its digest, stay fixed for the suite. */
  function tarball(name: string, runscBytes: Buffer): Buffer {
    const dir = path.join(work, name);
    fs.mkdirSync(path.join(dir, 'gvisor-bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runsc'), runscBytes);
    fs.writeFileSync(path.join(dir, 'containerd-shim-runsc-v1'), SHIM);
    fs.writeFileSync(path.join(dir, 'gvisor-bin/runsc-sidecar'), 'sidecar');
    const out = path.join(work, `${name}.tar.bz2`);
    expect(spawnSync('tar', ['-cjf', out, '-C', dir, 'runsc', 'containerd-shim-runsc-v1', 'gvisor-bin']).status).toBe(0);
    return fs.readFileSync(out);
  }
  const digest = (b: Buffer) => createHash('sha512').update(b).digest('hex');
  /** The attacker of the bucket: replaces the tarball and writes a .sha512 that matches it. */
  function serve(tar: Buffer): void {
    served = new Map([
      ['gvisor.tar.bz2', tar],
      ['gvisor.tar.bz2.sha512', sha512Line(tar, 'gvisor.tar.bz2')],
    ]);
  }

  beforeAll(async () => {
    work = tempDir('eks-runsc-trust-');
    // Read here, not in the describe body: that body runs even when the suite is skipped.
    runsc = fs.readFileSync(runscCommand.path as string);
    good = tarball('good', runsc);
    tampered = tarball('tampered', EVIL);
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const prefix = `/gvisor/${GVISOR_RELEASE}/${arch}/`;
      const body = req.url?.startsWith(prefix) ? served.get(req.url.slice(prefix.length)) : undefined;
      res.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gvisor`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    requests.length = 0;
    serve(good);
  });

  async function run(script: string): Promise<RunResult & { root: string }> {
    const root = path.join(work, `root-${counter++}`);
    fs.mkdirSync(root);
    const file = path.join(root, 'install.sh');
    fs.writeFileSync(file, script);
    try {
      const r = await execFileAsync('bash', [file], {
        env: { ...process.env, [INSTALL_ROOT_ENV]: root, [GVISOR_BASE_URL_ENV]: baseUrl, [CONSOLE_ENV]: path.join(root, 'console') },
        timeout: 60_000,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr, root };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', root };
    }
  }
  const runscAt = (root: string) => path.join(root, 'usr/local/bin/runsc');
  const pinnedScript = () => buildRunscInstallScript({ arch: arch ?? 'x86_64', gvisorSha512: { [GVISOR_RELEASE]: { [arch ?? 'x86_64']: digest(good) } } });

  test('pinned digest, honest server: installs; only the payload is fetched (no .sha512), the marker says trust=pinned', async () => {
    const r = await run(pinnedScript());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(requests).toEqual([`/gvisor/${GVISOR_RELEASE}/${arch}/gvisor.tar.bz2`]);
    expect(fs.readFileSync(runscAt(r.root)).equals(runsc)).toBe(true);
    expectGateOpen(r.root);
    expect(fs.readFileSync(path.join(r.root, GVISOR_INSTALLED_MARKER), 'utf8')).toContain(`trust=pinned\n${digest(good)}  gvisor.tar.bz2\n`);
  });

  test('pinned digest, tampered tarball with a matching .sha512: refused, nothing installed, the node stays gated', async () => {
    serve(tampered);
    const r = await run(pinnedScript());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `agent-sandbox-infra: gVisor install failed: sha512 mismatch for gvisor.tar.bz2 from ${baseUrl}/${GVISOR_RELEASE}/${arch} ` +
        `(expected ${digest(good)}, from the digest pinned in the user data (gvisorSha512)); nothing installed`,
    );
    expect(fs.existsSync(runscAt(r.root))).toBe(false);
    expectGateClosed(r.root, 'sha512 mismatch for gvisor.tar.bz2');
  });

  test('the bucket opt-in, same attack: the tampered runsc is installed — the risk the option accepts, warned on stdout and in the marker', async () => {
    serve(tampered);
    const r = await run(buildRunscInstallScript({ arch: arch ?? 'x86_64', acceptGvisorBucketChecksums: true }));
    expect(r.code).toBe(0);
    expect(fs.readFileSync(runscAt(r.root)).equals(EVIL)).toBe(true);
    expect(r.stdout).toContain('agent-sandbox-infra: WARNING: gVisor was verified only against the .sha512 files from');
    expect(fs.readFileSync(path.join(r.root, GVISOR_INSTALLED_MARKER), 'utf8')).toContain('trust=bucket-checksums\n');
  });

  test('no anchor and no opt-in: no script is built; a script whose anchor was edited out downloads nothing and stays gated', async () => {
    expect(() => buildRunscInstallScript({ arch: arch ?? 'x86_64' })).toThrow(/^gvisorSha512: no sha512 for gVisor \S+ (x86_64|aarch64): the \.sha512 files sit in the same bucket/);
    const edited = pinnedScript().replace("readonly TRUST='pinned'", "readonly TRUST=''");
    const r = await run(edited);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no trust anchor for the gVisor download (set gvisorSha512, or acceptGvisorBucketChecksums: true); nothing installed');
    expect(requests).toEqual([]);
    expectGateClosed(r.root, 'no trust anchor');
  });
});
