import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/upstream';

describe('npm run import', () => {
  test('regenerating imports/ from the pinned files gives the committed files byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'asi-imports-'));
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', 'bin/import-types.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, AGENT_SANDBOX_INFRA_IMPORT_OUT: out },
        stdio: 'pipe',
      });
      const committed = readdirSync(join(REPO_ROOT, 'imports')).filter((f) => f.endsWith('.ts')).sort();
      expect(readdirSync(out).sort()).toStrictEqual(committed);
      for (const f of committed) {
        const same = readFileSync(join(out, f), 'utf8') === readFileSync(join(REPO_ROOT, 'imports', f), 'utf8');
        expect({ file: f, same }).toStrictEqual({ file: f, same: true });
      }
      // Descriptions are stripped before import: the generated code carries none of the schema prose.
      expect(readFileSync(join(out, 'k8s.ts'), 'utf8')).not.toContain('APIVersion defines the versioned schema');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

test('imports/k8s.ts has a class for each kind the constructs emit, and no other', () => {
  const generated = [...readFileSync(join(REPO_ROOT, 'imports/k8s.ts'), 'utf8').matchAll(/^export class (Kube\w+)/gm)].map((m) => m[1]).sort();
  const sources = execFileSync('git', ['ls-files', '*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.startsWith('imports/') && !f.startsWith('test/'));
  const used = new Set<string>();
  for (const f of sources) for (const m of readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(/\b(Kube[A-Z]\w*)\b/g)) used.add(m[1]);
  expect(generated.filter((k) => !used.has(k))).toStrictEqual([]);
  expect([...used].filter((k) => generated.includes(k)).sort()).toStrictEqual(generated);
  expect(readdirSync(join(REPO_ROOT, 'imports')).sort()).toStrictEqual(['k8s.ts']);
});
