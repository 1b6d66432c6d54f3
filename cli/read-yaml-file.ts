/**
 * Reads a YAML or JSON file that must hold exactly one document; problems are a ConfigError naming the file. The file
 * must be a regular UTF-8 file within the config size limit, and its aliases may not expand it past the YAML limits.
 */
import { ConfigError } from '../config/validate';
import { readBoundedTextFile } from '../core/input-file';
import { LIMITS } from '../core/limits';
import { NotUtf8Error } from '../core/utf8-text';
import { formatPosition, parseManifestText } from '../core/yaml/parse';
import { problemAt } from '../core/diagnostics';

export function readSingleYamlDocument(file: string, what = 'config file'): unknown {
  let text: string;
  try {
    text = readBoundedTextFile(file, LIMITS.configFileBytes, what);
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new ConfigError([problemAt('', err.reason, 'encoding')], file);
    throw err;
  }
  const { documents, problems } = parseManifestText(file, text);
  if (problems.length) throw new ConfigError(problems.map((p) => problemAt(formatPosition(p), p.message, 'yaml')), file);
  if (documents.length !== 1) throw new ConfigError([problemAt('', `must contain exactly one YAML/JSON document, found ${documents.length}`, 'yaml')], file);
  return documents[0].value;
}
