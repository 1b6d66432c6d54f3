/** The EKS `cluster` stack config: schema + cross-field checks, every problem at once, `cluster.`-prefixed paths. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  nodeContainerd,
  eksClusterConfigWarnings,
  eksEndpointWarnings,
  parseEksClusterConfig,
  type EksClusterConfig,
} from '../../../platforms/eks/cluster-config';
import { PINNED } from '../../support/eks';

const REPO_ROOT = path.resolve(__dirname, '../../..');

const VALID = {
  ...PINNED,
  vpc: { create: { cidr: '10.42.0.0/16', azCount: 3 } },
  sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['m7i.2xlarge'] }],
};

/** The problems of a config, as `path: reason` lines. */
function problems(raw: unknown): string[] {
  const result = parseEksClusterConfig(raw);
  expect(result.value).toBeUndefined();
  return result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('valid configs', () => {
  test('the minimal new-cluster config parses with no problem', () => {
    expect(parseEksClusterConfig(VALID)).toEqual({ value: VALID, problems: [] });
  });

  test('the minimal adopt config parses with no problem', () => {
    const adopt = { ...PINNED, existingCluster: { name: 'team-prod' }, sandboxNodeGroups: [{ name: 'sandbox', instanceTypes: ['c7g.4xlarge'] }] };
    expect(parseEksClusterConfig(adopt).problems).toEqual([]);
  });

  test('Pulumi.eks.yaml: its cluster value parses with zero problems and uses vpc.create with the example instance types', () => {
    const stack = parseYaml(fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.eks.yaml'), 'utf8'));
    expect(stack.config['aws:region']).toBe('us-west-2');
    expect(stack.config['agent-sandbox-infra:platform']).toBe('eks');
    const { value, problems: found } = parseEksClusterConfig(stack.config['agent-sandbox-infra:cluster']);
    expect(found).toEqual([]);
    const cluster = value as EksClusterConfig;
    expect(cluster.vpc?.create).toBeDefined();
    expect(cluster.systemNodeGroup?.instanceTypes).toEqual(['m7i.xlarge']);
    expect(cluster.sandboxNodeGroups?.[0].instanceTypes).toEqual(['m7i.2xlarge']);
  });
});

describe('errors (each message names the field, the value and what is allowed)', () => {
  test('a missing config', () => {
    expect(problems(undefined)).toEqual([
      'cluster: is required: set agent-sandbox-infra:cluster with vpc (or existingCluster) and sandboxNodeGroups',
    ]);
  });

  test('schema: typos, wrong types and formats are all reported, with cluster. paths', () => {
    expect(
      problems({
        vpcc: {},
        version: 1.35,
        vpc: { create: { cidr: '10.0.0.0/16', azCount: 2, nat: 'one' } },
        sandboxNodeGroups: [{ name: 'Sandbox Pool', instanceTypes: ['m7i.large'], diskSizeGiB: 8 }],
        kubeconfig: { roleArn: 'deployer' },
      }),
    ).toEqual([
      'cluster.version: must be string, got 1.35',
      'cluster.vpc.create.nat: unknown field "nat"',
      'cluster.sandboxNodeGroups[0].name: must start with a letter or digit and contain only letters, digits, "-" and "_", got "Sandbox Pool"',
      'cluster.sandboxNodeGroups[0].diskSizeGiB: must be ≥ 20, got 8',
      'cluster.kubeconfig.roleArn: must be an IAM role ARN like "arn:aws:iam::123456789012:role/deployer", got "deployer"',
      'cluster.vpcc: unknown field "vpcc" (did you mean "vpc"?)',
    ]);
  });

  test('Bottlerocket and AL2 AMI types are refused with the reason', () => {
    const found = problems({
      ...VALID,
      sandboxNodeGroups: [
        { name: 'br', instanceTypes: ['m7i.large'], amiType: 'BOTTLEROCKET_x86_64' },
        { name: 'al2', instanceTypes: ['m7i.large'], amiType: 'AL2_x86_64' },
      ],
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /^cluster\.sandboxNodeGroups\[0\]\.amiType: "BOTTLEROCKET_x86_64" cannot be a gVisor sandbox node: Bottlerocket has no gVisor\/runsc support.*; use AL2023, one of AL2023_x86_64_STANDARD, /,
    );
    expect(found[1]).toMatch(/^cluster\.sandboxNodeGroups\[1\]\.amiType: "AL2_x86_64" cannot be a gVisor sandbox node: Amazon Linux 2 EKS AMIs reached end of support/);
  });

  test('mixed CPU architectures in one group', () => {
    expect(problems({ ...VALID, sandboxNodeGroups: [{ name: 'mixed', instanceTypes: ['m7i.large', 'm7g.large'] }] })).toEqual([
      'cluster.sandboxNodeGroups[0].instanceTypes: mixes CPU architectures (x86_64: m7i.large; aarch64/Graviton: m7g.large), ' +
        'but one node group boots one AMI and installs one gVisor build; use one node group per architecture',
    ]);
  });

  test('an AMI type whose architecture differs from the instance types', () => {
    expect(problems({ ...VALID, sandboxNodeGroups: [{ name: 'arm', instanceTypes: ['m7g.large'], amiType: 'AL2023_x86_64_STANDARD' }] })).toEqual([
      'cluster.sandboxNodeGroups[0].amiType: "AL2023_x86_64_STANDARD" is an x86_64 AMI but the instance types (m7g.large) are aarch64; use AL2023_ARM_64_STANDARD',
    ]);
  });

  test('fewer than 2 subnets or AZs for a new cluster', () => {
    expect(problems({ ...VALID, vpc: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] } })).toEqual([
      'cluster.vpc.subnetIds: has 1 subnet (subnet-0aaaaaaaaaaaaaaa1): creating an EKS cluster needs subnets in at least 2 availability zones',
    ]);
    expect(problems({ ...VALID, vpc: { create: { cidr: '10.42.0.0/16', azCount: 1 } } })).toEqual([
      'cluster.vpc.create.azCount: must be 2 to 6, got 1: EKS needs subnets in at least 2 availability zones',
    ]);
    expect(problems({ ...VALID, vpc: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa1'] } })).toEqual([
      'cluster.vpc.subnetIds: lists subnet-0aaaaaaaaaaaaaaa1 more than once',
    ]);
  });

  test('VPC CIDR: prefix range and host bits', () => {
    expect(problems({ ...VALID, vpc: { create: { cidr: '10.42.0.0/24', azCount: 2 } } })).toEqual([
      'cluster.vpc.create.cidr: "10.42.0.0/24" has prefix /24; use /16 to /20 (AWS allows at most /16, and /20 is the smallest that still gives every subnet room)',
    ]);
    expect(problems({ ...VALID, vpc: { create: { cidr: '10.42.1.0/16', azCount: 2 } } })).toEqual([
      'cluster.vpc.create.cidr: "10.42.1.0/16" has host bits set; the network address is "10.42.0.0/16"',
    ]);
  });

  test('no sandbox node group', () => {
    expect(problems({ vpc: VALID.vpc })).toEqual([
      'cluster.sandboxNodeGroups: needs at least one sandbox node group ({ name, instanceTypes }) or karpenter.nodePools: gVisor pods only run on sandbox nodes, got nothing',
    ]);
    expect(problems({ vpc: VALID.vpc, sandboxNodeGroups: [] })).toEqual([
      'cluster.sandboxNodeGroups: needs at least one sandbox node group ({ name, instanceTypes }) or karpenter.nodePools: gVisor pods only run on sandbox nodes, got an empty list',
    ]);
  });

  test('duplicate node group names, including the system group', () => {
    expect(
      problems({
        ...VALID,
        sandboxNodeGroups: [
          { name: 'sandbox', instanceTypes: ['m7i.large'] },
          { name: 'sandbox', instanceTypes: ['m7i.xlarge'] },
          { name: 'system', instanceTypes: ['m7i.xlarge'] },
        ],
      }),
    ).toEqual([
      'cluster.sandboxNodeGroups[1].name: "sandbox" is already the name of sandboxNodeGroups[0]; node group names must be unique',
      'cluster.sandboxNodeGroups[2].name: "system" is already the name of systemNodeGroup; node group names must be unique',
    ]);
    // An adopted cluster without systemNodeGroup creates no system group, so "system" is free there.
    expect(
      parseEksClusterConfig({ ...PINNED, existingCluster: { name: 'team' }, sandboxNodeGroups: [{ name: 'system', instanceTypes: ['m7i.large'] }] }).problems,
    ).toEqual([]);
  });

  test('vpc together with existingCluster conflicts; so do the other new-cluster-only fields', () => {
    expect(
      problems({
        ...PINNED,
      existingCluster: { name: 'team-prod' },
        vpc: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] },
        version: '1.35',
        endpoint: { publicAccess: false },
        sandboxNodeGroups: VALID.sandboxNodeGroups,
      }),
    ).toEqual([
      'cluster.vpc: cannot be used with existingCluster "team-prod": vpc is the network of a cluster this stack creates, an existing cluster keeps its own; remove vpc and set existingCluster.subnetIds to choose the node subnets',
      'cluster.version: applies only to a cluster this stack creates; existingCluster "team-prod" keeps its own settings: remove version',
      'cluster.endpoint: applies only to a cluster this stack creates; existingCluster "team-prod" keeps its own settings: remove endpoint',
    ]);
  });

  test('a new cluster needs a network; vpc needs exactly one of create and subnetIds', () => {
    expect(problems({ ...PINNED, sandboxNodeGroups: VALID.sandboxNodeGroups })).toEqual([
      'cluster.vpc: is required to create a cluster: set vpc.create ({ cidr, azCount }) for a new VPC or vpc.subnetIds (existing subnets in at least 2 availability zones), or set existingCluster to adopt a running cluster',
    ]);
    expect(
      problems({
        ...VALID,
        vpc: { create: { cidr: '10.42.0.0/16', azCount: 2 }, subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'] },
      }),
    ).toEqual(['cluster.vpc: set exactly one of vpc.create (a new VPC) or vpc.subnetIds (existing subnets), got both']);
    expect(problems({ ...VALID, vpc: { create: { cidr: '10.42.0.0/16', azCount: 2 }, nodeSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] } })).toEqual([
      'cluster.vpc.nodeSubnetIds: cannot be used with vpc.create: nodes go to the private subnets the created VPC has',
    ]);
  });

  test('endpoint: at least one access path; CIDRs only with public access', () => {
    expect(problems({ ...VALID, endpoint: { privateAccess: false, publicAccess: false, publicAccessCidrs: ['203.0.113.0/24'] } })).toEqual([
      'cluster.endpoint: privateAccess and publicAccess are both false, so nothing could reach the API server; enable at least one',
      'cluster.endpoint.publicAccessCidrs: only applies with publicAccess: true, got publicAccess: false',
    ]);
  });

  test('scaling must satisfy min ≤ desired ≤ max', () => {
    expect(problems({ ...VALID, sandboxNodeGroups: [{ name: 's', instanceTypes: ['m7i.large'], scaling: { min: 3, desired: 2, max: 5 } }] })).toEqual([
      'cluster.sandboxNodeGroups[0].scaling: needs min ≤ desired ≤ max, got min 3, desired 2, max 5',
    ]);
  });

  test('containerd 1 on a Kubernetes version whose AL2023 AMIs ship containerd 2 is not refused (nodeadm migrates the stanza)', () => {
    expect(parseEksClusterConfig({ ...VALID, containerdMajorVersion: 1 }).problems).toEqual([]);
  });

  test('gVisor release: unpinned "latest" needs allowLatestGvisor', () => {
    expect(problems({ ...VALID, gvisorRelease: 'latest' })[0]).toMatch(/^cluster\.gvisorRelease: "latest" is not pinned: /);
    // "latest" has no digest to pin: only the bucket's own checksums, accepted explicitly.
    expect(problems({ ...VALID, gvisorRelease: 'latest', allowLatestGvisor: true })).toEqual([
      'cluster.acceptGvisorBucketChecksums: "latest" moves with every release, so no digest can be pinned for it and the only check left is the ' +
        "bucket's own .sha512 files; set acceptGvisorBucketChecksums: true to accept that (written into the user data and warned), or name a dated release and its gvisorSha512",
    ]);
    expect(parseEksClusterConfig({ ...VALID, gvisorRelease: 'latest', allowLatestGvisor: true, acceptGvisorBucketChecksums: true }).problems).toEqual([]);
  });

  test('system node group instance types must share one architecture', () => {
    expect(problems({ ...VALID, systemNodeGroup: { instanceTypes: ['m7i.large', 'm7g.large'] } })[0]).toMatch(
      /^cluster\.systemNodeGroup\.instanceTypes: mixes CPU architectures/,
    );
  });

  test('every problem is reported at once', () => {
    const found = problems({
      ...PINNED,
      existingCluster: { name: 'team-prod' },
      vpc: { create: { cidr: '10.42.0.0/16', azCount: 3 } },
      sandboxNodeGroups: [
        { name: 'a', instanceTypes: ['m7i.large', 'm7g.large'] },
        { name: 'a', instanceTypes: ['m7i.large'], amiType: 'BOTTLEROCKET_x86_64' },
      ],
    });
    expect(found.map((line) => line.slice(0, line.indexOf(': ')))).toEqual([
      'cluster.vpc',
      'cluster.sandboxNodeGroups[0].instanceTypes',
      'cluster.sandboxNodeGroups[1].name',
      'cluster.sandboxNodeGroups[1].amiType',
    ]);
  });
});

