/**
 * The command's process set-up (cli/start-up.ts): Node's compile cache, or where Node has none our module code cache,
 * goes into the private cache folder or stays off, never throwing; zod runs without its JIT in the command's process, with the same results.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { configureZodForOneParse, enableModuleCompileCache, flushModuleCompileCache, type CompileCacheHost } from '../../cli/start-up';
import { privateCacheDirPath } from '../../core/private-cache';
import { validateConfig, ConfigError } from '../../config/validate';
import { EXAMPLE_CONFIG } from '../../config/example';

const REPO = resolve(__dirname, '..', '..');

describe('Node compile cache', () => {
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-start-up-'));
    env = { AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const host = (status: number, extra: { message?: string; directory?: string } = {}) => {
    const calls: string[] = [];
    const h: CompileCacheHost = {
      enableCompileCache: (directory: string) => {
        calls.push(directory);
        return { status, ...extra };
      },
    };
    return { h, calls };
  };

  test('enabled in <private cache>/node-compile-cache where Node has module.enableCompileCache', () => {
    const { h, calls } = host(1, { directory: join(privateCacheDirPath(env), 'node-compile-cache') });
    const result = enableModuleCompileCache(env, h);
    expect(calls).toStrictEqual([join(privateCacheDirPath(env), 'node-compile-cache')]);
    expect(result).toStrictEqual({ enabled: true, kind: 'node', directory: join(privateCacheDirPath(env), 'node-compile-cache') });
  });

  test('a cache Node had enabled already (NODE_COMPILE_CACHE) is reported with its folder', () => {
    const { h } = host(2, { directory: '/elsewhere/node-cache' });
    expect(enableModuleCompileCache(env, h)).toStrictEqual({ enabled: true, kind: 'node', directory: '/elsewhere/node-cache' });
  });

  /** Stands in for cli/module-code-cache.ts here: the real hook would replace this test process's module loader. */
  const installer = () => {
    const calls: string[] = [];
    const install = (privateDir: string) => {
      calls.push(privateDir);
      return join(privateDir, 'module-code-cache', 'key.v8');
    };
    return { install, calls };
  };

  test('without Node’s cache (Node < 22.1): our module code cache, in <private cache>/module-code-cache', () => {
    const { install, calls } = installer();
    expect(enableModuleCompileCache(env, {}, install)).toStrictEqual({ enabled: true, kind: 'module-code-cache', directory: join(privateCacheDirPath(env), 'module-code-cache') });
    expect(calls).toStrictEqual([privateCacheDirPath(env)]);
  });

  test('Node options our hook cannot honour (policy, source maps) keep it off; Node’s own cache is not affected', () => {
    const { install, calls } = installer();
    expect(enableModuleCompileCache(env, {}, install, { execArgv: ['--enable-source-maps'], sourceMapsEnabled: true })).toStrictEqual({ enabled: false, reason: "Node runs with --enable-source-maps, which Node's own module loader carries out" });
    expect(enableModuleCompileCache({ ...env, NODE_OPTIONS: '--experimental-policy=p.json' }, {}, install, { execArgv: [] })).toStrictEqual({ enabled: false, reason: "Node runs with --experimental-policy, which Node's own module loader carries out" });
    expect(calls).toStrictEqual([]);
    const { h } = host(1, { directory: join(privateCacheDirPath(env), 'node-compile-cache') });
    expect(enableModuleCompileCache(env, h, install, { execArgv: ['--enable-source-maps'], sourceMapsEnabled: true })).toMatchObject({ enabled: true, kind: 'node' });
  });

  test('NODE_DISABLE_COMPILE_CACHE turns our cache off as it turns off Node’s; a failing install only leaves it off', () => {
    const { install, calls } = installer();
    expect(enableModuleCompileCache({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' }, {}, install)).toStrictEqual({ enabled: false, reason: 'NODE_DISABLE_COMPILE_CACHE is set' });
    expect(calls).toStrictEqual([]);
    const failing = () => {
      throw new Error('EACCES: permission denied, mkdir');
    };
    expect(enableModuleCompileCache(env, {}, failing)).toStrictEqual({ enabled: false, reason: 'EACCES: permission denied, mkdir' });
  });

  test('off with Node refusing or throwing: never an error', () => {
    expect(enableModuleCompileCache(env, host(0, { message: 'Cannot create cache directory: EACCES' }).h)).toStrictEqual({ enabled: false, reason: 'Cannot create cache directory: EACCES' });
    expect(enableModuleCompileCache(env, host(3).h)).toStrictEqual({ enabled: false, reason: 'module.enableCompileCache returned status 3' });
    const throwing: CompileCacheHost = {
      enableCompileCache: () => {
        throw new Error('boom');
      },
    };
    expect(enableModuleCompileCache(env, throwing)).toStrictEqual({ enabled: false, reason: 'boom' });
    expect(() => flushModuleCompileCache({ flushCompileCache: () => { throw new Error('disk full'); } })).not.toThrow();
  });

  test('a cache folder others can write is never handed to Node (whoever writes bytecode chooses the code that runs)', () => {
    const dir = privateCacheDirPath(env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o777);
    const { h, calls } = host(1);
    expect(enableModuleCompileCache(env, h)).toStrictEqual({ enabled: false, reason: 'no private cache folder' });
    expect(calls).toStrictEqual([]);
    const ours = installer();
    expect(enableModuleCompileCache(env, {}, ours.install)).toStrictEqual({ enabled: false, reason: 'no private cache folder' });
    expect(ours.calls).toStrictEqual([]);
  });

  test('this Node, in its own process: the real module object is asked, and the answer matches what it offers', () => {
    const script =
      `require(${JSON.stringify(`${REPO}/node_modules/ts-node`)}).register({ swc: true, transpileOnly: true, project: ${JSON.stringify(`${REPO}/tsconfig.json`)} });` +
      `const m = require('node:module');` +
      `const r = require(${JSON.stringify(`${REPO}/cli/start-up.ts`)}).enableModuleCompileCache();` +
      `console.log(JSON.stringify({ offered: typeof m.enableCompileCache === 'function', r }));`;
    const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env, NODE_COMPILE_CACHE: '' }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const { offered, r } = JSON.parse(child.stdout) as { offered: boolean; r: { enabled: boolean; kind?: string; directory?: string } };
    expect(r).toStrictEqual(
      offered
        ? { enabled: true, kind: 'node', directory: join(privateCacheDirPath(env), 'node-compile-cache') }
        : { enabled: true, kind: 'module-code-cache', directory: join(privateCacheDirPath(env), 'module-code-cache') },
    );
  });
});

describe('zod without its JIT', () => {
  const before = { ...z.config() };
  afterEach(() => z.config({ jitless: before.jitless }));

  test('configureZodForOneParse sets jitless; the example and a wrong config give the same results as with the JIT', () => {
    const wrong = { ...EXAMPLE_CONFIG, tenants: [{ name: 'Bad_Name', sandboxes: 'x' }] };
    const outcome = (raw: unknown) => {
      try {
        return { config: validateConfig(raw) };
      } catch (err) {
        if (err instanceof ConfigError) return { problems: err.problems };
        throw err;
      }
    };
    const withJit = [outcome(EXAMPLE_CONFIG), outcome(wrong)];
    configureZodForOneParse();
    expect(z.config().jitless).toBe(true);
    const withoutJit = [outcome(EXAMPLE_CONFIG), outcome(wrong)];
    expect(withoutJit).toStrictEqual(withJit);
    expect(withJit[1].problems!.length).toBeGreaterThan(0);
  });
});
