/**
 * Controller command-line flags: typed settings → `args`, exactly as the upstream Helm chart renders them
 * (`--name=value`, unset flags omitted), with the default install's `--leader-elect=true --extensions` unchanged.
 */
import type { AgentSandboxRelease } from '../core/upstream/pins';
import { problemAt, type Problem } from '../core/diagnostics';

/** Every flag the upstream Helm chart's `controller:` values expose. Unset means the binary's default. */
export interface ControllerFlags {
  /** `--leader-elect`. @default true */
  readonly leaderElect?: boolean;
  /** `--leader-election-namespace`. @default - the controller's namespace (auto-detected) */
  readonly leaderElectionNamespace?: string;
  /** `--cluster-domain`, used in the webhook certificate names. @default - "cluster.local" (binary default) */
  readonly clusterDomain?: string;
  /** `--extensions`: SandboxClaim, SandboxTemplate and SandboxWarmPool controllers. @default true */
  readonly extensions?: boolean;
  /** `--enable-tracing` (OpenTelemetry over OTLP). @default - false (binary default) */
  readonly enableTracing?: boolean;
  /** `--enable-pprof`: CPU profile endpoint on the metrics server. @default - false */
  readonly enablePprof?: boolean;
  /** `--enable-pprof-debug`: every pprof endpoint (may expose sensitive data). @default - false */
  readonly enablePprofDebug?: boolean;
  /** `--pprof-block-profile-rate`. @default - 1000000 */
  readonly pprofBlockProfileRate?: number;
  /** `--pprof-mutex-profile-fraction`. @default - 10 */
  readonly pprofMutexProfileFraction?: number;
  /** `--kube-api-qps` (-1: no client-side limit). @default - -1 */
  readonly kubeApiQps?: number;
  /** `--kube-api-burst`. @default - 10 */
  readonly kubeApiBurst?: number;
  /** `--sandbox-concurrent-workers`. @default - 100 */
  readonly sandboxConcurrentWorkers?: number;
  /** `--sandbox-claim-concurrent-workers` (extensions). @default - 50 */
  readonly sandboxClaimConcurrentWorkers?: number;
  /** `--sandbox-warm-pool-concurrent-workers` (extensions). @default - 1 */
  readonly sandboxWarmPoolConcurrentWorkers?: number;
  /** `--sandbox-template-concurrent-workers` (extensions). @default - 1 */
  readonly sandboxTemplateConcurrentWorkers?: number;
  /** `--sandbox-warm-pool-max-batch-size`: parallel create/delete batch of the warm-pool controller. @default - 300 */
  readonly sandboxWarmPoolMaxBatchSize?: number;
  /** `--enable-warm-pool-eviction`: mark warm-pool pods safe to evict. @default - true */
  readonly enableWarmPoolEviction?: boolean;
  /** `--api-connections`: HTTP/2 connections for non-watch API traffic. @default - 1 */
  readonly apiConnections?: number;
  /** `--separate-watch-connection`: informer list/watch on a connection of its own. @default - false */
  readonly separateWatchConnection?: boolean;
  /** `--sandbox-warm-pool-replenish-delay` (Go duration, e.g. "10s"): wait before refilling after members leave. @default - 0 */
  readonly sandboxWarmPoolReplenishDelay?: string;
  /** `--sandbox-warm-pool-max-refill-rate`: sandboxes per second per pool (0: unlimited). @default - 0 */
  readonly sandboxWarmPoolMaxRefillRate?: number;
  /** `--sandbox-warm-pool-readiness-grace-period` (Go duration > 0): how long a warm sandbox may stay not Ready before it is replaced. @default - 5m */
  readonly sandboxWarmPoolReadinessGracePeriod?: string;
  /** `--sandbox-warm-pool-unschedulable-recheck-interval` (Go duration > 0). @default - 1m */
  readonly sandboxWarmPoolUnschedulableRecheckInterval?: string;
  /** `--cache-label-selectors`: scope the Pod and Service informers to sandbox pods. @default - false */
  readonly cacheLabelSelectors?: boolean;
  /** `--disable-claim-events`: no Events from the SandboxClaim controller. @default - false */
  readonly disableClaimEvents?: boolean;
  /** `--disable-claim-observability-annotations`. @default - false */
  readonly disableClaimObservabilityAnnotations?: boolean;
  /** `--sandbox-write-behind-window` (Go duration ≥ 0): defer the Sandbox controller's metadata-only writes. @default - 0 */
  readonly sandboxWriteBehindWindow?: string;
  /** `--metrics-secure-serving` (v1.0.3+): HTTPS metrics (self-signed unless `metricsCertDir`). @default - false */
  readonly metricsSecureServing?: boolean;
  /** `--metrics-cert-dir` (v1.0.3+): folder with tls.crt and tls.key; needs `metricsSecureServing`. @default - none */
  readonly metricsCertDir?: string;
  /** `--tls-min-version` (v1.0.3+): VersionTLS10…VersionTLS13; needs `metricsSecureServing`. @default - Go's default */
  readonly tlsMinVersion?: 'VersionTLS10' | 'VersionTLS11' | 'VersionTLS12' | 'VersionTLS13';
  /** `--tls-cipher-suites` (v1.0.3+): comma-separated Go cipher suite names; needs `metricsSecureServing`. @default - Go's default */
  readonly tlsCipherSuites?: string;
  /** More flags, passed verbatim after ours (e.g. zap logging flags). Must not repeat a flag set above. @default [] */
  readonly extraArgs?: readonly string[];
}

