/**
 * `agent-sandbox-infra synth`: renders every requested platform, validates what it rendered (re-read from the
 * YAML text, against the pinned schemas), and only then replaces the whole `<out>` tree in one rename
 * (cli/output-folder.ts) — nothing half-written, never a mixture of two runs.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SandboxPlatformConfig } from '../config/schema';
import { ConfigError } from '../config/validate';
import { CRDS_FILE, renderPlatform, type RenderedPlatform } from '../constructs/output/render';
import type { Platform } from '../platforms';
import { DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION, kubernetesSchemaFor } from '../core/upstream/pins';
import { objectIdentity, runCheckers } from '../validation/schema/validate-objects';
import { DocumentChecks } from '../validation/schema/document-checks';
import { describeObject, problemAt, problemCount, problemList, ProblemsError, type Problem } from '../core/diagnostics';
import { defaultCheckers } from './checkers';
import { replaceOutputTree } from './output-folder';
import { namespacePodSecurityProblems } from '../validation/namespace-pod-security';

export interface SynthOptions {
  readonly platforms: readonly Platform[];
  readonly config: SandboxPlatformConfig;
  readonly out: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The platforms already rendered from `config` (renderConfig), in `platforms` order. @default - rendered here */
  readonly rendered?: readonly RenderedPlatform[];
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

export class SynthValidationError extends ProblemsError {
  constructor(problems: readonly Problem[]) {
    super(`synthesized manifests failed validation (${problemCount(problems.length)}); nothing was written:${problemList(problems)}`, problems);
    this.name = 'SynthValidationError';
  }
}

type Rendered = RenderedPlatform;

export function synth(options: SynthOptions): PlatformSummary[] {
  const outProblem = outputFolderProblem(options.out);
  if (outProblem) throw new ConfigError([outProblem], 'command line');
  const env = options.env ?? process.env;
  const documentChecks = new DocumentChecks({
    kubernetes: kubernetesSchemaFor(options.config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    agentSandboxVersion: options.config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION,
    env,
  });
  const rendered: Rendered[] = [];
  const problems: Problem[] = [];
  // Identical documents (CRDs, RBAC) recur on every platform: each distinct text is parsed and checked against its
  // schema once (and kept for later runs: validation/schema/document-checks.ts). The checkers depend on the platform
  // (its runtime, placement, system namespaces): they run on every platform's objects.
  for (const [i, platform] of options.platforms.entries()) {
    const r = options.rendered?.[i] ?? renderPlatform(platform, options.config, env);
    // The platform's checkers, with its settings (a platform configured by them names its own RuntimeClass).
    const checkers = defaultCheckers(platform, options.config.platforms?.[platform]);
    const started = performance.now();
    for (const file of r.files) {
      const path = `${platform}/${file.name}`;
      file.documents.forEach((doc, i) => {
        // Everything is re-read from the text written, except the pinned CRDs (800 KB of verified upstream YAML
        // plus our clientConfig): their objects are checked directly, the emitter's round trip is tested on its own.
        const found = documentChecks.check(doc, path, file.name === CRDS_FILE ? file.objects[i] : undefined);
        problems.push(...found.problems.map((p) => ({ ...p, file: path })));
        problems.push(...runCheckers(found.checkable, checkers).map((p) => ({ ...p, file: path })));
      });
    }
    problems.push(...duplicateObjects(r, platform));
    // Every pod-creating object against its namespace's Pod Security level, as written (escape hatches included).
    problems.push(...namespacePodSecurityProblems(r.files.flatMap((f) => f.objects.map((value) => ({ value, file: `${platform}/${f.name}` })))));
    rendered.push({ ...r, ms: r.ms + (performance.now() - started) });
  }
  documentChecks.save();
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new SynthValidationError(errors);
  replaceOutputTree(options.out, rendered.map((r) => ({ platform: r.platform, files: r.files })), { env, lockWaitMs: options.lockWaitMs });
  return rendered.map((r) => ({ platform: r.platform, files: r.files.map((f) => f.name), objects: r.objects, bytes: r.bytes, ms: r.ms, warnings: r.chart.warnings }));
}

/** Two objects with one identity in one platform's output: applied together, one would silently replace the other. */
export function duplicateObjects(r: Pick<RenderedPlatform, 'files'>, platform: Platform): Problem[] {
  const first = new Map<string, string>();
  const problems: Problem[] = [];
  for (const file of r.files) {
    for (const obj of file.objects) {
      const id = objectIdentity(obj);
      const path = `${platform}/${file.name}`;
      const previous = first.get(id);
      if (previous === undefined) first.set(id, path);
      else problems.push({ file: path, object: describeObject(obj), path: 'metadata.name', message: `duplicate object: also rendered into ${previous}; applied together, one silently replaces the other`, severity: 'error', code: 'duplicateObject' });
    }
  }
  return problems;
}

/**
 * Why `out` cannot be the output folder, as a sentence, or undefined: it (or a folder above it) is a file. Checked
 * before anything is rendered or written, instead of failing on `EEXIST`/`ENOTDIR` halfway.
 */
export function outputFolderProblem(out: string): Problem | undefined {
  const target = resolve(out);
  for (let dir = target; ; dir = dirname(dir)) {
    let isFile = false;
    try {
      isFile = !statSync(dir).isDirectory();
    } catch {
      // does not exist (yet): synth creates it
    }
    if (isFile) {
      return problemAt(
        '--out',
        dir === target
          ? `${out} is a file, not a folder; synth writes one folder per platform into it (${out}/<platform>/*.yaml): give a folder (it is created if missing)`
          : `${out} is inside ${dir}, which is a file, not a folder; give a folder (it is created if missing)`,
        'commandLine',
      );
    }
    if (dirname(dir) === dir) return undefined;
  }
}
