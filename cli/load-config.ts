/** Reads a config file (YAML or JSON); without a file, the built-in example. renderConfig checks it. */
import { EXAMPLE_CONFIG } from '../config/example';
import { readSingleYamlDocument } from './read-yaml-file';
import type { SandboxPlatformConfig } from '../config/model';
import { validateConfig } from '../config/validate';

/** The raw config document (unchecked) and where it came from. */
export function readConfig(file?: string): { raw: unknown; source: string } {
  return file ? { raw: readSingleYamlDocument(file), source: file } : { raw: EXAMPLE_CONFIG, source: 'built-in example config' };
}


/** The config, checked (validateConfig): for commands that need only a valid config, not its rendering. */
export function loadConfig(file?: string): { config: SandboxPlatformConfig; source: string } {
  const { raw, source } = readConfig(file);
  return { config: validateConfig(raw, source), source };
}
