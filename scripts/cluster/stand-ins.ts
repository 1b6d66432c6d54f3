/**
 * Stand-ins for the RuntimeClasses a platform creates itself (we never emit them): GKE's `gvisor` and AKS's
 * `kata-vm-isolation`, written the way each platform defines them, so that the API server's RuntimeClass admission
 * merges the same scheduling and overhead into our pods as on the real platform. Marked as stand-ins.
 */
import { platformFacts, type Isolation, type Platform } from '../../platforms';
import type { KubeObject } from './kube-client';

interface StandIn {
  readonly handler: string;
  readonly scheduling?: { nodeSelector?: Record<string, string>; tolerations?: KubeObject[] };
  readonly overhead?: { podFixed: Record<string, string> };
  readonly source: string;
}

/** Keyed by RuntimeClass name; each as the platform's documentation shows it. */
const PLATFORM_RUNTIME_CLASSES: Readonly<Record<string, StandIn>> = {
  // GKE Sandbox: `kubectl get runtimeclass gvisor -o yaml` on a GKE cluster with a sandbox pool.
  gvisor: {
    handler: 'gvisor',
    scheduling: {
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor' },
      tolerations: [{ effect: 'NoSchedule', key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor' }],
    },
    source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/sandbox-pods',
  },
  // AKS Pod Sandboxing: the RuntimeClass AKS installs with a KataVmIsolation pool.
  'kata-vm-isolation': {
    handler: 'kata',
    scheduling: { nodeSelector: { 'kubernetes.azure.com/kata-vm-isolation': 'true' } },
    overhead: { podFixed: { memory: '600Mi' } },
    source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
  },
};

/**
 * An existing RuntimeClass the generic `kubernetes` platform's settings reference (`runtimeClass.existing`): what the
 * cluster's operator installed with the runtime (gVisor's containerd quick start; kata-deploy), without scheduling.
 */
const EXISTING_ON_KUBERNETES: Readonly<Record<Isolation, StandIn>> = {
  gvisor: { handler: 'runsc', source: 'https://gvisor.dev/docs/user_guide/containerd/quick_start/' },
  kata: { handler: 'kata-qemu', source: 'https://github.com/kata-containers/kata-containers/tree/main/tools/packaging/kata-deploy' },
};

/**
 * The platform-owned RuntimeClasses of `platform` (under its `platforms.<id>` settings), as stand-ins for the local
 * cluster. None where we create the RuntimeClass ourselves.
 */
export function standInRuntimeClasses(platform: Platform, settings?: unknown): KubeObject[] {
  return (Object.entries(platformFacts(platform, settings).runtimes) as [Isolation, NonNullable<ReturnType<typeof platformFacts>['runtimes'][Isolation]>][])
    .filter(([, r]) => r.owner === 'platform')
    .map(([isolation, r]) => {
      const s = platform === 'kubernetes' ? EXISTING_ON_KUBERNETES[isolation] : PLATFORM_RUNTIME_CLASSES[r.runtimeClassName];
      if (!s) throw new Error(`no stand-in is defined for ${platform}'s RuntimeClass ${r.runtimeClassName}`);
      return {
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: {
          name: r.runtimeClassName,
          labels: { 'agent-sandbox-infra.io/stand-in': 'true' },
          annotations: { 'agent-sandbox-infra.io/stand-in': `${platform} creates this RuntimeClass itself; local stand-in after ${s.source}` },
        },
        handler: s.handler,
        ...(s.scheduling ? { scheduling: s.scheduling } : {}),
        ...(s.overhead ? { overhead: s.overhead } : {}),
      };
    });
}
