/** `validate` end to end with a tampered validator cache: the tampering is detected and the problem still reported. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { clearUpstreamMemo } from '../../core/upstream/store';
import { clearCompiledValidators, validatorCacheDirName } from '../../validation/schema/schema-catalog';
import { runCli } from '../support/cli';

const QUOTA = `apiVersion: v1
kind: ResourceQuota
metadata: { name: quota, namespace: apps }
spec:
  hard: { pods: fifty }
`;

describe('agent-sandbox-infra validate with a tampered validator cache', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-validate-cache-'));
    clearUpstreamMemo();
    clearCompiledValidators();
  });
  afterEach(() => {
    clearCompiledValidators();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('a cached validator turned into "accept everything" is refused and recompiled; the problem is still reported', async () => {
    const cache = join(scratch, 'cache');
    const file = join(scratch, 'quota.yaml');
    writeFileSync(file, QUOTA);
    const expected = {
      code: 1,
      stdout: `${relative(process.cwd(), file)}: ResourceQuota apps/quota: spec.hard.pods: must be a Kubernetes quantity like 500m, 1, 512Mi, 2Gi, got "fifty"\n`,
      stderr: '1 objects in 1 files: 1 problem\n',
    };
    expect(await runCli(['validate', file], { AGENT_SANDBOX_INFRA_CACHE: cache })).toStrictEqual(expected);

    const dir = join(cache, validatorCacheDirName());
    const [name] = readdirSync(dir).filter((f) => f.endsWith('.js')); // the validator (its V8 code cache is beside it)
    const original = readFileSync(join(dir, name), 'utf8');
    const header = original.slice(0, original.indexOf('\n') + 1);
    writeFileSync(join(dir, name), `${header}module.exports = function validate() { return true; };`);
    clearCompiledValidators(); // a new process: the next run reads the disk cache

    expect(await runCli(['validate', file], { AGENT_SANDBOX_INFRA_CACHE: cache })).toStrictEqual(expected);
    expect(readFileSync(join(dir, name), 'utf8')).toBe(original); // rewritten from a fresh compile
  });
});
