/**
 * The built-in example configuration that `synth` uses without `--config`: the agent-sandbox install and the
 * sandboxed runtime on every platform, with the defaults a production install should start from.
 */
import type { SandboxPlatformConfig } from './schema';

export const EXAMPLE_CONFIG: SandboxPlatformConfig = {
  kubernetesVersion: '1.36',
  agentSandbox: {
    version: 'v0.5.6',
    namespace: 'agent-sandbox-system',
    replicas: 2,
    controller: { leaderElect: true, extensions: true },
    allowedLabelDomains: ['sandbox.users.io', 'agents.example.com'],
  },
  platforms: {
    'gke-autopilot': { agentSandbox: 'self' },
    'gke-standard': { agentSandbox: 'self' },
  },
};
