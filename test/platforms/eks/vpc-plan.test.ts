/** Subnet planning for `vpc.create`: CIDR checks and the private/public split per AZ. */
import { parseIpv4Cidr, planSubnets, vpcCidrProblem } from '../../../platforms/eks/vpc-plan';

/** Addresses of a CIDR as [first, last] integers. */
function range(cidr: string): [number, number] {
  const c = parseIpv4Cidr(cidr);
  if (c === undefined) throw new Error(`bad CIDR ${cidr}`);
  return [c.address, c.address + 2 ** (32 - c.prefix) - 1];
}

describe('planSubnets', () => {
  test('a /16 over 3 AZs: /19 private subnets from the start, /22 public subnets in the last /19', () => {
    expect(planSubnets('10.42.0.0/16', 3)).toEqual({
      private: ['10.42.0.0/19', '10.42.32.0/19', '10.42.64.0/19'],
      public: ['10.42.224.0/22', '10.42.228.0/22', '10.42.232.0/22'],
    });
  });

  test('a /20 over 6 AZs: /23 private, /26 public', () => {
    expect(planSubnets('172.16.16.0/20', 6)).toEqual({
      private: ['172.16.16.0/23', '172.16.18.0/23', '172.16.20.0/23', '172.16.22.0/23', '172.16.24.0/23', '172.16.26.0/23'],
      public: ['172.16.30.0/26', '172.16.30.64/26', '172.16.30.128/26', '172.16.30.192/26', '172.16.31.0/26', '172.16.31.64/26'],
    });
  });

  test.each([
    ['10.0.0.0/16', 2],
    ['10.0.0.0/18', 4],
    ['192.168.0.0/20', 6],
  ])('%s over %i AZs: every subnet inside the VPC, none overlapping', (cidr, azCount) => {
    const plan = planSubnets(cidr, azCount);
    const [vpcFirst, vpcLast] = range(cidr);
    const all = [...plan.private, ...plan.public].map(range).sort((a, b) => a[0] - b[0]);
    expect(all).toHaveLength(2 * azCount);
    for (const [first, last] of all) {
      expect(first).toBeGreaterThanOrEqual(vpcFirst);
      expect(last).toBeLessThanOrEqual(vpcLast);
    }
    for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThan(all[i - 1][1]);
  });

  test('refuses what the config check refuses', () => {
    expect(() => planSubnets('10.0.0.0/24', 2)).toThrow('has prefix /24');
    expect(() => planSubnets('10.0.0.0/16', 7)).toThrow('azCount must be 2 to 6, got 7');
  });
});

describe('vpcCidrProblem', () => {
  test.each([
    ['10.42.0.0/16', undefined],
    ['10.42.16.0/20', undefined],
    ['10.42.0.0', '"10.42.0.0" is not an IPv4 CIDR; use a private range like "10.42.0.0/16"'],
    ['300.1.0.0/16', '"300.1.0.0/16" is not an IPv4 CIDR; use a private range like "10.42.0.0/16"'],
    ['10.0.0.0/8', '"10.0.0.0/8" has prefix /8; use /16 to /20 (AWS allows at most /16, and /20 is the smallest that still gives every subnet room)'],
    ['10.42.0.1/16', '"10.42.0.1/16" has host bits set; the network address is "10.42.0.0/16"'],
  ])('%s', (cidr, problem) => {
    expect(vpcCidrProblem(cidr)).toBe(problem);
  });
});
