/**
 * Replacing the whole output folder in one step. `<out>` is a symbolic link to a generation folder next to it
 * (`.<out>.gen-<id>`). A run writes the complete new tree into a new generation folder, points a new link at it and
 * renames that link over `<out>`: one rename, so a SIGKILL or Ctrl-C at any instant leaves `<out>` pointing at either
 * the complete previous tree or the complete new one — never a mixture of platforms, never a half-written file.
 *
 * - Platforms not synthesized this run are carried over from the previous tree (hard links, copies across devices).
 * - Leftovers of interrupted runs (generation folders no link points to, temporary links) are removed by the next
 *   run, under the lock; `validate` and `diff` skip dot-entries, so they never read them.
 * - An `<out>` that is still a real folder (written by an older version) is converted once: it is renamed aside and
 *   the link takes its place. A kill between those two renames leaves `<out>` missing and the old tree complete
 *   beside it; the next run puts it back before doing anything else.
 * - Atomic against the process dying, not against power loss: the files are not fsync'ed (that would cost more than
 *   the whole synth).
 */
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { FileSystemError, isErrnoError, toFileSystemError, withFileSystemAction } from '../core/system-error';
import { acquireOutputLock } from './output-lock';

export interface OutputFile {
  readonly name: string;
  readonly text: string;
}

export interface OutputPlatform {
  readonly platform: string;
  readonly files: readonly OutputFile[];
}

export interface ReplaceOutputOptions {
  /** How long to wait for another run's lock on the same folder. @default 60000 */
  readonly lockWaitMs?: number;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Test hook, never set in normal use: `AGENT_SANDBOX_INFRA_TEST_FAULT=<step>:<action>` sends the process `<action>`
 * (`SIGKILL`, `SIGINT`, `SIGTERM`) or sleeps (`pause-<ms>`) when the writer reaches `<step>`, so a test can kill
 * synth at every rename. Steps, in order: `locked`, `writing` (first platform written), `staged` (tree complete),
 * `linked` (new link created), `moved-aside` (converting a real folder only), `flipped`, `cleaned`.
 */
export const TEST_FAULT_ENV = 'AGENT_SANDBOX_INFRA_TEST_FAULT';
export const OUTPUT_STEPS = ['locked', 'writing', 'staged', 'linked', 'moved-aside', 'flipped', 'cleaned'] as const;
export type OutputStep = (typeof OUTPUT_STEPS)[number];

function faultAt(step: OutputStep, env: NodeJS.ProcessEnv): void {
  const spec = env[TEST_FAULT_ENV];
  if (!spec) return;
  const [at, action] = spec.split(':');
  if (at !== step || !action) return;
  const pause = /^pause-(\d+)$/.exec(action);
  if (pause) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(pause[1]));
  else process.kill(process.pid, action as NodeJS.Signals);
}

/** Names of the things a run keeps next to `<out>`. */
function siblings(base: string) {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    generation: (id: string) => `.${base}.gen-${id}`,
    isGeneration: new RegExp(`^\\.${escaped}\\.gen-[0-9a-z]+-\\d+-[0-9a-f]+$`),
    tempLink: (id: string) => `.${base}.link-${id}`,
    isTempLink: new RegExp(`^\\.${escaped}\\.link-`),
    movedAside: (id: string) => `.${base}.previous-${id}`,
    isMovedAside: new RegExp(`^\\.${escaped}\\.previous-`),
  };
}

type Current = { readonly kind: 'none' } | { readonly kind: 'link'; readonly generation: string } | { readonly kind: 'folder' };

/** What `<out>` is now. */
function currentTree(out: string, shownOut: string, isGeneration: RegExp): Current {
  let st;
  try {
    st = lstatSync(out);
  } catch (err) {
    if (isErrnoError(err) && err.code === 'ENOENT') return { kind: 'none' };
    throw toFileSystemError(err, 'read', shownOut);
  }
  if (st.isSymbolicLink()) {
    const target = readlinkSync(out);
    if (!isGeneration.test(target)) {
      throw new FileSystemError(
        'write',
        shownOut,
        'EEXIST',
        `it is a symbolic link to ${target}, which synth did not create (synth keeps ${shownOut} as a link to a .${basename(out)}.gen-* folder beside it)`,
        'remove the link or choose another --out',
      );
    }
    return { kind: 'link', generation: target };
  }
  if (st.isDirectory()) return { kind: 'folder' };
  throw new FileSystemError('write', shownOut, 'EEXIST', 'it is a file, not an output folder', 'remove it or choose another --out');
}

/** Hard-links (or copies) every entry of `from` into `to`, except names in `skip` and dot-entries. */
function carryOver(from: string, to: string, skip: ReadonlySet<string>): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || skip.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target);
      carryOver(source, target, new Set());
    } else if (entry.isFile()) {
      try {
        linkSync(source, target);
      } catch (err) {
        if (!isErrnoError(err) || !['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP'].includes(err.code)) throw err;
        copyFileSync(source, target);
      }
    }
  }
}

