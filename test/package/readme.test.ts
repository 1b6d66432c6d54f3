/**
 * The README stays a page for users (issue 16: at most 250 lines, the detail in docs/), and what it keeps is true:
 * the first two commands open it, its per-cloud `pulumi` commands are the ones docs/deploy-with-pulumi.md walks
 * through (and checks against the program in test/stacks/program/deploy-docs.test.ts), and its configuration
 * example is a config `synth` accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLATFORMS } from '../../platforms';
import { runCli } from '../support/cli';
import { useScratchDir } from '../support/scratch';

const REPO = resolve(__dirname, '../..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const DEPLOY_DOC = readFileSync(join(REPO, 'docs/deploy-with-pulumi.md'), 'utf8');

/** The text of `## heading` up to the next `## `. */
const section = (text: string, heading: string) => {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};
/** The commands of a text's ```sh blocks: each line split at `&&`, comments dropped. */
const shellCommands = (text: string) =>
  [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
    .flatMap((m) => m[1].split('\n'))
    .map((l) => l.replace(/\s+#.*$/, ''))
    .flatMap((l) => l.split(' && '))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

test('README.md is at most 250 lines', () => {
  expect(README.split('\n').length - (README.endsWith('\n') ? 1 : 0)).toBeLessThanOrEqual(250);
});

test('the first two commands open it: install + synth of every platform, then the tests', () => {
  const first = /^```sh\n([\s\S]*?)^```$/m.exec(README)!;
  expect(README.slice(0, first.index).split('\n').length).toBeLessThanOrEqual(6);
  expect(shellCommands(first[0])).toStrictEqual(['npm install', 'npm run synth', 'npm test']);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.synth).toMatch(/ synth --platform all$/);
});

describe('Deploy with Pulumi: a stack per cloud, with the commands docs/deploy-with-pulumi.md gives', () => {
  const readme = shellCommands(section(README, 'Deploy with Pulumi'));
  const documented = new Set(shellCommands(DEPLOY_DOC));

  test.each(['gke-standard', 'eks', 'aks', 'kubernetes'])('pulumi stack init %s', (stack) => {
    expect(readme).toContain(`pulumi stack init ${stack}`);
  });

  test('every pulumi command of the README is one the guide runs', () => {
    const pulumi = readme.filter((c) => c.startsWith('pulumi ') || c.startsWith('npx '));
    expect(pulumi.length).toBeGreaterThanOrEqual(12);
    expect(pulumi.filter((c) => !documented.has(c))).toStrictEqual([]);
  });
});

describe('the configuration example', () => {
  const scratch = useScratchDir('asi-readme-config-');

  test('synthesizes for every platform without a problem or a warning', async () => {
    const yaml = /^```yaml\n([\s\S]*?)^```$/m.exec(section(README, 'Configuration file'))![1];
    const config = scratch.write('config.yaml', yaml);
    const run = await runCli(['synth', '--platform', 'all', '--config', config.path, '--out', join(scratch.path(), 'dist')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`synthesized ${config.path} into `);
    expect(readdirSync(join(scratch.path(), 'dist')).sort()).toStrictEqual([...PLATFORMS].sort());
  });
});
