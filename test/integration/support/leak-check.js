// Global teardown of the real-component tier: no process of this run's local clusters may outlive the tests. Any
// process whose command line or working folder names one of this run's cluster data folders (except the one
// `npm run cluster -- up` keeps running, if any) is killed and reported, and the run fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

// This run's clusters only (test/integration/support/global-setup.ts sets the run id; scripts/cluster/control-plane.ts).
const PREFIX = `agent-sandbox-infra-cluster-${process.env.AGENT_SANDBOX_INFRA_TEST_RUN ?? ''}`;

function userCluster() {
  const base = process.env.AGENT_SANDBOX_INFRA_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'agent-sandbox-infra');
  try {
    return fs.readFileSync(path.join(base, 'cluster-current'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function leftovers() {
  const keep = userCluster();
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
    if (!text.includes(PREFIX) || (keep && text.includes(keep))) continue;
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
