'use strict';
// The generated configuration for the scaling benchmark: N tenants, each with the hardened namespace baseline
// (plus one egress rule), one SandboxTemplate, one SandboxWarmPool and one DRA ResourceClaimTemplate that
// references the config's one DeviceClass. Same format as config/example.ts (the --config file format).

const PYTHON_RUNTIME = {
  name: 'python',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'http.server', '8888'],
  ports: [{ containerPort: 8888, name: 'http' }],
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  readinessProbe: { tcpSocket: { port: 8888 }, periodSeconds: 2 },
};

const DEVICE_CLASS = 'nvidia-gpu-24gi';

function tenant(i) {
  return {
    name: `tenant-${String(i).padStart(4, '0')}`,
    namespace: { egressAllowlist: [{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }], description: 'HTTPS' }] },
    templates: [{ name: 'python-runtime', containers: [PYTHON_RUNTIME] }],
    warmPools: [{ name: 'python-warm', template: 'python-runtime', replicas: 2 }],
    claimTemplates: [{ name: 'gpu-24gi', requests: [{ name: 'gpu', exactly: { deviceClass: DEVICE_CLASS, count: 1 } }] }],
  };
}

/** A SandboxPlatformConfig (plain JSON) with `n` tenants. */
function scalingConfig(n) {
  return {
    kubernetesVersion: '1.36',
    agentSandbox: { version: 'v0.5.6' },
    deviceClasses: [
      {
        name: DEVICE_CLASS,
        selectors: [{ driver: 'gpu.nvidia.com' }, { capacity: { domain: 'gpu.nvidia.com', name: 'memory', compare: '>=', value: '24Gi' } }],
      },
    ],
    tenants: Array.from({ length: n }, (_, i) => tenant(i)),
  };
}

module.exports = { scalingConfig };
