#!/usr/bin/env node
// Runs a TypeScript script of scripts/ (toolchain, cluster harness) through ts-node with swc: no build step.
'use strict';
const { resolve } = require('node:path');
require('ts-node').register({ swc: true, project: resolve(__dirname, '..', 'tsconfig.json') });
const [script, ...args] = process.argv.slice(2);
const mod = require(resolve(__dirname, script));
mod.main(args).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${script}: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
