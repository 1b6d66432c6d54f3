/**
 * Pure IPv4 arithmetic for the VPC that `vpc.create` builds: check the VPC CIDR and carve one private and one public
 * subnet per availability zone out of it.
 *
 * Layout for a VPC of prefix /p (p = 16…20), split into eight /p+3 blocks:
 * - private subnet i = block i (i < azCount ≤ 6), nodes and pods live here (the VPC CNI gives pods VPC addresses,
 *   so these are the big ones: a /16 VPC gives /19 = 8192 addresses per AZ);
 * - public subnet i = the i-th /p+6 inside block 7 (NAT gateway and internet-facing load balancers only).
 * Block 6 stays free for later use.
 */

/** Allowed VPC prefix lengths: /16 is the largest VPC AWS allows; /20 keeps public subnets at /26 (64 addresses). */
export const VPC_PREFIX_RANGE = { min: 16, max: 20 } as const;
/** Availability zones a created VPC can span (six private blocks). */
export const VPC_AZ_RANGE = { min: 2, max: 6 } as const;

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly address: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`; `undefined` for anything else. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const a = cidr.address;
  return `${[a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.')}/${cidr.prefix}`;
}

/** Why `text` cannot be the CIDR of a created VPC, or `undefined` when it can. */
export function vpcCidrProblem(text: string): string | undefined {
  const cidr = parseIpv4Cidr(text);
  if (cidr === undefined) return `"${text}" is not an IPv4 CIDR; use a private range like "10.42.0.0/16"`;
  if (cidr.prefix < VPC_PREFIX_RANGE.min || cidr.prefix > VPC_PREFIX_RANGE.max) {
    return (
      `"${text}" has prefix /${cidr.prefix}; use /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max} ` +
      '(AWS allows at most /16, and /20 is the smallest that still gives every subnet room)'
    );
  }
  const hostBits = 2 ** (32 - cidr.prefix);
  if (cidr.address % hostBits !== 0) {
    const network = formatIpv4Cidr({ address: cidr.address - (cidr.address % hostBits), prefix: cidr.prefix });
    return `"${text}" has host bits set; the network address is "${network}"`;
  }
  return undefined;
}

/** The `index`-th subnet of `newPrefix` inside `cidr` (Terraform's `cidrsubnet`). */
function subnet(cidr: Ipv4Cidr, newPrefix: number, index: number): string {
  return formatIpv4Cidr({ address: cidr.address + index * 2 ** (32 - newPrefix), prefix: newPrefix });
}

export interface SubnetPlan {
  /** One per AZ, in AZ order. */
  readonly private: readonly string[];
  readonly public: readonly string[];
}

/** Subnet CIDRs for `azCount` AZs; throws on a CIDR or count the config check refuses. */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
  const problem = vpcCidrProblem(vpcCidr);
  if (problem !== undefined) throw new Error(problem);
  if (!Number.isInteger(azCount) || azCount < VPC_AZ_RANGE.min || azCount > VPC_AZ_RANGE.max) {
    throw new Error(`azCount must be ${VPC_AZ_RANGE.min} to ${VPC_AZ_RANGE.max}, got ${azCount}`);
  }
  const cidr = parseIpv4Cidr(vpcCidr) as Ipv4Cidr;
  const azs = [...Array(azCount).keys()];
  return {
    private: azs.map((i) => subnet(cidr, cidr.prefix + 3, i)),
    public: azs.map((i) => subnet(cidr, cidr.prefix + 6, 56 + i)),
  };
}
