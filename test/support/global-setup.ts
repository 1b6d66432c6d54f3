/**
 * Jest global setup: one complete mirror for every test. The shared mirror (../shared/upstream, or
 * AGENT_SANDBOX_INFRA_MIRROR) holds the older pins; pins newer than it (agent-sandbox v1.0.3, the Kubernetes 1.37
 * schema) are in the cache that `npm test`'s pretest step fills (`fetch-upstream --if-missing`: HTTPS, else the Go
 * module proxy). The tests read one folder laid out like ../shared/upstream with all of them, as CI would with a
 * complete mirror, so a test that copies or empties "the mirror" means the same thing whatever the machine.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { allUpstreamFiles } from '../../core/upstream/pins';
import { cacheDir, MIRROR_ENV } from '../../core/upstream/store';

function linkTree(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    if (statSync(source).isDirectory()) {
      mkdirSync(target, { recursive: true });
      linkTree(source, target);
    } else if (!existsSync(target)) {
      // Copies, not links: a test that tampers with its own copy of the mirror must never reach the originals.
      copyFileSync(source, target);
    }
  }
}

export default function globalSetup(): void {
  const root = resolve(__dirname, '../..');
  const shared = resolve(process.env[MIRROR_ENV] ?? join(root, '..', 'shared', 'upstream'));
  const files = allUpstreamFiles();
  const key = createHash('sha256').update(JSON.stringify([shared, files.map((f) => f.sha256)])).digest('hex').slice(0, 12);
  const mirror = join(tmpdir(), `agent-sandbox-infra-test-mirror-${key}`);
  if (existsSync(shared)) linkTree(shared, (mkdirSync(mirror, { recursive: true }), mirror));
  const missing: string[] = [];
  for (const file of files) {
    const target = join(mirror, file.relativePath);
    if (existsSync(target)) continue;
    const cached = join(cacheDir(), file.relativePath);
    if (!existsSync(cached)) {
      missing.push(file.relativePath);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(cached, target);
  }
  if (missing.length) {
    throw new Error(
      `the tests need every pinned upstream file; missing from ${shared} and from the cache ${cacheDir()}: ${missing.join(', ')}. ` +
        'Run `node bin/agent-sandbox-infra.js fetch-upstream --if-missing` (npm test does it first).',
    );
  }
  process.env[MIRROR_ENV] = mirror;
}
