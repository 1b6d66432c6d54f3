/**
 * Egress allowlist and ingress allow rules of a sandbox namespace: their prop types, validation, and the resolved
 * egress rules with the metadata endpoints carved out of every allowed CIDR.
 */
import { cidrContains, tryParseCidr, type Cidr } from './cidr';
import { labelErrors } from '../../core/formats';
import { metadataEndpointCovering, metadataExcepts } from './metadata-endpoints';

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
}

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
}

/** Resolves the allowlist; `errors` names every bad field (path prefix `field`). */
export function resolveEgressRules(field: string, rules: readonly EgressRule[]): { rules: ResolvedEgressRule[]; errors: string[] } {
  const errors: string[] = [];
  const resolved = rules.map((rule, i): ResolvedEgressRule => {
    const path = `${field}[${i}]`;
    if (rule.cidrs.length === 0) errors.push(`${path}.cidrs: must list at least one CIDR`);
    const ipBlocks: ResolvedIpBlock[] = [];
    const parsedCidrs = rule.cidrs.map((t) => tryParseCidr(t)).filter((c): c is Cidr => typeof c !== 'string');
    const excepts: Cidr[] = [];
    (rule.except ?? []).forEach((text, j) => {
      const ex = tryParseCidr(text);
      if (typeof ex === 'string') errors.push(`${path}.except[${j}]: ${ex}`);
      else if (!parsedCidrs.some((c) => c.family === ex.family && c.prefix < ex.prefix && cidrContains(c, ex))) {
        errors.push(`${path}.except[${j}]: ${JSON.stringify(text)} is not strictly inside any of the rule's cidrs (${rule.cidrs.join(', ')})`);
      } else excepts.push(ex);
    });
    rule.cidrs.forEach((text, j) => {
      const cidr = tryParseCidr(text);
      if (typeof cidr === 'string') {
        errors.push(`${path}.cidrs[${j}]: ${cidr}`);
        return;
      }
      const covering = metadataEndpointCovering(cidr);
      if (covering) {
        errors.push(`${path}.cidrs[${j}]: ${JSON.stringify(text)} lies inside ${covering.cidr} (${covering.description}), which sandboxes may never reach`);
        return;
      }
      const own = excepts.filter((e) => e.family === cidr.family && e.prefix > cidr.prefix && cidrContains(cidr, e)).map((e) => e.text);
      // Metadata entries stay even where an own except covers them: reviewers look for them by address.
      ipBlocks.push({ cidr: cidr.text, except: [...own, ...metadataExcepts(cidr)] });
    });
    errors.push(...portErrors(`${path}.ports`, rule.ports));
    return { ipBlocks, ...(rule.ports ? { ports: rule.ports.map(resolvePort) } : {}), ...(rule.description ? { description: rule.description } : {}) };
  });
  return { rules: resolved, errors };
}

export function ingressRuleErrors(field: string, rules: readonly IngressRule[]): string[] {
  return rules.flatMap((rule, i) => {
    const path = `${field}[${i}]`;
    const errors: string[] = [];
    if (!rule.namespaceLabels && !rule.podLabels) {
      errors.push(`${path}: needs namespaceLabels or podLabels (an empty peer would allow every pod of this namespace)`);
    }
    if (rule.namespaceLabels) errors.push(...labelErrors(`${path}.namespaceLabels`, rule.namespaceLabels));
    if (rule.podLabels) errors.push(...labelErrors(`${path}.podLabels`, rule.podLabels));
    errors.push(...portErrors(`${path}.ports`, rule.ports));
    return errors;
  });
}

export function portErrors(field: string, ports: readonly PortRule[] | undefined): string[] {
  if (ports === undefined) return [];
  if (ports.length === 0) return [`${field}: is empty; omit it to allow every port`];
  return ports.flatMap((p, i) => {
    const errors: string[] = [];
    const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
    if (!isPort(p.port)) errors.push(`${field}[${i}].port: must be an integer 1-65535, got ${p.port}`);
    if (p.endPort !== undefined) {
      if (!isPort(p.endPort)) errors.push(`${field}[${i}].endPort: must be an integer 1-65535, got ${p.endPort}`);
      else if (isPort(p.port) && p.endPort < p.port) errors.push(`${field}[${i}].endPort: must be ≥ port ${p.port}, got ${p.endPort}`);
    }
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
      errors.push(`${field}[${i}].protocol: must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(p.protocol)}`);
    }
    return errors;
  });
}

export function resolvePort(p: PortRule): ResolvedPort {
  return { port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}), protocol: p.protocol ?? 'TCP' };
}
