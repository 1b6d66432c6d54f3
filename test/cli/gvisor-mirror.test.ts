/**
 * `gvisor-mirror` against a loopback HTTP server serving a fake release: the copy has the bucket's layout, every
 * payload is checked against the digests given with --sha512 (or, only with --accept-bucket-checksums, its .sha512)
 * before anything is written, and the node's real install script installs
 * from the copy (through its base-URL override) exactly as from the bucket.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gvisorMirror } from '../../cli/gvisor-mirror';
import { main } from '../../cli/main';
import { buildRunscInstallScript, GVISOR_BASE_URL_ENV, GVISOR_RELEASE, INSTALL_ROOT_ENV, CONSOLE_ENV } from '../../platforms/eks/node-bootstrap';
import { hostGvisorArch, tempDir } from '../support/eks';

const run = promisify(execFile);
const arch = hostGvisorArch() ?? 'x86_64';

function sha512Line(data: Buffer, name: string): Buffer {
  return Buffer.from(`${createHash('sha512').update(data).digest('hex')}  ${name}\n`);
}

describe('agent-sandbox-infra gvisor-mirror', () => {
  let work: string;
  let server: http.Server;
  let base: string;
  let digest: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    work = tempDir('gvisor-mirror-');
    // A tarball like the release's: runsc, the shim, gvisor-bin/.
    const src = path.join(work, 'src');
    fs.mkdirSync(path.join(src, 'gvisor-bin'), { recursive: true });
    fs.writeFileSync(path.join(src, 'runsc'), '#!/bin/sh\necho runsc\n');
    fs.writeFileSync(path.join(src, 'containerd-shim-runsc-v1'), '#!/bin/sh\necho shim\n');
    fs.writeFileSync(path.join(src, 'gvisor-bin', 'sidecar'), 'x');
    await run('tar', ['-cjf', path.join(work, 'gvisor.tar.bz2'), '-C', src, 'runsc', 'containerd-shim-runsc-v1', 'gvisor-bin']);
    const tarball = fs.readFileSync(path.join(work, 'gvisor.tar.bz2'));
    digest = createHash('sha512').update(tarball).digest('hex');
    for (const a of ['x86_64', 'aarch64']) {
      served.set(`/release/${GVISOR_RELEASE}/${a}/gvisor.tar.bz2`, tarball);
      served.set(`/release/${GVISOR_RELEASE}/${a}/gvisor.tar.bz2.sha512`, sha512Line(tarball, 'gvisor.tar.bz2'));
    }
    server = http.createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/release`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  test('copies both architectures into the bucket layout; the install script installs from the copy', async () => {
    const to = path.join(work, 'mirror');
    const r = await cli(['gvisor-mirror', '--to', to, '--from', base, '--sha512', `x86_64=${digest}`, `aarch64=${digest}`]);
    expect(r.err).toBe('');
    expect(r.out).not.toContain('warning');
    expect(r.code).toBe(0);
    const files = ['x86_64', 'aarch64'].flatMap((a) => ['gvisor.tar.bz2', 'gvisor.tar.bz2.sha512'].map((f) => path.join(GVISOR_RELEASE, a, f)));
    for (const f of files) expect(fs.readFileSync(path.join(to, f)).equals(served.get(`/release/${f}`)!)).toBe(true);
    expect(r.out).toContain(`aws s3 sync ${to} s3://<bucket>/gvisor/releases/release`);
    expect(fs.readdirSync(to)).toEqual([GVISOR_RELEASE]); // no staging leftovers

    // The node side: serve the mirror folder and run the real install script against it.
    const mirrorServer = http.createServer((req, res) => {
      const file = path.join(to, decodeURIComponent((req.url ?? '').replace(/^\/gvisor\//, '')));
      res.writeHead(fs.existsSync(file) ? 200 : 404).end(fs.existsSync(file) ? fs.readFileSync(file) : 'not found');
    });
    await new Promise<void>((res) => mirrorServer.listen(0, '127.0.0.1', res));
    try {
      const root = path.join(work, 'node');
      fs.mkdirSync(root);
      const script = path.join(work, 'install.sh');
      const anchor = { gvisorSha512: { [GVISOR_RELEASE]: { [arch]: digest } } };
      fs.writeFileSync(script, buildRunscInstallScript({ arch, gvisorBaseUrl: 's3://acme-gvisor/gvisor/releases/release', ...anchor }));
      const url = `http://127.0.0.1:${(mirrorServer.address() as AddressInfo).port}/gvisor`;
      const installed = await run('bash', [script], { env: { ...process.env, [INSTALL_ROOT_ENV]: root, [GVISOR_BASE_URL_ENV]: url, [CONSOLE_ENV]: path.join(root, 'console') } });
      expect(installed.stdout).toContain(`installed gVisor ${GVISOR_RELEASE} (${arch})`);
      expect(fs.readdirSync(path.join(root, 'usr/local/bin')).sort()).toEqual(['containerd-shim-runsc-v1', 'gvisor-bin', 'runsc']);
    } finally {
      await new Promise((res) => mirrorServer.close(res));
    }
  });

  test('a payload that does not match its published sha512: refused, nothing written', async () => {
    const to = path.join(work, 'bad');
    served.set(`/release/${GVISOR_RELEASE}/aarch64/gvisor.tar.bz2.sha512`, sha512Line(Buffer.from('other'), 'gvisor.tar.bz2'));
    try {
      const r = await cli(['gvisor-mirror', '--to', to, '--from', base, '--accept-bucket-checksums']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`sha512 mismatch for ${base.replace(/[./]/g, '\\$&')}/${GVISOR_RELEASE}/aarch64/gvisor\\.tar\\.bz2: published [0-9a-f]{128}, got [0-9a-f]{128}; nothing written`));
      expect(fs.existsSync(path.join(to, GVISOR_RELEASE))).toBe(false);
    } finally {
      served.set(`/release/${GVISOR_RELEASE}/aarch64/gvisor.tar.bz2.sha512`, sha512Line(served.get(`/release/${GVISOR_RELEASE}/aarch64/gvisor.tar.bz2`)!, 'gvisor.tar.bz2'));
    }
  });

  test('the bucket attacker (tarball and .sha512 both replaced) is refused with --sha512; copied, with a warning, only with --accept-bucket-checksums', async () => {
    const evil = Buffer.from('not a gVisor tarball');
    const key = `/release/${GVISOR_RELEASE}/x86_64/gvisor.tar.bz2`;
    const saved = [served.get(key)!, served.get(`${key}.sha512`)!];
    served.set(key, evil);
    served.set(`${key}.sha512`, sha512Line(evil, 'gvisor.tar.bz2'));
    try {
      const pinned = await cli(['gvisor-mirror', '--to', path.join(work, 'pinned'), '--from', base, '--arch', 'x86_64', '--sha512', `x86_64=${digest}`]);
      expect(pinned.code).toBe(1);
      expect(pinned.err).toContain(`sha512 mismatch for ${base}/${GVISOR_RELEASE}/x86_64/gvisor.tar.bz2: --sha512 gives ${digest}, got `);
      expect(fs.existsSync(path.join(work, 'pinned', GVISOR_RELEASE))).toBe(false);
      const accepted = await cli(['gvisor-mirror', '--to', path.join(work, 'accepted'), '--from', base, '--arch', 'x86_64', '--accept-bucket-checksums']);
      expect(accepted.code).toBe(0);
      expect(fs.readFileSync(path.join(work, 'accepted', GVISOR_RELEASE, 'x86_64', 'gvisor.tar.bz2')).equals(evil)).toBe(true);
      expect(accepted.out).toContain(
        `warning: --accept-bucket-checksums: gVisor ${GVISOR_RELEASE} (x86_64) is verified only against the .sha512 files from the same location as the binaries`,
      );
    } finally {
      served.set(key, saved[0]);
      served.set(`${key}.sha512`, saved[1]);
    }
  });

  test('no trust anchor: refused before anything is fetched, naming what to pass', async () => {
    let fetched = 0;
    const r = await gvisorMirror({ to: path.join(work, 'none'), from: base, sha512: [`x86_64=${'a'.repeat(128)}`], download: async () => (fetched++, Buffer.alloc(0)) }).catch((e: Error) => e);
    expect((r as Error).message).toContain(
      `--sha512: no digest for gVisor ${GVISOR_RELEASE} aarch64: the .sha512 files sit in the same bucket as the payload, so whoever can replace one can ` +
        `replace the other; give --sha512 aarch64=<sha512 of gvisor.tar.bz2> with digests obtained independently of the bucket, or --accept-bucket-checksums`,
    );
    const malformed = await gvisorMirror({ to: path.join(work, 'none'), from: base, sha512: ['x86_64=XYZ', 'arm64=abc', 'junk'], download: async () => (fetched++, Buffer.alloc(0)) }).catch((e: Error) => e);
    expect((malformed as Error).message).toContain('--sha512: "junk" is not <arch>=<sha512> or <arch>/<file>=<sha512>');
    const shapes = await gvisorMirror({ to: path.join(work, 'none'), from: base, sha512: ['x86_64=XYZ', 'arm64=abc'], download: async () => (fetched++, Buffer.alloc(0)) }).catch((e: Error) => e);
    expect((shapes as Error).message.split('\n').slice(1)).toEqual([
      `  --sha512 x86_64.gvisor.tar.bz2: "XYZ" is not a sha512 digest; use 128 lowercase hex digits (sha512sum's first column)`,
      '  --sha512 arm64: "arm64" is not a gVisor architecture; use x86_64 or aarch64 (the release directory names)',
    ]);
    expect(fetched).toBe(0);
  });

  test('every bad input at once, before anything is fetched', async () => {
    const r = await cli(['gvisor-mirror', '--to', path.join(work, 'x'), '--release', 'latest', '--arch', 'arm64,x86_64', '--from', 'http://mirror.example.com/g']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--release: "latest" is not pinned');
    expect(r.err).toContain('--arch: "arm64" is not a gVisor architecture; use x86_64, aarch64');
    expect(r.err).toContain('--from: "http://mirror.example.com/g" must be an https:// URL');
  });
});
