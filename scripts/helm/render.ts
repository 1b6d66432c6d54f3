/**
 * Renders agent-sandbox's own Helm chart with the Helm the toolchain builds from its Go module (`npm run toolchain --
 * helm`): the chart is assembled from its pinned files (each read through the upstream store, so sha256-checked;
 * from the mirror or the cache that `fetch-upstream` fills from the release's Go module) into a temporary folder,
 * rendered with `helm template`, and the folder removed. Nothing of the chart is ever written into the repository.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';
import type { AgentSandboxRelease } from '../../core/upstream/pins';
import { readUpstreamText } from '../../core/upstream/store';
import { binaryPath } from '../toolchain/paths';
import { HELM } from '../toolchain/versions';

const run = promisify(execFile);

export type RenderedObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export interface HelmTemplateOptions {
  /** Helm's release name. @default 'agent-sandbox' */
  readonly releaseName?: string;
  /** `--namespace`. @default 'agent-sandbox-system' */
  readonly namespace?: string;
  /** `--include-crds` (the chart's crds/ folder). @default true */
  readonly includeCrds?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Writes the release's pinned chart into `dir` (verified file by file). */
export function writePinnedChart(release: AgentSandboxRelease, dir: string, env: NodeJS.ProcessEnv = process.env): void {
  const chart = release.helmChart;
  if (!chart) throw new Error(`agent-sandbox ${release.version} has no pinned Helm chart`);
  for (const [path, file] of Object.entries(chart.files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readUpstreamText(file, env));
  }
}

/**
 * `helm template` of the release's chart with `values` (written as a values file, merged by Helm over the chart's
 * values.yaml), parsed. Helm's own error text when it refuses (e.g. `image.tag is required`).
 */
export async function helmTemplate(release: AgentSandboxRelease, values: object, opts: HelmTemplateOptions = {}): Promise<RenderedObject[]> {
  const work = mkdtempSync(join(tmpdir(), 'asi-helm-'));
  try {
    const chartDir = join(work, 'agent-sandbox');
    writePinnedChart(release, chartDir, opts.env);
    const valuesFile = join(work, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(values));
    // Helm's own folders in the scratch folder: nothing is read from or written to the user's Helm setup.
    const helmEnv = { PATH: process.env.PATH ?? '', HOME: work, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') };
    const args = ['template', opts.releaseName ?? 'agent-sandbox', chartDir, '--namespace', opts.namespace ?? 'agent-sandbox-system', '--values', valuesFile];
    if (opts.includeCrds ?? true) args.push('--include-crds');
    let stdout: string;
    try {
      ({ stdout } = await run(binaryPath(HELM, 'helm'), args, { env: helmEnv, maxBuffer: 64 * 1024 * 1024 }));
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`helm ${args.slice(0, 3).join(' ')} failed: ${(e.stderr || e.message).trim()}`);
    }
    return (loadAll(stdout) as (RenderedObject | null)[]).filter((d): d is RenderedObject => d !== null && typeof d === 'object');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
