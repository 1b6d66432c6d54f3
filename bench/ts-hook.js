'use strict';
// A minimal require hook for the bench: transpiles the repository's .ts files with @swc/core (no type checking),
// the same transform jest uses (@swc/jest). Only used to run the Pulumi program (stacks/ is not part of build/).
const { transformSync } = require('@swc/core');
const fs = require('node:fs');
const Module = require('node:module');

const options = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline', // as ts-node (Pulumi's TypeScript loader) emits them
  swcrc: false,
  configFile: false,
};

let transpileMs = 0;
Module._extensions['.ts'] = function compileTs(module, filename) {
  const t = performance.now();
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  transpileMs += performance.now() - t;
  module._compile(code, filename);
};

module.exports = { transpileMs: () => transpileMs };
