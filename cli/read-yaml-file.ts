/**
 * Reads a YAML or JSON file that must hold exactly one document; problems are a ConfigError naming the file. The file
 * must be a regular file within the config size limit, and its aliases may not expand it past the YAML limits.
 */
import { ConfigError } from '../config/validate';
import { readBoundedTextFile } from '../core/input-file';
import { LIMITS } from '../core/limits';
import { parseManifestText } from '../core/yaml/parse';

export function readSingleYamlDocument(file: string, what = 'config file'): unknown {
  const text = readBoundedTextFile(file, LIMITS.configFileBytes, what);
  const { documents, problems } = parseManifestText(file, text);
  if (problems.length) throw new ConfigError(problems.map((p) => `line ${p.line}: ${p.message}`), file);
  if (documents.length !== 1) throw new ConfigError([`must contain exactly one YAML/JSON document, found ${documents.length}`], file);
  return documents[0].value;
}
