/**
 * The warm pools of a rendered chart as the scheduler sees them: peak replicas and per-pod limits, requests and
 * GPUs. The stack's capacity check (platforms/capacity, each platform's `capacity`) sizes them against the cluster
 * config's sandbox pools.
 */
import type { Chart } from 'cdk8s';
import { parseCpuMillis, parseMemoryBytes } from '../platforms/capacity/quantity';
import { GPU_RESOURCE, type WarmPoolDemand } from '../platforms/capacity/plan';
import { platformModules } from '../platforms';
import { SandboxWarmPool } from './workloads/sandbox-warm-pool';

type Quantity = string | number;
interface ContainerLike {
  readonly resources?: { readonly limits?: Record<string, Quantity>; readonly requests?: Record<string, Quantity> };
  readonly restartPolicy?: string;
}

/**
 * A pod's effective value of one resource from per-container values (Kubernetes' rule): the app containers plus
 * sidecars (init containers with `restartPolicy: Always`) summed, or the largest regular init container, whichever
 * is larger. Undefined when an app container or sidecar has no value.
 */
function podValue(containers: readonly ContainerLike[], init: readonly ContainerLike[], value: (c: ContainerLike) => number | undefined): number | undefined {
  const running = [...containers, ...init.filter((c) => c.restartPolicy === 'Always')];
  const values = running.map(value);
  if (values.some((v) => v === undefined)) return undefined;
  const sum = (values as number[]).reduce((a, b) => a + b, 0);
  const inits = init.filter((c) => c.restartPolicy !== 'Always').map(value).filter((v): v is number => v !== undefined);
  return Math.max(sum, ...inits);
}

const gpuCount = (v: Quantity | undefined): number | undefined => (v === undefined ? undefined : Number(v));

/** The accelerator a nodeSelector asks for: the value of a platform's GPU node label. */
function acceleratorOf(nodeSelector: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!nodeSelector) return undefined;
  for (const m of platformModules()) {
    const label = m.gpu?.acceleratorLabel;
    if (label !== undefined && nodeSelector[label] !== undefined) return nodeSelector[label];
  }
  return undefined;
}

/** Warm pools of the chart with their peak replicas and per-pod limits, requests and GPUs. */
export function warmPoolDemand(chart: Chart): WarmPoolDemand[] {
  return chart.node
    .findAll()
    .filter((c): c is SandboxWarmPool => c instanceof SandboxWarmPool)
    .map((pool) => {
      const spec = pool.template.pod.podTemplate.spec as {
        containers?: ContainerLike[];
        initContainers?: ContainerLike[];
        nodeSelector?: Record<string, string>;
      };
      const containers = spec.containers ?? [];
      const init = spec.initContainers ?? [];
      const limit = (r: 'cpu' | 'memory') => (c: ContainerLike) => {
        const v = c.resources?.limits?.[r];
        return v === undefined ? undefined : r === 'cpu' ? parseCpuMillis(v) : parseMemoryBytes(v);
      };
      const request = (r: 'cpu' | 'memory') => (c: ContainerLike) => {
        const v = c.resources?.requests?.[r] ?? c.resources?.limits?.[r];
        return v === undefined ? undefined : r === 'cpu' ? parseCpuMillis(v) : parseMemoryBytes(v);
      };
      const cpu = podValue(containers, init, limit('cpu'));
      const memory = podValue(containers, init, limit('memory'));
      const cpuRequest = podValue(containers, init, request('cpu'));
      const memoryRequest = podValue(containers, init, request('memory'));
      // Extended resources: requests must equal limits, and a container without one asks for 0.
      const gpus = podValue(containers, init, (c) => gpuCount(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]) ?? 0) ?? 0;
      const accelerator = acceleratorOf(spec.nodeSelector);
      return {
        tenant: pool.namespace,
        name: pool.name,
        replicas: pool.peakReplicas,
        ...(cpu !== undefined && memory !== undefined ? { limits: { cpu: `${cpu}m`, memory } } : {}),
        ...(cpuRequest !== undefined && memoryRequest !== undefined ? { requests: { cpu: `${cpuRequest}m`, memory: memoryRequest } } : {}),
        gpus,
        ...(accelerator !== undefined ? { accelerator } : {}),
      };
    });
}
