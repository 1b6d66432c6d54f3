/**
 * `npm run toolchain -- [cluster|pulumi|all|<id>…] [--kubernetes 1.36,1.37] [--agent-sandbox v0.5.6,…]`: builds the
 * integration tier's binaries into the user cache (see build.ts); with the Pulumi CLI and the Kubernetes provider
 * built, installs the provider as a local plugin of the engine's PULUMI_HOME. Exit 1 with one sentence when Go or
 * the proxy fails.
 */
import { AGENT_SANDBOX_VERSIONS } from '../../core/upstream/pins';
import { installKubernetesPlugin, missingEngineComponents } from '../pulumi/engine';
import { buildAll, ToolchainError } from './build';
import { clusterComponents } from './components';
import { KUBERNETES_RELEASES, type LocalKubernetesMinor } from './versions';

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((s) => s.trim()).filter(Boolean);
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  const minors = (list(flag('--kubernetes')) ?? Object.keys(KUBERNETES_RELEASES)) as LocalKubernetesMinor[];
  const releases = list(flag('--agent-sandbox')) ?? [...AGENT_SANDBOX_VERSIONS];
  const unknownMinor = minors.filter((m) => !(m in KUBERNETES_RELEASES));
  if (unknownMinor.length) {
    process.stderr.write(`toolchain: --kubernetes ${unknownMinor.join(',')} is not in the version table; choose from ${Object.keys(KUBERNETES_RELEASES).join(', ')}\n`);
    return 1;
  }
  const what = args.length ? args : ['cluster'];
  const components = what.flatMap((w) => clusterComponents(w, { minors, releases }));
  try {
    const started = Date.now();
    const results = await buildAll(components);
    if (results.some((r) => r.component.id === 'pulumi-resource-kubernetes') && !missingEngineComponents().length) {
      const plugin = await installKubernetesPlugin(undefined, (line) => process.stderr.write(`${line}\n`));
      process.stderr.write(`toolchain: Kubernetes provider plugin ready: ${plugin}\n`);
    }
    const built = results.filter((r) => !r.cached).length;
    process.stderr.write(`toolchain: ${results.length} component(s) ready (${built} built, ${results.length - built} cached) in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return 0;
  } catch (err) {
    if (err instanceof ToolchainError) {
      process.stderr.write(`toolchain: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

