/** Reads a YAML or JSON file that must hold exactly one document; problems are a ConfigError naming the file. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/validate';
import { parseManifestText } from '../core/yaml/parse';

export function readSingleYamlDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`], file);
  }
  const { documents, problems } = parseManifestText(file, text);
  if (problems.length) throw new ConfigError(problems.map((p) => `line ${p.line}: ${p.message}`), file);
  if (documents.length !== 1) throw new ConfigError([`must contain exactly one YAML/JSON document, found ${documents.length}`], file);
  return documents[0].value;
}
