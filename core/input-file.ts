/**
 * Reading an input file with a size bound, refusing anything that is not a regular file. `readFileSync('/dev/zero')`
 * never ends and fills memory, and opening a FIFO blocks until something writes to it: both are refused here before a
 * byte is read, and a file that grows past the limit while it is read is refused at the limit.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { formatBytes } from './limits';
import { withFileSystemAction } from './system-error';
import { decodeUtf8 } from './utf8-text';
import { ProblemsError } from './diagnostics';

/** An input that is not a regular file or is over its size limit: the message says which and what to do. */
/** An input that is not read: a non-regular file or one over its size limit. `reason` is the message without the file. */
export class InputLimitError extends ProblemsError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read ${file}: ${reason}`, [{ severity: 'error', code: 'inputLimit', file, path: '', message: reason }]);
    this.name = 'InputLimitError';
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The contents of `path` as UTF-8, at most `maxBytes`. `what` names the input in messages ("config file").
 * @throws InputLimitError for a non-regular file or one over `maxBytes`; NotUtf8Error for text that is not UTF-8;
 *   FileSystemError for OS errors
 */
export function readBoundedTextFile(path: string, maxBytes: number, what: string): string {
  const notRegular = (st: Stats) =>
    new InputLimitError(path, `it is ${kindOf(st)}, not a regular file; give the ${what} as a file`);
  const tooLarge = (size: string) =>
    new InputLimitError(path, `the ${what} is ${size}, more than the ${formatBytes(maxBytes)} allowed`);
  // stat does not block on a FIFO; refuse devices, pipes and folders before opening anything.
  const before = withFileSystemAction('read', path, () => statSync(path));
  if (!before.isFile()) throw notRegular(before);
  if (before.size > maxBytes) throw tooLarge(formatBytes(before.size));
  // O_NONBLOCK: if the path was swapped for a FIFO since the stat, the open returns at once instead of waiting.
  const fd = withFileSystemAction('open', path, () => openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)));
  try {
    const st = withFileSystemAction('read', path, () => fstatSync(fd));
    if (!st.isFile()) throw notRegular(st);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      const n = withFileSystemAction('read', path, () => readSync(fd, buf, 0, buf.length, null));
      if (n === 0) break;
      total += n;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      if (total > maxBytes) throw tooLarge(`more than ${formatBytes(maxBytes)}`);
    }
    // Strict: bytes that are not UTF-8 are refused with where they are (never turned into U+FFFD and written on).
    return decodeUtf8(Buffer.concat(chunks, total), path);
  } finally {
    closeSync(fd);
  }
}
