/**
 * EksSandboxCluster under Pulumi mocks: every registered resource is recorded with its inputs, and the tests assert
 * on them (node group and launch template fields, user data bytes, IAM, VPC), for a created and an adopted cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { parse as parseYaml } from 'yaml';
import { EKS_SANDBOX_NODE_LABEL, EKS_SANDBOX_NODE_TAINT } from '../../../platforms';
import { buildSandboxNodeUserData, GVISOR_RELEASE } from '../../../platforms/eks/node-bootstrap';
import { adoptedCniWarning, EKS_SANDBOX_CLUSTER_TYPE, EksSandboxCluster } from '../../../stacks/eks/cluster';
import { mockPulumi, type Call, type Registered } from '../../support/pulumi-mocks';
import { PINNED, TEST_GVISOR_SHA512 } from '../../support/eks';
import { coreDnsStrictModePolicy, standardModeWarning } from '../../../platforms/eks/network-policy';

let registered: Registered[] = [];
let calls: Call[] = [];
/** The managed vpc-cni add-on an adopted cluster has (undefined: none, so getAddon fails as on AWS). */
let adoptedVpcCni: Record<string, unknown> | undefined;

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n').toString('base64');

/** Outputs the AWS provider would compute; everything else echoes the inputs. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case 'aws:eks/cluster:Cluster':
      return {
        name: inputs.name ?? `${name}-0a1b2c3`,
        endpoint: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com',
        certificateAuthority: { data: CA },
        identities: [{ oidcs: [{ issuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF' }] }],
        region: 'us-west-2',
      };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { latestVersion: 3 };
    case 'aws:eks/nodeGroup:NodeGroup':
      return { nodeGroupName: `${inputs.nodeGroupNamePrefix}20261122000000000000000001` };
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::123456789012:role/${name}`, name };
    case 'aws:kms/key:Key':
      return { arn: 'arn:aws:kms:us-west-2:123456789012:key/secrets' };
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return { arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF' };
    default:
      return {};
  }
}

/** Fake results of the data-source calls the component makes. */
function callResult(token: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (token) {
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws', reverseDnsPrefix: 'com.amazonaws' };
    case 'aws:index/getAvailabilityZones:getAvailabilityZones':
      return { names: ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'], zoneIds: [], groupNames: [], id: 'us-west-2' };
    case 'aws:eks/getCluster:getCluster':
      return {
        name: inputs.name,
        endpoint: 'https://TEAM.gr7.eu-central-1.eks.amazonaws.com',
        certificateAuthorities: [{ data: CA }],
        version: '1.34',
        region: 'eu-central-1',
        vpcConfig: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] },
      };
    case 'aws:eks/getAddon:getAddon':
      if (!adoptedVpcCni) throw new Error(`ResourceNotFoundException: No addon: ${inputs.addonName} found in cluster: ${inputs.clusterName}`);
      return { addonName: inputs.addonName, clusterName: inputs.clusterName, addonVersion: 'v1.20.0-eksbuild.1', ...adoptedVpcCni };
    default:
      throw new Error(`unexpected call ${token}`);
  }
}

