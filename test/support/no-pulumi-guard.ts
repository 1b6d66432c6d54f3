import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a `--require` preload into `dir` that makes every `require('@pulumi/...')` throw `loaded <module>`, and returns
 * its path (use `NODE_OPTIONS=--require <path>`). Where Pulumi is installed, a stray import would otherwise load
 * without an error; users who only synthesize do not have it.
 */
export function writeNoPulumiGuard(dir: string): string {
  const guard = join(dir, 'no-pulumi.js');
  writeFileSync(
    guard,
    "const Module = require('module');\nconst load = Module._load;\n" +
      "Module._load = function (request, ...rest) {\n  if (/^@pulumi\\//.test(request)) throw new Error('loaded ' + request);\n  return load.call(this, request, ...rest);\n};\n",
  );
  return guard;
}
