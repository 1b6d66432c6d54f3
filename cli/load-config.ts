/** Reads a config file (YAML or JSON) and validates it; without a file, the built-in example. */
import { EXAMPLE_CONFIG } from '../constructs/config/example';
import type { SandboxPlatformConfig } from '../constructs/config/schema';
import { validateConfig } from '../constructs/config/validate-config';
import { readSingleYamlDocument } from './read-yaml-file';

export function loadConfig(file?: string): { config: SandboxPlatformConfig; source: string } {
  if (!file) return { config: validateConfig(EXAMPLE_CONFIG, 'built-in example config'), source: 'built-in example config' };
  return { config: validateConfig(readSingleYamlDocument(file), file), source: file };
}