async function resetMocks(): Promise<void> {
  const mocks = mockPulumi({ stack: 'eks', state: computed, call: callResult });
  ({ registered, calls } = mocks);
  await mocks.ready;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** One component run: what it registered and called, with lookup helpers. */
interface Deployment {
  readonly component: EksSandboxCluster;
  readonly kubeconfig: string;
  readonly sandboxPoolNames: string[];
  readonly resources: readonly Registered[];
  readonly calls: readonly Call[];
  /** Resource options of each child, by name (seen by a transformation on the component, which children inherit). */
  readonly options: ReadonlyMap<string, pulumi.CustomResourceOptions>;
  /** Resources of one type, e.g. `eks/nodeGroup:NodeGroup`. */
  ofType(type: string): Registered[];
  /** Inputs of the one AWS resource with this name. */
  named(name: string): Record<string, any>;
}

/** Constructs the component on fresh mocks and waits until every output is known and no registration is pending. */
async function deploy(cluster: unknown): Promise<Deployment> {
  await resetMocks();
  const options = new Map<string, pulumi.CustomResourceOptions>();
  const component = new EksSandboxCluster('sbx', { cluster }, { transformations: [(a) => (options.set(a.name, a.opts), undefined)] });
  const [kubeconfig, sandboxPoolNames] = await Promise.all([
    valueOf(component.kubeconfig),
    valueOf(component.sandboxPoolNames),
    valueOf(component.nodeRoleArn),
    component.oidcProviderArn ? valueOf(component.oidcProviderArn) : undefined,
    ...component.readyResources.map((r) => valueOf((r as pulumi.CustomResource).id)),
  ]);
  for (let seen = -1; seen !== registered.length; ) {
    seen = registered.length;
    await new Promise((r) => setTimeout(r, 25));
  }
  const resources = [...registered];
  return {
    component,
    kubeconfig: kubeconfig as string,
    sandboxPoolNames: sandboxPoolNames as string[],
    resources,
    calls: [...calls],
    options,
    ofType: (type) => resources.filter((r) => r.type === `aws:${type}`),
    named: (name) => {
      const found = resources.filter((r) => r.name === name && r.type.startsWith('aws:'));
      expect(found.map((r) => r.name)).toEqual([name]);
      return found[0].inputs;
    },
  };
}

const NEW_CLUSTER = {
  ...PINNED,
  vpc: { create: { cidr: '10.42.0.0/16', azCount: 3 } },
  systemNodeGroup: { instanceTypes: ['m7i.xlarge'], scaling: { min: 2, desired: 2, max: 4 }, diskSizeGiB: 50 },
  sandboxNodeGroups: [
    { name: 'sandbox', instanceTypes: ['m7i.2xlarge'], scaling: { min: 1, desired: 2, max: 10 }, diskSizeGiB: 120 },
    { name: 'sandbox-arm', instanceTypes: ['m7g.2xlarge', 'c7g.2xlarge'] },
  ],
};

describe('a new cluster (vpc.create)', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy(NEW_CLUSTER);
  });

  test('registers the component type, named children and the SandboxClusterOutputs', async () => {
    const { component, sandboxPoolNames } = d;
    expect(d.resources.find((r) => r.type === EKS_SANDBOX_CLUSTER_TYPE)?.name).toBe('sbx');
    for (const r of d.resources.filter((x) => x.type.startsWith('aws:'))) expect(r.name).toMatch(/^sbx-/);
    expect(component.platform).toBe('eks');
    expect(component.runtimeClassName).toBe('gvisor');
    expect(sandboxPoolNames).toEqual(['sandbox-20261122000000000000000001', 'sandbox-arm-20261122000000000000000001']);
    expect(component.readyResources).toEqual([component.systemNodeGroup, ...component.sandboxNodeGroups]);
    expect(d.ofType('eks/nodeGroup:NodeGroup')).toHaveLength(3);
    expect(await valueOf(component.clusterName)).toBe('sbx-cluster-0a1b2c3');
  });

  test('cluster: API auth with creator admin, both endpoints, KMS secrets encryption, control-plane logs, default version', async () => {
    const cluster = d.named('sbx-cluster');
    expect(cluster.version).toBe('1.36');
    // Not a production stack ("sbx"): no deletion protection unless asked; standard support, then EKS upgrades it.
    expect(cluster.deletionProtection).toBe(false);
    expect(cluster.upgradePolicy).toEqual({ supportType: 'STANDARD' });
    expect(cluster.roleArn).toBe('arn:aws:iam::123456789012:role/sbx-cluster-role');
    expect(cluster.accessConfig).toEqual({ authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true });
    expect(cluster.vpcConfig).toEqual({
      subnetIds: ['sbx-private-0_id', 'sbx-private-1_id', 'sbx-private-2_id'],
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
    });
    expect(cluster.encryptionConfig).toEqual({ resources: ['secrets'], provider: { keyArn: 'arn:aws:kms:us-west-2:123456789012:key/secrets' } });
    expect(cluster.enabledClusterLogTypes).toEqual(['api', 'audit', 'authenticator']);
    expect(cluster.name).toBeUndefined(); // Pulumi auto-names it

    expect(d.named('sbx-secrets-key')).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(JSON.parse(d.named('sbx-cluster-role').assumeRolePolicy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(d.named('sbx-cluster-AmazonEKSClusterPolicy')).toEqual({
      role: 'sbx-cluster-role',
      policyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    });
    expect(JSON.parse(d.named('sbx-cluster-kms').policy).Statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'],
      Resource: 'arn:aws:kms:us-west-2:123456789012:key/secrets',
    });
  });

  test('IRSA: OIDC provider for the cluster issuer, audience sts.amazonaws.com, no pinned thumbprint', async () => {
    const { component } = d;
    expect(d.named('sbx-oidc')).toEqual({
      url: 'https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF',
      clientIdLists: ['sts.amazonaws.com'],
    });
    expect(await valueOf(component.oidcProviderArn as pulumi.Output<string>)).toContain(':oidc-provider/');
  });

  test('VPC: private + public subnet per AZ with ELB role tags, IGW, one NAT gateway, routes', async () => {
    expect(d.named('sbx-vpc')).toMatchObject({ cidrBlock: '10.42.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
    expect([0, 1, 2].map((i) => d.named(`sbx-private-${i}`))).toEqual([
      { vpcId: 'sbx-vpc_id', cidrBlock: '10.42.0.0/19', availabilityZone: 'us-west-2a', tags: { Name: 'sbx-private-0', 'kubernetes.io/role/internal-elb': '1' } },
      { vpcId: 'sbx-vpc_id', cidrBlock: '10.42.32.0/19', availabilityZone: 'us-west-2b', tags: { Name: 'sbx-private-1', 'kubernetes.io/role/internal-elb': '1' } },
      { vpcId: 'sbx-vpc_id', cidrBlock: '10.42.64.0/19', availabilityZone: 'us-west-2c', tags: { Name: 'sbx-private-2', 'kubernetes.io/role/internal-elb': '1' } },
    ]);
    expect([0, 1, 2].map((i) => d.named(`sbx-public-${i}`).cidrBlock)).toEqual(['10.42.224.0/22', '10.42.228.0/22', '10.42.232.0/22']);
    expect(d.named('sbx-public-0').tags).toEqual({ Name: 'sbx-public-0', 'kubernetes.io/role/elb': '1' });
    expect(d.ofType('ec2/natGateway:NatGateway')).toHaveLength(1);
    expect(d.named('sbx-nat')).toMatchObject({ allocationId: 'sbx-nat-eip_id', subnetId: 'sbx-public-0_id' });
    expect(d.named('sbx-public-rt').routes).toEqual([{ cidrBlock: '0.0.0.0/0', gatewayId: 'sbx-igw_id' }]);
    expect(d.named('sbx-private-rt').routes).toEqual([{ cidrBlock: '0.0.0.0/0', natGatewayId: 'sbx-nat_id' }]);
    expect(d.ofType('ec2/routeTableAssociation:RouteTableAssociation').map((r) => r.inputs)).toEqual(
      expect.arrayContaining([
        { subnetId: 'sbx-private-2_id', routeTableId: 'sbx-private-rt_id' },
        { subnetId: 'sbx-public-2_id', routeTableId: 'sbx-public-rt_id' },
      ]),
    );
    const azCall = d.calls.find((c) => c.token === 'aws:index/getAvailabilityZones:getAvailabilityZones');
    expect(azCall?.inputs).toMatchObject({ state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] });
  });

  test('node role: worker and ECR read-only policies, not the CNI policy (aws-node has its own role); SSM only when asked', async () => {
    expect(JSON.parse(d.named('sbx-node-role').assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    const policies = (x: Deployment) =>
      x
        .ofType('iam/rolePolicyAttachment:RolePolicyAttachment')
        .filter((r) => r.inputs.role === 'sbx-node-role')
        .map((r) => r.inputs.policyArn);
    expect(policies(d)).toEqual(['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy', 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly']);
    expect(policies(await deploy({ ...NEW_CLUSTER, ssmAccess: true }))).toEqual([
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ]);
  });

  test('VPC CNI: an IRSA role for kube-system/aws-node only (this issuer, audience sts), with AmazonEKS_CNI_Policy', async () => {
    expect(JSON.parse(d.named('sbx-vpc-cni-role').assumeRolePolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.eks.us-west-2.amazonaws.com/id/ABCDEF:sub': 'system:serviceaccount:kube-system:aws-node',
              'oidc.eks.us-west-2.amazonaws.com/id/ABCDEF:aud': 'sts.amazonaws.com',
            },
          },
        },
      ],
    });
    expect(d.named('sbx-vpc-cni-AmazonEKS_CNI_Policy')).toEqual({ role: 'sbx-vpc-cni-role', policyArn: 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy' });
    expect(await valueOf(d.component.vpcCniRoleArn!)).toBe('arn:aws:iam::123456789012:role/sbx-vpc-cni-role');
  });

  test('VPC CNI: the managed add-on enforces NetworkPolicy, runs under the IRSA role, takes over the self-managed one', async () => {
    expect(d.named('sbx-vpc-cni')).toEqual({
      clusterName: 'sbx-cluster-0a1b2c3',
      addonName: 'vpc-cni',
      serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/sbx-vpc-cni-role',
      configurationValues: '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}',
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
    });
    // Strict mode (the default on clusters we create): pods start default-deny; CoreDNS gets its policy.
    expect(JSON.parse(d.named('sbx-vpc-cni').configurationValues)).toEqual({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'strict' } });
    expect(await valueOf(d.component.nodeManifests!)).toEqual([coreDnsStrictModePolicy()]);
    expect(d.component.vpcCniAddon).toBeDefined();
  });

  test('ordering: the add-on waits for its role policy; every node group waits for the add-on', () => {
    const addon = d.component.vpcCniAddon!;
    expect((d.options.get('sbx-vpc-cni')?.dependsOn as pulumi.Resource[]).map((r) => (r as unknown as { __name: string }).__name)).toEqual([
      'sbx-vpc-cni-AmazonEKS_CNI_Policy',
    ]);
    for (const group of ['sbx-system', 'sbx-sandbox-sandbox', 'sbx-sandbox-sandbox-arm']) {
      expect(d.options.get(group)?.dependsOn).toContain(addon);
    }
  });

  test('sandbox node group: AL2023, launch template id+version, sandbox label and NoSchedule taint, no diskSize/remoteAccess', async () => {
    expect(d.named('sbx-sandbox-sandbox')).toEqual({
      clusterName: 'sbx-cluster-0a1b2c3',
      nodeGroupNamePrefix: 'sandbox-',
      nodeRoleArn: 'arn:aws:iam::123456789012:role/sbx-node-role',
      subnetIds: ['sbx-private-0_id', 'sbx-private-1_id', 'sbx-private-2_id'],
      instanceTypes: ['m7i.2xlarge'],
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'ON_DEMAND',
      scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 10 },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: 'sbx-sandbox-sandbox-lt_id', version: '3' },
      labels: { [EKS_SANDBOX_NODE_LABEL.key]: EKS_SANDBOX_NODE_LABEL.value },
      taints: [{ key: EKS_SANDBOX_NODE_TAINT.key, value: EKS_SANDBOX_NODE_TAINT.value, effect: 'NO_SCHEDULE' }],
    });
    // The Graviton group gets the ARM AMI and the defaults.
    expect(d.named('sbx-sandbox-sandbox-arm')).toMatchObject({
      amiType: 'AL2023_ARM_64_STANDARD',
      scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 },
      updateConfig: { maxUnavailablePercentage: 33 },
    });
    for (const group of d.ofType('eks/nodeGroup:NodeGroup')) {
      expect(group.inputs).not.toHaveProperty('diskSize');
      expect(group.inputs).not.toHaveProperty('remoteAccess');
    }
  });

  test('system node group: AL2023 for its architecture, no label or taint, encrypted root in its launch template, no user data', async () => {
    const system = d.named('sbx-system');
    expect(system).toMatchObject({
      nodeGroupNamePrefix: 'system-',
      instanceTypes: ['m7i.xlarge'],
      amiType: 'AL2023_x86_64_STANDARD',
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      launchTemplate: { id: 'sbx-system-lt_id', version: '3' },
    });
    expect(system).not.toHaveProperty('labels');
    expect(system).not.toHaveProperty('taints');
    const lt = d.named('sbx-system-lt');
    expect(lt.blockDeviceMappings[0].ebs).toEqual({ volumeSize: 50, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' });
    expect(lt).not.toHaveProperty('userData');
  });

  test('sandbox launch template: IMDSv2 hop limit 1, encrypted gp3 /dev/xvda, and exactly the bootstrap user data', async () => {
    const lt = d.named('sbx-sandbox-sandbox-lt');
    expect(lt.metadataOptions).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(lt.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: 120, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
    ]);
    expect(lt.updateDefaultVersion).toBe(true);
    for (const forbidden of ['imageId', 'instanceType', 'keyName', 'vpcSecurityGroupIds', 'networkInterfaces']) {
      expect(lt).not.toHaveProperty(forbidden);
    }
    const userData = Buffer.from(lt.userData, 'base64').toString('utf8');
    expect(userData).toBe(buildSandboxNodeUserData({ ...PINNED, instanceTypes: ['m7i.2xlarge'] }));
    expect(userData).toContain(`readonly GVISOR_RELEASE='${GVISOR_RELEASE}'\nreadonly GVISOR_ARCH='x86_64'\n`);

    const arm = Buffer.from(d.named('sbx-sandbox-sandbox-arm-lt').userData, 'base64').toString('utf8');
    expect(arm).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'arm64' }));
    expect(d.named('sbx-sandbox-sandbox-arm-lt').blockDeviceMappings[0].ebs.volumeSize).toBe(100);
  });

  test('the gVisor release, the mirror and the containerd major of the AMI reach the user data', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const e = await deploy({
      ...NEW_CLUSTER,
      version: '1.33',
      gvisorRelease: '20250101.0',
      gvisorBaseUrl: 'https://mirror.example.com/gvisor',
      sandboxNodeGroups: [
        { name: 'old', instanceTypes: ['m6i.large'], releaseVersion: '1.33.5-20251007' },
        { name: 'new', instanceTypes: ['m6i.large'] },
      ],
    });
    const userData = (group: string) => Buffer.from(e.named(`sbx-sandbox-${group}-lt`).userData, 'base64').toString('utf8');
    // The pinned 1.33 AMI of v20251007 ships containerd 1.7: version 2 stanza; the newest 1.33 AMI ships 2.x.
    const options = { ...PINNED, instanceTypes: ['m6i.large'], gvisorRelease: '20250101.0', gvisorBaseUrl: 'https://mirror.example.com/gvisor' };
    expect(userData('old')).toBe(buildSandboxNodeUserData({ ...PINNED, ...options, containerdMajorVersion: 1 }));
    expect(userData('old')).toContain('io.containerd.grpc.v1.cri');
    expect(userData('new')).toBe(buildSandboxNodeUserData({ ...PINNED, ...options, containerdMajorVersion: 2 }));
    expect(userData('new')).toContain("base_url=\"${AGENT_SANDBOX_INFRA_GVISOR_BASE_URL:-https://mirror.example.com/gvisor}\"");
    expect(e.named('sbx-sandbox-old').releaseVersion).toBe('1.33.5-20251007');
    expect(warn.mock.calls.filter(([m]) => String(m).includes('containerdMajorVersion'))).toEqual([]);
    warn.mockRestore();
  });

  test('the gVisor trust anchor: pinned digests in every sandbox user data; the bucket opt-in warned and written into the user data', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const userData = (e: Deployment, group: string) => Buffer.from(e.named(`sbx-sandbox-${group}-lt`).userData, 'base64').toString('utf8');
      const pinned = await deploy(NEW_CLUSTER);
      const x86 = TEST_GVISOR_SHA512[GVISOR_RELEASE].x86_64 as string;
      const arm = TEST_GVISOR_SHA512[GVISOR_RELEASE].aarch64 as string;
      expect(userData(pinned, 'sandbox')).toContain(`declare -rA PINNED_SHA512=(['gvisor.tar.bz2']='${x86}')`);
      expect(userData(pinned, 'sandbox-arm')).toContain(`declare -rA PINNED_SHA512=(['gvisor.tar.bz2']='${arm}')`);
      expect(warn.mock.calls.filter(([m]) => String(m).includes('acceptGvisorBucketChecksums'))).toEqual([]);

      const { gvisorSha512: _, ...withoutDigests } = NEW_CLUSTER;
      const bucket = await deploy({ ...withoutDigests, acceptGvisorBucketChecksums: true });
      expect(userData(bucket, 'sandbox')).toContain("readonly TRUST='bucket-checksums'\ndeclare -rA PINNED_SHA512=()\n");
      expect(warn).toHaveBeenCalledWith(
        `cluster.acceptGvisorBucketChecksums: gVisor ${GVISOR_RELEASE} (x86_64, aarch64) is verified only against the .sha512 files from the same location ` +
          'as the binaries, which whoever can replace the binaries can replace too; set gvisorSha512 to digests obtained independently',
        bucket.component,
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('an s3:// gVisor mirror gives the node role read access to that prefix only', async () => {
    const e = await deploy({ ...NEW_CLUSTER, gvisorBaseUrl: 's3://acme-gvisor/releases/release' });
    expect(JSON.parse(e.named('sbx-node-gvisor-mirror').policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadGvisorMirror', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-gvisor/releases/release/*'] }],
    });
    expect((await deploy(NEW_CLUSTER)).resources.filter((r) => r.name.endsWith('gvisor-mirror'))).toEqual([]);
  });

  test('endpoint open to 0.0.0.0/0 (the default) warns with the fix; narrowed CIDRs or a private endpoint do not', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const message =
      'cluster.endpoint: the API server endpoint is public and open to 0.0.0.0/0 (EKS\'s default); set endpoint.publicAccessCidrs to your admin and CI ranges ' +
      '(e.g. ["203.0.113.0/24"]), or endpoint.publicAccess: false to reach it only from inside the VPC (privateAccess) ' +
      '(https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)';
    try {
      const open = await deploy(NEW_CLUSTER);
      expect(warn).toHaveBeenCalledWith(message, open.component);
      warn.mockClear();
      await deploy({ ...NEW_CLUSTER, endpoint: { publicAccessCidrs: ['203.0.113.0/24'] } });
      await deploy({ ...NEW_CLUSTER, endpoint: { publicAccess: false } });
      expect(warn.mock.calls.filter(([m]) => String(m).startsWith('cluster.endpoint'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test('kubeconfig.roleArn gets a cluster-admin access entry (it would be Unauthorized otherwise)', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/deployer';
    const e = await deploy({ ...NEW_CLUSTER, kubeconfig: { roleArn } });
    expect(e.named('sbx-kubeconfig-role')).toEqual({ clusterName: 'sbx-cluster-0a1b2c3', principalArn: roleArn, type: 'STANDARD' });
    expect(e.named('sbx-kubeconfig-role-policy')).toEqual({
      clusterName: 'sbx-cluster-0a1b2c3',
      principalArn: roleArn,
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    });
    expect((e.options.get('sbx-kubeconfig-role-policy')?.dependsOn as pulumi.Resource[]).map((r) => (r as unknown as { __name: string }).__name)).toEqual([
      'sbx-kubeconfig-role',
    ]);
    // Opted out (the role runs `pulumi up`, so EKS made it admin already), or already an admin principal: no second entry.
    const optedOut = await deploy({ ...NEW_CLUSTER, kubeconfig: { roleArn, accessEntry: false } });
    expect(optedOut.ofType('eks/accessEntry:AccessEntry')).toEqual([]);
    const listed = await deploy({ ...NEW_CLUSTER, kubeconfig: { roleArn }, adminPrincipalArns: [roleArn] });
    expect(listed.ofType('eks/accessEntry:AccessEntry').map((r) => [r.name, r.inputs.principalArn])).toEqual([['sbx-admin-0', roleArn]]);
  });

  test('kubeconfig: secret, exec credentials with aws eks get-token for the cluster and its region', async () => {
    const e = await deploy({ ...NEW_CLUSTER, kubeconfig: { roleArn: 'arn:aws:iam::123456789012:role/deployer' } });
    expect(await pulumi.isSecret(e.component.kubeconfig)).toBe(true);
    const doc = parseYaml(e.kubeconfig);
    expect(doc.clusters[0].cluster).toEqual({ server: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com', 'certificate-authority-data': CA });
    expect(doc.users[0].user.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'sbx-cluster-0a1b2c3', '--region', 'us-west-2', '--role-arn', 'arn:aws:iam::123456789012:role/deployer'],
    });
  });

  test('endpoint options, name, version, log types and admin access entries are passed through', async () => {
    const e = await deploy({
      ...NEW_CLUSTER,
      name: 'agents-prod',
      version: '1.34',
      endpoint: { privateAccess: true, publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
      controlPlaneLogTypes: ['audit'],
      adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admin'],
    });
    const cluster = e.named('sbx-cluster');
    expect(cluster).toMatchObject({ name: 'agents-prod', version: '1.34', enabledClusterLogTypes: ['audit'] });
    expect(cluster.vpcConfig.publicAccessCidrs).toEqual(['203.0.113.0/24']);
    expect(e.named('sbx-admin-0')).toEqual({
      clusterName: 'agents-prod',
      principalArn: 'arn:aws:iam::123456789012:role/platform-admin',
      type: 'STANDARD',
    });
    expect(e.named('sbx-admin-0-policy')).toEqual({
      clusterName: 'agents-prod',
      principalArn: 'arn:aws:iam::123456789012:role/platform-admin',
      policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      accessScope: { type: 'cluster' },
    });
  });

  test('existing subnets: the control plane and nodes use them (nodeSubnetIds for nodes when given)', async () => {
    const e = await deploy({
      ...NEW_CLUSTER,
      vpc: { subnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'], nodeSubnetIds: ['subnet-0ccccccccccccccc1'] },
    });
    expect(e.named('sbx-cluster').vpcConfig.subnetIds).toEqual(['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2']);
    expect(e.named('sbx-sandbox-sandbox').subnetIds).toEqual(['subnet-0ccccccccccccccc1']);
    expect(e.ofType('ec2/vpc:Vpc')).toHaveLength(0);
  });
});

describe('an existing cluster (existingCluster)', () => {
  const ADOPT = { ...PINNED, existingCluster: { name: 'team-prod' }, sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['m7i.2xlarge'] }] };

  beforeEach(() => {
    adoptedVpcCni = { configurationValues: '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}' };
  });

  test('reads the cluster, creates no cluster, VPC, KMS key or OIDC provider, only the sandbox groups', async () => {
    const e = await deploy(ADOPT);
    expect(e.calls.find((c) => c.token === 'aws:eks/getCluster:getCluster')?.inputs).toEqual({ name: 'team-prod' });
    for (const type of ['eks/cluster:Cluster', 'ec2/vpc:Vpc', 'kms/key:Key', 'iam/openIdConnectProvider:OpenIdConnectProvider']) {
      expect(e.ofType(type)).toHaveLength(0);
    }
    expect(e.ofType('eks/nodeGroup:NodeGroup').map((r) => r.name)).toEqual(['sbx-sandbox-sandbox']);
    expect(e.component.systemNodeGroup).toBeUndefined();
    expect(e.component.oidcProviderArn).toBeUndefined();
    expect(e.sandboxPoolNames).toEqual(['sandbox-20261122000000000000000001']);
    expect(e.named('sbx-sandbox-sandbox')).toMatchObject({
      clusterName: 'team-prod',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    });
    expect(parseYaml(e.kubeconfig).users[0].user.exec.args).toEqual(['eks', 'get-token', '--cluster-name', 'team-prod', '--region', 'eu-central-1']);
    expect(parseYaml(e.kubeconfig).clusters[0].cluster.server).toBe('https://TEAM.gr7.eu-central-1.eks.amazonaws.com');
  });

  test('existingCluster.subnetIds and a systemNodeGroup are honoured', async () => {
    const e = await deploy({ ...ADOPT, existingCluster: { name: 'team-prod', subnetIds: ['subnet-0ddddddddddddddd1'] }, systemNodeGroup: {} });
    expect(e.named('sbx-sandbox-sandbox').subnetIds).toEqual(['subnet-0ddddddddddddddd1']);
    expect(e.named('sbx-system')).toMatchObject({ instanceTypes: ['m7i.large'], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 3 } });
  });

  test('the node role keeps the CNI policy (the adopted cluster\'s aws-node may use node credentials); no vpc-cni add-on or role is created', async () => {
    const e = await deploy(ADOPT);
    expect(
      e
        .ofType('iam/rolePolicyAttachment:RolePolicyAttachment')
        .filter((r) => r.inputs.role === 'sbx-node-role')
        .map((r) => r.inputs.policyArn),
    ).toEqual([
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
    ]);
    expect(e.ofType('eks/addon:Addon')).toEqual([]);
    expect(e.resources.filter((r) => r.name.includes('vpc-cni'))).toEqual([]);
    expect(e.component.vpcCniAddon).toBeUndefined();
    expect(e.component.vpcCniRoleArn).toBeUndefined();
  });

  test('NetworkPolicy enforcement of the adopted cluster\'s vpc-cni add-on is read and warned about, never changed', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const cniWarnings = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return warn.mock.calls.filter(([m]) => String(m).startsWith('EKS cluster team-prod')).map(([m]) => m);
    };
    try {
      let e = await deploy(ADOPT);
      expect(e.calls.find((c) => c.token === 'aws:eks/getAddon:getAddon')?.inputs).toEqual({ clusterName: 'team-prod', addonName: 'vpc-cni' });
      expect(await cniWarnings()).toEqual([]);

      adoptedVpcCni = { configurationValues: '' };
      e = await deploy(ADOPT);
      expect(await cniWarnings()).toEqual([adoptedCniWarning('team-prod', adoptedVpcCni)]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("vpc-cni add-on does not enforce NetworkPolicy"), e.component);
      warn.mockClear();

      adoptedVpcCni = undefined; // no managed add-on: getAddon fails, which must not fail the program
      e = await deploy(ADOPT);
      expect(await cniWarnings()).toEqual([adoptedCniWarning('team-prod', undefined)]);
      expect(e.sandboxPoolNames).toEqual(['sandbox-20261122000000000000000001']);
    } finally {
      warn.mockRestore();
    }
  });

  test('containerd 1 on an adopted 1.34 cluster: warned once the version is read (nodeadm migrates the stanza)', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      await deploy({ ...ADOPT, containerdMajorVersion: 1 });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('nodeadm migrates it (containerd config migrate)'), expect.anything());
    } finally {
      warn.mockRestore();
    }
  });
});