type FlagSpec = {
  readonly flag: string;
  readonly kind: 'bool' | 'int' | 'number' | 'string' | 'duration';
  readonly min?: number;
  /** For a duration: must be > 0 (the binary exits 1 on 0). */
  readonly positive?: boolean;
  readonly oneOf?: readonly string[];
  readonly extension?: boolean;
  /** Only with `--metrics-secure-serving` (the binary exits 1 otherwise). */
  readonly secureServing?: boolean;
};

/** A Go `time.Duration` string (`90s`, `5m`, `1h30m`, `0`). */
export const GO_DURATION = /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

// In the order the chart's _controller-args.tpl renders its flags (then the flags the chart does not have), so
// the same settings give the chart's args exactly (test/integration/helm-parity.test.ts).
export const CONTROLLER_FLAG_SPECS: Readonly<Record<Exclude<keyof ControllerFlags, 'extraArgs'>, FlagSpec>> = {
  leaderElect: { flag: 'leader-elect', kind: 'bool' },
  clusterDomain: { flag: 'cluster-domain', kind: 'string' },
  leaderElectionNamespace: { flag: 'leader-election-namespace', kind: 'string' },
  extensions: { flag: 'extensions', kind: 'bool' },
  enableTracing: { flag: 'enable-tracing', kind: 'bool' },
  enablePprof: { flag: 'enable-pprof', kind: 'bool' },
  enablePprofDebug: { flag: 'enable-pprof-debug', kind: 'bool' },
  pprofBlockProfileRate: { flag: 'pprof-block-profile-rate', kind: 'int' },
  pprofMutexProfileFraction: { flag: 'pprof-mutex-profile-fraction', kind: 'int' },
  kubeApiQps: { flag: 'kube-api-qps', kind: 'number' },
  kubeApiBurst: { flag: 'kube-api-burst', kind: 'int', min: 1 },
  sandboxConcurrentWorkers: { flag: 'sandbox-concurrent-workers', kind: 'int', min: 1 },
  sandboxClaimConcurrentWorkers: { flag: 'sandbox-claim-concurrent-workers', kind: 'int', min: 1, extension: true },
  sandboxWarmPoolConcurrentWorkers: { flag: 'sandbox-warm-pool-concurrent-workers', kind: 'int', min: 1, extension: true },
  sandboxTemplateConcurrentWorkers: { flag: 'sandbox-template-concurrent-workers', kind: 'int', min: 1, extension: true },
  sandboxWarmPoolMaxBatchSize: { flag: 'sandbox-warm-pool-max-batch-size', kind: 'int', min: 1, extension: true },
  sandboxWarmPoolReadinessGracePeriod: { flag: 'sandbox-warm-pool-readiness-grace-period', kind: 'duration', positive: true, extension: true },
  sandboxWarmPoolUnschedulableRecheckInterval: { flag: 'sandbox-warm-pool-unschedulable-recheck-interval', kind: 'duration', positive: true, extension: true },
  enableWarmPoolEviction: { flag: 'enable-warm-pool-eviction', kind: 'bool', extension: true },
  apiConnections: { flag: 'api-connections', kind: 'int', min: 1 },
  separateWatchConnection: { flag: 'separate-watch-connection', kind: 'bool' },
  sandboxWarmPoolReplenishDelay: { flag: 'sandbox-warm-pool-replenish-delay', kind: 'duration', extension: true },
  sandboxWarmPoolMaxRefillRate: { flag: 'sandbox-warm-pool-max-refill-rate', kind: 'number', min: 0, extension: true },
  cacheLabelSelectors: { flag: 'cache-label-selectors', kind: 'bool' },
  disableClaimEvents: { flag: 'disable-claim-events', kind: 'bool', extension: true },
  disableClaimObservabilityAnnotations: { flag: 'disable-claim-observability-annotations', kind: 'bool', extension: true },
  sandboxWriteBehindWindow: { flag: 'sandbox-write-behind-window', kind: 'duration' },
  metricsSecureServing: { flag: 'metrics-secure-serving', kind: 'bool' },
  metricsCertDir: { flag: 'metrics-cert-dir', kind: 'string', secureServing: true },
  tlsMinVersion: { flag: 'tls-min-version', kind: 'string', oneOf: ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'], secureServing: true },
  tlsCipherSuites: { flag: 'tls-cipher-suites', kind: 'string', secureServing: true },
};

/** Flags set from other props of the construct (names of the webhook service and namespace). */
export interface DerivedFlags {
  readonly webhookServiceName?: string;
  readonly webhookNamespace?: string;
}

/** Problems with the flags, each naming the field and the value (all of them, not just the first). */
export function controllerFlagErrors(flags: ControllerFlags, release: AgentSandboxRelease, field = 'controller'): Problem[] {
  const errors: Problem[] = [];
  const extensions = flags.extensions ?? true;
  for (const [key, spec] of Object.entries(CONTROLLER_FLAG_SPECS) as [keyof typeof CONTROLLER_FLAG_SPECS, FlagSpec][]) {
    const value = flags[key];
    if (value === undefined) continue;
    const path = `${field}.${key}`;
    if (!release.controllerFlags.includes(spec.flag)) {
      errors.push(problemAt(path, `--${spec.flag} is not a flag of agent-sandbox-controller ${release.version}`, 'controllerFlags'));
      continue;
    }
    if (spec.kind === 'bool' && typeof value !== 'boolean') errors.push(problemAt(path, `must be true or false, got ${JSON.stringify(value)}`, 'controllerFlags'));
    if (spec.kind === 'string' && (typeof value !== 'string' || value === '')) errors.push(problemAt(path, `must be a non-empty string, got ${JSON.stringify(value)}`, 'controllerFlags'));
    else if (spec.oneOf && !spec.oneOf.includes(value as string)) errors.push(problemAt(path, `must be one of ${spec.oneOf.join(', ')}, got ${JSON.stringify(value)}`, 'controllerFlags'));
    if (spec.kind === 'duration') {
      if (typeof value !== 'string' || !GO_DURATION.test(value)) errors.push(problemAt(path, `must be a Go duration like "30s", "5m" or "1h30m", got ${JSON.stringify(value)}`, 'controllerFlags'));
      else if (spec.positive && /^0+(\.0+)?[a-zµ]*$/.test(value)) errors.push(problemAt(path, `must be longer than 0 (the controller exits on ${value}), got "${value}"`, 'controllerFlags'));
    }
    if (spec.secureServing && flags.metricsSecureServing !== true) {
      errors.push(problemAt(path, `only with ${field}.metricsSecureServing: true (the controller exits: "TLS flags require --metrics-secure-serving")`, 'controllerFlags'));
    }
    if ((spec.kind === 'int' || spec.kind === 'number') && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors.push(problemAt(path, `must be a number, got ${JSON.stringify(value)}`, 'controllerFlags'));
    } else if (spec.kind === 'int' && !Number.isInteger(value)) {
      errors.push(problemAt(path, `must be an integer, got ${value}`, 'controllerFlags'));
    } else if (spec.min !== undefined && typeof value === 'number' && value < spec.min) {
      errors.push(problemAt(path, `must be ≥ ${spec.min}, got ${value}`, 'controllerFlags'));
    }
    if (spec.extension && !extensions) {
      errors.push(problemAt(path, `only takes effect with the extensions controllers; ${field}.extensions is false`, 'controllerFlags'));
    }
  }
  const managed = new Set([...Object.values(CONTROLLER_FLAG_SPECS).map((s) => s.flag), 'webhook-service-name', 'webhook-namespace']);
  (flags.extraArgs ?? []).forEach((arg, i) => {
    const path = `${field}.extraArgs[${i}]`;
    if (typeof arg !== 'string' || !arg.startsWith('-')) {
      errors.push(problemAt(path, `must be a flag starting with "-", got ${JSON.stringify(arg)}`, 'controllerFlags'));
      return;
    }
    const name = arg.replace(/^-+/, '').split('=')[0];
    if (!release.controllerFlags.includes(name)) {
      errors.push(problemAt(path, `--${name} is not a flag of agent-sandbox-controller ${release.version} (an unknown flag makes it exit at start)`, 'controllerFlags'));
    } else if (managed.has(name)) {
      const prop = Object.entries(CONTROLLER_FLAG_SPECS).find(([, s]) => s.flag === name)?.[0];
      errors.push(problemAt(path, `--${name} is set by ${prop ? `${field}.${prop}` : 'the construct (webhook service/namespace)'}; use that instead of extraArgs`, 'controllerFlags'));
    }
  });
  return errors;
}

/** The container args, in a fixed order. Throws on invalid flags (config users get these errors earlier). */
export function controllerArgs(flags: ControllerFlags, release: AgentSandboxRelease, derived: DerivedFlags = {}): string[] {
  const errors = controllerFlagErrors(flags, release);
  if (errors.length) throw new Error(`invalid controller flags:\n  ${errors.join('\n  ')}`);
  const args: string[] = [`--leader-elect=${flags.leaderElect ?? true}`];
  for (const [key, spec] of Object.entries(CONTROLLER_FLAG_SPECS) as [keyof typeof CONTROLLER_FLAG_SPECS, FlagSpec][]) {
    if (key === 'leaderElect') continue;
    // Upstream's default install passes the bare flag; keep that form so the default matches it exactly.
    if (key === 'extensions') {
      if (flags.extensions ?? true) args.push('--extensions');
      continue;
    }
    const value = flags[key];
    if (value !== undefined) args.push(`--${spec.flag}=${value}`);
  }
  if (derived.webhookServiceName) args.push(`--webhook-service-name=${derived.webhookServiceName}`);
  if (derived.webhookNamespace) args.push(`--webhook-namespace=${derived.webhookNamespace}`);
  args.push(...(flags.extraArgs ?? []));
  return args;
}
