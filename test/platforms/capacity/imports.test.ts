/**
 * The capacity modules run at preview time inside the Pulumi program and in plain tests: they must stay pure —
 * no @pulumi/* package, no package at all, only each other.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.resolve(__dirname, '../../../platforms/capacity');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/require\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
}

test('the module set is what we think it is', () => {
  expect(files).toEqual(
    expect.arrayContaining(['index.ts', 'quantity.ts', 'node-reservations.ts', 'machine-types.ts', 'check.ts']),
  );
  expect(imports('index.ts')).toContain('./check');
});

test.each(files)('%s imports only sibling capacity modules', (file) => {
  for (const spec of imports(file)) {
    expect(spec).toMatch(/^\.\/[\w-]+$/);
    expect(fs.existsSync(path.join(DIR, `${spec}.ts`))).toBe(true);
  }
});
