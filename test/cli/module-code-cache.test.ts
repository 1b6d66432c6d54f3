/**
 * The module code cache (cli/module-code-cache.ts), in processes of their own because it replaces the real
 * `Module.prototype._compile`: modules behave exactly as under Node's own loader, bytecode is offered only to the
 * source it was made from, a damaged cache file is rebuilt, and the built command gives the same output with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MODULE_CODE_CACHE_FOLDER, moduleCodeCacheRefusal } from '../../cli/module-code-cache';
import { privateCacheDirPath } from '../../core/private-cache';
import { realComponentsPresent } from '../support/real-components';

const REPO = resolve(__dirname, '..', '..');

let scratch: string;
let fixture: string;
let cacheRoot: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'asi-module-code-cache-'));
  fixture = join(scratch, 'app');
  cacheRoot = join(scratch, 'cache');
  mkdirSync(fixture);
  writeFixture();
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** a.js requires b.js and reports what a CommonJS module sees; b.js throws on request (line 3) to show its stack. */
function writeFixture(bValue = 1): void {
  writeFileSync(
    join(fixture, 'a.js'),
    [
      "'use strict';",
      "const b = require('./b');",
      'module.exports = {',
      '  thisIsExports: this === module.exports,',
      '  filename: __filename,',
      '  dirname: __dirname,',
      "  resolved: require.resolve('./b'),",
      "  resolvedWithPaths: require.resolve('./b', { paths: [__dirname] }),",
      "  lookupPaths: require.resolve.paths('some-package'),",
      '  mainIsProcessMain: require.main === process.mainModule,',
      "  cacheIsModuleCache: require.cache === require('node:module')._cache,",
      "  extensions: Object.keys(require.extensions),",
      '  parentIsNull: module.parent === null || module.parent === undefined ? null : module.parent.id,',
      '  bValue: b.value(),',
      "  bFrame: (() => { try { b.fail(); } catch (e) { return e.stack.split('\\n')[1].replace(/^ +at /, ''); } })(),",
      '};',
      '',
    ].join('\n'),
  );
  writeFileSync(join(fixture, 'b.js'), `'use strict';\nexports.value = () => ${bValue};\nexports.fail = () => { throw new Error('from b'); };\n`);
  writeFileSync(join(fixture, 'c.js'), "'use strict';\nmodule.exports = 'c';\n");
}

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly out: Record<string, unknown>;
  readonly fromCache: string[];
  readonly fromSource: string[];
}

/** Loads `entries` from the fixture with the hook (or without: `hook: false`), then flushes as the command does. */
function run(entries: readonly string[], options: { hook?: boolean; privateDir?: string } = {}): Run {
  const privateDir = options.privateDir ?? join(cacheRoot, 'private');
  const script = [
    `require(${JSON.stringify(`${REPO}/node_modules/ts-node`)}).register({ swc: true, transpileOnly: true, project: ${JSON.stringify(`${REPO}/tsconfig.json`)} });`,
    `const cache = require(${JSON.stringify(`${REPO}/cli/module-code-cache.ts`)});`,
    `require('node:fs').mkdirSync(${JSON.stringify(privateDir)}, { recursive: true, mode: 0o700 });`,
    options.hook === false ? '' : `cache.enableModuleCodeCache(${JSON.stringify(privateDir)}, 'fixture installation');`,
    '(async () => {',
    `const out = {}; for (const e of ${JSON.stringify(entries)}) out[e] = await require(${JSON.stringify(fixture)} + '/' + e);`,
    'cache.flushModuleCodeCache();',
    `const inFixture = (list) => list.filter((f) => f.startsWith(${JSON.stringify(fixture)})).map((f) => f.slice(${fixture.length + 1}));`,
    'const report = cache.moduleCodeCacheReport();',
    'console.log(JSON.stringify({ out, fromCache: inFixture(report.fromCache), fromSource: inFixture(report.fromSource) }));',
    '})().catch((e) => { console.error(e); process.exit(3); });',
  ].join('\n');
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: scratch });
  const parsed = child.status === 0 ? (JSON.parse(child.stdout) as Omit<Run, 'status' | 'stderr'>) : { out: {}, fromCache: [], fromSource: [] };
  return { status: child.status, stderr: child.stderr, ...parsed };
}

function cacheFile(privateDir = join(cacheRoot, 'private')): string {
  const folder = join(privateDir, MODULE_CODE_CACHE_FOLDER);
  const files = readdirSync(folder);
  expect(files).toHaveLength(1);
  return join(folder, files[0]);
}

test('a module sees what it sees under Node’s own loader: this, __filename, require and its helpers, stack frames', () => {
  const plain = run(['a.js'], { hook: false });
  const first = run(['a.js']);
  const second = run(['a.js']);
  expect(plain.stderr).toBe('');
  expect(plain.out['a.js']).toMatchObject({
    thisIsExports: true,
    filename: join(fixture, 'a.js'),
    resolved: join(fixture, 'b.js'),
    mainIsProcessMain: true,
    cacheIsModuleCache: true,
    bValue: 1,
  });
  expect((plain.out['a.js'] as { bFrame: string }).bFrame).toContain(`${join(fixture, 'b.js')}:3:`);
  for (const hooked of [first, second]) {
    expect(hooked.stderr).toBe('');
    expect(hooked.out).toStrictEqual(plain.out);
  }
  expect(first).toMatchObject({ fromCache: [], fromSource: ['a.js', 'b.js'] });
  expect(second).toMatchObject({ fromCache: ['a.js', 'b.js'], fromSource: [] });
});

