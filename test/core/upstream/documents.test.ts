import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { load } from 'js-yaml';
import { AGENT_SANDBOX_RELEASES } from '../../../core/upstream/pins';
import { sha256Hex } from '../../../core/upstream/store';
import { UPSTREAM_DIR } from '../../support/upstream';

describe('pinned CRD parsing', () => {
  test.each(AGENT_SANDBOX_RELEASES['v0.5.6'].crds.map((c) => [c.crdName, c] as const))('%s: js-yaml, YAML 1.1 and the pinned parsed hash agree', (_name, pin) => {
    const text = readFileSync(join(UPSTREAM_DIR, pin.relativePath), 'utf8');
    const fast = load(text);
    expect(parse(text, { version: '1.1' })).toStrictEqual(fast);
    expect(sha256Hex(JSON.stringify(fast))).toBe(pin.parsedSha256);
  });
});
