/** Node launch-template settings and IAM documents: plain data, checked directly. */
import { AL2023_ROOT_DEVICE, NODE_METADATA_OPTIONS, nodeLaunchTemplateSettings } from '../../../platforms/eks/launch-template';
import {
  awsManagedPolicyArn,
  clusterKmsPolicy,
  eksAccessPolicyArn,
  irsaAssumeRolePolicy,
  nodeRolePolicies,
  serviceAssumeRolePolicy,
  VPC_CNI_ADDON_CONFIGURATION,
} from '../../../platforms/eks/iam-policies';
import { buildSandboxNodeUserData } from '../../../platforms/eks/node-bootstrap';
import { PINNED } from '../../support/eks';

describe('nodeLaunchTemplateSettings', () => {
  test('IMDSv2 required with hop limit 1, encrypted gp3 root on /dev/xvda', () => {
    expect(nodeLaunchTemplateSettings({ diskSizeGiB: 80 })).toEqual({
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { volumeSize: 80, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
      ],
    });
    expect(AL2023_ROOT_DEVICE).toBe('/dev/xvda');
    expect(NODE_METADATA_OPTIONS.httpPutResponseHopLimit).toBe(1);
  });

  test('user data is base64 of the exact bytes given', () => {
    const userData = buildSandboxNodeUserData({ ...PINNED, arch: 'arm64' });
    const settings = nodeLaunchTemplateSettings({ diskSizeGiB: 100, userData });
    expect(settings.userData).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(settings.userData as string, 'base64').toString('utf8')).toBe(userData);
  });

  test('returns fresh objects (callers may not mutate the shared constant)', () => {
    const a = nodeLaunchTemplateSettings({ diskSizeGiB: 20 });
    expect(a.metadataOptions).not.toBe(NODE_METADATA_OPTIONS);
  });
});

describe('IAM documents', () => {
  test('managed and access policy ARNs follow the partition', () => {
    expect(awsManagedPolicyArn('aws-cn', 'AmazonEKSWorkerNodePolicy')).toBe('arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy');
    expect(eksAccessPolicyArn('aws-us-gov', 'AmazonEKSClusterAdminPolicy')).toBe(
      'arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    );
  });

  test('node role policies: the CNI policy only where aws-node has no role of its own (adopted clusters)', () => {
    expect(nodeRolePolicies(false)).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly']);
    expect(nodeRolePolicies(true)).toEqual(['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly']);
  });

  test('IRSA trust policy: one service account of one issuer, audience sts.amazonaws.com', () => {
    const arn = 'arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/XYZ';
    expect(JSON.parse(irsaAssumeRolePolicy(arn, 'https://oidc.eks.eu-west-1.amazonaws.com/id/XYZ', { namespace: 'kube-system', name: 'aws-node' }))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: arn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/XYZ:sub': 'system:serviceaccount:kube-system:aws-node',
              'oidc.eks.eu-west-1.amazonaws.com/id/XYZ:aud': 'sts.amazonaws.com',
            },
          },
        },
      ],
    });
  });

  test('vpc-cni add-on configuration: enableNetworkPolicy as the string "true" (the documented key and type)', () => {
    expect(JSON.stringify(VPC_CNI_ADDON_CONFIGURATION)).toBe('{"enableNetworkPolicy":"true"}');
  });

  test('trust and KMS policies', () => {
    expect(JSON.parse(serviceAssumeRolePolicy('eks.amazonaws.com'))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(JSON.parse(clusterKmsPolicy('arn:aws:kms:us-west-2:1:key/k')).Statement).toEqual([
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: 'arn:aws:kms:us-west-2:1:key/k' },
    ]);
  });
});
