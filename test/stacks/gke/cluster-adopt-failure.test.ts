/**
 * An adopted cluster that does not fit fails the Pulumi program at deploy time. A failed check surfaces as unhandled
 * rejections (that is how the Pulumi language host reports it), which jest would attribute to whatever test runs, so
 * the program runs in a child process (fixtures/adopt-mismatch-program.ts) and reports what happened.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

test('adopting an Autopilot cluster as gke-standard fails with the fix, and no pool is registered', () => {
  const run = spawnSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), '--swc', '-P', path.join(ROOT, 'tsconfig.json'), path.join(__dirname, 'fixtures/adopt-mismatch-program.ts')],
    { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
  );
  expect(run.stderr).not.toMatch(/Error/);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
  // One error (the runtime prefixes where it surfaced, e.g. 'error serializing property "cluster": ').
  expect(report.errors).toEqual([
    expect.stringMatching(
      /^ResourceError: .*agent-sandbox-infra:gke:SandboxCluster "adopt-bad":\n {2}existing cluster acme-team-c\/us-central1\/team-c is an Autopilot cluster, but the platform is gke-standard; set agent-sandbox-infra:platform to gke-autopilot$/,
    ),
  ]);
  // The component and its node service account are registered; the sandbox pool waits on the check and never is.
  expect(report.registered).toContain('adopt-bad');
  expect(report.registered).not.toContain('adopt-bad-sandbox');
});