describe('containerd major of a node group (from the AMI table, checked against containerdMajorVersion)', () => {
  test('derived from the AMI when not set: 2.x for current AMIs, 1.7 for an old pinned release', () => {
    expect(nodeContainerd('1.35', undefined)).toEqual({ major: 2 });
    expect(nodeContainerd('1.33', '1.33.5-20251007')).toEqual({ major: 1 });
    expect(nodeContainerd('1.33', '1.33.5-20251016')).toEqual({ major: 2 });
  });

  test('a version 3 stanza on a containerd 1.7 AMI is refused with nodeadm\'s reason', () => {
    expect(nodeContainerd('1.33', '1.33.5-20251007', 2).error).toBe(
      '2 (a config version 3 runsc stanza) cannot work: AMI release 1.33.5-20251007 ships containerd 1.7 (1.33 AMIs moved to containerd 2.x with ' +
        "release notes v20251016 (2.1.4; 1.7.27 through v20251007)), and nodeadm refuses version 3 properties on containerd 1.x (\"containerd 1.* doesn't " +
        'support containerd configuration V3 properties"), so the node would never join; remove containerdMajorVersion',
    );
  });

  test('a version 2 stanza on a containerd 2.x AMI works (nodeadm migrates it): a warning, not a refusal', () => {
    const result = nodeContainerd('1.35', undefined, 1);
    expect(result.major).toBe(1);
    expect(result.error).toBeUndefined();
    expect(result.warning).toContain('nodeadm migrates it (containerd config migrate)');
  });

  test('an AMI release the notes do not decide needs the override', () => {
    expect(nodeContainerd('1.32', '1.32.9-20251120').error).toMatch(/^cannot be derived: AMI release 1\.32\.9-20251120 is between/);
    expect(nodeContainerd('1.32', '1.32.9-20251120', 2)).toEqual({ major: 2 });
  });

  test('the config check refuses the v3-on-1.7 group and names it; eksClusterConfigWarnings names the group for the warning', () => {
    const old = { ...VALID, version: '1.33', containerdMajorVersion: 2 as const, sandboxNodeGroups: [{ name: 'old', instanceTypes: ['m7i.large'], releaseVersion: '1.33.5-20251007' }] };
    expect(problems(old)).toEqual([expect.stringMatching(/^cluster\.containerdMajorVersion: 2 \(a config version 3 runsc stanza\) cannot work: .* \(sandboxNodeGroups\[0\] "old"\)$/)]);
    expect(parseEksClusterConfig({ ...old, containerdMajorVersion: undefined }).problems).toEqual([]);
    const config = { ...VALID, containerdMajorVersion: 1 as const };
    expect(eksClusterConfigWarnings(config, '1.35')).toEqual([expect.stringMatching(/^cluster\.containerdMajorVersion: 1 .*\(sandboxNodeGroups\[0\] "sandbox"\)$/)]);
    expect(eksClusterConfigWarnings(VALID, '1.35')).toEqual([]);
  });

  test('a pinned AMI release of another Kubernetes version than the cluster is refused', () => {
    expect(problems({ ...VALID, version: '1.35', sandboxNodeGroups: [{ name: 'a', instanceTypes: ['m7i.large'], releaseVersion: '1.34.2-20251120' }] })).toEqual([
      'cluster.sandboxNodeGroups[0].releaseVersion: "1.34.2-20251120" is an AMI release for Kubernetes 1.34, but the cluster is 1.35',
    ]);
  });
});

