/**
 * Every TypeScript block in the README and in docs/constructs.md is compiled (strict, against the package's public
 * entry points) and run: what a reader copies works as written. `agent-sandbox-infra` resolves to constructs/index.ts,
 * the entry the package ships, and `agent-sandbox-infra/pulumi` to stacks/pulumi.ts; each cdk8s block runs in a
 * scratch folder (its `app.synth()` writes dist/ there) and what it wrote validates. A block of a Pulumi program is
 * compiled only: running it needs the Pulumi engine (the Pulumi tier runs those components for real).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { runCli } from '../support/cli';

const REPO = resolve(__dirname, '../..');
const ENTRY = join(REPO, 'constructs/index.ts');
const PULUMI_ENTRY = join(REPO, 'stacks/pulumi.ts');
const PAGES = ['README.md', 'docs/constructs.md'];
/** Inside the repository, so the blocks' `cdk8s` and `constructs` imports resolve as in an app that installed them. */
const SCRATCH = join(REPO, 'node_modules', '.cache');
const scratch = (prefix: string) => {
  mkdirSync(SCRATCH, { recursive: true });
  return mkdtempSync(join(SCRATCH, prefix));
};

/** ```ts / ```typescript blocks of each page, with the page and the line each starts on. */
const blocks = PAGES.flatMap((page) => {
  const text = readFileSync(join(REPO, page), 'utf8');
  return [...text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((m) => ({
    page,
    code: m[1],
    line: text.slice(0, m.index).split('\n').length + 1,
  }));
});
const isPulumiProgram = (code: string) => code.includes("from 'agent-sandbox-infra/pulumi'");
const cdk8sBlocks = blocks.filter((b) => !isPulumiProgram(b.code));

test('the pages have their TypeScript blocks, each a complete program that imports what it uses', () => {
  for (const page of PAGES) expect(blocks.filter((b) => b.page === page).length).toBeGreaterThanOrEqual(2);
  for (const b of blocks) expect(b.code).toMatch(/from 'agent-sandbox-infra(\/pulumi)?';/);
  for (const b of cdk8sBlocks) expect(b.code).toMatch(/app\.synth\(\);/);
});

test('every block compiles (strict), against the public entry point only', () => {
  const dir = scratch('asi-readme-ts-');
  try {
    const files = blocks.map((b) => {
      const file = join(dir, `${b.page.replace(/\W/g, '-')}-line-${b.line}.ts`);
      writeFileSync(file, b.code);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ['node'],
      typeRoots: [join(REPO, 'node_modules/@types')],
      baseUrl: REPO,
      paths: { 'agent-sandbox-infra': [ENTRY], 'agent-sandbox-infra/pulumi': [PULUMI_ENTRY] },
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName));
    const text = diagnostics.map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const block = blocks[files.indexOf(d.file!.fileName)];
      return `${block.page}:${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(text).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

describe('every block runs', () => {
  test.each(cdk8sBlocks.map((b) => [b.page, b.line, b.code] as const))('%s line %i: runs, synthesizes, and what it wrote validates', async (_page, _line, code) => {
    const dir = scratch('asi-readme-run-');
    const cwd = process.cwd();
    try {
      // CommonJS, as the compiled app runs (the folder is under node_modules, which jest does not transform).
      const file = join(dir, 'example.js');
      const source = code.replace(/from 'agent-sandbox-infra'/g, `from ${JSON.stringify(ENTRY)}`);
      writeFileSync(file, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
      process.chdir(dir);
      jest.isolateModules(() => {
        require(file); // eslint-disable-line @typescript-eslint/no-require-imports
      });
      process.chdir(cwd);
      const written = readdirSync(join(dir, 'dist'));
      expect(written.length).toBeGreaterThan(0);
      const validate = await runCli(['validate', join(dir, 'dist')]);
      expect(validate.stdout).toBe('');
      expect(validate.code).toBe(0);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
