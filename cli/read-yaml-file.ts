/** Reads a YAML or JSON file that must hold exactly one document; problems are a ConfigError naming the file. */
import { NotUtf8Error, readUtf8 } from './read-text';
import { ConfigError } from '../config/validate';
import { formatPosition, parseManifestText } from '../core/yaml/parse';

export function readSingleYamlDocument(file: string): unknown {
  let text: string;
  try {
    text = readUtf8(file);
  } catch (err) {
    if (err instanceof NotUtf8Error) throw new ConfigError([err.message.slice(file.length + 2)], file);
    throw new ConfigError([`cannot read ${file}: ${(err as Error).message}`], file);
  }
  const { documents, problems } = parseManifestText(file, text);
  if (problems.length) throw new ConfigError(problems.map((p) => `${formatPosition(p)}: ${p.message}`), file);
  if (documents.length !== 1) throw new ConfigError([`must contain exactly one YAML/JSON document, found ${documents.length}`], file);
  return documents[0].value;
}