describe('gvisorBaseUrl', () => {
  test('https and s3 mirrors are accepted; anything else is refused with the allowed forms', () => {
    expect(parseEksClusterConfig({ ...VALID, gvisorBaseUrl: 'https://mirror.example.com/gvisor/releases/release' }).problems).toEqual([]);
    expect(parseEksClusterConfig({ ...VALID, gvisorBaseUrl: 's3://acme-gvisor/releases/release' }).problems).toEqual([]);
    expect(problems({ ...VALID, gvisorBaseUrl: 'http://mirror.example.com/gvisor' })).toEqual([
      'cluster.gvisorBaseUrl: "http://mirror.example.com/gvisor" is not a gVisor release location; use an https:// URL (e.g. ' +
        '"https://mirror.example.com/gvisor/releases/release") or s3://<bucket>/<prefix> (e.g. "s3://acme-gvisor/releases/release"), laid out like ' +
        'https://storage.googleapis.com/gvisor/releases/release (<release>/<arch>/ below it)',
    ]);
  });
});

describe('kubeconfig.accessEntry', () => {
  const roleArn = 'arn:aws:iam::123456789012:role/deployer';

  test('valid with roleArn on a created cluster (true or false)', () => {
    expect(parseEksClusterConfig({ ...VALID, kubeconfig: { roleArn, accessEntry: false } }).problems).toEqual([]);
    expect(parseEksClusterConfig({ ...VALID, kubeconfig: { roleArn, accessEntry: true } }).problems).toEqual([]);
  });

  test('error: without roleArn it has nothing to grant', () => {
    expect(problems({ ...VALID, kubeconfig: { accessEntry: true } })).toEqual([
      'cluster.kubeconfig.accessEntry: only applies with kubeconfig.roleArn (the role it gives cluster access), got accessEntry: true and no roleArn',
    ]);
  });

  test('error: true on an adopted cluster, whose access entries are not ours (with the aws command)', () => {
    expect(
      problems({ ...PINNED, existingCluster: { name: 'team-prod' }, sandboxNodeGroups: VALID.sandboxNodeGroups, kubeconfig: { roleArn, accessEntry: true } }),
    ).toEqual([
      'cluster.kubeconfig.accessEntry: applies only to a cluster this stack creates; existingCluster "team-prod" keeps its own access entries: ' +
        `give ${roleArn} access there ("aws eks create-access-entry --cluster-name team-prod --principal-arn ${roleArn}" and associate ` +
        'AmazonEKSClusterAdminPolicy) and remove accessEntry',
    ]);
    // roleArn alone is fine there: the team's cluster may already grant it.
    expect(parseEksClusterConfig({ ...PINNED, existingCluster: { name: 'team-prod' }, sandboxNodeGroups: VALID.sandboxNodeGroups, kubeconfig: { roleArn } }).problems).toEqual([]);
  });
});

