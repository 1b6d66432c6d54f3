/**
 * Kubeconfig handling for AKS: `listManagedClusterUserCredentials` returns base64-encoded kubeconfigs.
 *
 * - Entra ID (AAD) clusters return an exec kubeconfig that runs `kubelogin get-token --login devicecode ...`
 *   (https://learn.microsoft.com/azure/aks/kubelogin-authentication). Device code is interactive: it would hang
 *   `pulumi up` in CI the first time the Kubernetes provider calls the API server. We rewrite the login mode the same
 *   way `kubelogin convert-kubeconfig -l <mode>` does (github.com/Azure/kubelogin, pkg/internal/converter/convert.go):
 *   `get-token --login <mode> --server-id <id>`, the rest of the identity coming from the environment (Azure CLI
 *   login, workload identity or managed identity variables). The machine running Pulumi needs `kubelogin` on PATH.
 * - Clusters with local accounts enabled and no Entra integration return a static client certificate instead; it is
 *   passed through unchanged (AKS offers no exec format for them). Disable local accounts to avoid it.
 */
import { parse, stringify } from 'yaml';

/** Non-interactive kubelogin login modes, plus `devicecode` to keep what AKS returns. */
export const KUBELOGIN_MODES = ['azurecli', 'workloadidentity', 'msi', 'devicecode'] as const;
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];

interface ExecConfig {
  command?: string;
  args?: string[];
  [key: string]: unknown;
}
interface Kubeconfig {
  clusters?: unknown[];
  users?: { name?: string; user?: { exec?: ExecConfig } }[];
}

/** Decodes one base64 kubeconfig as AKS returns it; throws if it is empty or not a kubeconfig. */
export function decodeKubeconfig(base64: string | undefined): string {
  if (!base64) throw new Error('AKS returned an empty kubeconfig');
  const text = Buffer.from(base64, 'base64').toString('utf8');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined;
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as Kubeconfig).clusters)) {
    throw new Error('the credential AKS returned is not a base64-encoded kubeconfig (no "clusters" list)');
  }
  return text;
}

function argAfter(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Rewrites every `kubelogin` exec user to `get-token --login <mode> --server-id <id>`. Kubeconfigs without a
 * kubelogin user (static client certificates) and mode `devicecode` come back unchanged, byte for byte.
 */
export function withKubeloginMode(kubeconfig: string, mode: KubeloginMode): string {
  if (mode === 'devicecode') return kubeconfig;
  const doc = parse(kubeconfig) as Kubeconfig;
  let changed = false;
  for (const entry of doc.users ?? []) {
    const exec = entry.user?.exec;
    if (!exec || !/kubelogin/i.test(exec.command ?? '')) continue;
    const serverId = argAfter(exec.args ?? [], '--server-id');
    if (!serverId) throw new Error(`kubeconfig user ${JSON.stringify(entry.name)} runs kubelogin without --server-id`);
    exec.args = ['get-token', '--login', mode, '--server-id', serverId];
    changed = true;
  }
  return changed ? stringify(doc) : kubeconfig;
}

/** `listManagedClusterUserCredentials` result → kubeconfig text with the chosen kubelogin mode. */
export function aksKubeconfig(credentials: { kubeconfigs?: readonly { value: string }[] }, mode: KubeloginMode): string {
  return withKubeloginMode(decodeKubeconfig(credentials.kubeconfigs?.[0]?.value), mode);
}
