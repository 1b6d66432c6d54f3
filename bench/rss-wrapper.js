'use strict';
// Fallback peak-RSS probe for machines without GNU time: `node bench/rss-wrapper.js <script> [args...]` runs the
// script in this process (as `node <script> [args...]` would) and, on exit, writes
// `process.resourceUsage()`'s maxRSS (KiB) and user and system CPU seconds to $ASI_BENCH_RSS_FILE (GNU time's
// `%M %U %S` format).
const fs = require('node:fs');
const path = require('node:path');

const [script, ...args] = process.argv.slice(2);
const out = process.env.ASI_BENCH_RSS_FILE;
delete process.env.ASI_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
process.argv = [process.argv[0], path.resolve(script), ...args];
require(path.resolve(script));
