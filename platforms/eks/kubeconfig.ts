/**
 * kubeconfig for an EKS cluster with exec credentials: kubectl and the @pulumi/kubernetes provider run
 * `aws eks get-token` for a short-lived token whenever they need one, so no token is ever stored in state.
 * Same shape `aws eks update-kubeconfig` writes.
 */
import { execKubeconfig } from '../../core/kubeconfig';

/** API version of the ExecCredential `aws eks get-token` prints (AWS CLI v1 ≥ 1.24 and v2). */
export const EKS_EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1';

export interface EksKubeconfigInput {
  readonly clusterName: string;
  /** API server URL (`https://…`), the cluster's `endpoint`. */
  readonly endpoint: string;
  /** Base64 CA bundle, the cluster's `certificateAuthority.data`. */
  readonly certificateAuthorityData: string;
  /** Region of the cluster (`aws eks get-token` must ask that region's STS endpoint). */
  readonly region: string;
  /**
   * IAM role to assume for the token (`--role-arn`).
   * @default none: the caller's own credentials
   */
  readonly roleArn?: string;
  /**
   * AWS CLI profile (`AWS_PROFILE` for the exec command).
   * @default none: the default credential chain
   */
  readonly profile?: string;
}

/** The kubeconfig as YAML. Throws if a required field is empty or the endpoint is not https. */
export function buildEksKubeconfig(input: EksKubeconfigInput): string {
  const missing = (['clusterName', 'endpoint', 'certificateAuthorityData', 'region'] as const).filter((k) => !input[k]);
  if (missing.length > 0) throw new Error(`kubeconfig needs ${missing.join(', ')}; got ${JSON.stringify(input)}`);
  if (!input.endpoint.startsWith('https://')) throw new Error(`kubeconfig endpoint must be https://, got "${input.endpoint}"`);

  const name = input.clusterName;
  const args = ['eks', 'get-token', '--cluster-name', name, '--region', input.region];
  if (input.roleArn) args.push('--role-arn', input.roleArn);
  return execKubeconfig(
    {
      name,
      server: input.endpoint,
      certificateAuthorityData: input.certificateAuthorityData,
      exec: {
        apiVersion: EKS_EXEC_API_VERSION,
        command: 'aws',
        args,
        ...(input.profile ? { env: [{ name: 'AWS_PROFILE', value: input.profile }] } : {}),
      },
    },
    { lineWidth: 0 },
  );
}
