#!/usr/bin/env node
'use strict';
/*
 * `npm run bench` — speed of the real CLI (bin/agent-sandbox-infra.js → build/) and of the Pulumi program, on this
 * machine, in one run. Not a test (jest never loads bench/). Prints markdown tables (stdout; progress on stderr)
 * and writes bench/results.json.
 *
 *  1. synth: `synth --platform all` (built-in example config) vs `kubectl kustomize` of the same release's k8s/ folder,
 *     one untimed warm-up each, then alternating timed runs; plus one cold run with an empty validator cache.
 *  2. scaling: `synth --platform eks --config <generated>` for N tenants (bench/scaling-config.js); line fit.
 *  3. validate: `validate <dir>` on the largest scaling output.
 *  4. stacks: each Pulumi.<stack>.yaml program under mocks (bench/stack-program.js).
 *  5. suite: `npm test` and `npm run typecheck`, one run each (informational).
 *
 * Options: --quick (fewer runs, N ≤ 100), --skip-slow (no npm test / typecheck), --runs <n> (synth runs),
 *          --only <synth,scaling,validate,stacks,suite>, --json <file>, --build (npm run build first),
 *          --check (exit 1 when a goal fails), --keep (keep the temp folder).
 * Upstream files: $AGENT_SANDBOX_INFRA_MIRROR (else ../shared/upstream) completed by the fetch-upstream cache.
 * Validator cache: a fresh temp folder ($AGENT_SANDBOX_INFRA_CACHE) that the warm-up runs fill.
 * Peak RSS: GNU time (`/usr/bin/time -f %M`) around the real command; without it, bench/rss-wrapper.js.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib');
const { scalingConfig } = require('./scaling-config');

const SECTIONS = ['synth', 'scaling', 'validate', 'stacks', 'suite'];
const GOALS = { ratio: 1.0, tenants: 1000, tenantsMs: 5000, tenantsRssKiB: 1024 * 1024, stackMs: 3000 };
const KNOWN_STACKS = ['gke-autopilot', 'gke-standard', 'eks', 'aks'];
const SCALING_PLATFORM = 'eks';
// The release synth installs by default: its own k8s/ kustomization is what kustomize renders beside it.
const AGENT_SANDBOX_TAG = require(path.join(L.REPO_ROOT, 'build', 'core', 'upstream', 'pins.js')).DEFAULT_AGENT_SANDBOX_VERSION;

function parseArgs(argv) {
  const o = { quick: false, skipSlow: false, runs: undefined, only: SECTIONS, json: path.join(__dirname, 'results.json'), build: false, check: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--skip-slow') o.skipSlow = true;
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--only') o.only = next().split(',').map((s) => s.trim());
    else if (a === '--json') o.json = path.resolve(next());
    else if (a === '--build') o.build = true;
    else if (a === '--check') o.check = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0].replace(/^#!.*\n'use strict';\n\/\*\n/, '').replace(/^ \* ?/gm, ''));
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  const bad = o.only.filter((s) => !SECTIONS.includes(s));
  if (bad.length) throw new Error(`--only: unknown section ${bad.join(', ')}; sections: ${SECTIONS.join(', ')}`);
  if (o.runs !== undefined && !(Number.isInteger(o.runs) && o.runs >= 1)) throw new Error('--runs must be a positive integer');
  if (o.skipSlow) o.only = o.only.filter((s) => s !== 'suite');
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const secs = (ms) => (ms / 1000).toFixed(2);

/**
 * Upstream files for the CLI, as one folder laid out like ../shared/upstream with every pinned file: the mirror
 * ($AGENT_SANDBOX_INFRA_MIRROR, else ../shared/upstream) completed by the fetch-upstream cache for the pins it lacks
 * (`fetch-upstream --if-missing` runs first). The bench's own validator cache is a fresh folder, so the pinned files
 * must not come from a cache the bench points elsewhere.
 */