describe('Karpenter sandbox pools (adopted cluster that runs Karpenter)', () => {
  const KARPENTER = {
    ...PINNED,
    existingCluster: { name: 'team-prod' },
    karpenter: {
      nodePools: [
        { name: 'gvisor-x86', instanceTypes: ['m7i.2xlarge'], limits: { cpu: '64', memory: '256Gi' } },
        { name: 'gvisor-arm', arch: 'arm64', capacityTypes: ['spot'], limits: { cpu: '32', memory: '128Gi' }, amiAlias: 'al2023@v20251217' },
      ],
    },
  };

  beforeEach(() => {
    adoptedVpcCni = { configurationValues: '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}' };
  });

  test('an EC2NodeClass + NodePool per pool, with the user data of its architecture and the created role; the role can join (EC2_LINUX entry)', async () => {
    const e = await deploy(KARPENTER);
    const objects = await valueOf(e.component.nodeManifests!);
    expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'EC2NodeClass/gvisor-x86',
      'NodePool/gvisor-x86',
      'EC2NodeClass/gvisor-arm',
      'NodePool/gvisor-arm',
    ]);
    const role = e.named('sbx-karpenter-node-role');
    expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
    expect(e.named('sbx-karpenter-node-access')).toMatchObject({ clusterName: 'team-prod', type: 'EC2_LINUX' });
    const [x86Class, x86Pool, armClass, armPool] = objects as any[];
    // The role name is the mock's id of the created role.
    expect(x86Class.spec.role).toBe(armClass.spec.role);
    expect(x86Class.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'team-prod' } }]);
    expect(x86Class.spec.userData).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'x86_64', containerdMajorVersion: 2 }));
    expect(armClass.spec.userData).toBe(buildSandboxNodeUserData({ ...PINNED, arch: 'aarch64', containerdMajorVersion: 2 }));
    expect(armClass.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20251217' }]);
    expect(x86Pool.spec.template.spec.requirements).toContainEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m7i.2xlarge'] });
    expect(armPool.spec.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] });
    expect(armPool.spec.limits).toEqual({ cpu: '32', memory: '128Gi' });
    expect(e.ofType('eks/nodeGroup:NodeGroup')).toEqual([]);
  });

  test('a given node role is used as is: no role, no access entry created', async () => {
    const e = await deploy({ ...KARPENTER, karpenter: { ...KARPENTER.karpenter, nodeRoleName: 'KarpenterNodeRole-team-prod' } });
    expect(((await valueOf(e.component.nodeManifests!))[0] as any).spec.role).toBe('KarpenterNodeRole-team-prod');
    expect(e.resources.filter((r) => r.name.startsWith('sbx-karpenter'))).toEqual([]);
  });

  test('refused on a cluster this stack creates (nothing would run Karpenter there)', () => {
    expect(() => new EksSandboxCluster('bad', { cluster: { ...NEW_CLUSTER, karpenter: KARPENTER.karpenter } })).toThrow(
      /cluster\.karpenter: needs existingCluster: this stack installs no Karpenter/,
    );
  });
});

