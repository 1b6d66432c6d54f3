/**
 * Operating-system errors reach the user as one sentence with the path and the action, exit 1 — produced for real:
 * a full disk is a 2 MiB tmpfs in a private mount namespace, permission denied is a run as `nobody`. Both need root
 * (this machine's test runs have it); without it they are skipped with a warning.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeUnwrappedErrno, errnoWords, FileSystemError, toFileSystemError } from '../../core/system-error';
import { cliProcessArgs, runCli, runCliProcess } from '../support/cli';

const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
const canDropToNobody = isRoot && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;
if (!canUnshare) console.warn('SKIPPED: the real ENOSPC run needs root and unshare -m');
if (!canDropToNobody) console.warn('SKIPPED: the real EACCES run needs root and setpriv');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-syserr-'));
  chmodSync(scratch, 0o755);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

(canUnshare ? test : test.skip)('a full disk: "cannot write <out>/<file>: the disk is full; <out> is unchanged", exit 1', () => {
  const mnt = join(scratch, 'small');
  mkdirSync(mnt);
  const tiny = join(scratch, 'tiny.yaml');
  writeFileSync(tiny, 'kubernetesVersion: "1.36"\n');
  const q = JSON.stringify;
  const node = `${q(process.execPath)} "$@"`;
  const dist = join(mnt, 'dist');
  // In a private mount namespace: a 2 MiB tmpfs, a first synth that fits (kind, no tenants: ~0.9 MB), a second that does
  // not (every platform, ~5 MB). Markers split the script's output.
  const script = [
    `mount -t tmpfs -o size=2m tmpfs ${q(mnt)} || exit 9`,
    `${node} synth --platform kind --config ${q(tiny)} --out ${q(dist)} >/dev/null 2>&1; echo "first=$?"`,
    `ls ${q(dist)} | tr '\\n' ' '; echo`,
    `${node} synth --platform all --out ${q(dist)}; echo "second=$?"`,
    `echo "entries=$(ls -A ${q(mnt)} | tr '\\n' ' ')"`,
    `echo "platforms=$(ls ${q(dist)} | tr '\\n' ' ')"`,
  ].join('\n');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...cliProcessArgs([])], { encoding: 'utf8', timeout: 180_000, env: { ...process.env } });
  expect(r.stdout).toContain('first=0');
  expect(r.stdout).toContain('second=1');
  expect(r.stderr).toMatch(new RegExp(`^agent-sandbox-infra: cannot write ${dist.replace(/[/.]/g, '\\$&')}/[a-z-]+/[0-9a-z-]+\\.yaml: the disk is full; ${dist.replace(/[/.]/g, '\\$&')} is unchanged\\n$`));
  // The failed run left nothing behind, and the previous output is still there, whole.
  expect(r.stdout).toMatch(/^entries=\.dist\.gen-\S+ dist $/m);
  expect(r.stdout).toMatch(/^platforms=kind $/m);
}, 180_000);

(canDropToNobody ? test : test.skip)('permission denied: "cannot write <out>: permission denied (creating its lock file …)", exit 1', async () => {
  const locked = join(scratch, 'root-only');
  mkdirSync(locked, { mode: 0o755 });
  const out = join(locked, 'dist');
  const r = await runCliProcess(['synth', '--platform', 'eks', '--out', out], {
    command: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    env: { HOME: scratch, XDG_CACHE_HOME: join(scratch, 'nobody-cache') },
  });
  expect(r.stderr).toBe(`agent-sandbox-infra: cannot write ${out}: permission denied (creating its lock file ${join(locked, '.dist.lock')}); ${out} is unchanged\n`);
  expect(r.code).toBe(1);
  expect(readdirSync(locked)).toStrictEqual([]);
}, 120_000);

test('a FIFO or device among the files to validate is a problem line, not a hang', async () => {
  const dir = join(scratch, 'fifo-dir');
  mkdirSync(dir);
  spawnSync('mkfifo', [join(dir, 'pipe.yaml')]);
  const r = await runCliProcess(['validate', 'fifo-dir'], { timeoutMs: 20_000, cwd: scratch });
  expect(r.signal).toBeNull();
  expect(r.stdout).toBe('fifo-dir/pipe.yaml: file: cannot read fifo-dir/pipe.yaml: it is a FIFO (named pipe), not a regular file; give the manifest file as a file\n');
  expect(r.code).toBe(1);
});

test('diff of a missing head names it in words', async () => {
  const r = await runCli(['diff', join(scratch, 'nowhere-a'), join(scratch, 'nowhere-b')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('no such file or directory');
  expect(r.stderr).not.toMatch(/ENOENT/);
});

describe('errno words', () => {
  test.each([
    ['ENOENT', 'no such file or directory'],
    ['ENOSPC', 'the disk is full'],
    ['EACCES', 'permission denied'],
    ['EEXIST', 'it already exists'],
    ['EROFS', 'the file system is read-only'],
  ])('%s: %s', (code, words) => {
    expect(errnoWords(code)).toBe(words);
    const err = Object.assign(new Error(`${code}: raw, write`), { code, syscall: 'write', path: 'dist/eks/x.yaml' });
    expect((toFileSystemError(err, 'write', 'dist/eks/x.yaml') as FileSystemError).message).toBe(`cannot write dist/eks/x.yaml: ${words}`);
    expect(describeUnwrappedErrno(err)).toBe(`cannot write dist/eks/x.yaml: ${words}`);
  });
});
