/**
 * The skip rule for suites that run the Pulumi engine against a local cluster with the agent-sandbox controller as
 * its pod: the control plane, the controller of the default release, the Pulumi CLI and provider, and root for the
 * pod runner (test/support/require-toolchain.ts: one loud line, or a failure under CI=true).
 */
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../../core/upstream/pins';
import { podRunnerUnavailable } from '../../../scripts/cluster/pod-runner';
import { PULUMI_ENGINE } from '../../../scripts/toolchain/components';
import { agentSandboxControllerComponent, DEFAULT_LOCAL_KUBERNETES, ETCD, kubernetesComponent, KWOK } from '../../../scripts/toolchain/versions';
import { requireToolchain } from '../../support/require-toolchain';

export function describeWithPulumiEngine(suite: string): jest.Describe {
  return requireToolchain(
    suite,
    [kubernetesComponent(DEFAULT_LOCAL_KUBERNETES), ETCD, KWOK, agentSandboxControllerComponent(agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION).version), ...PULUMI_ENGINE],
    `npm run toolchain -- cluster pulumi --kubernetes ${DEFAULT_LOCAL_KUBERNETES}`,
    process.env,
    podRunnerUnavailable(),
  );
}
