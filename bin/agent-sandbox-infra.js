#!/usr/bin/env node
// The command runs the compiled CLI (`npm install` builds it through the `prepare` script).
'use strict';
let main;
let startUp;
try {
  // Before the CLI loads: Node's compile cache (Node ≥ 22.1) and zod set up for one parse (cli/start-up.ts).
  startUp = require('../build/cli/start-up.js');
  startUp.enableModuleCompileCache();
  startUp.configureZodForOneParse();
  main = require('../build/cli/main.js').main;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /build\/cli\/(main|start-up)\.js/.test(String(err.message))) {
    process.stderr.write('agent-sandbox-infra: the CLI is not built yet; run `npm install` (or `npm run build`) first.\n');
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2)).then(
  (code) => {
    startUp.flushModuleCompileCache();
    process.exit(code);
  },
  (err) => {
    process.stderr.write(`agent-sandbox-infra: ${err && err.message ? err.message : err}\n`);
    startUp.flushModuleCompileCache();
    process.exit(1);
  },
);
