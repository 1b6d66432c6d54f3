/**
 * The built-in example configuration that `synth` uses without `--config`: the agent-sandbox install, the
 * sandboxed runtime, a DRA DeviceClass and two tenants, on every platform. It is also the documentation's
 * reference config (README "Configuration file").
 */
import type { SandboxPlatformConfig } from './model';

const PYTHON_RUNTIME = {
  name: 'python',
  image: 'python:3.12-slim',
  command: ['python', '-m', 'http.server', '8888'],
  ports: [{ containerPort: 8888, name: 'http' }],
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  readinessProbe: { tcpSocket: { port: 8888 }, periodSeconds: 2 },
};

export const EXAMPLE_CONFIG: SandboxPlatformConfig = {
  kubernetesVersion: '1.36',
  agentSandbox: {
    version: 'v1.0.3',
    namespace: 'agent-sandbox-system',
    replicas: 2,
    controller: { leaderElect: true, extensions: true },
    allowedLabelDomains: ['sandbox.users.io', 'agents.example.com'],
  },
  platforms: {
    'gke-autopilot': { agentSandbox: 'self' },
    'gke-standard': { agentSandbox: 'self' },
    // A cluster we did not create: gVisor (the `gvisor` RuntimeClass we create, handler runsc) on the nodes its
    // operator installed runsc on, labelled and tainted for sandboxes only.
    kubernetes: {
      runtimeClass: { name: 'gvisor', handler: 'runsc' },
      sandboxNodes: {
        label: { key: 'node.example.com/sandbox-runtime', value: 'gvisor' },
        taint: { key: 'node.example.com/dedicated', value: 'agent-sandboxes', effect: 'NoSchedule' },
      },
    },
  },
  deviceClasses: [
    {
      // NVIDIA GPUs with at least 24 GiB: for trusted workloads. gVisor sandboxes cannot use DRA GPUs
      // (google/gvisor#13621); GKE GPU sandboxes use `gpu: { count, type }` (nvidia.com/gpu limits) instead.
      name: 'nvidia-gpu-24gi',
      selectors: [{ driver: 'gpu.nvidia.com' }, { capacity: { domain: 'gpu.nvidia.com', name: 'memory', compare: '>=', value: '24Gi' } }],
    },
  ],
  tenants: [
    {
      name: 'agents-prod',
      namespace: {
        egressAllowlist: [
          {
            cidrs: ['0.0.0.0/0'],
            // The internet, not the cluster: private and shared address space stay closed (API server, other pods).
            except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'],
            ports: [{ port: 443 }],
            description: 'HTTPS to model APIs and package mirrors',
          },
        ],
        ingressAllowlist: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'agent-gateway' }, ports: [{ port: 8888 }], description: 'the sandbox router' }],
      },
      templates: [{ name: 'python-runtime', containers: [PYTHON_RUNTIME] }],
      warmPools: [
        {
          name: 'python-warm',
          template: 'python-runtime',
          // No `replicas`: the autoscaler owns them (from minReplicas); a value here would do nothing.
          autoscaling: {
            minReplicas: 4,
            maxReplicas: 16,
            // Claims created per second across the pool, through a metrics adapter (Prometheus Adapter, KEDA, GMP).
            metrics: [
              {
                type: 'External',
                external: {
                  metric: { name: 'agent_sandbox_claim_creation_rate', selector: { matchLabels: { warmpool_name: 'python-warm' } } },
                  target: { type: 'AverageValue', averageValue: '500m' },
                },
              },
            ],
          },
        },
      ],
      claims: [
        {
          name: 'smoke-test',
          warmPool: 'python-warm',
          lifecycle: { shutdownPolicy: 'Delete', ttlSecondsAfterFinished: 3600 },
          additionalPodMetadata: { labels: { 'agents.example.com/owner': 'platform-team' } },
        },
      ],
    },
    {
      name: 'research',
      namespace: { quota: { hard: { pods: '20', 'limits.cpu': '16', 'limits.memory': '32Gi' } } },
      templates: [
        {
          name: 'node-runtime',
          containers: [
            {
              name: 'node',
              image: 'node:22-slim',
              command: ['node', '-e', 'require("http").createServer((q, s) => s.end("ok")).listen(8080)'],
              ports: [{ containerPort: 8080, name: 'http' }],
              resources: { limits: { cpu: '500m', memory: '512Mi' } },
            },
          ],
          envVarsInjectionPolicy: 'Allowed',
        },
      ],
      warmPools: [{ name: 'node-warm', template: 'node-runtime', replicas: 2, updateStrategy: 'Recreate' }],
      claimTemplates: [{ name: 'gpu-24gi', requests: [{ name: 'gpu', exactly: { deviceClass: 'nvidia-gpu-24gi', count: 1 } }] }],
    },
  ],
};
