/**
 * The root export is the curated public API: its declarations, compiled as the package ships them (TypeScript 5.9,
 * tsconfig.build.json), reach no dependency's types but cdk8s', constructs' and Node's (so a stock cdk8s app with
 * skipLibCheck off compiles), and API Extractor's report of them equals etc/agent-sandbox-infra.api.md. After an
 * intended API change: `npm run api` writes the report; review its diff like code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Extractor, ExtractorConfig, type ExtractorMessage } from '@microsoft/api-extractor';

const REPO = resolve(__dirname, '../..');
const REPORT = join(REPO, 'etc', 'agent-sandbox-infra.api.md');
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'asi-api-'));
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', join(out, 'build')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(tsc.stdout + tsc.stderr).toBe('');
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every declaration file the entry point reaches, and the packages they import. */
function reachable(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const next = [`${base}.d.ts`, join(base, 'index.d.ts')].find(existsSync);
      if (!next) throw new Error(`${relative(out, file)} imports ${spec}, which has no declaration file`);
      visit(next);
    }
  };
  visit(entry);
  return { files: [...files], packages };
}

test("the public declarations reach no dependency's types (zod, ajv, the CEL library…), only cdk8s, constructs and Node", () => {
  const { files, packages } = reachable(join(out, 'build/constructs/index.d.ts'));
  expect(files.length).toBeGreaterThan(20);
  expect([...packages].sort()).toEqual(['cdk8s', 'constructs']);
});

test('the API report is unchanged (etc/agent-sandbox-infra.api.md; `npm run api` updates it)', () => {
  const config = ExtractorConfig.prepare({
    configObject: {
      ...(ExtractorConfig.loadFile(join(REPO, 'api-extractor.json')) as object),
      projectFolder: REPO,
      mainEntryPointFilePath: join(out, 'build/constructs/index.d.ts'),
      compiler: { overrideTsconfig: { compilerOptions: { types: ['node'], strict: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node10', lib: ['ES2022'] }, files: [join(out, 'build/constructs/index.d.ts')] } },
      apiReport: { enabled: true, reportFolder: join(REPO, 'etc'), reportTempFolder: out },
    },
    configObjectFullPath: join(REPO, 'api-extractor.json'),
    packageJsonFullPath: join(REPO, 'package.json'),
  });
  const messages: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: false,
    messageCallback: (m: ExtractorMessage) => {
      if (m.logLevel === 'error') messages.push(m.formatMessageWithoutLocation());
      m.handled = true;
    },
  });
  const written = join(out, 'agent-sandbox-infra.api.md');
  // On a difference, the whole changed report is in the failure: compare it with the committed one.
  if (result.apiReportChanged) expect(readFileSync(written, 'utf8')).toBe(readFileSync(REPORT, 'utf8'));
  expect(messages).toEqual([]);
  expect(result.apiReportChanged).toBe(false);
}, 120_000);
