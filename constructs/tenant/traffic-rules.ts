/**
 * Egress allowlist and ingress allow rules of a sandbox namespace: their prop types, validation, and the resolved
 * egress rules with the metadata endpoints carved out of every allowed CIDR.
 */
import { cidrContains, tryParseCidr, type Cidr } from './cidr';
import { labelErrors } from '../../core/formats';
import { metadataEndpointCovering, metadataExcepts } from './metadata-endpoints';
import { problemAt, type Problem } from '../../core/diagnostics';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface PortRule {
  /** Port number 1-65535. */
  readonly port: number;
  /** Last port of a range `port..endPort` (inclusive). @default - only `port` */
  readonly endPort?: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

export interface EgressRule {
  /** Destination CIDRs, IPv4 or IPv6 (e.g. `203.0.113.0/24`, `2001:db8::/32`, `0.0.0.0/0`). Host bits must be zero. */
  readonly cidrs: readonly string[];
  /**
   * CIDRs carved out of the rule's CIDRs (e.g. the private ranges, so `0.0.0.0/0` means "the internet" and not the
   * cluster's own API server). Each must lie strictly inside one of `cidrs`. The node metadata endpoints are always
   * excluded, listed here or not. @default []
   */
  readonly except?: readonly string[];
  /** @default - every port and protocol */
  readonly ports?: readonly PortRule[];
  /** What the rule is for; written to the policy's `agent-sandbox-infra.io/rule-descriptions` annotation. @default - none */
  readonly description?: string;
  /**
   * A rule on every port whose CIDR spans a private range (`0.0.0.0/0`, `::/0`, …) must list those ranges — and the
   * cluster's node/pod CIDRs outside them (`clusterCidrs`) — in `except`, or it also reaches other pods, nodes, the API
   * server and everything else on the VPC. `true` accepts that; it is recorded as a security opt-out on the
   * namespace and the NetworkPolicy.
   * @default false
   */
  readonly allowPrivateRanges?: boolean;
}

/**
 * Address space that is not the internet: RFC 1918, shared address space (RFC 6598: GKE and EKS custom pod ranges),
 * IPv6 unique local (RFC 4193). Link-local is never reachable at all (metadata-endpoints.ts).
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];
const PRIVATE = PRIVATE_RANGES.map((t) => tryParseCidr(t) as Cidr);

export interface IngressRule {
  /**
   * Namespaces (by label) the traffic may come from. With `podLabels`: those pods in those namespaces; alone:
   * every pod in those namespaces; `{}` selects every namespace. @default - only this namespace (then `podLabels` is required)
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Pods (by label) the traffic may come from. @default - every pod of the selected namespaces */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default - every port and protocol */
  readonly ports?: readonly PortRule[];
  /** @default - none */
  readonly description?: string;
}

export interface ResolvedPort {
  readonly port: number;
  readonly endPort?: number;
  readonly protocol: Protocol;
}

export interface ResolvedIpBlock {
  /** Canonical CIDR text. */
  readonly cidr: string;
  /** Metadata endpoints inside `cidr`, excluded from it. */
  readonly except: readonly string[];
}

export interface ResolvedEgressRule {
  readonly ipBlocks: readonly ResolvedIpBlock[];
  /** Undefined: every port. */
  readonly ports?: readonly ResolvedPort[];
  readonly description?: string;
  /** The rule reaches private ranges on every port by explicit choice (`allowPrivateRanges`). */
  readonly reachesPrivateRanges?: boolean;
}

/**
 * Resolves the allowlist; `errors` names every bad field (path prefix `field`). `clusterCidrs` are the cluster's
 * node/pod/service CIDRs outside the private ranges: an all-ports rule spanning them must except them too.
 */
