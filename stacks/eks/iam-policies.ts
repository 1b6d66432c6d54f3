/**
 * IAM documents and AWS-managed policy names of the EKS cluster and node roles, as plain data.
 * Partition-aware (`aws`, `aws-cn`, `aws-us-gov`): ARNs are built from the partition the provider reports.
 */

/** Policies of the cluster role (https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html). */
export const CLUSTER_ROLE_POLICIES = ['AmazonEKSClusterPolicy'] as const;

/** Policies of the node role (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html). */
export const NODE_ROLE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'] as const;

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
