/**
 * The VPC `vpc.create` builds for a new EKS cluster, kept minimal: per AZ one private subnet (nodes, pods, control
 * plane ENIs) and one public subnet, an internet gateway, ONE NAT gateway (in the first public subnet; a cost
 * trade-off: nodes lose egress if that AZ fails) and a route table for each tier.
 * Subnet tags `kubernetes.io/role/elb` / `kubernetes.io/role/internal-elb` let the AWS Load Balancer Controller find
 * them (https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html).
 */
import * as pulumi from '@pulumi/pulumi';
import * as ec2 from '@pulumi/aws/ec2';
import { getAvailabilityZonesOutput } from '@pulumi/aws/getAvailabilityZones';
import { planSubnets } from '../../platforms/eks/vpc-plan';

export interface SandboxVpcArgs {
  /** VPC CIDR, /16 to /20 (checked by the config). */
  readonly cidr: string;
  /** Availability zones to span, 2 to 6. */
  readonly azCount: number;
}

export interface SandboxVpc {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  /** Route table associations: nodes have no egress (gVisor download, image pulls) before these exist. */
  readonly egressReady: pulumi.Resource[];
}

/** Creates the VPC; children are named `${name}-vpc`, `${name}-private-<i>`, … with `parent`. */
export function createSandboxVpc(name: string, args: SandboxVpcArgs, parent: pulumi.Resource): SandboxVpc {
  const plan = planSubnets(args.cidr, args.azCount);
  const opts = { parent };
  // Only zones that need no opt-in: Local Zones and Wavelength Zones cannot host EKS control-plane subnets.
  const zones = getAvailabilityZonesOutput(
    { state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] },
    opts,
  ).names.apply((names) => {
    if (names.length < args.azCount) {
      throw new Error(
        `cluster.vpc.create.azCount: ${args.azCount} availability zones requested, but the region has ${names.length} (${names.join(', ')})`,
      );
    }
    return names;
  });

  const vpc = new ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: args.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `${name}-vpc` } },
    opts,
  );
  const subnets = (tier: 'private' | 'public') =>
    plan[tier].map(
      (cidrBlock, i) =>
        new ec2.Subnet(
          `${name}-${tier}-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zones.apply((z) => z[i]),
            tags: {
              Name: `${name}-${tier}-${i}`,
              [tier === 'public' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb']: '1',
            },
          },
          opts,
        ),
    );
  const privateSubnets = subnets('private');
  const publicSubnets = subnets('public');

  const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, opts);
  const eip = new ec2.Eip(`${name}-nat-eip`, { domain: 'vpc', tags: { Name: `${name}-nat` } }, opts);
  const nat = new ec2.NatGateway(
    `${name}-nat`,
    { allocationId: eip.id, subnetId: publicSubnets[0].id, tags: { Name: `${name}-nat` } },
    { parent, dependsOn: [igw] },
  );
  const publicRoutes = new ec2.RouteTable(
    `${name}-public-rt`,
    { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: { Name: `${name}-public` } },
    opts,
  );
  const privateRoutes = new ec2.RouteTable(
    `${name}-private-rt`,
    { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags: { Name: `${name}-private` } },
    opts,
  );
  const associate = (tier: string, list: ec2.Subnet[], table: ec2.RouteTable) =>
    list.map((s, i) => new ec2.RouteTableAssociation(`${name}-${tier}-rta-${i}`, { subnetId: s.id, routeTableId: table.id }, opts));
  const egressReady = [...associate('public', publicSubnets, publicRoutes), ...associate('private', privateSubnets, privateRoutes)];

  return {
    vpcId: vpc.id,
    privateSubnetIds: privateSubnets.map((s) => s.id),
    publicSubnetIds: publicSubnets.map((s) => s.id),
    egressReady,
  };
}
