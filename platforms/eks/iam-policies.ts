/**
 * IAM documents and AWS-managed policy names of the EKS cluster and node roles, as plain data.
 * Partition-aware (`aws`, `aws-cn`, `aws-us-gov`): ARNs are built from the partition the provider reports.
 */

/** Policies of the cluster role (https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html). */
export const CLUSTER_ROLE_POLICIES = ['AmazonEKSClusterPolicy'] as const;

/**
 * Policies of the node role (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html), without the
 * VPC CNI's: see {@link nodeRolePolicies}.
 */
export const NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly'] as const;

/** The VPC CNI's permissions (ENIs and IPs) for IPv4 clusters. */
export const VPC_CNI_POLICY = 'AmazonEKS_CNI_Policy';

/**
 * The node role's policies. On the node role the CNI policy is usable by anything that reaches the node's
 * credentials; AWS recommends a separate IRSA role for the `aws-node` service account instead ("You can attach the
 * policy to the Amazon EKS node IAM role, or to a separate IAM role ... We recommend that you assign it to a separate
 * role", https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html). A cluster we create gets that role
 * (`cniOnNodeRole: false`); on an adopted cluster we do not manage `aws-node`, which may still use the node
 * role's credentials, so nodes we add there keep the policy (`true`) or they would never become Ready.
 */
export function nodeRolePolicies(cniOnNodeRole: boolean): string[] {
  const [worker, ecr] = NODE_ROLE_POLICIES;
  return cniOnNodeRole ? [worker, VPC_CNI_POLICY, ecr] : [worker, ecr];
}

/** The VPC CNI's Kubernetes service account (the `aws-node` DaemonSet). */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'aws-node' } as const;

/**
 * The part of the managed `vpc-cni` add-on's configuration that turns NetworkPolicy enforcement on (off by default;
 * without it EKS accepts NetworkPolicy objects and enforces none): `{"enableNetworkPolicy": "true"}` (a string),
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html . Needs VPC CNI ≥ 1.14 and node
 * kernel ≥ 5.10 (AL2023 has 6.x). The enforcing mode: ./network-policy.ts.
 */
export const VPC_CNI_ADDON_CONFIGURATION = { enableNetworkPolicy: 'true' } as const;

/**
 * Trust policy of an IRSA role: only `system:serviceaccount:<namespace>:<name>` tokens of this cluster's OIDC issuer,
 * for audience sts.amazonaws.com (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html,
 * the `cni-iam-role.html` example for aws-node).
 */
export function irsaAssumeRolePolicy(oidcProviderArn: string, issuerUrl: string, serviceAccount: { namespace: string; name: string }): string {
  const issuer = issuerUrl.replace(/^https:\/\//, '');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
            [`${issuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  });
}

/** Added to the node role with `ssmAccess: true` (Session Manager shell instead of SSH). */
export const SSM_CORE_POLICY = 'AmazonSSMManagedInstanceCore';

/** EKS access policy given to `adminPrincipalArns`. */
export const CLUSTER_ADMIN_ACCESS_POLICY = 'AmazonEKSClusterAdminPolicy';

export function awsManagedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

export function eksAccessPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** Trust policy letting one AWS service (e.g. `eks.amazonaws.com`) assume the role. */
export function serviceAssumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/** Lets the cluster role use the secrets-encryption key (same grant terraform-aws-eks gives its cluster role). */
export function clusterKmsPolicy(keyArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: keyArn },
    ],
  });
}

/**
 * Inline policy of the node role when gVisor comes from an S3 mirror: `s3:GetObject` on the mirror's prefix only
 * (the install script downloads `<prefix>/<release>/<arch>/<file>` with `aws s3 cp`).
 */
export function gvisorMirrorReadPolicy(partition: string, bucket: string, prefix: string): string {
  const objects = `arn:${partition}:s3:::${bucket}/${prefix ? `${prefix}/` : ''}*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadGvisorMirror', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects] }],
  });
}