function upstreamSource(tmp) {
  const sibling = path.resolve(L.REPO_ROOT, '..', 'shared', 'upstream');
  const base = process.env.AGENT_SANDBOX_INFRA_MIRROR ? path.resolve(L.REPO_ROOT, process.env.AGENT_SANDBOX_INFRA_MIRROR) : fs.existsSync(sibling) ? sibling : undefined;
  const env = { ...process.env, ...(base ? { AGENT_SANDBOX_INFRA_MIRROR: base } : {}) };
  const fetched = spawnSync(process.execPath, [path.join(L.REPO_ROOT, 'bin', 'agent-sandbox-infra.js'), 'fetch-upstream', '--if-missing'], { env, encoding: 'utf8' });
  if (fetched.status !== 0) throw new Error(`fetch-upstream --if-missing failed:\n${fetched.stderr}`);
  const { allUpstreamFiles } = require(path.join(L.REPO_ROOT, 'build', 'core', 'upstream', 'pins.js'));
  const { locateUpstreamFile } = require(path.join(L.REPO_ROOT, 'build', 'core', 'upstream', 'store.js'));
  const dir = path.join(tmp, 'upstream');
  if (base) fs.cpSync(base, dir, { recursive: true, dereference: true });
  for (const file of allUpstreamFiles()) {
    const target = path.join(dir, file.relativePath);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(locateUpstreamFile(file, env).path, target);
  }
  return { dir, from: `${base ? path.relative(L.REPO_ROOT, base) || base : 'no mirror'} completed by the fetch-upstream cache` };
}

/** The CLI's own summary table (`platform objects bytes ms`). */
function parseSynthTable(stdout) {
  const rows = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) rows.push({ platform: m[1], objects: Number(m[2]), bytes: Number(m[3]), ms: Number(m[4]) });
  }
  if (!rows.length) throw new Error(`cannot read the synth summary table from:\n${stdout}`);
  return rows;
}

/** The validate summary line on stderr: "<n> objects in <m> files: ok|<k> problems". */
function parseValidateSummary(stderr) {
  const m = /^(\d+) objects in (\d+) files: (.*)$/m.exec(stderr);
  if (!m) throw new Error(`cannot read the validate summary line from:\n${stderr}`);
  return { objects: Number(m[1]), files: Number(m[2]), result: m[3].trim() };
}

function pass(ok) {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL';
}

// ---------------------------------------------------------------------------------------------------------------

class Bench {
  constructor(opts) {
    this.o = opts;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asi-bench-'));
    this.warmCache = path.join(this.tmp, 'cache-warm');
    fs.mkdirSync(this.warmCache);
    this.upstream = upstreamSource(this.tmp);
    this.env = { ...process.env, AGENT_SANDBOX_INFRA_MIRROR: this.upstream.dir, AGENT_SANDBOX_INFRA_CACHE: this.warmCache };
    this.results = {};
    this.notes = [];
  }

  cli(label, args, { env = this.env, ...rest } = {}) {
    return L.timedOk(label, L.CLI, args, { env, node: true, ...rest });
  }