/**
 * Writes `platforms` as `<out>/<platform>/<file>` and swaps the whole tree in with one rename (see the file comment).
 * @throws FileSystemError naming the path and the action (the previous output is then unchanged)
 */
export function replaceOutputTree(out: string, platforms: readonly OutputPlatform[], options: ReplaceOutputOptions = {}): void {
  const env = options.env ?? process.env;
  const shownOut = out;
  const outAbs = resolve(out);
  const parent = dirname(outAbs);
  const base = basename(outAbs);
  const names = siblings(base);
  const unchanged = `${shownOut} is unchanged`;
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    if (isErrnoError(err) && (err.code === 'EEXIST' || err.code === 'ENOTDIR')) {
      throw new FileSystemError('create the folder', dirname(shownOut), err.code, 'a file is in the way (it, or a folder above it, is a file)');
    }
    throw toFileSystemError(err, 'create the folder', dirname(shownOut));
  }
  const lock = acquireOutputLock(parent, base, shownOut, options.lockWaitMs ?? 60_000);
  try {
    faultAt('locked', env);
    restoreInterruptedConversion(parent, outAbs, names);
    const current = currentTree(outAbs, shownOut, names.isGeneration);
    removeLeftovers(parent, outAbs, names);

    const id = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const generation = join(parent, names.generation(id));
    const tempLink = join(parent, names.tempLink(id));
    const movedAside = join(parent, names.movedAside(id));
    try {
      withFileSystemAction('create the folder', generation, () => mkdirSync(generation));
      platforms.forEach((p, i) => {
        const dir = join(generation, p.platform);
        withFileSystemAction('create the folder', join(shownOut, p.platform), () => mkdirSync(dir));
        for (const f of p.files) withFileSystemAction('write', join(shownOut, p.platform, f.name), () => writeFileSync(join(dir, f.name), f.text));
        if (i === 0) faultAt('writing', env);
      });
      if (current.kind !== 'none') {
        const previous = current.kind === 'link' ? join(parent, current.generation) : outAbs;
        withFileSystemAction('copy the other platforms of', shownOut, () => carryOver(previous, generation, new Set(platforms.map((p) => p.platform))));
      }
      faultAt('staged', env);
      withFileSystemAction('create the link', tempLink, () => symlinkSync(names.generation(id), tempLink, 'dir'));
      faultAt('linked', env);
      if (current.kind === 'folder') {
        // A real folder cannot be replaced by a link in one rename: move it aside first (once per folder).
        withFileSystemAction('move aside', shownOut, () => renameSync(outAbs, movedAside));
        faultAt('moved-aside', env);
      }
      withFileSystemAction('replace', shownOut, () => renameSync(tempLink, outAbs));
    } catch (err) {
      rmSync(tempLink, { force: true });
      rmSync(generation, { recursive: true, force: true });
      restoreInterruptedConversion(parent, outAbs, names);
      const fsError = toFileSystemError(err, 'write', shownOut, unchanged);
      throw fsError instanceof FileSystemError ? fsError.withConsequence(unchanged) : fsError;
    }
    faultAt('flipped', env);
    // The new tree is in place; what it replaced is no longer reachable.
    if (current.kind === 'link') rmSync(join(parent, current.generation), { recursive: true, force: true });
    if (current.kind === 'folder') rmSync(movedAside, { recursive: true, force: true });
    faultAt('cleaned', env);
  } finally {
    lock.release();
  }
}

/** A kill between "move the real folder aside" and "rename the link in" left `<out>` missing: put the folder back. */
function restoreInterruptedConversion(parent: string, outAbs: string, names: ReturnType<typeof siblings>): void {
  let outExists = true;
  try {
    lstatSync(outAbs);
  } catch {
    outExists = false;
  }
  const aside = readdirSync(parent).filter((n) => names.isMovedAside.test(n));
  if (!outExists && aside.length) {
    aside.sort();
    renameSync(join(parent, aside[aside.length - 1]), outAbs);
  }
}

/**
 * Generation folders no link points to, temporary links, folders moved aside: what killed runs left. Called under the
 * lock, so no other run is writing; the link is read again before each removal all the same.
 */
function removeLeftovers(parent: string, outAbs: string, names: ReturnType<typeof siblings>): void {
  const target = () => {
    try {
      return readlinkSync(outAbs);
    } catch {
      return undefined;
    }
  };
  for (const name of readdirSync(parent)) {
    const stale = (names.isGeneration.test(name) && target() !== name) || names.isTempLink.test(name) || names.isMovedAside.test(name);
    if (stale) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
