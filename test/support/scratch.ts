/** A fresh temp folder per test (with the upstream memo cleared), removed after it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { clearUpstreamMemo } from '../../core/upstream/store';

export interface ScratchDir {
  /** The current test's folder. */
  readonly path: () => string;
  /** Writes a file into it: its path, and the path as the CLI prints it (relative to the working directory). */
  readonly write: (name: string, text: string) => { readonly path: string; readonly shown: string };
}

/** Call inside a `describe`: registers the beforeEach/afterEach that make and remove the folder. */
export function useScratchDir(prefix: string): ScratchDir {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    clearUpstreamMemo();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    path: () => dir,
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return { path, shown: relative(process.cwd(), path) };
    },
  };
}

/** The non-empty lines of a command's output. */
export const outputLines = (stdout: string): string[] => stdout.split('\n').filter(Boolean);
