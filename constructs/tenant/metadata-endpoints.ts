/**
 * Node-local credential endpoints that sandbox pods must never reach, whatever egress they are allowed:
 * cloud instance metadata (node credentials), the EKS Pod Identity agent (pod credentials) and Azure's WireServer.
 */
import { cidrContains, parseCidr, type Cidr } from './cidr';

export interface MetadataEndpoint {
  readonly cidr: string;
  readonly description: string;
  readonly source: string;
}

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

const PARSED: readonly { readonly endpoint: MetadataEndpoint; readonly cidr: Cidr }[] = METADATA_ENDPOINTS.map((endpoint) => ({
  endpoint,
  cidr: parseCidr(endpoint.cidr),
}));

/** The metadata CIDRs inside `allowed` (same IP family, strictly smaller): its `ipBlock.except` list. */
export function metadataExcepts(allowed: Cidr): string[] {
  return PARSED.filter((m) => cidrContains(allowed, m.cidr) && m.cidr.prefix > allowed.prefix).map((m) => m.cidr.text);
}

/** The metadata endpoint that contains all of `allowed` (so no except can carve it out), if any. */
export function metadataEndpointCovering(allowed: Cidr): MetadataEndpoint | undefined {
  return PARSED.find((m) => cidrContains(m.cidr, allowed))?.endpoint;
}