describe('eksEndpointWarnings', () => {
  const open =
    'cluster.endpoint: the API server endpoint is public and open to 0.0.0.0/0 (EKS\'s default); set endpoint.publicAccessCidrs to your admin and CI ranges ' +
    '(e.g. ["203.0.113.0/24"]), or endpoint.publicAccess: false to reach it only from inside the VPC (privateAccess) ' +
    '(https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)';

  test('the default (public, no CIDRs) and an explicit 0.0.0.0/0 warn', () => {
    expect(eksEndpointWarnings(VALID)).toEqual([open]);
    expect(eksEndpointWarnings({ ...VALID, endpoint: { publicAccess: true, publicAccessCidrs: ['10.0.0.0/8', '0.0.0.0/0'] } })).toEqual([
      open.replace("(EKS's default)", '(publicAccessCidrs lists it)'),
    ]);
  });

  test('narrowed CIDRs, a private-only endpoint or an adopted cluster do not', () => {
    expect(eksEndpointWarnings({ ...VALID, endpoint: { publicAccessCidrs: ['203.0.113.0/24'] } })).toEqual([]);
    expect(eksEndpointWarnings({ ...VALID, endpoint: { publicAccess: false } })).toEqual([]);
    expect(eksEndpointWarnings({ ...PINNED, existingCluster: { name: 'team-prod' }, sandboxNodeGroups: VALID.sandboxNodeGroups })).toEqual([]);
  });
});

