/**
 * The upstream Helm chart's values, one by one, and the AgentSandbox prop each one is: a Helm user's values document
 * becomes props with {@link propsFromHelmValues}, which starts from the release's own pinned `values.yaml` (so an
 * unset value means what it means in the chart, e.g. `controller.extensions: false`) and merges the user's values
 * over it the way Helm does (maps merge key by key, lists and scalars replace, `null` removes).
 *
 * The Helm parity test renders the chart with `helm template` beside our output for the same values
 * (test/integration/helm-parity.test.ts); test/constructs/agent-sandbox/helm-values.test.ts holds this table
 * equal to every `.Values.*` the chart's templates read.
 */
import { load } from 'js-yaml';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, type AgentSandboxRelease } from '../../core/upstream/pins';
import { readUpstreamText } from '../../core/upstream/store';
import type { ControllerFlags } from '../../validation/controller-flags';
import type { AgentSandboxProps, PrometheusRuleOptions, ResourceRequirements, ServiceMonitorOptions } from './agent-sandbox';

export type HelmValues = { [key: string]: unknown };

/** One value of the chart: the prop it sets, or why there is none. */
export type HelmValueMapping =
  | { readonly value: string; readonly prop: string; readonly note?: string }
  | { readonly value: string; readonly noProp: string };

/** `controller.<key>` values the chart's `_controller-args.tpl` renders as `--<flag>=<value>` when the key is set. */
const CONTROLLER_VALUES = [
  'leaderElect',
  'clusterDomain',
  'leaderElectionNamespace',
  'extensions',
  'enableTracing',
  'enablePprof',
  'enablePprofDebug',
  'pprofBlockProfileRate',
  'pprofMutexProfileFraction',
  'kubeApiQps',
  'kubeApiBurst',
  'sandboxConcurrentWorkers',
  'sandboxClaimConcurrentWorkers',
  'sandboxWarmPoolConcurrentWorkers',
  'sandboxTemplateConcurrentWorkers',
  'sandboxWarmPoolMaxBatchSize',
  'sandboxWarmPoolReadinessGracePeriod',
  'sandboxWarmPoolUnschedulableRecheckInterval',
  'enableWarmPoolEviction',
] as const satisfies readonly (keyof ControllerFlags)[];

/** Every value the v1.0.x chart's templates read. */
export const HELM_VALUES: readonly HelmValueMapping[] = [
  { value: 'namespace.create', prop: 'createNamespace' },
  { value: 'namespace.name', prop: 'namespace', note: 'empty: the Helm release namespace (propsFromHelmValues takes it as releaseNamespace)' },
  { value: 'image.repository', prop: 'image.repository' },
  { value: 'image.tag', prop: 'image.tag', note: 'required by the chart; ours defaults to the release' },
  { value: 'image.pullPolicy', prop: 'image.pullPolicy' },
  { value: 'imagePullSecrets', prop: 'imagePullSecrets', note: 'the chart takes [{name}] objects, the prop takes the names' },
  { value: 'replicaCount', prop: 'replicas' },
  { value: 'podAnnotations', prop: 'podAnnotations' },
  { value: 'podLabels', prop: 'podLabels' },
  ...CONTROLLER_VALUES.map((key) => ({ value: `controller.${key}`, prop: `controller.${key}` })),
  { value: 'controller.extraArgs', prop: 'controller.extraArgs', note: 'checked against the flags the release binary accepts' },
  { value: 'resources', prop: 'resources' },
  { value: 'nodeSelector', prop: 'nodeSelector' },
  { value: 'tolerations', prop: 'tolerations' },
  { value: 'affinity', prop: 'affinity' },
  { value: 'podSecurityContext', prop: 'podSecurityContext', note: 'merged over our secure pod defaults' },
  { value: 'containerSecurityContext', prop: 'containerSecurityContext', note: 'merged over our secure container defaults' },
  { value: 'service.name', prop: 'metricsServiceName' },
  { value: 'metrics.serviceMonitor.enabled', prop: 'serviceMonitor.enabled' },
  { value: 'metrics.serviceMonitor.additionalLabels', prop: 'serviceMonitor.additionalLabels' },
  { value: 'metrics.serviceMonitor.interval', prop: 'serviceMonitor.interval' },
  { value: 'metrics.serviceMonitor.scrapeTimeout', prop: 'serviceMonitor.scrapeTimeout' },
  { value: 'metrics.prometheusRule.enabled', prop: 'prometheusRule.enabled' },
  { value: 'metrics.prometheusRule.additionalLabels', prop: 'prometheusRule.additionalLabels' },
  { value: 'metrics.prometheusRule.additionalGroups', prop: 'prometheusRule.rules' },
  {
    value: 'nameOverride',
    noProp:
      'it only names the chart labels and the Deployment/Service selector (app.kubernetes.io/name); our selector is the plain ' +
      "manifests' app: agent-sandbox-controller, which cannot change once installed (Deployment selectors are immutable)",
  },
];

/** The release's chart defaults (its pinned values.yaml), parsed. */
export function chartDefaultValues(release: AgentSandboxRelease, env: NodeJS.ProcessEnv = process.env): HelmValues {
  const file = release.helmChart?.files['values.yaml'];
  if (!file) throw new Error(`agent-sandbox ${release.version} has no pinned Helm chart`);
  return (load(readUpstreamText(file, env)) ?? {}) as HelmValues;
}

