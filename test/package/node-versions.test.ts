/**
 * Which Node.js each part needs, said once and kept true: `engines` covers the runtime dependencies, the README's
 * table states what the lockfile's packages declare (the package, development, the Pulumi stacks), the workflow
 * runs each job on a Node its part supports, and `npm install` leaves the lockfile unchanged with the npm on PATH
 * and with the npm that ships with Node 20 (10.8.2).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import * as semver from 'semver';
import { realComponentsPresent } from '../support/real-components';

const REPO = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
type LockEntry = { version?: string; engines?: { node?: string } | string[]; dev?: boolean };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
const engines = Object.entries(lock.packages)
  .filter(([key, v]) => key !== '' && !Array.isArray(v.engines) && typeof v.engines?.node === 'string')
  .map(([key, v]) => ({ name: nameOf(key), range: (v.engines as { node: string }).node, dev: v.dev === true }));

/** The Node.js cell of the README table row whose first cell starts with `part`. */
function readmeRange(part: string): string {
  const row = README.split('\n').find((l) => l.startsWith(`| ${part}`));
  if (!row) throw new Error(`README has no Node.js row "${part}"`);
  const cell = row.split(/(?<!\\)\|/)[2].trim();
  return cell.replace(/^`|`$/g, '').replace(/\\\|/g, '|');
}

test('engines covers every runtime dependency, and the README says the same range for the package', () => {
  const runtime = engines.filter((e) => !e.dev);
  expect(runtime.length).toBeGreaterThan(0);
  expect(runtime.filter((e) => !semver.subset(pkg.engines.node, e.range)).map((e) => `${e.name}: ${e.range}`)).toEqual([]);
  expect(readmeRange('the package')).toBe(pkg.engines.node);
  // Not stricter than needed: its floor is the highest floor of a runtime dependency.
  const floor = runtime.map((e) => semver.minVersion(e.range)!).sort(semver.rcompare)[0];
  expect(semver.minVersion(pkg.engines.node)!.major).toBe(floor.major);
});

test('the README states the development range every dev tool accepts, and the Pulumi range @pulumi/pulumi declares', () => {
  const dev = readmeRange('developing this repository');
  const tools = engines.filter((e) => e.name !== '@pulumi/pulumi');
  expect(tools.filter((e) => !semver.subset(dev, e.range)).map((e) => `${e.name}: ${e.range}`)).toEqual([]);
  // …and no stricter: its floor is the highest floor among them.
  const floor = tools.map((e) => semver.minVersion(e.range)!).sort(semver.rcompare)[0];
  expect(semver.minVersion(dev)!.version).toBe(floor.version);
  const pulumi = engines.find((e) => e.name === '@pulumi/pulumi')!;
  expect(readmeRange('Pulumi stacks')).toBe(pulumi.range);
  const version = lock.packages['node_modules/@pulumi/pulumi'].version!;
  expect(README).toContain(`@pulumi/pulumi ${semver.major(version)}.${semver.minor(version)} declares it`);
  expect(README).toContain(`package: '@pulumi/pulumi@${version}', required: { node: '${pulumi.range}' }`);
});

test('the workflow runs each job on a Node.js its part supports', () => {
  const wf = load(readFileSync(join(REPO, '.github/workflows/preview.yml'), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
  const nodeOf = (job: string) => String(wf.jobs[job].steps.find((s) => s.uses?.startsWith('actions/setup-node'))!.with!['node-version']);
  const latest = (major: string) => `${major}.99.99`;
  for (const job of ['checks', 'manifest-diff']) {
    expect(semver.satisfies(latest(nodeOf(job)), readmeRange('developing this repository'))).toBe(true);
    expect(semver.satisfies(latest(nodeOf(job)), pkg.engines.node)).toBe(true);
  }
  expect(semver.satisfies(latest(nodeOf('pulumi-preview')), readmeRange('Pulumi stacks'))).toBe(true);
});

/** The npm that ships with Node 20, the oldest Node the package supports (GitHub's setup-node 20 brings it). */
const NPM_OF_NODE_20 = '10.8.2';
const npx = spawnSync('npx', ['--yes', `npm@${NPM_OF_NODE_20}`, '--version'], { encoding: 'utf8', timeout: 120_000 });
const npm10Present = realComponentsPresent(`the lockfile under npm ${NPM_OF_NODE_20} (test/package/node-versions.test.ts)`, [
  (npx.status !== 0 || npx.stdout.trim() !== NPM_OF_NODE_20) && `npx cannot run npm@${NPM_OF_NODE_20} (npm registry or cache unreachable: ${(npx.stderr || npx.error?.message || '').trim().split('\n')[0]})`,
]);

describe('npm install leaves package-lock.json unchanged', () => {
  const check = (npm: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'asi-lock-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, f), join(dir, f));
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      const r = spawnSync(npm[0], [...npm.slice(1), 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(r.stderr).not.toMatch(/npm error/);
      expect(r.status).toBe(0);
      return readFileSync(join(dir, 'package-lock.json'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const committed = readFileSync(join(REPO, 'package-lock.json'), 'utf8');

  test('with the npm on PATH', () => {
    expect(check(['npm'])).toBe(committed);
  }, 300_000);

  (npm10Present ? test : test.skip)(`with npm ${NPM_OF_NODE_20} (Node 20's)`, () => {
    expect(check(['npx', '--yes', `npm@${NPM_OF_NODE_20}`])).toBe(committed);
  }, 300_000);
});
