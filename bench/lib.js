'use strict';
// Helpers for the bench (bench/run.js): timed child processes with peak RSS, statistics, machine info, tables.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const CLI = path.join(REPO_ROOT, 'bin', 'agent-sandbox-infra.js');
const GNU_TIME = '/usr/bin/time';

/**
 * How peak RSS (and CPU time) is measured. Preferred: GNU time (`/usr/bin/time -f %M`, the child's ru_maxrss in KiB) around the
 * real command. Fallback (no GNU time): node commands run through bench/rss-wrapper.js, which calls the same entry
 * in-process and reports `process.resourceUsage().maxRSS`; other commands (kubectl) get no RSS.
 */
function detectRssMethod() {
  if (process.env.ASI_BENCH_RSS === 'wrapper' || !fs.existsSync(GNU_TIME)) return 'wrapper';
  const probe = path.join(os.tmpdir(), `asi-bench-time-probe-${process.pid}`);
  const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', probe, process.execPath, '-e', '0'], { stdio: 'ignore' });
  let ok = false;
  try {
    ok = r.status === 0 && /^\d+\s*$/.test(fs.readFileSync(probe, 'utf8').trim().split('\n').pop());
  } catch {
    ok = false;
  }
  fs.rmSync(probe, { force: true });
  return ok ? 'gnu-time' : 'wrapper';
}

let rssMethod;
function getRssMethod() {
  return (rssMethod ??= detectRssMethod());
}

/**
 * Runs a command, returns { ms (wall), rssKiB (peak, or null), cpuMs (user + sys of the process and the children
 * it waited for, or null), status, stdout, stderr }. GNU time's %U/%S have 10 ms resolution.
 * `node: true` means `cmd` is a script run with this node binary (so the wrapper fallback can measure it).
 * `stdoutFile`: send stdout to that file instead of capturing it.
 */
function timed(cmd, args, { env = process.env, cwd = REPO_ROOT, node = false, stdoutFile } = {}) {
  const method = getRssMethod();
  const rssFile = path.join(os.tmpdir(), `asi-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let file;
  let argv;
  let childEnv = env;
  if (method === 'gnu-time') {
    file = GNU_TIME;
    argv = ['-f', '%M %U %S', '-o', rssFile, ...(node ? [process.execPath, cmd] : [cmd]), ...args];
  } else if (node) {
    file = process.execPath;
    argv = [path.join(__dirname, 'rss-wrapper.js'), cmd, ...args];
    childEnv = { ...env, ASI_BENCH_RSS_FILE: rssFile };
  } else {
    file = cmd;
    argv = args;
  }
  const fd = stdoutFile ? fs.openSync(stdoutFile, 'w') : undefined;
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, {
    cwd,
    env: childEnv,
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (fd !== undefined) fs.closeSync(fd);
  let rssKiB = null;
  let cpuMs = null;
  try {
    const last = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop();
    const m = /^(\d+)(?: ([\d.]+) ([\d.]+))?$/.exec(last);
    if (m) {
      rssKiB = Number(m[1]);
      if (m[2] !== undefined) cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
    }
  } catch {
    // no RSS for this command
  }
  fs.rmSync(rssFile, { force: true });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return { ms, rssKiB, cpuMs, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs a timed command and throws with its output when it fails. */
function timedOk(label, cmd, args, opts) {
  const r = timed(cmd, args, opts);
  if (r.status !== 0) {
    throw new Error(`${label} failed (exit ${r.status}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-30).join('\n')}`);
  }
  return r;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall-time statistics of timed() results, plus the median CPU time when known. */
function summarize(samples, cpu) {
  const s = { samplesMs: samples.map(round1), medianMs: round1(median(samples)), minMs: round1(Math.min(...samples)), maxMs: round1(Math.max(...samples)) };
  if (cpu && cpu.length && cpu.every((c) => c !== null && c !== undefined)) s.cpuMedianMs = round1(median(cpu));
  return s;
}

/** summarize() over timed() results. */
function summarizeRuns(runs) {
  return summarize(runs.map((r) => r.ms), runs.map((r) => r.cpuMs));
}

/** Least squares t = a + b·x; returns { a, b, r2 }. */
function linearFit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const a = my - b * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { a, b, r2 };
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

function git(args) {
  const r = spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: round1(os.totalmem() / 2 ** 30),
  };
}

function gitInfo() {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit: git(['rev-parse', '--short=12', 'HEAD']), dirty: status === undefined ? undefined : status.length > 0 };
}

/** Newest mtime of the sources that `npm run build` compiles, against the build's CLI entry. */
function buildState() {
  const entry = path.join(REPO_ROOT, 'build', 'cli', 'main.js');
  if (!fs.existsSync(entry)) return { built: false, stale: true };
  const builtAt = fs.statSync(entry).mtimeMs;
  let newest = 0;
  let newestFile;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const m = fs.statSync(p).mtimeMs;
        if (m > newest) [newest, newestFile] = [m, p];
      }
    }
  };
  for (const d of ['constructs', 'cli', 'imports', 'stacks']) if (fs.existsSync(path.join(REPO_ROOT, d))) walk(path.join(REPO_ROOT, d));
  return { built: true, stale: newest > builtAt, newestSource: newestFile && path.relative(REPO_ROOT, newestFile) };
}

/** A GitHub-flavoured markdown table (first column left-aligned, the rest as given). */
function markdownTable(header, rows, align) {
  const al = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  const cells = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (al[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (al[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}

const fmt = {
  s: (ms) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`),
  ms: (ms) => `${Math.round(ms)} ms`,
  mib: (kib) => (kib === null || kib === undefined ? 'n/a' : `${Math.round(kib / 1024)} MiB`),
  int: (n) => Math.round(n).toLocaleString('en-US'),
};

module.exports = { REPO_ROOT, CLI, timed, timedOk, median, summarize, summarizeRuns, linearFit, round1, round3, machineInfo, gitInfo, buildState, markdownTable, fmt, getRssMethod };
