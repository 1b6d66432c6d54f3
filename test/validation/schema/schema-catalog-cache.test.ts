/**
 * The validator cache is executed code: it lives in a per-user folder, every file carries its cache key and the
 * sha256 of its code in a header line, and anything that does not verify is recompiled, never run.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesSchemaFor } from '../../../core/upstream/pins';
import { sha256Hex } from '../../../core/upstream/store';
import {
  clearCompiledValidators,
  SchemaCatalog,
  validatorCacheDir,
  validatorCacheDirName,
  verifiedValidatorCode,
  withHeader,
} from '../../../validation/schema/schema-catalog';
import { schemaMessages } from '../../../validation/schema/schema-errors';
import { UPSTREAM_DIR } from '../../support/upstream';

const BAD_DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: '3',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', imagePullPolcy: 'Always' }] } },
  },
};
const EXPECTED = [
  { path: 'spec.replicas', message: 'must be integer, got string "3"' },
  { path: 'spec.template.spec.containers[0].imagePullPolcy', message: 'unknown field "imagePullPolcy"' },
];
/** What an attacker would plant: a validator that accepts everything. */
const ACCEPT_ALL = 'module.exports = function validate() { return true; }; module.exports.default = module.exports;';

describe('validator cache', () => {
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-validator-cache-'));
    env = { AGENT_SANDBOX_INFRA_MIRROR: UPSTREAM_DIR, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'cache') };
    clearCompiledValidators();
  });
  afterEach(() => {
    clearCompiledValidators();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Validates BAD_DEPLOYMENT with a fresh catalog (and no validators kept in memory): the messages. */
  const check = (e: NodeJS.ProcessEnv = env, object: Record<string, unknown> = BAD_DEPLOYMENT) => {
    clearCompiledValidators();
    const catalog = new SchemaCatalog({ kubernetes: kubernetesSchemaFor('1.36'), agentSandboxVersion: 'v0.5.6', env: e });
    const lookup = catalog.lookup(object.apiVersion as string, object.kind as string);
    if (lookup.status !== 'found') throw new Error(lookup.message);
    return lookup.validate(object) ? [] : schemaMessages(lookup.validate.errors ?? [], object);
  };
  /** The cached validators (the folder also keeps the index of the Kubernetes definitions: definitions-index.test.ts). */
  const cacheFiles = (e: NodeJS.ProcessEnv = env) =>
    readdirSync(validatorCacheDir(e))
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(validatorCacheDir(e), f));

  test('compiled validators go to <cache>/validators-<uid> (0700), one file per key (0600) with a verified header', () => {
    expect(check()).toStrictEqual(EXPECTED);
    const dir = validatorCacheDir(env);
    expect(dir).toBe(join(scratch, 'cache', `validators-${process.getuid!()}`));
    expect(validatorCacheDirName()).toBe(`validators-${process.getuid!()}`);
    // No shared `validators/` folder: the only validator folder is this user's.
    expect(readdirSync(join(scratch, 'cache')).filter((n) => n.startsWith('validators'))).toStrictEqual([validatorCacheDirName()]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = cacheFiles();
    expect(files).toHaveLength(1);
    expect(statSync(files[0]).mode & 0o777).toBe(0o600);
    const key = files[0].slice(dir.length + 1, -'.js'.length);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const text = readFileSync(files[0], 'utf8');
    const code = verifiedValidatorCode(text, key)!;
    expect(code).toEqual(expect.stringContaining('function validate'));
    expect(text.split('\n')[0]).toBe(`// agent-sandbox-infra validator cache v3 key=${key} sha256=${sha256Hex(code)}`);
  });

  test('a cache hit runs the cached code (the header verifies)', () => {
    check();
    const [file] = cacheFiles();
    const key = file.slice(validatorCacheDir(env).length + 1, -3);
    const marker =
      'module.exports = function validate() { validate.errors = [{ instancePath: "", schemaPath: "#", keyword: "x", params: {}, message: "from the cache" }]; return false; };';
    writeFileSync(file, withHeader(key, marker));
    expect(check()).toStrictEqual([{ path: '', message: 'from the cache, got an object' }]);
  });

  test('a tampered cache file (code changed, header kept) is refused, recompiled and rewritten: validation still catches the problem', () => {
    check();
    const [file] = cacheFiles();
    const key = file.slice(validatorCacheDir(env).length + 1, -3);
    const original = readFileSync(file, 'utf8');
    const header = original.slice(0, original.indexOf('\n') + 1);
    writeFileSync(file, header + ACCEPT_ALL);
    expect(check()).toStrictEqual(EXPECTED);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(verifiedValidatorCode(readFileSync(file, 'utf8'), key)).toBeDefined();
  });

  test('a truncated file, a file without a header and another key\'s valid file are all refused', () => {
    check();
    const [file] = cacheFiles();
    const original = readFileSync(file, 'utf8');
    const otherEnv = { ...env, AGENT_SANDBOX_INFRA_CACHE: join(scratch, 'other') };
    check(otherEnv, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const [foreign] = cacheFiles(otherEnv);
    for (const planted of [original.slice(0, original.length / 2), original.slice(original.indexOf('\n') + 1), ACCEPT_ALL, readFileSync(foreign, 'utf8')]) {
      writeFileSync(file, planted);
      expect(check()).toStrictEqual(EXPECTED);
      expect(readFileSync(file, 'utf8')).toBe(original);
    }
  });

  test('a folder that others can write is neither read nor written: even a validly signed planted file is not run', () => {
    check();
    const dir = validatorCacheDir(env);
    const [file] = cacheFiles();
    const key = file.slice(dir.length + 1, -3);
    writeFileSync(file, withHeader(key, ACCEPT_ALL)); // an attacker who recomputes the hash
    for (const mode of [0o777, 0o770, 0o702]) {
      chmodSync(dir, mode);
      expect(check()).toStrictEqual(EXPECTED);
      expect(readFileSync(file, 'utf8')).toBe(withHeader(key, ACCEPT_ALL)); // not rewritten either
    }
    // A group/world-writable file in a private folder is not run either.
    chmodSync(dir, 0o700);
    chmodSync(file, 0o666);
    expect(check()).toStrictEqual(EXPECTED);
  });

  test('a cache copied from elsewhere into the shared folders (e.g. a restored CI cache of the whole cache dir) is never used', () => {
    check();
    const planted = join(scratch, 'cache', 'validators'); // the pre-v3 shared location
    mkdirSync(planted);
    const [file] = cacheFiles();
    const name = file.slice(validatorCacheDir(env).length + 1);
    cpSync(file, join(planted, name));
    rmSync(validatorCacheDir(env), { recursive: true });
    writeFileSync(join(planted, name), ACCEPT_ALL);
    expect(check()).toStrictEqual(EXPECTED);
    expect(existsSync(join(validatorCacheDir(env), name))).toBe(true);
  });

  test('verifiedValidatorCode: the header must name the key and the sha256 of the code, nothing else', () => {
    const key = 'a'.repeat(64);
    const text = withHeader(key, 'code();\n');
    expect(verifiedValidatorCode(text, key)).toBe('code();\n');
    expect(verifiedValidatorCode(text, 'b'.repeat(64))).toBeUndefined();
    expect(verifiedValidatorCode(`${text}x`, key)).toBeUndefined();
    expect(verifiedValidatorCode(text.replace('cache v3', 'cache v2'), key)).toBeUndefined();
    expect(verifiedValidatorCode('code();', key)).toBeUndefined();
    expect(verifiedValidatorCode('', key)).toBeUndefined();
  });
});
