import { cidrContains, parseCidr, tryParseCidr } from '../../../constructs/tenant/cidr';
import { METADATA_ENDPOINTS, metadataEndpointCovering, metadataExcepts } from '../../../constructs/tenant/metadata-endpoints';

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', 4, 0x0a000000n, 8, '10.0.0.0/8'],
    ['0.0.0.0/0', 4, 0n, 0, '0.0.0.0/0'],
    ['169.254.169.254/32', 4, 0xa9fea9fen, 32, '169.254.169.254/32'],
    ['::/0', 6, 0n, 0, '::/0'],
    ['2001:DB8:0:0:0:0:0:0/32', 6, 0x20010db8n << 96n, 32, '2001:db8::/32'],
    ['2001:0db8:0000:0000:0001:0000:0000:0000/80', 6, (0x20010db8n << 96n) | (1n << 48n), 80, '2001:db8:0:0:1::/80'],
    ['fd00:ec2::254/128', 6, (0xfd000ec2n << 96n) | 0x254n, 128, 'fd00:ec2::254/128'],
    ['1:2:3:4:5:6:7::/128', 6, 0x0001000200030004000500060007_0000n, 128, '1:2:3:4:5:6:7:0/128'],
  ])('%s → IPv%s, canonical %s', (text, family, address, prefix, canonical) => {
    expect(parseCidr(text)).toStrictEqual({ family, address, prefix, text: canonical });
  });

  test.each([
    ['1:0:0:1:0:0:1:0/128', '1::1:0:0:1:0/128'],
    ['1:0:1:1:1:1:1:1/128', '1:0:1:1:1:1:1:1/128'],
    ['0:0:1:0:0:0:1:0/128', '0:0:1::1:0/128'],
  ])('IPv6 %s is written in RFC 5952 form %s (first longest zero run, never a single group)', (text, canonical) => {
    expect(parseCidr(text).text).toBe(canonical);
  });

  test.each([
    ['10.0.0.1/8', '"10.0.0.1/8" has host bits set: the network is "10.0.0.0/8"'],
    ['2001:db8::1/32', '"2001:db8::1/32" has host bits set: the network is "2001:db8::/32"'],
    ['10.0.0.0', '"10.0.0.0" is not a valid CIDR: missing "/<prefix length>"'],
    ['10.0.0/8', '"10.0.0/8" is not a valid CIDR: IPv4 address "10.0.0" does not have four dot-separated octets'],
    ['10.0.0.256/32', '"10.0.0.256/32" is not a valid CIDR: IPv4 octet "256" is more than 255'],
    ['10.01.0.0/16', '"10.01.0.0/16" is not a valid CIDR: IPv4 octet "01" has a leading zero'],
    ['10.a.0.0/16', '"10.a.0.0/16" is not a valid CIDR: IPv4 octet "a" is not a decimal number'],
    ['10.0.0.0/33', '"10.0.0.0/33" is not a valid CIDR: prefix length 33 is more than 32 for IPv4'],
    ['10.0.0.0/08', '"10.0.0.0/08" is not a valid CIDR: prefix length "08" is not a decimal number without leading zeros'],
    ['10.0.0.0/', '"10.0.0.0/" is not a valid CIDR: prefix length "" is not a decimal number without leading zeros'],
    ['::/129', '"::/129" is not a valid CIDR: prefix length 129 is more than 128 for IPv6'],
    ['1::2::/64', '"1::2::/64" is not a valid CIDR: "::" appears more than once in "1::2::"'],
    ['2001:db8:g::/48', '"2001:db8:g::/48" is not a valid CIDR: IPv6 group "g" in "2001:db8:g::" is not 1-4 hex digits'],
    ['2001:db8/32', '"2001:db8/32" is not a valid CIDR: IPv6 address "2001:db8" has 2 groups; without "::" it needs 8'],
    ['1:2:3:4:5:6:7::8/128', '"1:2:3:4:5:6:7::8/128" is not a valid CIDR: IPv6 address "1:2:3:4:5:6:7::8" has too many groups for "::"'],
    ['::ffff:10.0.0.0/104', '"::ffff:10.0.0.0/104" is not a valid CIDR: IPv4-embedded IPv6 address "::ffff:10.0.0.0" is not accepted: write an IPv4 CIDR instead'],
    ['fe80::%eth0/64', '"fe80::%eth0/64" is not a valid CIDR: IPv6 zone "%eth0" is not allowed in a CIDR'],
  ])('%s is refused: %s', (text, message) => {
    expect(tryParseCidr(text)).toBe(message);
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe('cidrContains', () => {
  const c = parseCidr;
  test.each([
    ['0.0.0.0/0', '169.254.169.254/32', true],
    ['169.254.0.0/16', '169.254.170.23/32', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '169.254.169.254/32', false],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['::/0', '0.0.0.0/0', false],
    ['0.0.0.0/0', '::/0', false],
    ['fd00:ec2::/32', 'fd00:ec2::254/128', true],
    ['fd00::/16', 'fd20:ce::254/128', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(c(outer), c(inner))).toBe(expected);
  });
});

describe('metadata endpoints', () => {
  test('every endpoint is a single canonical host address with a source', () => {
    for (const m of METADATA_ENDPOINTS) {
      const cidr = parseCidr(m.cidr);
      expect([cidr.text, cidr.prefix]).toStrictEqual([m.cidr, cidr.family === 4 ? 32 : 128]);
      expect(m.source).toMatch(/^https:\/\//);
    }
  });

  test.each([
    // All of link-local is one except; the endpoints outside it are listed by address.
    ['0.0.0.0/0', ['169.254.0.0/16', '168.63.129.16/32']],
    ['128.0.0.0/1', ['169.254.0.0/16', '168.63.129.16/32']],
    ['169.0.0.0/8', ['169.254.0.0/16']],
    ['10.0.0.0/8', []],
    ['::/0', ['fe80::/10', 'fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128']],
    ['fd00:ec2::/32', ['fd00:ec2::254/128', 'fd00:ec2::23/128']],
    ['2001:db8::/32', []],
  ])('excepts for %s: %j', (cidr, excepts) => {
    expect(metadataExcepts(parseCidr(cidr))).toStrictEqual(excepts);
  });

  test('a CIDR inside link-local or an endpoint is covered: no except can carve it out', () => {
    expect(metadataEndpointCovering(parseCidr('169.254.169.254/32'))?.cidr).toBe('169.254.0.0/16');
    // GKE's metadata server (169.254.169.252, port 988 on the iptables dataplane) and AWS DNS (.253): link-local too.
    expect(metadataEndpointCovering(parseCidr('169.254.169.252/31'))?.cidr).toBe('169.254.0.0/16');
    expect(metadataEndpointCovering(parseCidr('169.254.169.252/30'))?.cidr).toBe('169.254.0.0/16');
    expect(metadataEndpointCovering(parseCidr('169.254.0.0/16'))?.cidr).toBe('169.254.0.0/16');
    expect(metadataEndpointCovering(parseCidr('fe80::1/128'))?.cidr).toBe('fe80::/10');
    expect(metadataEndpointCovering(parseCidr('fd00:ec2::23/128'))?.cidr).toBe('fd00:ec2::23/128');
    expect(metadataEndpointCovering(parseCidr('169.0.0.0/8'))).toBeUndefined();
});
});