test('the cache file is private (0600 in a 0700 folder) and is not rewritten when every module came from it', () => {
  run(['a.js']);
  const file = cacheFile();
  const before = statSync(file);
  expect(before.mode & 0o777).toBe(0o600);
  expect(statSync(join(cacheRoot, 'private', MODULE_CODE_CACHE_FOLDER)).mode & 0o777).toBe(0o700);
  expect(readFileSync(file).subarray(0, 200).toString('latin1')).toMatch(/^# agent-sandbox-infra module code cache v1 key=[0-9a-f]{64} sha256=/);
  expect(run(['a.js']).fromSource).toStrictEqual([]);
  expect(statSync(file).ino).toBe(before.ino);
});

test('a changed module runs its new source, even at the same length (bytecode is offered only to its own source)', () => {
  expect(run(['a.js']).fromSource).toStrictEqual(['a.js', 'b.js']);
  const size = statSync(join(fixture, 'b.js')).size;
  writeFixture(2);
  expect(statSync(join(fixture, 'b.js')).size).toBe(size);
  const changed = run(['a.js']);
  expect(changed.stderr).toBe('');
  expect((changed.out['a.js'] as { bValue: number }).bValue).toBe(2);
  expect(changed).toMatchObject({ fromCache: ['a.js'], fromSource: ['b.js'] });
  expect(run(['a.js'])).toMatchObject({ fromCache: ['a.js', 'b.js'], fromSource: [] });
});

test('a damaged or foreign cache file is never used: the modules compile from source and the file is rebuilt', () => {
  run(['a.js']);
  const file = cacheFile();
  const data = readFileSync(file);
  data[data.length - 10] ^= 0xff;
  writeFileSync(file, data, { mode: 0o600 });
  expect(run(['a.js'])).toMatchObject({ fromCache: [], fromSource: ['a.js', 'b.js'] });
  expect(run(['a.js'])).toMatchObject({ fromCache: ['a.js', 'b.js'], fromSource: [] });
  writeFileSync(file, 'not a cache file\n', { mode: 0o600 });
  const afterJunk = run(['a.js']);
  expect(afterJunk.stderr).toBe('');
  expect(afterJunk).toMatchObject({ fromCache: [], fromSource: ['a.js', 'b.js'] });
});

test('entries of modules a run did not load are kept while their source is unchanged, dropped once it changed', () => {
  run(['c.js']);
  run(['a.js']); // rewrites the file with a.js and b.js, keeping c.js
  expect(run(['c.js'])).toMatchObject({ fromCache: ['c.js'], fromSource: [] });
  run(['a.js']); // nothing new: not rewritten
  writeFileSync(join(fixture, 'b.js'), "'use strict';\nexports.value = () => 3;\nexports.fail = () => { throw new Error('from b'); };\n");
  writeFileSync(join(fixture, 'c.js'), "'use strict';\nmodule.exports = 'C';\n");
  expect(run(['a.js'])).toMatchObject({ fromCache: ['a.js'], fromSource: ['b.js'] }); // rewritten: c.js changed, so dropped
  const c = run(['c.js']);
  expect(c.out['c.js']).toBe('C');
  expect(c).toMatchObject({ fromCache: [], fromSource: ['c.js'] });
});

test('a source that is not a script is left to Node: its error is Node’s own, word for word', () => {
  writeFileSync(join(fixture, 'bad.js'), "'use strict';\nconst = 1;\n");
  const plain = run(['bad.js'], { hook: false });
  const hooked = run(['bad.js']);
  expect(plain.status).not.toBe(0);
  expect(hooked.status).toBe(plain.status);
  const firstLines = (stderr: string) => stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(0, 6);
  expect(firstLines(hooked.stderr)).toStrictEqual(firstLines(plain.stderr));
  expect(hooked.stderr).toContain("SyntaxError: Unexpected token '='");
});

test('ES module syntax in a .js file loads as Node loads it (Node’s own path, not the cache)', () => {
  writeFileSync(join(fixture, 'esm.js'), 'export const x = 1;\n');
  const plain = run(['esm.js'], { hook: false });
  const hooked = run(['esm.js']);
  expect(hooked.status).toBe(plain.status);
  expect(hooked.out).toStrictEqual(plain.out);
  expect(hooked.fromCache).toStrictEqual([]);
  expect(hooked.fromSource).toStrictEqual([]);
});

test('a module that calls import() runs under Node’s own loader, on every run (cached bytecode could not import)', () => {
  writeFileSync(join(fixture, 'imp.js'), "'use strict';\nmodule.exports = import('./c.js').then((m) => m.default + ':' + typeof require('./b').value);\n");
  const plain = run(['imp.js'], { hook: false });
  expect(plain.stderr).toBe('');
  expect(plain.out).toStrictEqual({ 'imp.js': 'c:function' });
  for (const hooked of [run(['imp.js']), run(['imp.js']), run(['imp.js'])]) {
    expect(hooked.stderr).toBe('');
    expect(hooked.out).toStrictEqual(plain.out);
    expect(hooked.fromCache.concat(hooked.fromSource)).not.toContain('imp.js');
  }
  expect([...run(['imp.js']).fromCache].sort()).toStrictEqual(['b.js', 'c.js']); // what it imports and requires is cached as usual
});

test('Node options carried out in Node’s own loader (policy manifests, source maps) keep the hook out', () => {
  expect(moduleCodeCacheRefusal([], undefined, false)).toBeUndefined();
  expect(moduleCodeCacheRefusal(['--max-old-space-size=512'], '--no-warnings', undefined)).toBeUndefined();
  expect(moduleCodeCacheRefusal(['--experimental-policy=policy.json'], undefined, false)).toBe("Node runs with --experimental-policy, which Node's own module loader carries out");
  expect(moduleCodeCacheRefusal([], '--no-warnings --policy-integrity=sha384-abc', false)).toBe("Node runs with --policy-integrity, which Node's own module loader carries out");
  expect(moduleCodeCacheRefusal(['--enable-source-maps'], undefined, true)).toBe("Node runs with --enable-source-maps, which Node's own module loader carries out");
  expect(moduleCodeCacheRefusal([], undefined, true)).toBe("Node runs with source maps on, which Node's own module loader reads");
});

test('two installations never share bytecode: the cache file is keyed by the installation', () => {
  run(['c.js']);
  const script = (installation: string) =>
    `require(${JSON.stringify(`${REPO}/node_modules/ts-node`)}).register({ swc: true, transpileOnly: true, project: ${JSON.stringify(`${REPO}/tsconfig.json`)} });` +
    `console.log(require(${JSON.stringify(`${REPO}/cli/module-code-cache.ts`)}).enableModuleCodeCache(${JSON.stringify(join(cacheRoot, 'private'))}, ${JSON.stringify(installation)}));`;
  const one = spawnSync(process.execPath, ['-e', script('fixture installation')], { encoding: 'utf8' }).stdout.trim();
  const other = spawnSync(process.execPath, ['-e', script('another installation')], { encoding: 'utf8' }).stdout.trim();
  expect(one).toBe(cacheFile());
  expect(other).not.toBe(one);
  expect(other.startsWith(join(cacheRoot, 'private', MODULE_CODE_CACHE_FOLDER))).toBe(true);
});

const BUILT = existsSync(join(REPO, 'build', 'cli', 'main.js')) && existsSync(join(REPO, 'build', 'cli', 'module-code-cache.js'));
const maybeBuilt = realComponentsPresent('the built command with the module code cache (test/cli/module-code-cache.test.ts)', [
  !BUILT && 'build/cli/main.js or build/cli/module-code-cache.js is missing (run `npm install`: prepare builds it)',
])
  ? test
  : test.skip;

maybeBuilt('the built command: the same output with the cache as without, the second run entirely from the cache (Node < 22.1)', () => {
  const env = { ...process.env, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cli-cache'), AGENT_SANDBOX_INFRA_MIRROR: resolve(REPO, process.env.AGENT_SANDBOX_INFRA_MIRROR ?? '../shared/upstream') };
  const synth = (out: string, extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [join(REPO, 'bin', 'agent-sandbox-infra.js'), 'synth', '--platform', 'all', '--out', out], { env: { ...env, ...extra }, encoding: 'utf8' });
  const plain = synth(join(scratch, 'plain'), { NODE_DISABLE_COMPILE_CACHE: '1' });
  expect(plain.stderr).toBe('');
  expect(plain.status).toBe(0);
  const nodeHasOne = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  const folder = join(privateCacheDirPath(env), nodeHasOne ? 'node-compile-cache' : MODULE_CODE_CACHE_FOLDER);
  expect(existsSync(folder)).toBe(false);
  const first = synth(join(scratch, 'first'));
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  expect(readdirSync(folder).length).toBeGreaterThan(0);
  const second = synth(join(scratch, 'second'));
  expect(second.status).toBe(0);
  for (const platform of readdirSync(join(scratch, 'plain'))) {
    for (const file of readdirSync(join(scratch, 'plain', platform))) {
      const expected = readFileSync(join(scratch, 'plain', platform, file), 'utf8');
      expect(readFileSync(join(scratch, 'first', platform, file), 'utf8')).toBe(expected);
      expect(readFileSync(join(scratch, 'second', platform, file), 'utf8')).toBe(expected);
    }
  }
  if (nodeHasOne) return;
  const [file] = readdirSync(folder);
  const written = statSync(join(folder, file));
  expect(written.size).toBeGreaterThan(500_000);
  const third = synth(join(scratch, 'third'));
  expect(third.status).toBe(0);
  expect(statSync(join(folder, file)).ino).toBe(written.ino); // every module came from the cache: nothing to write
});
