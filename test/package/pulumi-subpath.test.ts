/**
 * `agent-sandbox-infra/pulumi`: the package's second entry point, the Pulumi components, resolved through the
 * package's own exports map from the compiled build (as an app that installed the package resolves it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/upstream';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const built = existsSync(join(REPO_ROOT, 'build/stacks/pulumi.js'));
const maybe = built ? test : test.skip;
if (!built) console.warn('SKIPPED: build/stacks/pulumi.js is missing, run `npm run build`');

test('package.json: the subpath export, @pulumi/* as optional peers, the components folder shipped', () => {
  expect(pkg.exports['./pulumi']).toStrictEqual({ types: './build/stacks/pulumi.d.ts', default: './build/stacks/pulumi.js' });
  const pulumiPackages = ['@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/gcp', '@pulumi/aws', '@pulumi/azure-native'];
  for (const p of pulumiPackages) {
    // The range starts at the version the repository builds and tests with.
    expect({ p, peer: pkg.peerDependencies[p], optional: pkg.peerDependenciesMeta[p]?.optional }).toStrictEqual({ p, peer: `^${pkg.devDependencies[p].replace(/^[\^~]/, '')}`, optional: true });
  }
  expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@pulumi/'))).toStrictEqual([]);
  expect(pkg.files).toContain('build/stacks');
});

maybe('require("agent-sandbox-infra/pulumi") gives the components, which are Pulumi ComponentResources', () => {
  const script = `
    const pulumi = require('@pulumi/pulumi');
    const m = require('agent-sandbox-infra/pulumi');
    const components = ['GkeSandboxCluster', 'EksSandboxCluster', 'AksSandboxCluster', 'KubernetesSandboxCluster'];
    console.log(JSON.stringify({
      file: require.resolve('agent-sandbox-infra/pulumi'),
      components: components.filter((c) => m[c] && m[c].prototype instanceof pulumi.ComponentResource),
      functions: ['deployManifests', 'planManifestGroups', 'sandboxStack', 'checkStack'].filter((f) => typeof m[f] === 'function'),
      stackPlatforms: m.STACK_PLATFORMS,
    }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8' }));
  expect(out).toStrictEqual({
    file: join(REPO_ROOT, 'build/stacks/pulumi.js'),
    components: ['GkeSandboxCluster', 'EksSandboxCluster', 'AksSandboxCluster', 'KubernetesSandboxCluster'],
    functions: ['deployManifests', 'planManifestGroups', 'sandboxStack', 'checkStack'],
    stackPlatforms: ['gke-autopilot', 'gke-standard', 'eks', 'aks', 'kubernetes'],
  });
});
