/** A kubeconfig with one cluster, one context and one exec-credential user, all under one name. */
import { stringify } from 'yaml';

export interface ExecKubeconfig {
  /** The cluster, context and user name. */
  readonly name: string;
  readonly server: string;
  readonly certificateAuthorityData: string;
  /** The user's `exec` credential plugin (apiVersion, command, args, …). */
  readonly exec: Readonly<Record<string, unknown>>;
}

export function execKubeconfig(k: ExecKubeconfig, options: { readonly lineWidth?: number } = {}): string {
  const { name } = k;
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: k.server, 'certificate-authority-data': k.certificateAuthorityData } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
      preferences: {},
      users: [{ name, user: { exec: k.exec } }],
    },
    options,
  );
}
