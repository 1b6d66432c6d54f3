/**
 * The npm side of the Pulumi engine agrees with the Go side (scripts/toolchain/versions.ts): @pulumi/kubernetes asks
 * the engine for the provider plugin of its own version, and with plugin downloads off only the built provider is
 * installed, so the two must be the same release (a newer SDK fails every run with "no resource plugin
 * 'pulumi-resource-kubernetes' found in the workspace at version v<sdk version>").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PULUMI_KUBERNETES_PLUGIN_VERSION, PULUMI_KUBERNETES_PROVIDER } from '../../../scripts/toolchain/versions';
import { REPO_ROOT } from '../../support/upstream';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('Pulumi versions', () => {
  it('package.json pins @pulumi/kubernetes to exactly the provider release the toolchain builds', () => {
    expect(json(join(REPO_ROOT, 'package.json')).devDependencies['@pulumi/kubernetes']).toBe(PULUMI_KUBERNETES_PLUGIN_VERSION);
  });

  it('the installed @pulumi/kubernetes requests that plugin version', () => {
    const sdk = json(join(REPO_ROOT, 'node_modules/@pulumi/kubernetes/package.json'));
    expect([sdk.version, sdk.pulumi?.version]).toEqual([PULUMI_KUBERNETES_PLUGIN_VERSION, PULUMI_KUBERNETES_PLUGIN_VERSION]);
  });

  it('the provider binary reports the version it is installed as', () => {
    expect(PULUMI_KUBERNETES_PROVIDER.ldflags).toContain(
      `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_PLUGIN_VERSION}`,
    );
  });
});
