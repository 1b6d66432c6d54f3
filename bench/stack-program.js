'use strict';
// `node bench/stack-program.js <stack>`: runs the whole Pulumi program (stacks/program.ts, `sandboxStack`) for
// Pulumi.<stack>.yaml under Pulumi mocks, the way the tests do (test/support/pulumi-stack.ts: setMocks +
// setAllConfig from the stack file, runInPulumiStack, then waitForRPCs to drain pending registrations).
// stacks/ is not part of build/, so the TypeScript sources are transpiled on load by @swc/core (bench/ts-hook.js,
// the transform jest uses; no type checking) — that cost is part of the measured time and reported separately.
// Prints one JSON line: { stack, resources, calls, byType, phasesMs, transpileMs, totalMs }.
const t0 = performance.now();
const hook = require('./ts-hook');
const tHook = performance.now();

async function main(stack) {
  const phases = { nodeStartup: Math.round(t0), loadTranspiler: Math.round(tHook - t0) };
  let t = performance.now();
  const mark = (name) => {
    const now = performance.now();
    phases[name] = Math.round(now - t);
    t = now;
  };
  require('@pulumi/pulumi');
  mark('requirePulumi');
  const { runStack } = require('../test/support/pulumi-stack.ts');
  mark('requireMockHelpers');
  require('../stacks/program.ts');
  mark('requireProgram');
  const run = await runStack(stack);
  mark('runProgram');
  const byType = {};
  for (const r of run.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const result = {
    stack,
    resources: run.resources.length,
    calls: run.calls.length,
    byType,
    phasesMs: phases,
    transpileMs: Math.round(hook.transpileMs()),
    totalMs: Math.round(performance.now()),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const stack = process.argv[2];
if (!stack) {
  process.stderr.write('usage: node bench/stack-program.js <stack>   (Pulumi.<stack>.yaml)\n');
  process.exit(2);
}
main(stack).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`stack-program ${stack}: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
