/**
 * Runs the real install script (bash, curl, sha512sum) against a loopback HTTP server that serves a fake gVisor
 * release directory holding Debian's runsc, then runs the installed runsc. Needs Debian's `runsc` package.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildRunscInstallScript, GVISOR_BASE_URL_ENV, INSTALL_ROOT_ENV } from '../../../../platforms/eks/node-bootstrap';
import { hostGvisorArch, tempDir } from '../../../support/eks';
import { command, realComponentsPresent } from '../../../support/real-components';

const execFileAsync = promisify(execFile);
const RELEASE = '20240729.0';
const SHIM = Buffer.from('#!/bin/sh\necho "fake containerd-shim-runsc-v1 $*"\n');

const runscCommand = command('runsc', 'apt-get install -y runsc', ['/usr/bin/runsc', '/usr/sbin/runsc']);
const arch = hostGvisorArch();
const present = realComponentsPresent('runsc install script (test/platforms/eks/node-bootstrap/install-script.test.ts)', [
  runscCommand.missing,
  command('curl', 'apt-get install -y curl').missing,
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
  const script = buildRunscInstallScript({ arch: arch ?? 'x86_64', gvisorRelease: RELEASE });
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
        env: { ...process.env, [INSTALL_ROOT_ENV]: root, [GVISOR_BASE_URL_ENV]: baseUrl, ...env },
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
      `agent-sandbox-infra: installed gVisor ${RELEASE} (${arch}) into ${binDir(root)}: runsc containerd-shim-runsc-v1\n`,
    );
    expect(installed(root)).toEqual(['containerd-shim-runsc-v1', 'runsc']);
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
  });

  test('a failed run keeps the previously installed binaries', async () => {
    const root = newRoot();
    expect((await run(root)).code).toBe(0);
    served.set('runsc', Buffer.from('evil'));
    expect((await run(root)).code).not.toBe(0);
    expect(fs.readFileSync(path.join(binDir(root), 'runsc')).equals(runsc)).toBe(true);
    expect(installed(root)).toEqual(['containerd-shim-runsc-v1', 'runsc']);
  });

  test('plain http to a non-loopback host is refused before any download', async () => {
    const root = newRoot();
    const r = await run(root, { [GVISOR_BASE_URL_ENV]: 'http://storage.example.com/gvisor' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(
      "agent-sandbox-infra: gVisor install failed: refusing gVisor base URL 'http://storage.example.com/gvisor': https is required " +
        '(plain http only on 127.0.0.1, localhost, [::1]); nothing installed\n',
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
  });
});

describe('runsc install script text', () => {
  const script = buildRunscInstallScript({ arch: 'arm64' });
  const code = script.split('\n').filter((l) => !l.trimStart().startsWith('#'));

  test('never restarts, reloads or stops containerd (nodeadm starts it after cloud-init scripts)', () => {
    expect(script).not.toMatch(/systemctl|service\s+containerd|restart|reload|pkill|killall/i);
    expect(code.filter((l) => /containerd/.test(l))).toEqual(['readonly BINARIES=(runsc containerd-shim-runsc-v1)']);
  });

  test('strict mode, pinned https download with retries and --fail, for the aarch64 directory', () => {
    expect(code).toContain('set -euo pipefail');
    expect(script).toContain("readonly GVISOR_ARCH='aarch64'");
    expect(script).toContain('base_url="${AGENT_SANDBOX_INFRA_GVISOR_BASE_URL:-https://storage.googleapis.com/gvisor/releases/release}"');
    expect(script).toContain('root="${AGENT_SANDBOX_INFRA_ROOT:-/}"');
    expect(script).toMatch(/curl --fail .*--proto "\$proto" --proto-redir "\$proto"/);
    expect(script).toContain('--retry 5');
    expect(script).toContain('sha512sum --check --strict');
  });

  test('documents its environment variables in the header', () => {
    const header = script.split('set -euo pipefail')[0];
    expect(header).toContain(`#   ${INSTALL_ROOT_ENV} `);
    expect(header).toContain(`#   ${GVISOR_BASE_URL_ENV} `);
  });

  test('passes bash -n', () => {
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
