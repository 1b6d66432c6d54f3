/**
 * CIDR parsing and containment for IPv4 and IPv6, small and dependency-free, for NetworkPolicy `ipBlock`s.
 *
 * Accepted forms follow Kubernetes' strict IP/CIDR validation (KEP-4858, Go `netip.ParsePrefix`):
 * - IPv4: four decimal octets 0-255 without leading zeros (`10.0.0.0/8`);
 * - IPv6: eight 1-4 digit hex groups, one `::` allowed (`2001:db8::/32`); no zone (`%eth0`) and no embedded
 *   IPv4 (`::ffff:1.2.3.4`): write an IPv4 CIDR instead;
 * - a prefix length in decimal without leading zeros, and no host bits set (`10.0.0.1/8` is refused, not rounded).
 * Parsed CIDRs carry a canonical text (IPv6 in RFC 5952 form: lowercase, longest zero run as `::`).
 */

export type IpFamily = 4 | 6;

export interface Cidr {
  readonly family: IpFamily;
  /** The network address as an unsigned integer of 32 (IPv4) or 128 (IPv6) bits. */
  readonly address: bigint;
  readonly prefix: number;
  /** Canonical text, e.g. `10.0.0.0/8`, `2001:db8::/32`. */
  readonly text: string;
}

const BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

/**
 * Parses a CIDR.
 * @throws Error whose message names the text and what is wrong with it
 */
export function parseCidr(text: string): Cidr {
  const result = tryParseCidr(text);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

/** The parsed CIDR, or a message naming the text and what is wrong with it. */
export function tryParseCidr(text: string): Cidr | string {
  const invalid = (why: string) => `${JSON.stringify(text)} is not a valid CIDR: ${why}`;
  const slash = text.indexOf('/');
  if (slash < 0) return invalid('missing "/<prefix length>"');
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family: IpFamily = addressText.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIpv4(addressText) : parseIpv6(addressText);
  if (typeof address === 'string') return invalid(address);
  if (!/^(0|[1-9][0-9]*)$/.test(prefixText)) {
    return invalid(`prefix length ${JSON.stringify(prefixText)} is not a decimal number without leading zeros`);
  }
  const prefix = Number(prefixText);
  if (prefix > BITS[family]) return invalid(`prefix length ${prefix} is more than ${BITS[family]} for IPv${family}`);
  const network = address & mask(family, prefix);
  const canonical = `${formatAddress(family, network)}/${prefix}`;
  if (network !== address) return `${JSON.stringify(text)} has host bits set: the network is ${JSON.stringify(canonical)}`;
  return { family, address: network, prefix, text: canonical };
}

/** True when every address of `inner` is in `outer` (same family only; a CIDR contains itself). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && (inner.address & mask(outer.family, outer.prefix)) === outer.address;
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

function parseIpv4(text: string): bigint | string {
  const octets = text.split('.');
  if (octets.length !== 4) return `IPv4 address ${JSON.stringify(text)} does not have four dot-separated octets`;
  let value = 0n;
  for (const octet of octets) {
    if (!/^[0-9]{1,3}$/.test(octet)) return `IPv4 octet ${JSON.stringify(octet)} is not a decimal number`;
    if (octet.length > 1 && octet.startsWith('0')) return `IPv4 octet ${JSON.stringify(octet)} has a leading zero`;
    if (Number(octet) > 255) return `IPv4 octet ${JSON.stringify(octet)} is more than 255`;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | string {
  if (text.includes('%')) return `IPv6 zone ${JSON.stringify(text.slice(text.indexOf('%')))} is not allowed in a CIDR`;
  if (text.includes('.')) return `IPv4-embedded IPv6 address ${JSON.stringify(text)} is not accepted: write an IPv4 CIDR instead`;
  const halves = text.split('::');
  if (halves.length > 2) return `"::" appears more than once in ${JSON.stringify(text)}`;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  for (const group of [...head, ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return `IPv6 group ${JSON.stringify(group)} in ${JSON.stringify(text)} is not 1-4 hex digits`;
  }
  const count = head.length + tail.length;
  if (halves.length === 1 && count !== 8) return `IPv6 address ${JSON.stringify(text)} has ${count} groups; without "::" it needs 8`;
  if (halves.length === 2 && count > 7) return `IPv6 address ${JSON.stringify(text)} has too many groups for "::"`;
  const all = [...head, ...Array<string>(8 - count).fill('0'), ...tail];
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatAddress(family: IpFamily, address: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (the first of equals) of two or more zero groups.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