describe('invalid config: one InputPropertiesError before anything is registered', () => {
  beforeEach(resetMocks);

  function thrown(cluster: unknown): pulumi.InputPropertiesError {
    try {
      new EksSandboxCluster('bad', { cluster });
    } catch (e) {
      expect(pulumi.InputPropertiesError.isInstance(e)).toBe(true);
      return e as pulumi.InputPropertiesError;
    }
    throw new Error('expected an InputPropertiesError');
  }

  test('collects every problem, names the component, registers nothing', async () => {
    const error = thrown({
      vpc: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] },
      sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['m7i.large'], amiType: 'BOTTLEROCKET_x86_64' }],
    });
    // No gvisorSha512 and no acceptGvisorBucketChecksums either: the gVisor download has no trust anchor.
    expect(error.errors.map((e) => e.propertyPath)).toEqual(['cluster.vpc.subnetIds', 'cluster.sandboxNodeGroups[0].amiType', 'cluster.gvisorSha512']);
    expect(error.message).toMatch(/^EksSandboxCluster "bad": invalid cluster config \(3 problems\):\n {2}cluster\.vpc\.subnetIds: has 1 subnet/);
    expect(error.message).toContain('cluster.gvisorSha512: no sha512 for gVisor 20261012.0 x86_64: the .sha512 files sit in the same bucket as the binaries');
    expect(error.message).toContain('cluster.sandboxNodeGroups[0].amiType: "BOTTLEROCKET_x86_64" cannot be a gVisor sandbox node: Bottlerocket has no gVisor/runsc support');
    await new Promise((r) => setTimeout(r, 25));
    expect(registered).toEqual([]);
  });

  test('a missing cluster config', () => {
    expect(thrown(undefined).errors).toEqual([
      { propertyPath: 'cluster', reason: 'is required: set agent-sandbox-infra:cluster with vpc (or existingCluster) and sandboxNodeGroups' },
    ]);
  });
});

