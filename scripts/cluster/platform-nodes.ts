/**
 * The simulated nodes of each platform: kwok nodes labelled and tainted exactly as the platform's node pools are,
 * with allocatable from the machine-type table the capacity check uses. Labels, taints and pool sizes come from
 * the code the Pulumi components use (not copies). Node counts are each pool's autoscaling maximum: the capacity
 * the capacity check assumes.
 */
import { EKS_SANDBOX_NODE_TAINT, GKE_GVISOR_NODE_LABEL, platformFacts, type Platform } from '../../platforms';
import { AKS_KATA_NODE_LABEL } from '../../platforms/aks';
import { findMachineType, nodeAllocatable, type Cloud } from '../../platforms/capacity/machine-types';
import { AKS_DEFAULTS } from '../../platforms/aks/cluster-config';
import { AKS_SPOT_NODE_LABEL, AKS_SPOT_NODE_TAINT } from '../../platforms/aks/spot';
import { EKS_CLUSTER_DEFAULTS } from '../../platforms/eks/cluster-config';
import { sandboxNodeGroupScheduling } from '../../platforms/eks/node-bootstrap/node-group';
import { GKE_POOL_DEFAULTS } from '../../platforms/gke/cluster-config';
import type { KubeObject } from './kube-client';
import { KWOK_NODE_ANNOTATION } from './control-plane';

export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface SimulatedPool {
  readonly name: string;
  /** `system`: runs the controller and other non-sandbox pods; `sandbox`: runs sandbox pods. A pool may be both. */
  readonly roles: readonly ('system' | 'sandbox')[];
  readonly cloud: Cloud | 'local';
  readonly machineType: string;
  readonly nodes: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
  readonly allocatable: { readonly cpuMillis: number; readonly memoryBytes: number; readonly pods: number };
  /** Where the facts come from, printed by `cluster deploy`. */
  readonly source: string;
}

/** GKE taints gVisor nodes (Standard sandbox pools, Autopilot gVisor nodes) with the label's key and value. */
const GKE_GVISOR_TAINT: NodeTaint = { key: GKE_GVISOR_NODE_LABEL.key, value: GKE_GVISOR_NODE_LABEL.value, effect: 'NoSchedule' };

function allocatableOf(cloud: Cloud, machineType: string): SimulatedPool['allocatable'] {
  const spec = findMachineType(cloud, machineType);
  if (!spec) throw new Error(`machine type ${machineType} (${cloud}) is not in the capacity check's table (platforms/capacity/machine-types.ts)`);
  const a = nodeAllocatable(spec);
  return { cpuMillis: a.cpuMillis, memoryBytes: a.memoryBytes, pods: a.pods };
}

/** A development-sized node of a cluster we know nothing about (kind, the generic `kubernetes` platform). */
const LOCAL_ALLOCATABLE: SimulatedPool['allocatable'] = { cpuMillis: 8000, memoryBytes: 32 * 1024 ** 3, pods: 110 };

/**
 * The pools of a platform's default cluster (the cluster config defaults the components apply). `settings`: the
 * platform's `platforms.<id>` (the generic `kubernetes` platform's sandbox nodes are labelled and tainted from them).
 */
