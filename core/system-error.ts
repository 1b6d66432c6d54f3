/**
 * Operating-system errors in words: `ENOSPC: no space left on device, write` becomes
 * "cannot write dist/eks/00-crds.yaml: the disk is full". Every command prints these as one sentence with the path and
 * what it was doing, and exits 1.
 */

/** What each errno means for the person running the command. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOTEMPTY: 'the folder is not empty',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on this system',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
  EBUSY: 'it is in use',
  EIO: 'an input/output error on the device',
  EXDEV: 'it is on another file system',
  EAGAIN: 'it is not ready to be read (nothing has written to it)',
};

/** An errno error from Node's fs (`code` like `ENOENT`). */
export function isErrnoError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  // Duck-typed: errors from Node's fs come from another realm under test runners' VMs, where instanceof Error fails.
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof (err as { message?: unknown }).message === 'string';
}

/** A failed file-system action, as a sentence: "cannot <action> <path>: <reason>". */
export class FileSystemError extends Error {
  constructor(
    readonly action: string,
    readonly path: string,
    readonly code: string,
    readonly reason: string,
    /** What the user should know besides the reason (e.g. "dist is unchanged"). */
    readonly consequence?: string,
  ) {
    super(`cannot ${action} ${path}: ${reason}${consequence ? `; ${consequence}` : ''}`);
    this.name = 'FileSystemError';
  }

  /** The same error with `consequence` added (kept when it already has one). */
  withConsequence(consequence: string): FileSystemError {
    return this.consequence ? this : new FileSystemError(this.action, this.path, this.code, this.reason, consequence);
  }
}

/** The words for an errno code (the code itself when it has none). */
export function errnoWords(code: string): string {
  return ERRNO_WORDS[code] ?? code;
}

/** `err` as a {@link FileSystemError} when it is an errno error; anything else is returned unchanged. */
export function toFileSystemError(err: unknown, action: string, path: string, consequence?: string): unknown {
  if (err instanceof FileSystemError) return err;
  if (!isErrnoError(err)) return err;
  return new FileSystemError(action, path, err.code, errnoWords(err.code), consequence);
}

/** Runs `fn`; an errno error it throws becomes a {@link FileSystemError} naming `action` and `path`. */
export function withFileSystemAction<T>(action: string, path: string, fn: () => T, consequence?: string): T {
  try {
    return fn();
  } catch (err) {
    throw toFileSystemError(err, action, path, consequence);
  }
}

/** Verbs for the syscalls Node names in its errors, for errno errors no call site wrapped. */
const SYSCALL_ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  mkdtemp: 'create a folder in',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove the folder',
  rm: 'remove',
  scandir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  symlink: 'create the link',
  readlink: 'read the link',
  copyfile: 'copy',
  fsync: 'flush',
};

/** A sentence for an errno error that reached the top without a call site's words (path and syscall from Node). */
export function describeUnwrappedErrno(err: NodeJS.ErrnoException & { code: string; dest?: string }): string {
  const action = (err.syscall && SYSCALL_ACTIONS[err.syscall]) ?? err.syscall ?? 'use';
  const where = err.path ? ` ${err.path}${err.dest ? ` to ${err.dest}` : ''}` : '';
  return `cannot ${action}${where}: ${errnoWords(err.code)}`;
}
