/**
 * The layers' import directions (.dependency-cruiser.js, ARCHITECTURE.md) hold for the whole repository, and each
 * rule fires on a file that breaks it (a scratch tree with one offending import per rule).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.js');
const FOLDERS = ['core', 'platforms', 'validation', 'config', 'constructs', 'stacks', 'policy', 'cli', 'imports', 'test', 'bin', 'bench'];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** The violations dependency-cruiser reports for `folders` under `cwd`, with the repository's rules. */
function cruise(cwd: string, folders: readonly string[]): Violation[] {
  const r = spawnSync(process.execPath, [CLI, ...folders, '--config', CONFIG, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (!r.stdout.trim().startsWith('{')) throw new Error(`dependency-cruiser failed (exit ${r.status}):\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('the repository keeps every import rule', () => {
  const violations = cruise(ROOT, FOLDERS).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  expect(violations).toStrictEqual([]);
});

describe('each rule fires', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-layers-'));
    const files: Record<string, string> = {
      // layer: core imports nothing of ours
      'core/low.ts': "import { high } from '../cli/high';\nexport const low = high;\n",
      'cli/high.ts': 'export const high = 1;\n',
      // no-cycles
      'constructs/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'constructs/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      // no platform imports another
      'platforms/one/index.ts': "import { two } from '../two/index';\nexport const one = two;\n",
      'platforms/two/index.ts': 'export const two = 2;\n',
      // Pulumi only in stacks/ and policy/
      'config/pulumi.ts': "import * as pulumi from '@pulumi/pulumi';\nexport const p = pulumi;\n",
      // tests mirror sources: a test folder imports only itself and test/support/
      'test/cli/x.test.ts': "import { y } from '../core/y';\nexport const x = y;\n",
      'test/core/y.ts': 'export const y = 1;\n',
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    // @pulumi/pulumi resolves from the repository's node_modules.
    writeFileSync(join(dir, 'package.json'), '{}');
    spawnSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('on a scratch tree with one offending import per rule', () => {
    const found = cruise(dir, ['core', 'cli', 'constructs', 'platforms', 'config', 'test']).map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`);
    expect(found.sort()).toStrictEqual(
      [
        'layer-core: core/low.ts → cli/high.ts',
        'no-cycles: constructs/a.ts → constructs/b.ts',
        'platforms-independent: platforms/one/index.ts → platforms/two/index.ts',
        'pulumi-only-in-stacks-and-policy: config/pulumi.ts → node_modules/@pulumi/pulumi/index.js',
        'tests-mirror: test/cli/x.test.ts → test/core/y.ts',
      ].sort(),
    );
  });
});