const isMap = (v: unknown): v is HelmValues => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's values merge: maps merge key by key, anything else replaces, `null` removes the key. */
export function mergeHelmValues(base: HelmValues, over: HelmValues): HelmValues {
  const out: HelmValues = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeHelmValues(out[key] as HelmValues, value);
    else out[key] = value;
  }
  return out;
}

function at(values: HelmValues, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isMap(v) ? v[k] : undefined), values);
}

const nonEmptyMap = (v: unknown): v is HelmValues => isMap(v) && Object.keys(v).length > 0;

/**
 * AgentSandbox props for a Helm values document: the chart's defaults with `values` merged over them, value by value
 * as `HELM_VALUES` says. A key the chart does not read is an error that names it (Helm would ignore it
 * silently; here it is most likely a typo).
 */
export function propsFromHelmValues(
  values: HelmValues,
  opts: { readonly version?: string; readonly releaseNamespace?: string; readonly env?: NodeJS.ProcessEnv } = {},
): AgentSandboxProps {
  const release = agentSandboxRelease(opts.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
  const unknown = unknownValueKeys(values);
  if (unknown.length) {
    throw new Error(`Helm values: ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not read by the agent-sandbox ${release.version} chart; known values: ${HELM_VALUES.map((m) => m.value).join(', ')}`);
  }
  const v = mergeHelmValues(chartDefaultValues(release, opts.env), values);
  const controller: Record<string, unknown> = {};
  for (const key of CONTROLLER_VALUES) {
    const value = at(v, `controller.${key}`);
    if (value !== undefined) controller[key] = value;
  }
  const extraArgs = at(v, 'controller.extraArgs');
  if (Array.isArray(extraArgs) && extraArgs.length) controller.extraArgs = extraArgs.map(String);
  const tag = at(v, 'image.tag');
  const sm = at(v, 'metrics.serviceMonitor') as HelmValues | undefined;
  const pr = at(v, 'metrics.prometheusRule') as HelmValues | undefined;
  const pullSecrets = at(v, 'imagePullSecrets');
  const props: AgentSandboxProps = {
    version: release.version,
    namespace: (at(v, 'namespace.name') as string) || opts.releaseNamespace || 'default',
    createNamespace: Boolean(at(v, 'namespace.create')),
    image: {
      repository: at(v, 'image.repository') as string,
      ...(tag ? { tag: String(tag) } : {}),
      pullPolicy: at(v, 'image.pullPolicy') as 'Always' | 'IfNotPresent' | 'Never',
    },
    ...(Array.isArray(pullSecrets) && pullSecrets.length ? { imagePullSecrets: pullSecrets.map((s) => String((s as HelmValues).name)) } : {}),
    replicas: Number(at(v, 'replicaCount')),
    ...(nonEmptyMap(at(v, 'podAnnotations')) ? { podAnnotations: at(v, 'podAnnotations') as Record<string, string> } : {}),
    ...(nonEmptyMap(at(v, 'podLabels')) ? { podLabels: at(v, 'podLabels') as Record<string, string> } : {}),
    controller: controller as ControllerFlags,
    ...(nonEmptyMap(at(v, 'resources')) ? { resources: at(v, 'resources') as ResourceRequirements } : {}),
    ...(nonEmptyMap(at(v, 'nodeSelector')) ? { nodeSelector: at(v, 'nodeSelector') as Record<string, string> } : {}),
    ...(Array.isArray(at(v, 'tolerations')) && (at(v, 'tolerations') as unknown[]).length ? { tolerations: at(v, 'tolerations') as AgentSandboxProps['tolerations'] } : {}),
    ...(nonEmptyMap(at(v, 'affinity')) ? { affinity: at(v, 'affinity') as AgentSandboxProps['affinity'] } : {}),
    ...(nonEmptyMap(at(v, 'podSecurityContext')) ? { podSecurityContext: at(v, 'podSecurityContext') as AgentSandboxProps['podSecurityContext'] } : {}),
    ...(nonEmptyMap(at(v, 'containerSecurityContext')) ? { containerSecurityContext: at(v, 'containerSecurityContext') as AgentSandboxProps['containerSecurityContext'] } : {}),
    metricsServiceName: (at(v, 'service.name') as string) || 'agent-sandbox-controller',
    serviceMonitor: {
      enabled: Boolean(sm?.enabled),
      ...(nonEmptyMap(sm?.additionalLabels) ? { additionalLabels: sm!.additionalLabels as Record<string, string> } : {}),
      ...(sm?.interval ? { interval: String(sm.interval) } : {}),
      ...(sm?.scrapeTimeout ? { scrapeTimeout: String(sm.scrapeTimeout) } : {}),
    } satisfies ServiceMonitorOptions,
    prometheusRule: {
      enabled: Boolean(pr?.enabled),
      ...(nonEmptyMap(pr?.additionalLabels) ? { additionalLabels: pr!.additionalLabels as Record<string, string> } : {}),
      ...(Array.isArray(pr?.additionalGroups) && pr!.additionalGroups.length ? { rules: pr!.additionalGroups as Record<string, unknown>[] } : {}),
    } satisfies PrometheusRuleOptions,
    ...(opts.env ? { env: opts.env } : {}),
  };
  return props;
}

/** Leaf keys of `values` (maps walked, lists and scalars are leaves) that no entry of `HELM_VALUES` covers. */
export function unknownValueKeys(values: HelmValues, prefix = ''): string[] {
  const known = HELM_VALUES.map((m) => m.value);
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (known.includes(path)) return [];
    if (isMap(value) && known.some((k) => k.startsWith(`${path}.`))) return unknownValueKeys(value, path);
    return [path];
  });
}
