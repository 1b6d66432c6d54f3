'use strict';
// The generated configuration for the scaling benchmark: N tenants, each with the hardened namespace baseline
// (plus one egress rule), one SandboxTemplate, one SandboxWarmPool and one DRA ResourceClaimTemplate that
// references the config's one DeviceClass. Same format as config/example.ts (the --config file format), whose
// python-runtime container each tenant runs; read from the build the bench measures.
const path = require('node:path');

const build = (file) => require(path.join(__dirname, '..', 'build', file));

/** The example config's `python-runtime` container. */
function pythonRuntime() {
  const { EXAMPLE_CONFIG } = build('config/example.js');
  for (const t of EXAMPLE_CONFIG.tenants) for (const tpl of t.templates ?? []) if (tpl.name === 'python-runtime') return tpl.containers[0];
  throw new Error('config/example.ts has no python-runtime template');
}

const DEVICE_CLASS = 'nvidia-gpu-24gi';

function tenant(i, container) {
  return {
    name: `tenant-${String(i).padStart(4, '0')}`,
    namespace: { egressAllowlist: [{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }], description: 'HTTPS' }] },
    templates: [{ name: 'python-runtime', containers: [container] }],
    warmPools: [{ name: 'python-warm', template: 'python-runtime', replicas: 2 }],
    claimTemplates: [{ name: 'gpu-24gi', requests: [{ name: 'gpu', exactly: { deviceClass: DEVICE_CLASS, count: 1 } }] }],
  };
}

/** A SandboxPlatformConfig (plain JSON) with `n` tenants. */
function scalingConfig(n) {
  const container = pythonRuntime();
  return {
    kubernetesVersion: '1.36',
    agentSandbox: { version: build('core/upstream/pins.js').DEFAULT_AGENT_SANDBOX_VERSION },
    deviceClasses: [
      {
        name: DEVICE_CLASS,
        selectors: [{ driver: 'gpu.nvidia.com' }, { capacity: { domain: 'gpu.nvidia.com', name: 'memory', compare: '>=', value: '24Gi' } }],
      },
    ],
    tenants: Array.from({ length: n }, (_, i) => tenant(i, container)),
  };
}

module.exports = { scalingConfig };
