/**
 * `synth` over an output rendered for another agent-sandbox release: a cluster running that output cannot take
 * the new one by a plain apply when the release changes its stored versions or drops its conversion webhook. The
 * warning names the releases and the command that prints the steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_SANDBOX_VERSIONS } from '../core/upstream/pins';
import { parseManifestText } from '../core/yaml/parse';

/** The agent-sandbox release an output folder of a platform was rendered for (its controller's version label). */
export function renderedRelease(dir: string): string | undefined {
  const file = join(dir, '10-agent-sandbox.yaml');
  if (!existsSync(file)) return undefined;
  const { documents } = parseManifestText(file, readFileSync(file, 'utf8'));
  const deployment = documents.map((d) => d.value as { kind?: string; metadata?: { labels?: Record<string, string> } }).find((o) => o?.kind === 'Deployment');
  const version = deployment?.metadata?.labels?.['app.kubernetes.io/version'];
  return version && (AGENT_SANDBOX_VERSIONS as readonly string[]).includes(version) ? version : undefined;
}

export function releaseChangeWarnings(out: string, platforms: readonly string[], release: string): string[] {
  const warnings: string[] = [];
  for (const platform of platforms) {
    const previous = renderedRelease(join(out, platform));
    if (!previous || previous === release) continue;
    warnings.push(
      `${join(out, platform)} was rendered for agent-sandbox ${previous}, this output is for ${release}: a cluster running ${previous} needs the upgrade steps before this output is applied — \`agent-sandbox-infra upgrade-plan --from ${previous} --to ${release}\``,
    );
  }
  return warnings;
}
