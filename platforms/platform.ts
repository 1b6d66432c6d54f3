/**
 * Per-platform facts: which sandboxed runtimes exist, who owns the RuntimeClass, and what a sandbox pod needs
 * to land on a sandbox node. One typed table; every entry cites its source.
 */

export const PLATFORMS = ['gke-autopilot', 'gke-standard', 'eks', 'aks', 'kind'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const ISOLATIONS = ['gvisor', 'kata'] as const;
export type Isolation = (typeof ISOLATIONS)[number];

export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export interface RuntimeFacts {
  /** RuntimeClass name pods reference. */
  readonly runtimeClassName: string;
  /** `platform`: the platform creates it and we must never emit it; `us`: we create it. */
  readonly owner: 'platform' | 'us';
  /** CRI handler (only for RuntimeClasses we create). */
  readonly handler?: string;
  /** Scheduling carried by the RuntimeClass we create (the API server merges it into pods). */
  readonly runtimeClassScheduling?: Placement;
  /** Placement that must be written into every sandbox pod (admission policies check the pod, not the RuntimeClass). */
  readonly podPlacement: Placement;
  /** The runtime sizes its VM from container limits, so limits are mandatory. */
  readonly limitsSizeTheSandbox: boolean;
  /** Memory the runtime adds per pod on top of the container limits, in MiB. */
  readonly podOverheadMiB: number;
  readonly source: string;
}

export interface PlatformProfile {
  readonly platform: Platform;
  readonly displayName: string;
  readonly cloud: 'gcp' | 'aws' | 'azure' | 'local';
  readonly runtimes: Partial<Readonly<Record<Isolation, RuntimeFacts>>>;
  /** `managed`: the platform can install agent-sandbox itself (GKE add-on). */
  readonly agentSandboxModes: readonly ('self' | 'managed')[];
}

/** Node label and taint our EKS sandbox node groups carry; the `gvisor` RuntimeClass we emit selects/tolerates them. */
export const EKS_SANDBOX_NODE_LABEL = { key: 'sandbox.agent-sandbox-infra.io/runtime', value: 'gvisor' } as const;
export const EKS_SANDBOX_NODE_TAINT = {
  key: 'sandbox.agent-sandbox-infra.io/runtime',
  value: 'gvisor',
  effect: 'NoSchedule',
} as const;

/** Label and taint GKE puts on gVisor nodes (Standard sandbox pools and Autopilot gVisor nodes). */
export const GKE_GVISOR_NODE_LABEL = { key: 'sandbox.gke.io/runtime', value: 'gvisor' } as const;

const GKE_GVISOR: RuntimeFacts = {
  runtimeClassName: 'gvisor',
  owner: 'platform',
  podPlacement: {
    nodeSelector: { [GKE_GVISOR_NODE_LABEL.key]: GKE_GVISOR_NODE_LABEL.value },
    tolerations: [{ key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' }],
  },
  limitsSizeTheSandbox: false,
  podOverheadMiB: 0,
  source: 'https://cloud.google.com/kubernetes-engine/docs/how-to/sandbox-pods',
};

const OUR_GVISOR: RuntimeFacts = {
  runtimeClassName: 'gvisor',
  owner: 'us',
  handler: 'runsc',
  podPlacement: { nodeSelector: {}, tolerations: [] },
  limitsSizeTheSandbox: false,
  podOverheadMiB: 0,
  source: 'https://gvisor.dev/docs/user_guide/containerd/quick_start/',
};

export const PLATFORM_PROFILES: Readonly<Record<Platform, PlatformProfile>> = {
  'gke-autopilot': {
    platform: 'gke-autopilot',
    displayName: 'GKE Autopilot',
    cloud: 'gcp',
    runtimes: { gvisor: GKE_GVISOR },
    agentSandboxModes: ['self', 'managed'],
  },
  'gke-standard': {
    platform: 'gke-standard',
    displayName: 'GKE Standard',
    cloud: 'gcp',
    runtimes: { gvisor: GKE_GVISOR },
    agentSandboxModes: ['self', 'managed'],
  },
  eks: {
    platform: 'eks',
    displayName: 'Amazon EKS (AL2023 nodes with runsc)',
    cloud: 'aws',
    runtimes: {
      gvisor: {
        ...OUR_GVISOR,
        runtimeClassScheduling: {
          nodeSelector: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
          tolerations: [
            {
              key: EKS_SANDBOX_NODE_TAINT.key,
              operator: 'Equal',
              value: EKS_SANDBOX_NODE_TAINT.value,
              effect: EKS_SANDBOX_NODE_TAINT.effect,
            },
          ],
        },
      },
    },
    agentSandboxModes: ['self'],
  },
  aks: {
    platform: 'aks',
    displayName: 'Azure AKS (Pod Sandboxing, Kata)',
    cloud: 'azure',
    runtimes: {
      kata: {
        runtimeClassName: 'kata-vm-isolation',
        owner: 'platform',
        podPlacement: { nodeSelector: {}, tolerations: [] },
        limitsSizeTheSandbox: true,
        podOverheadMiB: 600,
        source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
      },
    },
    agentSandboxModes: ['self'],
  },
  kind: {
    platform: 'kind',
    displayName: 'kind / generic cluster with runsc',
    cloud: 'local',
    runtimes: { gvisor: OUR_GVISOR },
    agentSandboxModes: ['self'],
  },
};

/** The runtime facts for an isolation on a platform, or an error naming what the platform supports. */
export function runtimeFor(platform: Platform, isolation: Isolation): RuntimeFacts {
  const facts = PLATFORM_PROFILES[platform].runtimes[isolation];
  if (!facts) {
    throw new Error(
      `isolation "${isolation}" is not available on ${platform}; ${platform} supports: ${supportedIsolations(platform).join(', ')}`,
    );
  }
  return facts;
}

export function supportedIsolations(platform: Platform): Isolation[] {
  return ISOLATIONS.filter((i) => PLATFORM_PROFILES[platform].runtimes[i] !== undefined);
}

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}
