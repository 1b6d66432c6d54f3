/**
 * `npm test` on a fresh machine: the unit-tier suites that run a real component (runsc, containerd, kubectl,
 * openssl, git) skip with one loud line each when it is absent, and never crash; with CI=true the same absence fails
 * them. Runs those suites in a child jest with the components reported absent (AGENT_SANDBOX_INFRA_TEST_ABSENT).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ABSENT_ENV } from '../support/real-components';

const REPO = resolve(__dirname, '../..');
const SUITES = [
  'test/platforms/eks/node-bootstrap/install-script.test.ts',
  'test/platforms/eks/node-bootstrap/containerd.test.ts',
  'test/platforms/eks/kubeconfig.test.ts',
  'test/cli/diff-command-git.test.ts',
];

function jest(env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [resolve(REPO, 'node_modules/jest/bin/jest.js'), '--ci=false', ...SUITES], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, [ABSENT_ENV]: 'runsc,containerd,kubectl,openssl,git', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

test('without runsc, containerd, kubectl, openssl and git: each suite skips with one SKIPPED line, nothing crashes', () => {
  const { status, output } = jest({ CI: '' });
  // Suites run in parallel: their lines come in any order.
  // Lines for reference data only ../shared/upstream holds depend on that folder, not on the commands hidden here.
  const skipped = output
    .split('\n')
    .filter((l) => /\*\*\* SKIPPED /.test(l) && !l.includes('reference data only ../shared/upstream holds'))
    .sort();
  expect(skipped).toEqual([
    '*** SKIPPED `containerd --config F config dump` (test/platforms/eks/node-bootstrap/containerd.test.ts): no containerd on PATH (apt-get install -y containerd) ***',
    '*** SKIPPED diff --git (test/cli/diff-command-git.test.ts): no git on PATH (apt-get install -y git) ***',
    '*** SKIPPED kubectl with our EKS kubeconfig (test/platforms/eks/kubeconfig.test.ts): no kubectl on PATH (apt-get install -y kubernetes-client, or any kubectl); no openssl on PATH (apt-get install -y openssl) ***',
    '*** SKIPPED runsc install script (test/platforms/eks/node-bootstrap/install-script.test.ts): no runsc on PATH (apt-get install -y runsc) ***',
  ]);
  expect(output).not.toMatch(/Test suite failed to run|Received undefined/);
  expect(output).toMatch(/Test Suites: (\d+ skipped, )?\d+ passed/);
  expect(status).toBe(0);
}, 120_000);

test('with CI=true the same absence fails the suites, naming what is missing', () => {
  const { status, output } = jest({ CI: 'true' });
  expect(status).toBe(1);
  expect(output).toContain('SKIPPED runsc install script');
  expect(output).toContain('CI=true requires the real components (.ci/run installs them)');
  expect(output).toMatch(/Test Suites: 4 failed/);
}, 120_000);
