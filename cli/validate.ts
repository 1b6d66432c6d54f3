/**
 * `agent-sandbox-infra validate <file|dir>...`: every object in every YAML file is checked against the pinned
 * Kubernetes schema or its agent-sandbox CRD schema, plus the sandbox checks. One line per problem.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Platform } from '../platforms';
import { DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION, kubernetesSchemaFor } from '../core/upstream/pins';
import { SchemaCatalog } from '../validation/schema/schema-catalog';
import { type Problem } from '../core/diagnostics';
import { validateObjects, type ObjectSource } from '../validation/schema/validate-objects';
import { formatPosition, parseManifestText } from '../core/yaml/parse';
import { InputLimitError, readBoundedTextFile } from '../core/input-file';
import { LIMITS } from '../core/limits';
import { FileSystemError } from '../core/system-error';
import { NotUtf8Error } from '../core/utf8-text';
import { defaultCheckers } from './checkers';
import { retiredApiChecker } from '../validation/deprecated-apis';
import { draCelChecker } from '../validation/dra-cel';
import { createImageChecker } from '../validation/images';
import { createPlatformPlacementChecker } from '../validation/platform-placement';
import type { ObjectChecker } from '../validation/schema/validate-objects';
import { namespacePodSecurityProblems } from '../validation/namespace-pod-security';

export interface ValidateCommandOptions {
  readonly kubernetesVersion?: string;
  /** Check sandbox pods against this platform's runtime and placement. @default - any sandboxed runtime, no placement */
  readonly platform?: Platform;
  /** The platform's `platforms.<id>` settings (`--config`): the generic `kubernetes` platform's RuntimeClass and nodes. */
  readonly platformSettings?: unknown;
  readonly agentSandboxVersion?: string;
  /** Unpinned images (no tag, or latest, without a digest) are errors, not notes. @default false */
  readonly strict?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ValidateResult {
  readonly files: number;
  readonly objects: number;
  readonly problems: readonly Problem[];
}

/**
 * YAML files under the given paths, sorted; a path that does not exist is an error. Entries whose name starts with a
 * dot are skipped inside folders: `synth` stages its next output in dot-folders, and those are never read.
 */
export function collectYamlFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.')) continue;
        walk(join(path, entry));
      }
    } else if (/\.(ya?ml|json)$/i.test(path)) {
      files.push(path);
    }
  };
  for (const p of paths) {
    try {
      statSync(p);
    } catch {
      throw new Error(`${p}: no such file or directory`);
    }
    if (statSync(p).isFile()) files.push(p);
    else walk(p);
  }
  return files;
}

export function validatePaths(paths: readonly string[], options: ValidateCommandOptions = {}): ValidateResult {
  const files = collectYamlFiles(paths);
  const catalog = new SchemaCatalog({
    kubernetes: kubernetesSchemaFor(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    agentSandboxVersion: options.agentSandboxVersion ?? DEFAULT_AGENT_SANDBOX_VERSION,
    env: options.env,
  });
  const problems: Problem[] = [];
  const sources: ObjectSource[] = [];
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    let text: string;
    try {
      text = readBoundedTextFile(file, LIMITS.manifestFileBytes, 'manifest file');
    } catch (err) {
      if (err instanceof NotUtf8Error) {
        problems.push({ file: shown, object: `line ${err.line}`, path: '', message: err.reason, severity: 'error', code: 'encoding' });
        continue;
      }
      if (!(err instanceof InputLimitError || err instanceof FileSystemError)) throw err;
      problems.push({ file: shown, object: 'file', path: '', message: err.message, severity: 'error', code: err instanceof InputLimitError ? 'inputLimit' : 'fileSystem' });
      continue;
    }
    const { documents, problems: parseProblems } = parseManifestText(shown, text);
    for (const p of parseProblems) problems.push({ file: shown, object: formatPosition(p), path: '', message: p.message, severity: 'error', code: 'yaml' });
    for (const d of documents) sources.push({ value: d.value, file: shown, index: d.index });
  }
  const { kubernetesVersion, platformSettings, strict } = options;
  problems.push(...validateObjects(sources, { catalog, checkers: validateCheckers(options.platform, { kubernetesVersion, platformSettings, strict }) }));
  // Pods against the Pod Security level of a namespace defined in the same input.
  problems.push(...namespacePodSecurityProblems(sources));
  return { files: files.length, objects: sources.length, problems };
}

/**
 * What `validate` runs: the default checkers plus the DRA CEL selector check and the image references (hand-written
 * manifests). `synth` does not need those: its constructs check every selector and image when they are built.
 */
export interface ValidateCheckerOptions {
  /** Retired API versions are judged for this version. @default DEFAULT_KUBERNETES_VERSION */
  readonly kubernetesVersion?: string;
  /** The platform's `platforms.<id>` settings (where the platform's facts depend on them). */
  readonly platformSettings?: unknown;
  /** Unpinned images are errors, not warnings. */
  readonly strict?: boolean;
}

export function validateCheckers(platform?: Platform, options: ValidateCheckerOptions = {}): ObjectChecker[] {
  return [
    ...defaultCheckers(platform, options.platformSettings),
    draCelChecker,
    retiredApiChecker(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    createImageChecker({ strict: options.strict }),
    ...(platform ? [createPlatformPlacementChecker(platform)] : []),
  ];
}
