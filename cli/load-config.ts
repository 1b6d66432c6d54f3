/** Reads a config file (YAML or JSON) and validates it; without a file, the built-in example. */
import { EXAMPLE_CONFIG } from '../config/example';
import type { SandboxPlatformConfig } from '../config/schema';
import { validateConfig, type ValidateConfigOptions } from '../config/validate';
import { readSingleYamlDocument } from './read-yaml-file';

export function loadConfig(file?: string, options: ValidateConfigOptions = {}): { config: SandboxPlatformConfig; source: string } {
  if (!file) return { config: validateConfig(EXAMPLE_CONFIG, 'built-in example config', options), source: 'built-in example config' };
  return { config: validateConfig(readSingleYamlDocument(file), file, options), source: file };
}
