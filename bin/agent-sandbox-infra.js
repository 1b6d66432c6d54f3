#!/usr/bin/env node
// The command runs the compiled CLI (`npm install` builds it through the `prepare` script).
'use strict';
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