  // 1 ------------------------------------------------------------------------------------------------------------
  synth() {
    const runs = this.o.runs ?? (this.o.quick ? 3 : 7);
    const out = (name) => path.join(this.tmp, 'synth', name);
    const ours = (name, env) => {
      const dir = out(name);
      const r = this.cli(`synth --platform all (${name})`, ['synth', '--platform', 'all', '--out', dir], { env });
      fs.rmSync(dir, { recursive: true, force: true });
      return { ...r, table: parseSynthTable(r.stdout) };
    };
    const res = { command: 'agent-sandbox-infra synth --platform all --out <tmp> (built-in example config)', runs };

    log('[synth] cold run: empty validator cache (fresh $AGENT_SANDBOX_INFRA_CACHE)');
    const coldCache = path.join(this.tmp, 'cache-cold');
    fs.mkdirSync(coldCache);
    const cold = ours('cold', { ...this.env, AGENT_SANDBOX_INFRA_CACHE: coldCache });
    res.cold = { ms: L.round1(cold.ms), cpuMs: cold.cpuMs === null ? null : L.round1(cold.cpuMs), rssKiB: cold.rssKiB };
    log(`[synth]   cold: ${secs(cold.ms)} s`);

    const kubectl = process.env.KUBECTL || 'kubectl';
    const kdir = path.join(this.upstream.dir, 'agent-sandbox', AGENT_SANDBOX_TAG);
    let skip;
    const probe = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' });
    if (probe.error) skip = `kubectl not found (${kubectl}: ${probe.error.code}); kustomize comparison skipped`;
    else if (!fs.existsSync(path.join(kdir, 'kustomization.yaml'))) skip = `${kdir}/kustomization.yaml not found; kustomize comparison skipped`;
    const kustomizeOut = path.join(this.tmp, 'kustomize.yaml');
    const theirs = () => L.timedOk('kubectl kustomize', kubectl, ['kustomize', kdir], { env: process.env, stdoutFile: kustomizeOut });
    if (skip) log(`[synth] ${skip}`);
    else res.kustomize = { command: `kubectl kustomize ${path.relative(L.REPO_ROOT, kdir)}`, version: (/Kustomize Version: (\S+)/.exec(probe.stdout) || [])[1] };

    log('[synth] warm-up (untimed): fills the on-disk validator cache (ajv standalone code) for the timed runs');
    ours('warm-up', this.env);
    if (!skip) theirs();

    const a = [];
    const b = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = ours(`run-${i}`, this.env);
      a.push(last);
      if (!skip) b.push(theirs());
      log(`[synth]   run ${i + 1}/${runs}: ours ${secs(last.ms)} s${skip ? '' : `, kustomize ${secs(b[i].ms)} s`}`);
    }
    // A config edited between runs: the documents it changes are new to the kept document checks (parsed, checked,
    // their validators loaded); the rest of the run is as above. Informational: what a user pays after an edit.
    const example = require(path.join(L.REPO_ROOT, 'build', 'config', 'example.js')).EXAMPLE_CONFIG;
    const editedRuns = Math.max(3, Math.min(runs, 7));
    log(`[synth] edited config: one template's image changed before each of ${editedRuns} runs`);
    const edited = [];
    for (let i = 0; i < editedRuns; i++) {
      const config = structuredClone(example);
      config.tenants[0].templates[0].containers[0].image = `python:3.12-slim-edit${i}-${process.pid}`;
      const file = path.join(this.tmp, `edited-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(config));
      const dir = out(`edited-${i}`);
      edited.push(this.cli(`synth --platform all (edited ${i})`, ['synth', '--platform', 'all', '--config', file, '--out', dir]));
      fs.rmSync(dir, { recursive: true, force: true });
      log(`[synth]   edited ${i + 1}/${editedRuns}: ${secs(edited[i].ms)} s`);
    }
    res.edited = { ...L.summarizeRuns(edited), n: editedRuns };
    res.ours = {
      ...L.summarizeRuns(a),
      peakRssKiB: Math.max(...a.map((r) => r.rssKiB ?? 0)) || null,
      objects: last.table.reduce((s, r) => s + r.objects, 0),
      perPlatform: last.table,
    };
    if (!skip) {
      const text = fs.readFileSync(kustomizeOut, 'utf8');
      Object.assign(res.kustomize, {
        ...L.summarizeRuns(b),
        peakRssKiB: Math.max(...b.map((r) => r.rssKiB ?? 0)) || null,
        objects: (text.match(/^kind:/gm) || []).length,
      });
      res.ratio = L.round3(res.ours.medianMs / res.kustomize.medianMs);
      if (res.ours.cpuMedianMs && res.kustomize.cpuMedianMs) res.cpuRatio = L.round3(res.ours.cpuMedianMs / res.kustomize.cpuMedianMs);
      res.goal = { ratioMax: GOALS.ratio, pass: res.ratio <= GOALS.ratio };
    } else {
      res.kustomize = { skipped: skip };
    }
    this.results.synth = res;
  }

  // 2 ------------------------------------------------------------------------------------------------------------
  scalingNs() {
    return this.o.quick ? [1, 10, 100] : [1, 10, 100, 1000];
  }

  writeConfig(n) {
    const file = path.join(this.tmp, `tenants-${n}.json`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify(scalingConfig(n), null, 1));
    return file;
  }

  scalingOut(n) {
    return path.join(this.tmp, 'scaling', `n${n}`);
  }

  synthTenants(n, label) {
    const dir = this.scalingOut(n);
    fs.rmSync(dir, { recursive: true, force: true });
    const r = this.cli(label, ['synth', '--platform', SCALING_PLATFORM, '--config', this.writeConfig(n), '--out', dir]);
    return { ...r, row: parseSynthTable(r.stdout).find((x) => x.platform === SCALING_PLATFORM) };
  }

  scaling() {
    const ns = this.scalingNs();
    const runs = this.o.quick ? 1 : 3;
    log(`[scaling] ${SCALING_PLATFORM}, N = ${ns.join(', ')} tenants, ${runs} run(s) each, interleaved; one untimed warm-up (N = 1)`);
    this.synthTenants(1, 'scaling warm-up');
    const samples = new Map(ns.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const n of ns) {
        const r = this.synthTenants(n, `synth ${n} tenants`);
        samples.get(n).push(r);
        log(`[scaling]   N=${n} run ${i + 1}/${runs}: ${secs(r.ms)} s, ${L.fmt.mib(r.rssKiB)}, ${r.row.objects} objects`);
      }
    }
    const points = ns.map((n) => {
      const rs = samples.get(n);
      const s = L.summarizeRuns(rs);
      const objects = rs[rs.length - 1].row.objects;
      return {
        tenants: n,
        ...s,
        cliReportedMs: L.median(rs.map((r) => r.row.ms)),
        peakRssKiB: Math.max(...rs.map((r) => r.rssKiB ?? 0)) || null,
        objects,
        bytes: rs[rs.length - 1].row.bytes,
        objectsPerSec: Math.round(objects / (s.medianMs / 1000)),
      };
    });
    points.forEach((p, i) => {
      p.marginalMsPerTenant = i === 0 ? null : L.round1((p.medianMs - points[i - 1].medianMs) / (p.tenants - points[i - 1].tenants));
    });
    const fit = L.linearFit(points.map((p) => p.tenants), points.map((p) => p.medianMs));
    const at = (n) => points.find((p) => p.tenants === n);
    const res = {
      platform: SCALING_PLATFORM,
      command: `agent-sandbox-infra synth --platform ${SCALING_PLATFORM} --config <N tenants>.json --out <tmp>`,
      tenantShape: 'namespace baseline (+1 egress rule), 1 SandboxTemplate, 1 SandboxWarmPool, 1 ResourceClaimTemplate → 1 DeviceClass',
      runsPerN: runs,
      points,
      fit: { interceptMs: L.round1(fit.a), slopeMsPerTenant: L.round3(fit.b), r2: L.round3(fit.r2) },
    };
    if (points.every((p) => p.cpuMedianMs !== undefined)) {
      const c = L.linearFit(points.map((p) => p.tenants), points.map((p) => p.cpuMedianMs));
      res.cpuFit = { interceptMs: L.round1(c.a), slopeMsPerTenant: L.round3(c.b), r2: L.round3(c.r2) };
    }
    const big = at(GOALS.tenants);
    if (big && at(100)) {
      const t100 = at(100).medianMs;
      const t1000 = big.medianMs;
      res.ratio1000over100 = {
        measured: L.round3(t1000 / t100),
        fittedLine: L.round3((fit.a + 1000 * fit.b) / (fit.a + 100 * fit.b)),
        withoutIntercept: L.round3((t1000 - fit.a) / (t100 - fit.a)),
        note: 'measured = t(1000)/t(100); fittedLine = the same ratio on the least-squares line (what linear growth with this intercept gives); withoutIntercept = (t(1000)−a)/(t(100)−a), 10 when linear',
      };
      const m10 = at(10) && (t100 - at(10).medianMs) / 90;
      const m100 = (t1000 - t100) / 900;
      if (m10) res.marginalCostRatio = { from10to100MsPerTenant: L.round1(m10), from100to1000MsPerTenant: L.round1(m100), ratio: L.round3(m100 / m10), note: '1.0 = linear; > 1 = per-tenant cost grows with N' };
    }
    res.goals = big
      ? { tenants: GOALS.tenants, maxMs: GOALS.tenantsMs, maxRssKiB: GOALS.tenantsRssKiB, timePass: big.medianMs <= GOALS.tenantsMs, rssPass: big.peakRssKiB === null ? undefined : big.peakRssKiB <= GOALS.tenantsRssKiB }
      : { skipped: `N = ${GOALS.tenants} not run (--quick)` };
    this.results.scaling = res;
  }

  // 3 ------------------------------------------------------------------------------------------------------------
  validate() {
    const big = Math.max(...this.scalingNs());
    const runs = this.o.quick ? 1 : 3;
    for (const n of [1, big]) {
      if (!fs.existsSync(this.scalingOut(n))) {
        log(`[validate] preparing the ${n}-tenant output (untimed synth)`);
        this.synthTenants(n, `synth ${n} tenants`);
      }
    }
    log(`[validate] validate <${big}-tenant output> and <1-tenant output>, ${runs} run(s) each, alternating`);
    const bigRuns = [];
    const smallRuns = [];
    const run = (n) => {
      const r = this.cli(`validate ${n} tenants`, ['validate', this.scalingOut(n)]);
      return { ...r, summary: parseValidateSummary(r.stderr) };
    };
    run(big); // warm-up: same validators as the synth runs, but keep the first timed run comparable
    for (let i = 0; i < runs; i++) {
      bigRuns.push(run(big));
      smallRuns.push(run(1));
      log(`[validate]   run ${i + 1}/${runs}: ${secs(bigRuns[i].ms)} s (${bigRuns[i].summary.objects} objects), 1 tenant ${secs(smallRuns[i].ms)} s`);
    }
    const s = L.summarizeRuns(bigRuns);
    const small = L.summarizeRuns(smallRuns);
    const { objects, files, result } = bigRuns[0].summary;
    const smallObjects = smallRuns[0].summary.objects;
    this.results.validate = {
      command: `agent-sandbox-infra validate <${big}-tenant ${SCALING_PLATFORM} output>`,
      tenants: big,
      objects,
      files,
      result,
      ...s,
      peakRssKiB: Math.max(...bigRuns.map((r) => r.rssKiB ?? 0)) || null,
      objectsPerSec: Math.round(objects / (s.medianMs / 1000)),
      oneTenant: { objects: smallObjects, ...small },
      marginalObjectsPerSec: s.medianMs > small.medianMs ? Math.round((objects - smallObjects) / ((s.medianMs - small.medianMs) / 1000)) : null,
      note: 'objectsPerSec = objects / wall time (includes start-up, schema loading); marginalObjectsPerSec = extra objects / extra time against the 1-tenant output',
    };
  }

  // 4 ------------------------------------------------------------------------------------------------------------
  stacks() {
    const files = fs.readdirSync(L.REPO_ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice('Pulumi.'.length, -'.yaml'.length));
    const stacks = [...KNOWN_STACKS.filter((s) => files.includes(s)), ...files.filter((s) => !KNOWN_STACKS.includes(s)).sort()];
    const runs = this.o.quick ? 1 : 3;
    log(`[stacks] ${stacks.join(', ')} under Pulumi mocks, ${runs} run(s) each, round-robin`);
    const samples = new Map(stacks.map((s) => [s, []]));
    for (let i = 0; i < runs; i++) {
      for (const stack of stacks) {
        const r = L.timedOk(`stack ${stack}`, path.join(__dirname, 'stack-program.js'), [stack], { env: this.env, node: true });
        const line = r.stdout.trim().split('\n').pop();
        const info = JSON.parse(line);
        samples.get(stack).push({ ...r, info });
        log(`[stacks]   ${stack} run ${i + 1}/${runs}: ${secs(r.ms)} s, ${info.resources} resources`);
      }
    }
    this.results.stacks = {
      runner: 'node bench/stack-program.js <stack>: runStack() from test/support/pulumi-stack.ts (setMocks + setAllConfig from the stack file, runInPulumiStack(sandboxStack), waitForRPCs); TypeScript transpiled on load with @swc/core',
      runsPerStack: runs,
      goalMs: GOALS.stackMs,
      stacks: stacks.map((stack) => {
        const rs = samples.get(stack);
        const s = L.summarizeRuns(rs);
        const info = rs[rs.length - 1].info;
        const phaseNames = Object.keys(info.phasesMs);
        return {
          stack,
          ...s,
          peakRssKiB: Math.max(...rs.map((r) => r.rssKiB ?? 0)) || null,
          resources: info.resources,
          dataSourceCalls: info.calls,
          resourcesByType: info.byType,
          phasesMedianMs: Object.fromEntries(phaseNames.map((p) => [p, L.median(rs.map((r) => r.info.phasesMs[p]))])),
          transpileMedianMs: L.median(rs.map((r) => r.info.transpileMs)),
          pass: s.medianMs <= GOALS.stackMs,
        };
      }),
    };
  }

  // 5 ------------------------------------------------------------------------------------------------------------
  suite() {
    // The developer's own environment (their cache), with the default mirror as the tests use it.
    const env = { ...process.env, AGENT_SANDBOX_INFRA_MIRROR: this.upstream.dir };
    const npm = process.env.npm_execpath && fs.existsSync(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const res = { note: 'informational; one run each; jest transform cache and validator cache as they are' };
    for (const [key, script] of [['test', 'test'], ['typecheck', 'typecheck']]) {
      log(`[suite] npm run ${script}`);
      const r = L.timed(npm[0], [...npm.slice(1), 'run', script, '--silent'], { env });
      res[key] = { command: `npm run ${script}`, ms: L.round1(r.ms), cpuMs: r.cpuMs === null ? null : L.round1(r.cpuMs), peakRssKiB: r.rssKiB, exitCode: r.status };
      const tests = /^Tests:\s+(.*)$/m.exec(r.stderr + r.stdout);
      if (tests) res[key].tests = tests[1].trim();
      const failedFiles = [...(r.stderr + r.stdout).matchAll(/^FAIL (\S+)/gm)].map((x) => x[1]);
      if (failedFiles.length) res[key].failedFiles = [...new Set(failedFiles)];
      if (r.status !== 0 && !failedFiles.length) res[key].outputTail = (r.stdout + r.stderr).trim().split('\n').slice(-15).join('\n');
      log(`[suite]   ${script}: ${secs(r.ms)} s, exit ${r.status}${tests ? ` (${tests[1].trim()})` : ''}`);
    }
    this.results.suite = res;
  }

  // --------------------------------------------------------------------------------------------------------------
  report(meta) {
    const out = [];
    const r = this.results;
    const m = meta.machine;
    out.push(`Measured ${meta.date.slice(0, 10)} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node.slice(1)} (${m.platform}); commit ${meta.git.commit}${meta.git.dirty ? ' + uncommitted changes' : ''}; load average ${meta.loadAverage.start.join(' ')} at start. \`npm run bench${this.o.quick ? ' -- --quick' : ''}\`.`);
    out.push('');
    const rows = [];
    if (r.synth) {
      const s = r.synth;
      const range = (x) => `${L.fmt.s(x.medianMs)} (${L.fmt.s(x.minMs)}–${L.fmt.s(x.maxMs)})${x.cpuMedianMs ? `, CPU ${L.fmt.s(x.cpuMedianMs)}` : ''}`;
      rows.push([`\`synth --platform all\`, example config, ${s.ours.objects} objects (median of ${s.runs}, warm cache: validators and kept document checks)`, range(s.ours), '', '']);
      if (s.kustomize.skipped) rows.push(['`kubectl kustomize` agent-sandbox v0.5.6', `skipped: ${s.kustomize.skipped}`, '', '']);
      else {
        rows.push([`\`kubectl kustomize\` agent-sandbox ${AGENT_SANDBOX_TAG}, ${s.kustomize.objects} objects (median of ${s.runs}, alternating)`, range(s.kustomize), '', '']);
        rows.push(['ratio synth / kustomize (median wall times)', s.ratio.toFixed(2), `≤ ${GOALS.ratio.toFixed(1)}`, pass(s.goal.pass)]);
        if (s.cpuRatio) rows.push(['ratio synth / kustomize (median CPU times, user + sys; informational)', s.cpuRatio.toFixed(2), '', '']);
      }
      if (s.edited) {
        const vs = s.kustomize.skipped ? '' : `; ${(s.edited.medianMs / s.kustomize.medianMs).toFixed(2)} × kustomize`;
        rows.push([`\`synth --platform all\`, the example with one template's image changed before each run (its SandboxTemplate is checked anew; median of ${s.edited.n} runs; informational)`, `${range(s.edited)}${vs}`, '', '']);
      }
      rows.push(['`synth --platform all`, cold (empty validator cache, 1 run)', `${L.fmt.s(s.cold.ms)}${s.cold.cpuMs ? `, CPU ${L.fmt.s(s.cold.cpuMs)}` : ''}`, '', '']);
    }
    if (r.scaling) {
      const s = r.scaling;
      const big = s.points.find((p) => p.tenants === GOALS.tenants);
      if (big) {
        rows.push([`\`synth --platform ${s.platform}\`, ${L.fmt.int(big.tenants)} tenants (${L.fmt.int(big.objects)} objects): time`, L.fmt.s(big.medianMs), `≤ ${GOALS.tenantsMs / 1000} s`, pass(s.goals.timePass)]);
        rows.push([`\`synth --platform ${s.platform}\`, ${L.fmt.int(big.tenants)} tenants: peak RSS`, L.fmt.mib(big.peakRssKiB), '≤ 1 GiB', pass(s.goals.rssPass)]);
      } else rows.push([`synth ${L.fmt.int(GOALS.tenants)} tenants`, 'not run (--quick)', `≤ ${GOALS.tenantsMs / 1000} s, ≤ 1 GiB`, 'n/a']);
      rows.push([
        `scaling: slope / intercept (least squares t = a + b·N over N = ${s.points.map((p) => p.tenants).join(', ')})`,
        `${s.fit.slopeMsPerTenant.toFixed(1)} ms/tenant / ${L.fmt.s(s.fit.interceptMs)} (R² ${s.fit.r2.toFixed(3)})${s.cpuFit ? `; CPU ${s.cpuFit.slopeMsPerTenant.toFixed(1)} ms/tenant / ${L.fmt.s(s.cpuFit.interceptMs)}` : ''}`,
        'linear',
        '',
      ]);
      if (s.ratio1000over100) {
        rows.push(['scaling: t(1000)/t(100), measured / on the fitted line / without intercept', `${s.ratio1000over100.measured.toFixed(2)} / ${s.ratio1000over100.fittedLine.toFixed(2)} / ${s.ratio1000over100.withoutIntercept.toFixed(2)}`, 'linear: ≈ 10 without intercept', '']);
      }
      if (s.marginalCostRatio) {
        const c = s.marginalCostRatio;
        rows.push(['scaling: per-tenant cost 10→100 vs 100→1000', `${c.from10to100MsPerTenant} vs ${c.from100to1000MsPerTenant} ms/tenant (×${c.ratio.toFixed(2)})`, 'linear: ×1.0', '']);
      }
    }
    if (r.validate) {
      const v = r.validate;
      rows.push([`\`validate\`, ${L.fmt.int(v.tenants)}-tenant output (${L.fmt.int(v.objects)} objects, ${L.fmt.int(v.files)} files)`, `${L.fmt.s(v.medianMs)}: ${L.fmt.int(v.objectsPerSec)} objects/s${v.marginalObjectsPerSec ? ` (${L.fmt.int(v.marginalObjectsPerSec)}/s without start-up)` : ''}`, '', '']);
    }
    if (r.stacks) {
      for (const s of r.stacks.stacks) {
        rows.push([`Pulumi program \`${s.stack}\` under mocks: ${s.resources} resources`, L.fmt.s(s.medianMs), `≤ ${GOALS.stackMs / 1000} s`, pass(s.pass)]);
      }
    }
    if (r.suite) {
      for (const k of ['test', 'typecheck']) {
        const x = r.suite[k];
        rows.push([`\`npm run ${k}\` (informational, 1 run)`, `${L.fmt.s(x.ms)}${x.cpuMs ? `, CPU ${L.fmt.s(x.cpuMs)}` : ''}${x.tests ? `; tests: ${x.tests}` : ''}${x.exitCode === 0 ? '' : ` (exit ${x.exitCode})`}`, '', '']);
      }
    }
    out.push(L.markdownTable(['benchmark', 'result', 'goal', ''], rows, ['l', 'r', 'l', 'l']));