export function simulatedPools(platform: Platform, settings?: unknown): SimulatedPool[] {
  switch (platform) {
    case 'gke-standard': {
      const system = GKE_POOL_DEFAULTS.system;
      const sandbox = GKE_POOL_DEFAULTS.sandbox;
      return [
        pool('default-pool', 'system', 'gcp', system.machineType, system.maxNodes, { 'cloud.google.com/gke-nodepool': 'system' }, [], 'stacks/gke/node-pools.ts GKE_POOL_DEFAULTS.system'),
        pool(
          'sandbox',
          'sandbox',
          'gcp',
          sandbox.machineType,
          sandbox.maxNodes,
          { 'cloud.google.com/gke-nodepool': 'sandbox', [GKE_GVISOR_NODE_LABEL.key]: GKE_GVISOR_NODE_LABEL.value },
          [GKE_GVISOR_TAINT],
          'platforms/gke/cluster-config.ts GKE_POOL_DEFAULTS.sandbox; GKE labels and taints gVisor nodes sandbox.gke.io/runtime=gvisor',
        ),
      ];
    }
    case 'gke-autopilot':
      // Autopilot provisions nodes per pod; the simulation offers a fixed set of gVisor nodes of a general-purpose shape.
      return [
        pool('autopilot-system', 'system', 'gcp', 'e2-standard-4', 2, {}, [], 'Autopilot system nodes'),
        pool(
          'autopilot-gvisor',
          'sandbox',
          'gcp',
          'e2-standard-8',
          4,
          { [GKE_GVISOR_NODE_LABEL.key]: GKE_GVISOR_NODE_LABEL.value },
          [GKE_GVISOR_TAINT],
          'Autopilot gVisor nodes: labelled and tainted sandbox.gke.io/runtime=gvisor',
        ),
      ];
    case 'eks': {
      const system = EKS_CLUSTER_DEFAULTS.systemNodeGroup;
      const scheduling = sandboxNodeGroupScheduling();
      return [
        pool(system.name, 'system', 'aws', system.instanceTypes[0], system.scaling.max, { 'eks.amazonaws.com/nodegroup': system.name }, [], 'stacks/eks/cluster-config.ts EKS_CLUSTER_DEFAULTS.systemNodeGroup'),
        pool(
          'sandbox',
          'sandbox',
          'aws',
          'm7i.2xlarge',
          EKS_CLUSTER_DEFAULTS.sandboxNodeGroup.scaling.max,
          { 'eks.amazonaws.com/nodegroup': 'sandbox', ...scheduling.labels },
          scheduling.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_SANDBOX_NODE_TAINT.effect })),
          'platforms/eks/node-bootstrap/node-group.ts sandboxNodeGroupScheduling (label and taint the gvisor RuntimeClass selects)',
        ),
      ];
    }
    case 'aks': {
      const system = AKS_DEFAULTS.systemPool;
      const kata = AKS_DEFAULTS.sandboxPool;
      // `platforms.aks.spot`: the stack's Kata pool is a Spot pool, which AKS labels and taints itself.
      const spot = (settings as { spot?: unknown } | undefined)?.spot === true;
      return [
        pool(system.name, 'system', 'azure', system.vmSize, system.maxCount, { 'kubernetes.azure.com/agentpool': system.name, 'kubernetes.azure.com/mode': 'system' }, [], 'stacks/aks/cluster-config.ts AKS_DEFAULTS.systemPool'),
        pool(
          kata.name,
          'sandbox',
          'azure',
          kata.vmSize,
          kata.maxCount,
          {
            'kubernetes.azure.com/agentpool': kata.name,
            'kubernetes.azure.com/kata-vm-isolation': 'true',
            [AKS_KATA_NODE_LABEL.key]: AKS_KATA_NODE_LABEL.value,
            ...(spot ? { [AKS_SPOT_NODE_LABEL.key]: AKS_SPOT_NODE_LABEL.value } : {}),
          },
          spot ? [{ ...AKS_SPOT_NODE_TAINT }] : [],
          'platforms/aks/cluster-config.ts AKS_DEFAULTS.sandboxPool; AKS labels Kata nodes kubernetes.azure.com/kata-vm-isolation=true' +
            (spot ? '; a Spot pool (platforms.aks.spot): AKS labels and taints it kubernetes.azure.com/scalesetpriority=spot:NoSchedule' : ''),
        ),
      ];
    }
    case 'kind':
      return [
        {
          name: 'worker',
          roles: ['system', 'sandbox'],
          cloud: 'local',
          machineType: 'local',
          nodes: 2,
          labels: {},
          taints: [],
          allocatable: LOCAL_ALLOCATABLE,
          source: 'kind worker nodes (no sandbox label: the kind RuntimeClass has no scheduling; every pod may land on any worker)',
        },
      ];
    case 'kubernetes': {
      // The nodes the user labelled (and tainted) for the runtime: exactly the label and taint of the settings.
      const node = platformFacts('kubernetes', settings).sandboxNode!;
      const local = (name: string, role: 'system' | 'sandbox', labels: Record<string, string>, taints: NodeTaint[], source: string): SimulatedPool => ({
        name, roles: [role], cloud: 'local', machineType: 'local', nodes: 2, labels, taints, allocatable: LOCAL_ALLOCATABLE, source,
      });
      return [
        local('system', 'system', {}, [], 'a node without the sandbox runtime (not labelled for it)'),
        local(
          'sandbox',
          'sandbox',
          { [node.label.key]: node.label.value },
          node.taint ? [{ key: node.taint.key, ...(node.taint.value ? { value: node.taint.value } : {}), effect: node.taint.effect }] : [],
          'platforms.kubernetes.sandboxNodes: labelled (and tainted) as the settings say the runtime nodes are',
        ),
      ];
    }
    default: {
      const never: never = platform;
      throw new Error(`unknown platform ${String(never)}`);
    }
  }
}

function pool(
  name: string,
  role: 'system' | 'sandbox',
  cloud: Cloud,
  machineType: string,
  nodes: number,
  labels: Record<string, string>,
  taints: NodeTaint[],
  source: string,
): SimulatedPool {
  return { name, roles: [role], cloud, machineType, nodes, labels, taints, allocatable: allocatableOf(cloud, machineType), source };
}

const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
const ZONES = ['a', 'b', 'c'];

/** The Node objects of a pool, managed by kwok (its annotation), spread over three zones. */
export function nodeObjects(p: SimulatedPool): KubeObject[] {
  return Array.from({ length: p.nodes }, (_, i) => {
    const name = `${p.name}-${i}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value, 'agent-sandbox-infra.io/simulated': p.source },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/region': 'local',
          'topology.kubernetes.io/zone': `local-${ZONES[i % ZONES.length]}`,
          [INSTANCE_TYPE_LABEL]: p.machineType,
          'type': 'kwok',
          ...p.labels,
        },
      },
      spec: { taints: p.taints.map((t) => ({ ...t })) },
      status: {
        allocatable: { cpu: `${p.allocatable.cpuMillis}m`, memory: `${Math.floor(p.allocatable.memoryBytes / 1024)}Ki`, pods: String(p.allocatable.pods) },
        capacity: { cpu: `${p.allocatable.cpuMillis}m`, memory: `${Math.floor(p.allocatable.memoryBytes / 1024)}Ki`, pods: String(p.allocatable.pods) },
        nodeInfo: { kubeletVersion: 'fake', architecture: 'amd64', operatingSystem: 'linux' },
      },
    };
  });
}