describe('karpenter', () => {
  const ADOPTED = { ...PINNED, existingCluster: { name: 'team-prod' }, karpenter: { nodePools: [{ name: 'gvisor', instanceTypes: ['m7i.2xlarge'], limits: { cpu: '64', memory: '256Gi' } }] } };

  test('valid on an adopted cluster without node groups', () => {
    expect(parseEksClusterConfig(ADOPTED).problems).toEqual([]);
  });

  test('every problem at once: a created cluster, no architecture, mixed architectures, a bad limit, a duplicate name', () => {
    expect(
      problems({
        ...VALID,
        karpenter: {
          nodePools: [
            { name: 'a', limits: { cpu: '64', memory: '256Gi' } },
            { name: 'a', instanceTypes: ['m7i.large', 'm7g.large'], limits: { cpu: 'lots', memory: '256Gi' } },
          ],
        },
      }),
    ).toEqual([
      expect.stringMatching(/^cluster\.karpenter: needs existingCluster: this stack installs no Karpenter/),
      'cluster.karpenter.nodePools[0]: set instanceTypes or arch (x86_64 or arm64): the user data installs one gVisor build, so the NodePool must pin one architecture',
      'cluster.karpenter.nodePools[1].name: "a" is already the name of another Karpenter pool; names must be unique',
      expect.stringMatching(/^cluster\.karpenter\.nodePools\[1\]\.instanceTypes: mixes CPU architectures/),
      expect.stringMatching(/^cluster\.karpenter\.nodePools\[1\]\.limits\.cpu: /),
    ]);
  });
});

