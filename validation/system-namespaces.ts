/**
 * Sandboxes never run in a system namespace: an agent-sandbox object (Sandbox, SandboxTemplate, SandboxWarmPool,
 * SandboxClaim) explicitly in `kube-system`, `default`, another `kube-` namespace or — with a platform — one the platform
 * manages (`gke-`, `amazon-`, `aks-`…) is an error in `validate` and `synth`. The facts are platforms/'.
 */
import { systemNamespaceProblem, type Platform } from '../platforms';
import { AGENT_SANDBOX_RELEASES, type AgentSandboxRelease } from '../core/upstream/pins';
import type { ObjectChecker } from './schema/validate-objects';

/** `<group>/<kind>` of every agent-sandbox kind some pinned release installs. */
const AGENT_SANDBOX_KINDS = new Set(
  Object.values(AGENT_SANDBOX_RELEASES as Record<string, AgentSandboxRelease>).flatMap((r) => r.crds.map((c) => `${c.group}/${c.kind}`)),
);

export function createSystemNamespaceChecker(options: { readonly platform?: Platform } = {}): ObjectChecker {
  return (value, object) => {
    const group = typeof value.apiVersion === 'string' ? value.apiVersion.split('/')[0] : '';
    if (!AGENT_SANDBOX_KINDS.has(`${group}/${String(value.kind)}`)) return [];
    // Without a namespace the object goes where `kubectl apply -n` puts it: nothing to judge here.
    const namespace = (value.metadata as { namespace?: unknown } | undefined)?.namespace;
    const problem = typeof namespace === 'string' ? systemNamespaceProblem(namespace, { platform: options.platform }) : undefined;
    return problem ? [{ object, path: 'metadata.namespace', message: problem, severity: 'error' as const, code: 'systemNamespace' }] : [];
  };
}
