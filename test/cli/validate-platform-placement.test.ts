/** `validate --platform P` on objects rendered for another platform: their placement is an error. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli';

let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'asi-placement-'));
  expect((await runCli(['synth', '--out', out])).code).toBe(0);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

test.each(['gke-autopilot', 'gke-standard', 'eks', 'aks', 'kind'])('%s output validates as %s', async (platform) => {
  expect((await runCli(['validate', '--platform', platform, join(out, platform)])).code).toBe(0);
});

test('GKE output validated as eks or kind: the GKE node selector and toleration are named as GKE placement', async () => {
  for (const platform of ['eks', 'kind']) {
    const run = await runCli(['validate', '--platform', platform, join(out, 'gke-standard')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `SandboxTemplate agents-prod/python-runtime: spec.podTemplate.spec.nodeSelector["sandbox.gke.io/runtime"]: "sandbox.gke.io/runtime" is gke-autopilot, gke-standard placement, not ${platform}'s: ` +
        `this object was rendered for one of those platforms (\`synth --platform ${platform}\` renders ${platform}'s), and on ${platform} its pods would not land on sandbox nodes`,
    );
    expect(run.stdout).toContain('spec.podTemplate.spec.tolerations[0].key: "sandbox.gke.io/runtime" is gke-autopilot, gke-standard placement');
  }
});

test("EKS output validated as kind: the RuntimeClass's scheduling is EKS/AKS sandbox-node placement", async () => {
  const run = await runCli(['validate', '--platform', 'kind', join(out, 'eks')]);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/RuntimeClass gvisor: scheduling\.nodeSelector\["sandbox\.agent-sandbox-infra\.io\/runtime"\]: "sandbox\.agent-sandbox-infra\.io\/runtime" is eks, aks, kubernetes placement, not kind's/);
});
