/**
 * One platform's manifests as YAML text, in memory: what `synth` writes and what the Pulumi program deploys.
 * No I/O and no Pulumi: the same function feeds both, so they cannot drift apart.
 */
import { App } from 'cdk8s';
import type { SandboxPlatformConfig } from '../../config/model';
import type { Platform } from '../../platforms';
import { SandboxPlatformChart } from '../sandbox-platform-chart';
import { toYamlDocument, type SharedYamlTexts } from '../../core/yaml/emit';
import { CRDS_FILE, manifestFiles } from './manifest-files';

export interface RenderedFile {
  readonly name: string;
  /** One YAML text per object, in order. */
  readonly documents: readonly string[];
  /** The objects the documents were written from. */
  readonly objects: readonly Record<string, unknown>[];
  /** The file content (`---`-separated documents). */
  readonly text: string;
}

export interface RenderedPlatform {
  readonly platform: Platform;
  readonly chart: SandboxPlatformChart;
  readonly files: readonly RenderedFile[];
  readonly objects: number;
  readonly bytes: number;
  readonly ms: number;
}

export function renderPlatform(platform: Platform, config: SandboxPlatformConfig, env?: NodeJS.ProcessEnv): RenderedPlatform {
  return renderPlatformSharing(platform, config, env, undefined);
}

/** renderPlatform with the texts of the run's other platforms (renderConfig), for the objects they have in common. */
export function renderPlatformSharing(platform: Platform, config: SandboxPlatformConfig, env: NodeJS.ProcessEnv | undefined, shared: SharedYamlTexts | undefined): RenderedPlatform {
  const started = performance.now();
  const emit = shared ? (value: unknown) => shared.emit(value) : toYamlDocument;
  const app = new App({ outdir: '/nonexistent' });
  const chart = new SandboxPlatformChart(app, platform, { platform, config, env });
  const files = manifestFiles(chart).map((f) => {
    const documents = f.objects.map((o) => emit(o));
    return { name: f.name, documents, objects: f.objects, text: documents.join('---\n') };
  });
  const objects = files.reduce((n, f) => n + f.documents.length, 0);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  return { platform, chart, files, objects, bytes, ms: performance.now() - started };
}

export { CRDS_FILE };