describe('adoptedCniWarning', () => {
  const fix =
    'enable it with "aws eks update-addon --cluster-name team-prod --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'" ' +
    '(https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html)';

  test('enabled in strict mode: nothing to say', () => {
    expect(
      adoptedCniWarning('team-prod', { configurationValues: '{"enableNetworkPolicy":"true","env":{"ENABLE_PREFIX_DELEGATION":"true","NETWORK_POLICY_ENFORCING_MODE":"strict"}}' }),
    ).toBeUndefined();
  });

  test('enabled in standard mode (the agent\'s default): the first-packet gap, and that strict mode is cluster-wide', () => {
    expect(adoptedCniWarning('team-prod', { configurationValues: '{"enableNetworkPolicy":"true"}' })).toBe(standardModeWarning('team-prod', true));
    expect(standardModeWarning('team-prod', true)).toContain(
      "strict mode closes that gap but is cluster-wide (every pod without a NetworkPolicy is then denied, CoreDNS included). To switch after adding policies for the cluster's own pods: " +
        'aws eks update-addon --cluster-name team-prod --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}\'',
    );
  });

  test('off, unset, or unreadable configuration: not enforced, with the exact command', () => {
    const message =
      "EKS cluster team-prod's vpc-cni add-on does not enforce NetworkPolicy (enableNetworkPolicy is not \"true\"): the sandbox namespaces' " +
      `NetworkPolicies (default deny, egress allowlists) would not be enforced; ${fix}`;
    expect(adoptedCniWarning('team-prod', { configurationValues: '{"enableNetworkPolicy":"false"}' })).toBe(message);
    expect(adoptedCniWarning('team-prod', { configurationValues: '{"enableNetworkPolicy":true}' })).toBe(message); // the key takes a string
    expect(adoptedCniWarning('team-prod', { configurationValues: '' })).toBe(message);
    expect(adoptedCniWarning('team-prod', { configurationValues: 'not json' })).toBe(message);
  });

  test('no managed add-on: cannot be checked, says which CNIs would enforce it', () => {
    expect(adoptedCniWarning('team-prod', undefined)).toBe(
      'EKS cluster team-prod has no managed vpc-cni add-on, so NetworkPolicy enforcement cannot be checked: unless its CNI enforces NetworkPolicy ' +
        "(a self-managed VPC CNI started with --enable-network-policy=true, Calico, Cilium), the sandbox namespaces' NetworkPolicies (default deny, " +
        `egress allowlists) would not be enforced; with the VPC CNI, install it as the managed add-on and ${fix}`,
    );
  });
});

