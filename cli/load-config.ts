/** Reads a config file (YAML or JSON) and validates it; without a file, the built-in example. */
import { readFileSync } from 'node:fs';
import { EXAMPLE_CONFIG } from '../constructs/config/example';
import type { SandboxPlatformConfig } from '../constructs/config/schema';
import { ConfigError, validateConfig } from '../constructs/config/validate-config';
import { parseManifestText } from '../constructs/yaml/parse';

export function loadConfig(file?: string): { config: SandboxPlatformConfig; source: string } {
  if (!file) return { config: validateConfig(EXAMPLE_CONFIG, 'built-in example config'), source: 'built-in example config' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`], file);
  }
  const { documents, problems } = parseManifestText(file, text);
  if (problems.length) throw new ConfigError(problems.map((p) => `line ${p.line}: ${p.message}`), file);
  if (documents.length !== 1) throw new ConfigError([`must contain exactly one YAML/JSON document, found ${documents.length}`], file);
  return { config: validateConfig(documents[0].value, file), source: file };
}