export function resolveEgressRules(field: string, rules: readonly EgressRule[], clusterCidrs: readonly string[] = []): { rules: ResolvedEgressRule[]; errors: Problem[] } {
  const errors: Problem[] = [];
  const cluster = clusterCidrs.flatMap((t) => {
    const c = tryParseCidr(t);
    return typeof c === 'string' ? [] : [c];
  });
  const resolved = rules.map((rule, i): ResolvedEgressRule => {
    const path = `${field}[${i}]`;
    if (rule.cidrs.length === 0) errors.push(problemAt(`${path}.cidrs`, 'must list at least one CIDR', 'trafficRules'));
    const ipBlocks: ResolvedIpBlock[] = [];
    let opensPrivate = false;
    const parsedCidrs = rule.cidrs.map((t) => tryParseCidr(t)).filter((c): c is Cidr => typeof c !== 'string');
    const excepts: Cidr[] = [];
    (rule.except ?? []).forEach((text, j) => {
      const ex = tryParseCidr(text);
      if (typeof ex === 'string') errors.push(problemAt(`${path}.except[${j}]`, ex, 'trafficRules'));
      else if (!parsedCidrs.some((c) => c.family === ex.family && c.prefix < ex.prefix && cidrContains(c, ex))) {
        errors.push(problemAt(`${path}.except[${j}]`, `${JSON.stringify(text)} is not strictly inside any of the rule's cidrs (${rule.cidrs.join(', ')})`, 'trafficRules'));
      } else excepts.push(ex);
    });
    rule.cidrs.forEach((text, j) => {
      const cidr = tryParseCidr(text);
      if (typeof cidr === 'string') {
        errors.push(problemAt(`${path}.cidrs[${j}]`, cidr, 'trafficRules'));
        return;
      }
      const covering = metadataEndpointCovering(cidr);
      if (covering) {
        const dns = covering.cidr === '169.254.0.0/16' ? '; DNS resolvers there are opened by the namespace\'s dns settings (port 53 only)' : '';
        errors.push(problemAt(`${path}.cidrs[${j}]`, `${JSON.stringify(text)} lies inside ${covering.cidr} (${covering.description}), which sandboxes may never reach${dns}`, 'trafficRules'));
        return;
      }
      const ownCidrs = excepts.filter((e) => e.family === cidr.family && e.prefix > cidr.prefix && cidrContains(cidr, e));
      // Every port to a range that spans the cluster's own address space reaches the other tenants' pods, the nodes,
      // the API server: each such range inside this CIDR must be excepted, or the rule says it means it.
      const open = rule.ports
        ? []
        : [...PRIVATE, ...cluster].filter(
            (r) => r.family === cidr.family && r.prefix > cidr.prefix && cidrContains(cidr, r) && !ownCidrs.some((e) => cidrContains(e, r)),
          );
      if (open.length && !rule.allowPrivateRanges) {
        errors.push(
          problemAt(`${path}.cidrs[${j}]`, `${JSON.stringify(text)} on every port also reaches ${open.map((r) => r.text).join(', ')} (other pods, the nodes, ` +
            `the API server, the rest of the network): list ${open.length === 1 ? 'it' : 'them'} in except, give the rule ports, ` +
            'or set allowPrivateRanges: true to accept it (recorded as a security opt-out)', 'trafficRules'),
        );
      }
      if (open.length) opensPrivate = true;
      // Never-reachable entries stay even where an own except covers them: reviewers look for them by address.
      const never = metadataExcepts(cidr).filter((m) => !ownCidrs.some((e) => e.text === m));
      ipBlocks.push({ cidr: cidr.text, except: [...ownCidrs.map((e) => e.text), ...never] });
    });
    errors.push(...portErrors(`${path}.ports`, rule.ports));
    if (rule.allowPrivateRanges !== undefined && typeof rule.allowPrivateRanges !== 'boolean') {
      errors.push(problemAt(`${path}.allowPrivateRanges`, `must be true or false, got ${JSON.stringify(rule.allowPrivateRanges)}`, 'trafficRules'));
    } else if (rule.allowPrivateRanges && !opensPrivate && ipBlocks.length === rule.cidrs.length) {
      // An opt-out that suppresses nothing hides what the rule does from reviewers.
      errors.push(
        problemAt(`${path}.allowPrivateRanges`, `changes nothing (${rule.ports ? 'the rule has ports' : 'its CIDRs reach no private range or cluster CIDR'}); remove it`, 'trafficRules'),
      );
    }
    return {
      ipBlocks,
      ...(rule.ports ? { ports: rule.ports.map(resolvePort) } : {}),
      ...(rule.description ? { description: rule.description } : {}),
      ...(opensPrivate && rule.allowPrivateRanges ? { reachesPrivateRanges: true } : {}),
    };
  });
  return { rules: resolved, errors };
}

export function ingressRuleErrors(field: string, rules: readonly IngressRule[]): Problem[] {
  return rules.flatMap((rule, i) => {
    const path = `${field}[${i}]`;
    const errors: Problem[] = [];
    if (!rule.namespaceLabels && !rule.podLabels) {
      errors.push(problemAt(path, 'needs namespaceLabels or podLabels (an empty peer would allow every pod of this namespace)', 'trafficRules'));
    }
    if (rule.namespaceLabels) errors.push(...labelErrors(`${path}.namespaceLabels`, rule.namespaceLabels));
    if (rule.podLabels) errors.push(...labelErrors(`${path}.podLabels`, rule.podLabels));
    errors.push(...portErrors(`${path}.ports`, rule.ports));
    return errors;
  });
}

export function portErrors(field: string, ports: readonly PortRule[] | undefined): Problem[] {
  if (ports === undefined) return [];
  if (ports.length === 0) return [problemAt(field, 'is empty; omit it to allow every port', 'trafficRules')];
  return ports.flatMap((p, i) => {
    const errors: Problem[] = [];
    const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
    if (!isPort(p.port)) errors.push(problemAt(`${field}[${i}].port`, `must be an integer 1-65535, got ${p.port}`, 'trafficRules'));
    if (p.endPort !== undefined) {
      if (!isPort(p.endPort)) errors.push(problemAt(`${field}[${i}].endPort`, `must be an integer 1-65535, got ${p.endPort}`, 'trafficRules'));
      else if (isPort(p.port) && p.endPort < p.port) errors.push(problemAt(`${field}[${i}].endPort`, `must be ≥ port ${p.port}, got ${p.endPort}`, 'trafficRules'));
    }
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
      errors.push(problemAt(`${field}[${i}].protocol`, `must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(p.protocol)}`, 'trafficRules'));
    }
    return errors;
  });
}

export function resolvePort(p: PortRule): ResolvedPort {
  return { port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}), protocol: p.protocol ?? 'TCP' };
}
