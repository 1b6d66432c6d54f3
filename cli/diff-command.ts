/** `agent-sandbox-infra diff`: compares two synth outputs (or a git ref's synth with a folder) object by object. */
import { existsSync, readdirSync, statSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isPlatform } from '../platforms';
import { diffExitCode, diffManifests, loadManifests, renderMarkdown, renderText } from './diff';
import { reviewPolicies } from './diff/policy-review';
import { synthesizeGitRef } from './git-base';
import { loadConfig } from './load-config';
import type { Io } from './io';

export interface DiffCommandOptions {
  readonly git?: string;
  readonly config?: string;
  readonly format: 'markdown' | 'text';
  readonly maxChars: string;
  readonly color?: boolean;
  /** Run the policy pack's Kubernetes policies on the head. @default true */
  readonly policy?: boolean;
}

/** Returns the exit code: 0 no changes, 2 changes. Errors throw (exit 1). */
export function runDiff(base: string | undefined, head: string, opts: DiffCommandOptions, io: Io): number {
  if (opts.git && base !== undefined && head === 'dist') {
    // `diff --git main out/` : the single positional is the head.
    head = base;
    base = undefined;
  }
  if (!opts.git && base === undefined) throw new Error('diff: give <base> <head>, or --git <ref> [head]');
  if (opts.git && base !== undefined) throw new Error('diff: with --git the base is synthesized from the ref; give only [head]');
  const maxChars = Number(opts.maxChars);
  if (!Number.isInteger(maxChars) || maxChars < 1000) throw new Error(`--max-chars: must be an integer ≥ 1000, got "${opts.maxChars}"`);
  // Before the (slow) build and synth of the base: a mistyped head should fail at once.
  if (opts.git && !existsSync(head)) throw new Error(`${head}: no such file or directory`);
  const gitBase = opts.git ? synthesizeGitRef(opts.git, { config: opts.config }) : undefined;
  try {
    const headObjects = loadManifests(head);
    const result = diffManifests(loadManifests(gitBase ? alignBase(gitBase.dir, head) : base!), headObjects);
    // A head that is one platform's folder (`dist/eks`) carries no platform in its keys: the folder name says it.
    const headPlatform = basename(head);
    // The head was synthesized with --config's platform settings (the generic `kubernetes` platform's RuntimeClass).
    const platformSettings = opts.config && existsSync(opts.config) ? loadConfig(opts.config).config.platforms : undefined;
    const policy =
      opts.policy === false
        ? undefined
        : reviewPolicies(headObjects, result, { ...(isPlatform(headPlatform) ? { platform: headPlatform } : {}), ...(platformSettings ? { platformSettings } : {}) });
    const title = gitBase ? `Manifest diff (${opts.git} @ ${gitBase.commit.slice(0, 12)} → ${head})` : undefined;
    io.out(
      opts.format === 'markdown'
        ? renderMarkdown(result, { maxChars, policy, ...(title ? { title } : {}) })
        : renderText(result, { color: opts.color, policy }),
    );
    return diffExitCode(result);
  } finally {
    gitBase?.cleanup();
  }
}

/**
 * The part of a git ref's synth (every platform) that corresponds to `head`: when head holds only some platforms
 * (`synth --platform eks`), the others are dropped from the base instead of being reported as removed; when head is a
 * single platform's folder (`dist/eks`), the base's folder of that platform.
 */
function alignBase(baseDir: string, head: string): string {
  if (!statSync(head).isDirectory()) return baseDir;
  const headPlatforms = readdirSync(head, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isPlatform(e.name))
    .map((e) => e.name);
  if (headPlatforms.length > 0) {
    for (const p of readdirSync(baseDir)) if (!headPlatforms.includes(p)) rmSync(join(baseDir, p), { recursive: true, force: true });
    return baseDir;
  }
  const name = basename(head);
  return isPlatform(name) && existsSync(join(baseDir, name)) ? join(baseDir, name) : baseDir;
}
