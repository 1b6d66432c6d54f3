/**
 * Controller command-line flags: typed settings → `args`, exactly as the upstream Helm chart renders them
 * (`--name=value`, unset flags omitted), with the default install's `--leader-elect=true --extensions` unchanged.
 */
import type { AgentSandboxRelease } from '../core/upstream/pins';

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
  /** More flags, passed verbatim after ours (e.g. zap logging flags). Must not repeat a flag set above. @default [] */
  readonly extraArgs?: readonly string[];
}

type FlagSpec = { readonly flag: string; readonly kind: 'bool' | 'int' | 'number' | 'string'; readonly min?: number; readonly extension?: boolean };

export const CONTROLLER_FLAG_SPECS: Readonly<Record<Exclude<keyof ControllerFlags, 'extraArgs'>, FlagSpec>> = {
  leaderElect: { flag: 'leader-elect', kind: 'bool' },
  leaderElectionNamespace: { flag: 'leader-election-namespace', kind: 'string' },
  clusterDomain: { flag: 'cluster-domain', kind: 'string' },
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
  enableWarmPoolEviction: { flag: 'enable-warm-pool-eviction', kind: 'bool', extension: true },
};

/** Flags set from other props of the construct (names of the webhook service and namespace). */
export interface DerivedFlags {
  readonly webhookServiceName?: string;
  readonly webhookNamespace?: string;
}

/** Problems with the flags, each naming the field and the value (all of them, not just the first). */
export function controllerFlagErrors(flags: ControllerFlags, release: AgentSandboxRelease, field = 'controller'): string[] {
  const errors: string[] = [];
  const extensions = flags.extensions ?? true;
  for (const [key, spec] of Object.entries(CONTROLLER_FLAG_SPECS) as [keyof typeof CONTROLLER_FLAG_SPECS, FlagSpec][]) {
    const value = flags[key];
    if (value === undefined) continue;
    const path = `${field}.${key}`;
    if (!release.controllerFlags.includes(spec.flag)) {
      errors.push(`${path}: --${spec.flag} is not a flag of agent-sandbox-controller ${release.version}`);
      continue;
    }
    if (spec.kind === 'bool' && typeof value !== 'boolean') errors.push(`${path}: must be true or false, got ${JSON.stringify(value)}`);
    if (spec.kind === 'string' && (typeof value !== 'string' || value === '')) errors.push(`${path}: must be a non-empty string, got ${JSON.stringify(value)}`);
    if ((spec.kind === 'int' || spec.kind === 'number') && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors.push(`${path}: must be a number, got ${JSON.stringify(value)}`);
    } else if (spec.kind === 'int' && !Number.isInteger(value)) {
      errors.push(`${path}: must be an integer, got ${value}`);
    } else if (spec.min !== undefined && typeof value === 'number' && value < spec.min) {
      errors.push(`${path}: must be ≥ ${spec.min}, got ${value}`);
    }
    if (spec.extension && !extensions) {
      errors.push(`${path}: only takes effect with the extensions controllers; ${field}.extensions is false`);
    }
  }
  const managed = new Set([...Object.values(CONTROLLER_FLAG_SPECS).map((s) => s.flag), 'webhook-service-name', 'webhook-namespace']);
  (flags.extraArgs ?? []).forEach((arg, i) => {
    const path = `${field}.extraArgs[${i}]`;
    if (typeof arg !== 'string' || !arg.startsWith('-')) {
      errors.push(`${path}: must be a flag starting with "-", got ${JSON.stringify(arg)}`);
      return;
    }
    const name = arg.replace(/^-+/, '').split('=')[0];
    if (managed.has(name)) {
      const prop = Object.entries(CONTROLLER_FLAG_SPECS).find(([, s]) => s.flag === name)?.[0];
      errors.push(`${path}: --${name} is set by ${prop ? `${field}.${prop}` : 'the construct (webhook service/namespace)'}; use that instead of extraArgs`);
    }
  });
  return errors;
}

/** The container args, in a fixed order. Throws on invalid flags (config users get these errors earlier). */
export function controllerArgs(flags: ControllerFlags, release: AgentSandboxRelease, derived: DerivedFlags = {}): string[] {
  const errors = controllerFlagErrors(flags, release);
  if (errors.length) throw new Error(`invalid controller flags:\n  ${errors.join('\n  ')}`);
  const args: string[] = [`--leader-elect=${flags.leaderElect ?? true}`];
  // Upstream's default install passes the bare flag; keep that form so the default matches it exactly.
  if (flags.extensions ?? true) args.push('--extensions');
  for (const [key, spec] of Object.entries(CONTROLLER_FLAG_SPECS) as [keyof typeof CONTROLLER_FLAG_SPECS, FlagSpec][]) {
    if (key === 'leaderElect' || key === 'extensions') continue;
    const value = flags[key];
    if (value !== undefined) args.push(`--${spec.flag}=${value}`);
  }
  if (derived.webhookServiceName) args.push(`--webhook-service-name=${derived.webhookServiceName}`);
  if (derived.webhookNamespace) args.push(`--webhook-namespace=${derived.webhookNamespace}`);
  args.push(...(flags.extraArgs ?? []));
  return args;
}
