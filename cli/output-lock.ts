/**
 * A lock on an output folder, so two `synth` runs into the same folder never interleave: the second waits for the
 * first (up to a limit) or fails with a sentence naming who holds it.
 *
 * The lock is a file created with O_EXCL next to the folder (`.<name>.lock`) holding the owner's pid, host and start
 * time. A lock whose owner process is gone (SIGKILL, power loss on this host) is taken over. Libraries that keep a
 * lock alive with a timer (proper-lockfile) do not fit: synth runs synchronously, so its timer would not fire and a
 * long run would look stale to the next one.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errnoWords, FileSystemError, isErrnoError } from '../core/system-error';

interface LockOwner {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

export class OutputLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputLockedError';
  }
}

export interface OutputLock {
  readonly path: string;
  release(): void;
}

/** Path of the lock file of an output folder (absolute `out`). */
export function lockPathFor(parent: string, base: string): string {
  return join(parent, `.${base}.lock`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return isErrnoError(err) && err.code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.token === 'string' && typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.started === 'string') {
      return parsed as LockOwner;
    }
  } catch {
    // Gone, or being written this instant: treated as held.
  }
  return undefined;
}

/** Blocks the thread for `ms` (synth is synchronous; there is nothing else to run meanwhile). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock of output folder `out` (shown as `shownOut` in messages), waiting up to `waitMs`.
 * @throws OutputLockedError when another live run still holds it after `waitMs`
 */
export function acquireOutputLock(parent: string, base: string, shownOut: string, waitMs: number): OutputLock {
  const path = lockPathFor(parent, base);
  const me: LockOwner = { token: randomBytes(8).toString('hex'), pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      if (!(isErrnoError(err) && err.code === 'EEXIST')) {
        if (!isErrnoError(err)) throw err;
        throw new FileSystemError('write', shownOut, err.code, `${errnoWords(err.code)} (creating its lock file ${path})`, `${shownOut} is unchanged`);
      }
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return { path, release: () => releaseLock(path, me.token) };
    }
    const owner = readOwner(path);
    if (owner && owner.host === me.host && !processAlive(owner.pid)) {
      takeOverStaleLock(path, owner.token);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} on ${owner.host}, started ${owner.started}` : 'a process that is still writing the lock file';
      throw new OutputLockedError(
        `cannot write ${shownOut}: another synth (${who}) is writing it; waited ${Number((waitMs / 1000).toFixed(1))} s. ` +
          `Run again when it has finished (or give --lock-wait more seconds); if no synth is running, remove ${path}`,
      );
    }
    sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Removes a lock left by a dead process. The lock is first renamed to a private name and checked: if a live run took
 * the lock in between (so the renamed file is not the dead one), it is renamed back.
 */
function takeOverStaleLock(path: string, staleToken: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (isErrnoError(err) && err.code === 'ENOENT') return;
    throw err;
  }
  const moved = readOwner(aside);
  if (moved && moved.token !== staleToken) {
    try {
      renameSync(aside, path);
    } catch {
      // Nothing sensible left to do; the other run keeps going with its generation folder.
    }
    return;
  }
  try {
    unlinkSync(aside);
  } catch {
    // Already gone.
  }
}

function releaseLock(path: string, token: string): void {
  if (readOwner(path)?.token !== token) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

