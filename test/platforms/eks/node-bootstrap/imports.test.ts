/**
 * The bootstrap modules are used by the CLI and by a Pulumi component, and package.json ships only
 * `build/platforms/eks/node-bootstrap/` (plus the EKS module's node label and taint): check what they import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../support/eks';

const DIR = path.join(REPO_ROOT, 'platforms/eks/node-bootstrap');
const files = fs.readdirSync(DIR).filter((f) => /\.ts$/.test(f));

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

test('the module set is what we think it is', () => {
  expect(files).toContain('index.ts');
  expect(files.length).toBeGreaterThan(5);
  expect(imports('index.ts')).toContain('./install-script');
  expect(imports('nodeconfig.ts')).toEqual(
    expect.arrayContaining(['yaml', '../sandbox-node', './containerd']),
  );
});

test.each(files)('%s imports no @pulumi package and only shipped files', (file) => {
  for (const spec of imports(file)) {
    if (spec.startsWith('.')) {
      const target = path.relative(REPO_ROOT, path.resolve(DIR, spec));
      expect(target).toMatch(/^(platforms\/eks\/node-bootstrap\/[\w-]*|platforms\/eks\/sandbox-node)$/);
    } else {
      expect(['smol-toml', 'yaml']).toContain(spec);
    }
  }
});
