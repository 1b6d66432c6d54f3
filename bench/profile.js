#!/usr/bin/env node
'use strict';
// CPU profile of one CLI run, summarized: where the self time goes, by module and by function.
//
//   node bench/profile.js                          # synth --platform all (built-in example) into a temp folder
//   node bench/profile.js -- synth --platform eks --config my.json --out /tmp/x
//   node bench/profile.js --top 30 --keep          # keep the .cpuprofile (open it in Chrome DevTools)
//   node bench/profile.js --summarize file.cpuprofile
//
// Runs the real CLI (bin/agent-sandbox-infra.js → build/) under `node --cpu-prof`; uses ../shared/upstream as the
// mirror when AGENT_SANDBOX_INFRA_MIRROR is unset and that folder exists, and the validator cache as configured
// (run once before to profile a warm run, which is what the bench measures).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');

/** Self time (ms) per profile node, from the samples and their time deltas. */
function selfTimes(profile) {
  const self = new Map();
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the interval to the sample that follows it.
    const dt = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  return self;
}

/** A readable module name for a script URL: npm package, repository file, node internal or a V8 pseudo node. */
function moduleOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(no script URL: native, or eval’d code such as loaded validators)';
  if (url.startsWith('node:')) return 'node: internals';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (file.startsWith(REPO_ROOT + path.sep)) return path.relative(REPO_ROOT, file);
  if (file.includes('/validators/')) return 'validator cache (ajv standalone code)';
  return file;
}

function summarize(profile, top = 20) {
  const self = selfTimes(profile);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byModule = new Map();
  const byFunction = new Map();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (!ms) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const mod = moduleOf(url, functionName || '(anonymous)');
    byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'}  ${mod}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  // Library time charged to the nearest repository frame above it (who calls the hot library code).
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const isRepo = (n) => {
    const url = n.callFrame.url;
    if (!url || url.startsWith('node:')) return false;
    const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
    return file.startsWith(REPO_ROOT + path.sep) && !file.includes('/node_modules/');
  };
  const byRepoFrame = new Map();
  for (const [id, ms] of self) {
    let n = byId.get(id);
    while (n && !isRepo(n)) n = parent.get(n.id);
    const key = n ? `${n.callFrame.functionName || '(anonymous)'}  ${moduleOf(n.callFrame.url, '')}:${n.callFrame.lineNumber + 1}` : '(no repository frame: start-up, module loading, GC)';
    byRepoFrame.set(key, (byRepoFrame.get(key) ?? 0) + ms);
  }
  const rank = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  // Repository folders (validation/schema, core/yaml, cli…) and packages, for a coarse view.
  const byArea = new Map();
  for (const [mod, ms] of byModule) {
    const area = mod.startsWith('build/') ? mod.split('/').slice(0, 3).join('/') : mod;
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  return { totalMs: Math.round(total), byModule: rank(byModule), byArea: rank(byArea), byFunction: rank(byFunction), byRepoFrame: rank(byRepoFrame) };
}

function print(summary, out = process.stdout) {
  const section = (title, rows) => {
    out.write(`\n${title}\n`);
    for (const r of rows) out.write(`${String(r.ms).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.name}\n`);
  };
  out.write(`sampled CPU time: ${summary.totalMs} ms\n`);
  section('self time by area (build/<dir>/<subdir>, package or pseudo node):', summary.byArea);
  section('self time by module:', summary.byModule);
  section('self time by function:', summary.byFunction);
  section('self time charged to the nearest repository function on the stack (library code included):', summary.byRepoFrame);
}

function main(argv) {
  let top = 20;
  let keep = false;
  let file;
  let cliArgs;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--top') top = Number(argv[++i]);
    else if (a === '--keep') keep = true;
    else if (a === '--summarize') file = argv[++i];
    else if (a === '--') {
      cliArgs = argv.slice(i + 1);
      break;
    } else {
      process.stderr.write(`unknown option ${a}\n`);
      return 2;
    }
  }
  if (file) {
    print(summarize(JSON.parse(fs.readFileSync(file, 'utf8')), top));
    return 0;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asi-profile-'));
  cliArgs ??= ['synth', '--platform', 'all', '--out', path.join(tmp, 'out')];
  const env = { ...process.env };
  const sibling = path.resolve(REPO_ROOT, '..', 'shared', 'upstream');
  if (!env.AGENT_SANDBOX_INFRA_MIRROR && fs.existsSync(sibling)) env.AGENT_SANDBOX_INFRA_MIRROR = sibling;
  const profDir = path.join(tmp, 'prof');
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, path.join(REPO_ROOT, 'bin', 'agent-sandbox-infra.js'), ...cliArgs], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write(`profiled command failed (exit ${r.status})\n`);
    return 1;
  }
  const [prof] = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  const profPath = path.join(profDir, prof);
  process.stdout.write(`\nprofile of: agent-sandbox-infra ${cliArgs.join(' ')}\n`);
  print(summarize(JSON.parse(fs.readFileSync(profPath, 'utf8')), top));
  if (keep) process.stdout.write(`\nprofile kept: ${profPath}\n`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
module.exports = { summarize, print };
