/** Every test file the README's "Security model" table names as proof exists (a renamed test must update the table). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

test('the Security model table names only test files that exist, and at least one per guarantee', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Security model'), readme.indexOf('\n## ', readme.indexOf('## Security model') + 1));
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| guarantee') && !l.startsWith('|---'));
  expect(rows.length).toBeGreaterThanOrEqual(9);
  for (const row of rows) {
    const files = [...row.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]);
    expect({ row: row.slice(0, 60), files: files.length > 0 }).toEqual({ row: row.slice(0, 60), files: true });
    for (const file of files) expect({ file, exists: existsSync(join(ROOT, file)) }).toEqual({ file, exists: true });
  }
});
