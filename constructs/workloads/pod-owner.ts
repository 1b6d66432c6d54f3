/** What SandboxTemplate and Sandbox share: resolve the platform, build the secure pod, label and annotate the object. */
import type { Construct } from 'constructs';
import type { Platform } from '../platform/profiles';
import { namespaceServiceAccount, resolvePlatform, type NamespaceRef } from './context';
import { buildSandboxPod, type BuiltSandboxPod, type SandboxPodProps } from './sandbox-pod';

export interface PodOwnerProps extends SandboxPodProps {
  readonly namespace: NamespaceRef;
  readonly platform?: Platform;
}

export interface PodOwner {
  readonly platform: Platform;
  readonly pod: BuiltSandboxPod;
  /** metadata of the owning object: the isolation label and the opt-out record. */
  readonly metadata: Record<string, unknown>;
}

export function buildPodOwner(owner: Construct, kind: 'SandboxTemplate' | 'Sandbox', name: string, namespace: string, props: PodOwnerProps): PodOwner {
  const platform = resolvePlatform(owner, props.platform, `${kind} "${owner.node.path}"`);
  const pod = buildSandboxPod(
    platform,
    { ...props, serviceAccountName: props.serviceAccountName ?? namespaceServiceAccount(props.namespace) },
    `${kind} ${namespace}/${name}`,
  );
  const metadata = {
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': pod.isolation },
    ...(Object.keys(pod.objectAnnotations).length ? { annotations: { ...pod.objectAnnotations } } : {}),
  };
  return { platform, pod, metadata };
}