describe('networkPolicyEnforcingMode: standard (opt-out of strict mode)', () => {
  test('the add-on runs standard mode, no CoreDNS policy is added, and the first-packet gap is warned about', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const e = await deploy({ ...NEW_CLUSTER, networkPolicyEnforcingMode: 'standard' });
      expect(JSON.parse(e.named('sbx-vpc-cni').configurationValues)).toEqual({ enableNetworkPolicy: 'true', env: { NETWORK_POLICY_ENFORCING_MODE: 'standard' } });
      expect(e.component.nodeManifests).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(standardModeWarning('sbx', false), e.component);
    } finally {
      warn.mockRestore();
    }
  });

  test('refused on an adopted cluster (its CNI is not ours to change)', () => {
    expect(() => new EksSandboxCluster('bad', { cluster: { existingCluster: { name: 'x' }, sandboxNodeGroups: [{ name: 's', instanceTypes: ['m7i.large'] }], networkPolicyEnforcingMode: 'strict' } })).toThrow(
      /cluster\.networkPolicyEnforcingMode: applies only to a cluster this stack creates/,
    );
  });
});

describe('deletion protection and upgrade policy', () => {
  test('on by default for a production stack, explicit values win; node groups update a third at a time', async () => {
    await resetMocks();
    const prod = new EksSandboxCluster('prod', { cluster: NEW_CLUSTER, production: true });
    await valueOf(prod.kubeconfig);
    await new Promise((r) => setTimeout(r, 50));
    const cluster = registered.find((r) => r.name === 'prod-cluster')!.inputs;
    expect(cluster.deletionProtection).toBe(true);
    expect(registered.filter((r) => r.type === 'aws:eks/nodeGroup:NodeGroup').map((r) => r.inputs.updateConfig)).toEqual([
      { maxUnavailablePercentage: 33 },
      { maxUnavailablePercentage: 33 },
      { maxUnavailablePercentage: 33 },
    ]);
    const off = await deploy({ ...NEW_CLUSTER, deletionProtection: false, upgradePolicy: 'EXTENDED' });
    expect(off.named('sbx-cluster')).toMatchObject({ deletionProtection: false, upgradePolicy: { supportType: 'EXTENDED' } });
    const on = await deploy({ ...NEW_CLUSTER, deletionProtection: true });
    expect(on.named('sbx-cluster').deletionProtection).toBe(true);
  });
});

describe('GPU sandbox node group (NVIDIA AMI, nvproxy)', () => {
  test('runsc gets nvproxy in the runsc config the shim reads; the stanza stays beside nodeadm\'s nvidia runtime', async () => {
    const e = await deploy({ ...NEW_CLUSTER, sandboxNodeGroups: [{ name: 'gpu', instanceTypes: ['g6.xlarge'], amiType: 'AL2023_x86_64_NVIDIA', nvproxy: true }] });
    const userData = Buffer.from(e.named('sbx-sandbox-gpu-lt').userData, 'base64').toString('utf8');
    expect(userData).toBe(buildSandboxNodeUserData({ ...PINNED, instanceTypes: ['g6.xlarge'], containerdMajorVersion: 2, nvproxy: true }));
    expect(userData).toContain("cat >\"$runsc_config.tmp\" <<'RUNSC'\n[runsc_config]\nsystemd-cgroup = \"true\"\nnvproxy = \"true\"\nRUNSC");
    expect(e.named('sbx-sandbox-gpu').amiType).toBe('AL2023_x86_64_NVIDIA');
  });
});
