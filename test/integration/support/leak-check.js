// Global teardown of the real-component tier: no process of a local cluster this run started may outlive the tests.
// Any process whose command line or working folder names the data folder of one of this run's clusters (listed in
// the registry global-setup.ts creates) is killed and reported, and the run fails. Clusters of other runs on the
// same machine, and the one `npm run cluster -- up` keeps running, are left alone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

// scripts/cluster/control-plane.ts CLUSTER_REGISTRY_ENV
const REGISTRY_ENV = 'AGENT_SANDBOX_INFRA_CLUSTER_REGISTRY';

/** The data folders of the clusters this run started. */
function thisRunsClusters() {
  const file = process.env[REGISTRY_ENV];
  if (!file) throw new Error(`${REGISTRY_ENV} is not set: the integration tier's global setup (test/integration/support/global-setup.ts) did not run`);
  const dirs = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return dirs;
}

function leftovers() {
  const dirs = thisRunsClusters();
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    let cmdline = '';
    let cwd = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    const text = `${cmdline} ${cwd}`;
    if (!dirs.some((d) => text.includes(d))) continue;
    found.push({ pid: Number(pid), cmdline });
  }
  return found;
}

module.exports = async function leakCheck() {
  const left = leftovers();
  if (left.length === 0) return;
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  throw new Error(`the integration tests left ${left.length} process(es) running (now killed):\n${left.map((p) => `  ${p.pid} ${p.cmdline.slice(0, 200)}`).join('\n')}`);
};