    if (r.scaling) {
      out.push('');
      out.push(`Scaling (\`synth --platform ${r.scaling.platform} --config <generated>\`; each tenant: ${r.scaling.tenantShape}; median of ${r.scaling.runsPerN}):`);
      out.push('');
      out.push(
        L.markdownTable(
          ['tenants', 'objects', 'wall time (min–max)', 'CPU time', 'peak RSS', 'objects/s', 'ms per extra tenant'],
          r.scaling.points.map((p) => [L.fmt.int(p.tenants), L.fmt.int(p.objects), `${L.fmt.s(p.medianMs)} (${L.fmt.s(p.minMs)}–${L.fmt.s(p.maxMs)})`, L.fmt.s(p.cpuMedianMs), L.fmt.mib(p.peakRssKiB), L.fmt.int(p.objectsPerSec), p.marginalMsPerTenant === null ? '—' : p.marginalMsPerTenant.toFixed(1)]),
        ),
      );
    }
    if (r.stacks) {
      out.push('');
      out.push(`Pulumi programs under mocks (\`node bench/stack-program.js <stack>\`, process start to last registration; median of ${r.stacks.runsPerStack}):`);
      out.push('');
      const ph = (s, k) => (s.phasesMedianMs[k] === undefined ? '' : L.fmt.ms(s.phasesMedianMs[k]));
      out.push(
        L.markdownTable(
          ['stack', 'resources', 'wall time (min–max)', 'CPU time', 'peak RSS', 'load @pulumi/pulumi', 'load program', 'run program', 'of which TS transpile', 'goal ≤ 3 s'],
          r.stacks.stacks.map((s) => [s.stack, s.resources, `${L.fmt.s(s.medianMs)} (${L.fmt.s(s.minMs)}–${L.fmt.s(s.maxMs)})`, L.fmt.s(s.cpuMedianMs), L.fmt.mib(s.peakRssKiB), ph(s, 'requirePulumi'), ph(s, 'requireProgram'), ph(s, 'runProgram'), L.fmt.ms(s.transpileMedianMs), pass(s.pass)]),
        ),
      );
    }
    out.push('');
    out.push(...this.notes.map((n) => `- ${n}`));
    return out.join('\n') + '\n';
  }

  cleanup() {
    if (this.o.keep) log(`temp folder kept: ${this.tmp}`);
    else fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.build) {
    log('npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: L.REPO_ROOT, stdio: ['ignore', 2, 2] }); // keep stdout for the report
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const build = L.buildState();
  if (!build.built) throw new Error('build/ is missing: run `npm run build` (or `npm run bench -- --build`) first');
  if (build.stale) log(`warning: build/ is older than ${build.newestSource}: the bench measures the compiled build; run \`npm run build\` (or pass --build) to measure the current sources`);

  const bench = new Bench(opts);
  const meta = {
    date: new Date().toISOString(),
    quick: opts.quick,
    sections: opts.only,
    machine: L.machineInfo(),
    git: L.gitInfo(),
    build: { stale: build.stale, ...(build.stale ? { newerSource: build.newestSource } : {}) },
    upstream: { dir: bench.upstream.dir, from: bench.upstream.from },
    validatorCache: 'fresh temp folder per bench run ($AGENT_SANDBOX_INFRA_CACHE), filled by the untimed warm-up runs; the cold synth run uses a second, empty one',
    rssMethod: L.getRssMethod() === 'gnu-time' ? 'GNU time: /usr/bin/time -f %M around the command (ru_maxrss, KiB)' : 'bench/rss-wrapper.js: process.resourceUsage().maxRSS of the script run in-process (node commands only)',
    loadAverage: { start: os.loadavg().map((x) => L.round1(x)) },
  };
  log(`bench: ${meta.machine.cpuModel}, ${meta.machine.cores} cores, Node ${meta.machine.node}; upstream files from ${bench.upstream.from}; temp ${bench.tmp}`);
  bench.notes.push(`Upstream files from ${bench.upstream.from}; the private cache (validators, kept document checks, the module code cache) is a fresh temp folder: one untimed warm-up run of each command fills it (and warms the OS file cache) before the timed runs, which alternate ours / kustomize. The edited-config runs show what a run costs when its documents are not all known.`);
  bench.notes.push(`Wall times are whole processes (Node start-up, module loading, config checks, synthesis, validation, writing files); peak RSS by ${L.getRssMethod() === 'gnu-time' ? 'GNU time (`/usr/bin/time -f %M`)' : '`process.resourceUsage().maxRSS` (bench/rss-wrapper.js)'}.`);
  bench.notes.push('CPU time = user + sys of the process (and the children it waited for), from the same runs; it is less sensitive than wall time to other processes competing for the cores.');
  try {
    for (const section of SECTIONS) {
      if (!opts.only.includes(section)) continue;
      const t = Date.now();
      bench[section]();
      bench.results[section].sectionSeconds = L.round1((Date.now() - t) / 1000);
    }
  } finally {
    bench.cleanup();
  }
  meta.loadAverage.end = os.loadavg().map((x) => L.round1(x));
  if (Math.max(meta.loadAverage.start[0], meta.loadAverage.end[0]) > meta.machine.cores / 2) {
    bench.notes.push(`Load average ${meta.loadAverage.start[0]} at start, ${meta.loadAverage.end[0]} at the end, on ${meta.machine.cores} cores: other processes were running; wall times are noisy.`);
  }
  const failed = [];
  const r = bench.results;
  if (r.synth && r.synth.goal && !r.synth.goal.pass) failed.push('synth/kustomize ratio');
  if (r.scaling && r.scaling.goals.timePass === false) failed.push('1,000 tenants time');
  if (r.scaling && r.scaling.goals.rssPass === false) failed.push('1,000 tenants memory');
  if (r.stacks) for (const s of r.stacks.stacks) if (!s.pass) failed.push(`stack ${s.stack}`);
  const report = bench.report(meta);
  fs.mkdirSync(path.dirname(opts.json), { recursive: true });
  fs.writeFileSync(opts.json, `${JSON.stringify({ ...meta, results: r, goalsFailed: failed, markdown: report }, null, 2)}\n`);
  process.stdout.write(`\n${report}`);
  log(`\nwrote ${path.relative(process.cwd(), opts.json) || opts.json}${failed.length ? `; goals not met: ${failed.join(', ')}` : '; all goals met'}`);
  return opts.check && failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
