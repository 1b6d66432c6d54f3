#!/usr/bin/env node
// The command runs the compiled CLI (`npm install` builds it through the `prepare` script).
'use strict';
// Node 20 has no built-in compile cache (module.enableCompileCache is Node 22): reuse V8 bytecode across runs, which
// saves most of the start-up of a CLI that loads cdk8s, zod, ajv and the generated Kubernetes types.
try {
  require('v8-compile-cache');
} catch {
  // optional: without it the CLI only starts slower
}
let main;
try {
  main = require('../build/cli/main.js').main;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('build/cli/main.js')) {
    process.stderr.write('agent-sandbox-infra: the CLI is not built yet; run `npm install` (or `npm run build`) first.\n');
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`agent-sandbox-infra: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
