/**
 * `validate` checks RuntimeClasses: a `gvisor` class must really be gVisor (handler runsc), platform-owned classes
 * must not be re-declared (--platform), and the EKS class must steer pods to the sandbox nodes.
 */
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { SandboxRuntime } from '../../constructs/sandbox-runtime';
import { runCli } from '../support/cli';
import { outputLines, useScratchDir } from '../support/scratch';

const rc = (name: string, handler: string, extra = '') => `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: { name: ${name} }
handler: ${handler}
${extra}`;

describe('agent-sandbox-infra validate: RuntimeClasses', () => {
  const { write } = useScratchDir('asi-validate-rc-');
  const lines = outputLines;

  test('a gvisor RuntimeClass with handler runc is refused (its sandbox pods would run on the host kernel)', async () => {
    const file = write('rc.yaml', rc('gvisor', 'runc'));
    const run = await runCli(['validate', file.path]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      `${file.shown}: RuntimeClass gvisor: handler: must be "runsc" (RuntimeClass "gvisor" promises the gVisor sandbox; with another handler its pods run outside it, with runc on the host kernel), got "runc"`,
    ]);
    expect(run.stderr).toBe('1 objects in 1 files: 1 problem\n');
  });

  test('gvisor with runsc and any other RuntimeClass pass without a platform', async () => {
    const file = write('rc.yaml', `${rc('gvisor', 'runsc')}---\n${rc('standard', 'runc')}`);
    const run = await runCli(['validate', file.path]);
    expect(run).toStrictEqual({ code: 0, stdout: '', stderr: '2 objects in 1 files: ok\n' });
  });

  test.each([
    ['gke-autopilot', 'gvisor', 'runsc'],
    ['gke-standard', 'gvisor', 'runsc'],
    ['aks', 'kata-vm-isolation', 'kata'],
  ])('--platform %s: emitting the platform-owned %s RuntimeClass is an error', async (platform, name, handler) => {
    const file = write('rc.yaml', rc(name, handler));
    const run = await runCli(['validate', '--platform', platform, file.path]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      `${file.shown}: RuntimeClass ${name}: metadata.name: RuntimeClass "${name}" is owned by ${platform}; re-declaring it fights the platform's reconciler: remove it (sandbox pods only reference it by runtimeClassName)`,
    ]);
  });

  test('--platform eks: the gvisor RuntimeClass must select and tolerate the sandbox nodes', async () => {
    const file = write('rc.yaml', rc('gvisor', 'runsc', 'scheduling:\n  nodeSelector: { kubernetes.io/arch: amd64 }\n'));
    const run = await runCli(['validate', '--platform', 'eks', file.path]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toStrictEqual([
      `${file.shown}: RuntimeClass gvisor: scheduling.nodeSelector["sandbox.agent-sandbox-infra.io/runtime"]: must be "gvisor" (eks has runsc only on its sandbox nodes; without this selector "gvisor" pods can land on other nodes and fail to start), got nothing`,
      `${file.shown}: RuntimeClass gvisor: scheduling.tolerations: must tolerate the sandbox node taint {key: sandbox.agent-sandbox-infra.io/runtime, value: gvisor, effect: NoSchedule} (eks has runsc only on its sandbox nodes, which carry this taint; without the toleration "gvisor" pods cannot be scheduled there), got nothing`,
    ]);
    expect(run.stderr).toBe('1 objects in 1 files: 2 problems\n');
  });

  test.each(['eks', 'kind'])('--platform %s: the RuntimeClass SandboxRuntime emits passes', async (platform) => {
    const chart = Testing.chart();
    new SandboxRuntime(chart, 'runtime', { platform: platform as 'eks' | 'kind' });
    const file = write('runtime.yaml', Testing.synth(chart).map((o) => stringify(o)).join('---\n'));
    const run = await runCli(['validate', '--platform', platform, file.path]);
    expect(run).toStrictEqual({ code: 0, stdout: '', stderr: '1 objects in 1 files: ok\n' });
  });
});
