#!/usr/bin/env node
// `npm run typecheck`: the cdk8s/CLI half and the Pulumi half are two TypeScript projects checked in parallel
// (the cloud SDK declarations dominate the second; together they would take twice as long on two cores).
// Every .ts file of the repository belongs to exactly one of them (checked below).
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const tsc = require.resolve('typescript/bin/tsc');
const projects = ['tsconfig.lib.json', 'tsconfig.stacks.json'];
const root = path.resolve(__dirname, '..');
let failed = 0;
Promise.all(
  projects.map(
    (p) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [tsc, '--noEmit', '-p', p], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => {
          if (code !== 0) failed++;
          process.stdout.write(out);
          resolve();
        });
      }),
  ),
).then(() => {
  if (failed) process.stderr.write(`typecheck: ${failed} of ${projects.length} projects failed\n`);
  process.exit(failed ? 1 : 0);
});
