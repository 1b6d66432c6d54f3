/**
 * `agent-sandbox-infra synth`: renders every requested platform, validates what it rendered (re-read from the
 * YAML text, against the pinned schemas), and only then replaces the whole `<out>` tree in one rename
 * (cli/output-folder.ts) — nothing half-written, never a mixture of two runs.
 */
import type { SandboxPlatformConfig } from '../config/schema';
import { CRDS_FILE, renderPlatform, type RenderedPlatform } from '../constructs/output/render';
import type { Platform } from '../platforms';
import { DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION, kubernetesSchemaFor } from '../core/upstream/pins';
import { validateObjects, type ObjectChecker, type ObjectSource } from '../validation/schema/validate-objects';
import { SchemaCatalog } from '../validation/schema/schema-catalog';
import { formatProblem, type Problem } from '../core/diagnostics';
import { parseManifestText } from '../core/yaml/parse';
import { defaultCheckers } from './checkers';
import { replaceOutputTree } from './output-folder';
import { namespacePodSecurityProblems } from '../validation/namespace-pod-security';

export interface SynthOptions {
  readonly platforms: readonly Platform[];
  readonly config: SandboxPlatformConfig;
  readonly out: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for another synth writing the same folder. @default 60000 */
  readonly lockWaitMs?: number;
}

export interface PlatformSummary {
  readonly platform: Platform;
  readonly files: readonly string[];
  readonly objects: number;
  readonly bytes: number;
  readonly ms: number;
  /** What the platform's settings leave unverified (e.g. an existing RuntimeClass on `kubernetes`). */
  readonly warnings: readonly string[];
}

export class SynthValidationError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`synthesized manifests failed validation (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was written:\n  ${problems.map(formatProblem).join('\n  ')}`);
    this.name = 'SynthValidationError';
  }
}

type Rendered = RenderedPlatform;

export function synth(options: SynthOptions): PlatformSummary[] {
  const env = options.env ?? process.env;
  const catalog = new SchemaCatalog({
    kubernetes: kubernetesSchemaFor(options.config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    agentSandboxVersion: options.config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION,
    env,
  });
  const rendered: Rendered[] = [];
  const problems: Problem[] = [];
  // Identical documents (CRDs, RBAC) recur on every platform: parse and check each distinct text once.
  const checked = new Map<string, Omit<Problem, 'file'>[]>();
  for (const platform of options.platforms) {
    const r = renderPlatform(platform, options.config, env);
    // The platform's checkers, with its settings (a platform configured by them names its own RuntimeClass).
    const checkers = defaultCheckers(platform, options.config.platforms?.[platform]);
    const started = performance.now();
    for (const file of r.files) {
      const path = `${platform}/${file.name}`;
      file.documents.forEach((doc, i) => {
        // Sandbox pods and RuntimeClasses are checked against the platform's runtime and placement: their result is
        // per platform.
        const key = doc.includes('podTemplate:') || doc.includes('kind: RuntimeClass') ? `${platform}\n${doc}` : doc;
        let found = checked.get(key);
        if (!found) {
          // Everything is re-read from the text written, except the pinned CRDs (800 KB of verified upstream YAML
          // plus our clientConfig): their objects are checked directly, the emitter's round trip is tested on its own.
          const problems = file.name === CRDS_FILE ? checkObject(file.objects[i], path, catalog, checkers) : checkRenderedDocument(doc, path, catalog, checkers);
          found = problems.map(({ file: _f, ...p }) => p);
          checked.set(key, found);
        }
        problems.push(...found.map((p) => ({ ...p, file: path })));
      });
    }
    // Every pod-creating object against its namespace's Pod Security level, as written (escape hatches included).
    problems.push(...namespacePodSecurityProblems(r.files.flatMap((f) => f.objects.map((value) => ({ value, file: `${platform}/${f.name}` })))));
    rendered.push({ ...r, ms: r.ms + (performance.now() - started) });
  }
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new SynthValidationError(errors);
  replaceOutputTree(options.out, rendered.map((r) => ({ platform: r.platform, files: r.files })), { env, lockWaitMs: options.lockWaitMs });
  return rendered.map((r) => ({ platform: r.platform, files: r.files.map((f) => f.name), objects: r.objects, bytes: r.bytes, ms: r.ms, warnings: r.chart.warnings }));
}

function checkObject(value: unknown, path: string, catalog: SchemaCatalog, checkers: readonly ObjectChecker[]): Problem[] {
  return validateObjects([{ value, file: path }], { catalog, checkers });
}

function checkRenderedDocument(doc: string, path: string, catalog: SchemaCatalog, checkers: readonly ObjectChecker[]): Problem[] {
  const { documents, problems } = parseManifestText(path, doc);
  if (problems.length) {
    return problems.map((p) => ({ file: path, object: `line ${p.line}`, path: '', message: p.message, severity: 'error' as const }));
  }
  const sources: ObjectSource[] = documents.map((d) => ({ value: d.value, file: path, index: d.index }));
  return validateObjects(sources, { catalog, checkers });
}