describe('EKS Auto Mode and GPU sandboxes', () => {
  test('autoMode is refused with the reason (no custom AMI or user data) and names the documented Nitro Sandbox RuntimeClasses', () => {
    expect(problems({ ...VALID, autoMode: true })).toEqual([
      expect.stringMatching(/^cluster\.autoMode: cannot run gVisor sandboxes: EKS Auto Mode takes no custom AMI and no user data .*isolated-sandbox, confidential-sandbox; Kubernetes 1\.36\+/),
    ]);
  });

  test('nvproxy needs an NVIDIA AMI type; with one it is valid', () => {
    expect(problems({ ...VALID, sandboxNodeGroups: [{ name: 'gpu', instanceTypes: ['g6.xlarge'], nvproxy: true }] })).toEqual([
      'cluster.sandboxNodeGroups[0].nvproxy: needs an NVIDIA AMI type (AL2023_x86_64_NVIDIA or AL2023_ARM_64_NVIDIA): nvproxy passes the node\'s NVIDIA driver into gVisor, got amiType "the standard AMI"',
    ]);
    expect(parseEksClusterConfig({ ...VALID, sandboxNodeGroups: [{ name: 'gpu', instanceTypes: ['g6.xlarge'], amiType: 'AL2023_x86_64_NVIDIA', nvproxy: true }] }).problems).toEqual([]);
  });
});
