/**
 * Addresses sandbox pods must never reach, whatever egress they are allowed:
 * - all of link-local (169.254.0.0/16, fe80::/10): the node's own services live there — cloud instance metadata and
 *   credentials (169.254.169.254, GKE's metadata server 169.254.169.252 on the iptables dataplane), the EKS Pod
 *   Identity agent (169.254.170.23), AWS's DNS resolver (169.254.169.253) and time service (169.254.169.123). What a
 *   platform's DNS needs there (NodeLocal DNSCache 169.254.20.10, GKE Cloud DNS on 169.254.169.254 port 53) is opened
 *   by the namespace's DNS policy alone, port 53 only (dns-egress.ts);
 * - node credential endpoints outside link-local: Azure's WireServer and the IPv6 metadata addresses.
 */
import { cidrContains, parseCidr, type Cidr } from './cidr';

export interface MetadataEndpoint {
  readonly cidr: string;
  readonly description: string;
  readonly source: string;
}

/** Link-local ranges: carved out of every allowed CIDR that contains them; an allowed CIDR inside them is an error. */
export const LINK_LOCAL_RANGES: readonly MetadataEndpoint[] = [
  {
    cidr: '169.254.0.0/16',
    description:
      'IPv4 link-local: the node\'s own services (instance metadata and credentials 169.254.169.254, GKE metadata server 169.254.169.252, EKS Pod Identity 169.254.170.23, AWS DNS 169.254.169.253, NTP 169.254.169.123)',
    source: 'https://www.rfc-editor.org/rfc/rfc3927',
  },
  { cidr: 'fe80::/10', description: 'IPv6 link-local: the node\'s own network', source: 'https://www.rfc-editor.org/rfc/rfc4291' },
];

export const METADATA_ENDPOINTS: readonly MetadataEndpoint[] = [
  {
    cidr: '169.254.169.254/32',
    description: 'instance metadata service (EC2 IMDS, GCE metadata server, Azure IMDS)',
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html',
  },
  {
    cidr: '169.254.170.23/32',
    description: 'EKS Pod Identity agent',
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html',
  },
  {
    // A public address, so an allowlist of 0.0.0.0/0 would otherwise reach it: Azure's WireServer (VM agent,
    // extension and host channel). Pods resolve DNS through CoreDNS, which runs on the node network, not here.
    cidr: '168.63.129.16/32',
    description: 'Azure WireServer (platform host channel)',
    source: 'https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16',
  },
  {
    cidr: 'fd00:ec2::254/128',
    description: 'EC2 instance metadata service over IPv6',
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html',
  },
  {
    cidr: 'fd00:ec2::23/128',
    description: 'EKS Pod Identity agent over IPv6',
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html',
  },
  {
    cidr: 'fd20:ce::254/128',
    description: 'GCE metadata server over IPv6',
    source: 'https://cloud.google.com/compute/docs/metadata/querying-metadata',
  },
];

const parse = (list: readonly MetadataEndpoint[]) => list.map((endpoint) => ({ endpoint, cidr: parseCidr(endpoint.cidr) }));
const LINK_LOCAL = parse(LINK_LOCAL_RANGES);
// Endpoints inside link-local are covered by the link-local except: listed once, by their range.
const PARSED = [...LINK_LOCAL, ...parse(METADATA_ENDPOINTS).filter((m) => !LINK_LOCAL.some((l) => cidrContains(l.cidr, m.cidr)))];

/** The never-reachable CIDRs inside `allowed` (same IP family, strictly smaller): its `ipBlock.except` entries. */
export function metadataExcepts(allowed: Cidr): string[] {
  return PARSED.filter((m) => cidrContains(allowed, m.cidr) && m.cidr.prefix > allowed.prefix).map((m) => m.cidr.text);
}

/** The never-reachable range that contains all of `allowed` (so no except can carve it out), if any. */
export function metadataEndpointCovering(allowed: Cidr): MetadataEndpoint | undefined {
  return PARSED.find((m) => cidrContains(m.cidr, allowed))?.endpoint;
}
