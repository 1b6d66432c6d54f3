/** Where the toolchain builds live: `<user cache>/toolchain/<id>-<version>/` (the same cache as the upstream files). */
import { join } from 'node:path';
import { cacheDir } from '../../core/upstream/store';
import type { GoComponent } from './versions';

export function toolchainDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'toolchain');
}

export function componentDir(c: GoComponent, env: NodeJS.ProcessEnv = process.env): string {
  return join(toolchainDir(env), `${c.id}-${c.version}`);
}

export function binaryPath(c: GoComponent, binary: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!(binary in c.binaries)) throw new Error(`${c.id} ${c.version} builds no binary named ${binary}`);
  return join(componentDir(c, env), 'bin', binary);
}

export function moduleFilePath(c: GoComponent, file: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(componentDir(c, env), 'files', file);
}
