/**
 * The sandbox router's settings, checked the same way for the SandboxRouter construct and the config file's
 * `router:`. Pure: no construct. Every problem names the field, the value and what is allowed.
 */
import { isIP } from 'node:net';
import type { AgentSandboxRelease } from '../core/upstream/pins';
import { dnsLabelErrors, dnsSubdomainErrors, labelErrors } from '../core/formats';
import { GO_DURATION } from './controller-flags';
import { imageDigestErrors, type ContainerImage } from './agent-sandbox-settings';
import { problemAt, type Problem } from '../core/diagnostics';

/** Who may reach the router: the pods of a namespace (all of them, or those with these labels). */
export interface RouterPeer {
  /** The namespace, by name. */
  readonly namespace: string;
  /** Only the pods with these labels. @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
}

export const ROUTER_AUTHZ_MODES = ['allow-all', 'tokenreview', 'scoped-token'] as const;
export type RouterAuthzMode = (typeof ROUTER_AUTHZ_MODES)[number];

/**
 * The router's settings: the SandboxRouter construct's props and the config file's `router:` both have them, and
 * `routerSettingsErrors` checks them. Defaults are the construct's.
 */
export interface SandboxRouterSettings {
  /** @default 'agent-sandbox-system' (the namespace the controller's default sandbox NetworkPolicy admits the router from) */
  readonly namespace?: string;
  /** Who may send requests to the router (port 8080). Nobody else can. */
  readonly clients?: readonly RouterPeer[];
  /** Namespaces whose sandbox pods the router may reach. @default - sandbox pods of every namespace */
  readonly sandboxNamespaces?: readonly string[];
  /** Ports of the sandboxes the router may reach (the `X-Sandbox-Port` clients send). @default [8888] */
  readonly sandboxPorts?: readonly number[];
  /** Who may scrape the metrics port (9090). @default [] (nobody) */
  readonly metricsScrapers?: readonly RouterPeer[];
  /**
   * The API server's addresses, for the egress the Pod-IP cache and TokenReview need: an ipBlock rule on `ports`
   * (@default [443]). Most CNIs apply policy after the `kubernetes` Service is translated to these addresses.
   * @default - upstream's rule: pods of namespace `default` on 443 and 6443
   */
  readonly apiServer?: { readonly cidrs: readonly string[]; readonly ports?: readonly number[] };
  /** @default - registry.k8s.io/agent-sandbox/sandbox-router-go:<release> */
  readonly image?: ContainerImage;
  /** @default 2 (upstream) */
  readonly replicas?: number;
  /** `--cache-enabled`: route by the live Pod IP from a watch of sandbox pods (needed for warm-pool sandboxes, which have no Service). @default true */
  readonly cache?: boolean;
  /** `--authz-mode`. @default 'allow-all' (upstream; the NetworkPolicy decides who reaches the router) */
  readonly authzMode?: RouterAuthzMode;
  /** `--proxy-timeout`. @default '180s' */
  readonly proxyTimeout?: string;
  /** `--upstream-max-retries`. @default 3 */
  readonly upstreamMaxRetries?: number;
  /** `--cluster-domain`. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** More router flags (checked against the release's router binary). @default [] */
  readonly extraArgs?: readonly string[];
}

/** Flags the construct sets from its props: extraArgs may not repeat them. */
export const ROUTER_MANAGED_FLAGS = [
  'http-bind-address',
  'metrics-bind-address',
  'health-probe-bind-address',
  'cluster-domain',
  'proxy-timeout',
  'upstream-max-retries',
  'cache-enabled',
  'cache-namespace',
  'authz-mode',
] as const;

const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

function cidrProblem(text: string): string | undefined {
  const [ip, prefix, ...rest] = String(text).split('/');
  const family = isIP(ip ?? '');
  const max = family === 6 ? 128 : 32;
  if (!family || rest.length || prefix === undefined || !/^\d+$/.test(prefix) || Number(prefix) > max) return `"${text}" is not a CIDR like "203.0.113.10/32"`;
  return undefined;
}

function peerErrors(field: string, peers: readonly RouterPeer[]): Problem[] {
  return peers.flatMap((p, i) => [
    ...dnsLabelErrors(`${field}[${i}].namespace`, String(p.namespace)),
    ...(p.podLabels ? labelErrors(`${field}[${i}].podLabels`, p.podLabels) : []),
    ...(p.podLabels && Object.keys(p.podLabels).length === 0 ? [problemAt(`${field}[${i}].podLabels`, `is empty; omit it to admit every pod of namespace "${p.namespace}"`, 'routerSettings')] : []),
  ]);
}

/** Every problem of the settings, for `release` (which must pin a router). */
export function routerSettingsErrors(s: SandboxRouterSettings, release: AgentSandboxRelease): Problem[] {
  const errors: Problem[] = [];
  const router = release.router;
  if (!router) errors.push(problemAt('version', `agent-sandbox ${release.version} has no pinned sandbox router; use a release that has one`, 'routerSettings'));
  if (s.namespace !== undefined) errors.push(...dnsLabelErrors('namespace', s.namespace));
  if (!s.clients || s.clients.length === 0) {
    errors.push(problemAt('clients', 'must name at least one client namespace (with podLabels to admit only some of its pods): the router admits no one else', 'routerSettings'));
  } else errors.push(...peerErrors('clients', s.clients));
  errors.push(...peerErrors('metricsScrapers', s.metricsScrapers ?? []));
  if (s.sandboxNamespaces !== undefined) {
    if (s.sandboxNamespaces.length === 0) errors.push(problemAt('sandboxNamespaces', 'is empty; omit it to reach sandbox pods in every namespace, or name the namespaces', 'routerSettings'));
    s.sandboxNamespaces.forEach((ns, i) => errors.push(...dnsLabelErrors(`sandboxNamespaces[${i}]`, String(ns))));
  }
  if (s.sandboxPorts !== undefined) {
    if (s.sandboxPorts.length === 0) errors.push(problemAt('sandboxPorts', 'is empty; omit it for the default 8888', 'routerSettings'));
    s.sandboxPorts.forEach((p, i) => {
      if (!isPort(p)) errors.push(problemAt(`sandboxPorts[${i}]`, `must be an integer 1-65535, got ${JSON.stringify(p)}`, 'routerSettings'));
    });
  }
  if (s.apiServer) {
    if (!s.apiServer.cidrs?.length) errors.push(problemAt('apiServer.cidrs', 'must list the API server addresses (e.g. "203.0.113.10/32")', 'routerSettings'));
    (s.apiServer.cidrs ?? []).forEach((c, i) => {
      const problem = cidrProblem(c);
      if (problem) errors.push(problemAt(`apiServer.cidrs[${i}]`, problem, 'routerSettings'));
    });
    (s.apiServer.ports ?? []).forEach((p, i) => {
      if (!isPort(p)) errors.push(problemAt(`apiServer.ports[${i}]`, `must be an integer 1-65535, got ${JSON.stringify(p)}`, 'routerSettings'));
    });
  }
  if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || s.replicas < 1 || s.replicas > 20)) errors.push(problemAt('replicas', `must be an integer from 1 to 20, got ${s.replicas}`, 'routerSettings'));
  if (s.authzMode !== undefined && !ROUTER_AUTHZ_MODES.includes(s.authzMode)) errors.push(problemAt('authzMode', `must be one of ${ROUTER_AUTHZ_MODES.join(', ')}, got ${JSON.stringify(s.authzMode)}`, 'routerSettings'));
  if (s.authzMode === 'scoped-token' && !(s.extraArgs ?? []).some((a) => /^--?authz-scoped-token-(secret|verification-keys)-file=/.test(a))) {
    errors.push(problemAt('authzMode', 'scoped-token needs the token key: pass --authz-scoped-token-secret-file=… or --authz-scoped-token-verification-keys-file=… in extraArgs (and mount it)', 'routerSettings'));
  }
  if (s.proxyTimeout !== undefined && (typeof s.proxyTimeout !== 'string' || !GO_DURATION.test(s.proxyTimeout) || /^0+[a-zµ]*$/.test(s.proxyTimeout))) {
    errors.push(problemAt('proxyTimeout', `must be a Go duration longer than 0 like "180s" or "5m", got ${JSON.stringify(s.proxyTimeout)}`, 'routerSettings'));
  }
  if (s.upstreamMaxRetries !== undefined && (!Number.isInteger(s.upstreamMaxRetries) || s.upstreamMaxRetries < 0)) {
    errors.push(problemAt('upstreamMaxRetries', `must be an integer ≥ 0, got ${s.upstreamMaxRetries}`, 'routerSettings'));
  }
  if (s.clusterDomain !== undefined) errors.push(...dnsSubdomainErrors('clusterDomain', s.clusterDomain));
  if (router) {
    const repository = s.image?.repository ?? router.image.repository;
    const tag = s.image?.tag ?? router.image.tag;
    errors.push(...imageDigestErrors(s.image, s.image?.digest ? `${repository}:${tag}@${s.image.digest}` : `${repository}:${tag}`));
  }
  if (s.image?.tag !== undefined && (s.image.tag === 'latest' || !/^[\w][\w.-]{0,127}$/.test(s.image.tag))) {
    errors.push(problemAt('image.tag', `"${s.image.tag}" is not allowed: name a versioned tag (e.g. "${router?.image.tag ?? 'v1.0.3'}"), never latest`, 'routerSettings'));
  }
  (s.extraArgs ?? []).forEach((arg, i) => {
    const path = `extraArgs[${i}]`;
    if (typeof arg !== 'string' || !arg.startsWith('-')) {
      errors.push(problemAt(path, `must be a flag starting with "-", got ${JSON.stringify(arg)}`, 'routerSettings'));
      return;
    }
    const name = arg.replace(/^-+/, '').split('=')[0];
    if (router && !router.flags.includes(name)) errors.push(problemAt(path, `--${name} is not a flag of sandbox-router ${release.version} (an unknown flag makes it exit at start)`, 'routerSettings'));
    else if ((ROUTER_MANAGED_FLAGS as readonly string[]).includes(name)) errors.push(problemAt(path, `--${name} is set by the construct from its props; use the prop instead of extraArgs`, 'routerSettings'));
  });
  return errors;
}
