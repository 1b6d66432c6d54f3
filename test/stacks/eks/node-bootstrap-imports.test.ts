/**
 * The bootstrap modules are used by the CLI and by a Pulumi component, and package.json ships only
 * `build/stacks/eks/node-bootstrap*` (plus build/constructs): check what they import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

const DIR = path.join(REPO_ROOT, 'stacks/eks');
const files = fs.readdirSync(DIR).filter((f) => /^node-bootstrap.*\.ts$/.test(f));

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
}

test('the module set is what we think it is', () => {
  expect(files).toContain('node-bootstrap.ts');
  expect(files.length).toBeGreaterThan(5);
  expect(imports('node-bootstrap.ts')).toContain('./node-bootstrap-install-script');
  expect(imports('node-bootstrap-nodeconfig.ts')).toEqual(
    expect.arrayContaining(['yaml', '../../constructs/platform/profiles', './node-bootstrap-containerd']),
  );
});

test.each(files)('%s imports no @pulumi package and only shipped files', (file) => {
  for (const spec of imports(file)) {
    if (spec.startsWith('.')) {
      const target = path.relative(REPO_ROOT, path.resolve(DIR, spec));
      expect(target).toMatch(/^(stacks\/eks\/node-bootstrap[\w-]*|constructs\/platform\/profiles)$/);
    } else {
      expect(['smol-toml', 'yaml']).toContain(spec);
    }
  }
});
