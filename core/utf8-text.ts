/**
 * Reads a text file that must be UTF-8 (configs, manifests): invalid bytes are refused with where they are, instead
 * of being turned into U+FFFD and written on into names, labels or annotations.
 */
export class NotUtf8Error extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** What is wrong, without the file name. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'NotUtf8Error';
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or a NotUtf8Error naming the line and column of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new NotUtf8Error(file, 1, 1, 'is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
  }
  try {
    return decoder.decode(bytes);
  } catch {
    // The first invalid byte. "\n" never occurs inside a UTF-8 character, so first the line that fails, then the
    // shortest prefix of it that fails to decode as a stream (a character cut off at the end is not a failure then).
    let start = 0;
    for (let nl = bytes.indexOf(0x0a); nl >= 0 && decodes(bytes.subarray(start, nl)); nl = bytes.indexOf(0x0a, start)) start = nl + 1;
    let bad = start;
    while (bad < bytes.length && decodes(bytes.subarray(start, bad + 1), true)) bad++;
    // The failure shows at the byte that breaks a character begun before it: report where that character begins.
    while (bad > start && !decodes(bytes.subarray(start, bad))) bad--;
    const before = new TextDecoder().decode(bytes.subarray(0, bad));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const byte = bytes[bad] ?? 0;
    throw new NotUtf8Error(
      file,
      line,
      column,
      `is not UTF-8: byte 0x${byte.toString(16).padStart(2, '0').toUpperCase()} at line ${line}, column ${column} is not valid UTF-8 ` +
        '(Latin-1 or Windows-1252 text?); save the file as UTF-8 — nothing was read from it',
    );
  }
}

function decodes(bytes: Uint8Array, stream = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}
