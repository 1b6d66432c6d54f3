/**
 * Any conformant cluster we did not create (on-prem, kind, k3s, a managed cluster): the user names the sandboxed
 * RuntimeClass and the nodes that have its runtime in `platforms.kubernetes`:
 *
 *   runtimeClass:  { name, handler }            we create it with a sandboxed CRI handler (runsc, or a Kata handler)
 *                  { name, existing, isolation } the cluster has it; we only reference it (its handler is not ours to
 *                                                check at synth: a warning says so; the kubeconfig-only stack reads it)
 *   sandboxNodes:  { label, taint }             the label our pods (or our RuntimeClass) select, the taint they
 *                                                tolerate; `taint: false` for untainted sandbox nodes
 *
 * Defaults are the safe choice: gVisor (`gvisor`, handler `runsc`) that we create, on nodes labelled and tainted
 * `sandbox.agent-sandbox-infra.io/runtime=gvisor` (NoSchedule), so sandbox pods land only where runsc is installed
 * and nothing else lands there. A host-kernel handler (runc, crun, youki) is refused, whoever creates the class.
 */
import { z } from 'zod';
import { qualifiedNameErrors } from '../../core/formats';
import { problemAt, type Problem } from '../../core/diagnostics';
import { issueProblems } from '../../core/zod-issues';
import {
  CLUSTER_DNS_ONLY,
  HOST_KERNEL_HANDLERS,
  SANDBOX_NODE_LABEL_KEY,
  sandboxNodeScheduling,
  type ClusterContext,
  type Isolation,
  type PlatformFacts,
  type PlatformModule,
  type RuntimeFacts,
  type SandboxNode,
} from '../platform';


/** CRI handler names of each sandbox: runsc (and variants such as `runsc-kvm`), kata-deploy's `kata-<hypervisor>`. */
const HANDLER_PATTERNS: Readonly<Record<Isolation, RegExp>> = {
  gvisor: /^runsc(-[a-z0-9]+)*$/,
  kata: /^kata(-[a-z0-9]+)*$/,
};
const HANDLER_EXAMPLES = 'runsc (gVisor), or a Kata handler: kata, kata-qemu, kata-clh, kata-fc, kata-dragonball, …';

/** The sandbox a CRI handler name gives, or undefined for anything else (runc and every unknown runtime). */
export function handlerIsolation(handler: string): Isolation | undefined {
  return (Object.entries(HANDLER_PATTERNS) as [Isolation, RegExp][]).find(([, re]) => re.test(handler))?.[0];
}

const SOURCES: Readonly<Record<Isolation, string>> = {
  gvisor: 'https://gvisor.dev/docs/user_guide/containerd/quick_start/',
  kata: 'https://github.com/kata-containers/kata-containers/blob/main/docs/how-to/run-kata-with-k8s.md',
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelKey = z.string().superRefine((key, ctx) => {
  for (const problem of qualifiedNameErrors('key', key)) ctx.addIssue({ code: 'custom', message: problem.message });
});
const labelValue = z.string().max(63).regex(LABEL_VALUE, 'must be a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)');

const nodeLabel = z.object({ key: labelKey, value: labelValue }).strict();
/** NoSchedule or NoExecute: PreferNoSchedule would not keep other pods off the sandbox nodes. */
const nodeTaint = z.object({ key: labelKey, value: labelValue.optional(), effect: z.enum(['NoSchedule', 'NoExecute']) }).strict();
/** A taint, or `false` for untainted sandbox nodes (each problem of a taint reported on its own field). */
const taintSetting = z.unknown().transform((value, ctx): z.infer<typeof nodeTaint> | false => {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `must be a taint {key, value, effect} or false (untainted sandbox nodes), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  const parsed = nodeTaint.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, message: issue.message } as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

const runtimeClass = z
  .object({
    /** RuntimeClass name. @default `gvisor` for a runsc handler, else the handler's name (as kata-deploy names them) */
    name: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a lowercase DNS subdomain (a RuntimeClass name)'),
    /** CRI handler of the RuntimeClass we create. @default runsc */
    handler: z.string().min(1),
    /** The cluster already has this RuntimeClass: we reference it and never emit it. @default false */
    existing: z.boolean(),
    /** What it isolates with (required with `existing`; otherwise the handler says). */
    isolation: z.enum(['gvisor', 'kata']),
  })
  .partial()
  .strict();

const settingsSchema = z
  .object({
    /** Only our own install: a cluster we did not create has no managed agent-sandbox. */
    agentSandbox: z.enum(['self']),
    runtimeClass,
    sandboxNodes: z.object({ label: nodeLabel, taint: taintSetting }).partial().strict(),
  })
  .partial()
  .strict()
  .superRefine((s, ctx) => {
    const problem = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const rc = s.runtimeClass ?? {};
    if (rc.existing) {
      if (rc.handler !== undefined) {
        problem(['runtimeClass', 'handler'], `must not be set with existing: true (an existing RuntimeClass keeps its own handler, got ${JSON.stringify(rc.handler)}); remove handler, or remove existing to have it created`);
      }
      if (rc.name === undefined) problem(['runtimeClass', 'name'], 'is required with existing: true (the RuntimeClass the cluster has)');
      else if (HOST_KERNEL_HANDLERS.includes(rc.name)) {
        problem(['runtimeClass', 'name'], `must name a sandboxed RuntimeClass, got ${JSON.stringify(rc.name)} (a host-kernel runtime: ${HOST_KERNEL_HANDLERS.join(', ')})`);
      }
      if (rc.isolation === undefined) {
        problem(['runtimeClass', 'isolation'], 'is required with existing: true: gvisor or kata (what the RuntimeClass runs; Kata sizes each pod VM from its limits)');
      }
      return;
    }
    const handler = rc.handler ?? 'runsc';
    const isolation = handlerIsolation(handler);
    if (!isolation) {
      const why = HOST_KERNEL_HANDLERS.includes(handler) ? ': it runs sandbox pods on the host kernel' : ' (not a sandboxed runtime we know)';
      problem(['runtimeClass', 'handler'], `must be ${HANDLER_EXAMPLES}, got ${JSON.stringify(handler)}${why}`);
    } else if (rc.isolation !== undefined && rc.isolation !== isolation) {
      problem(['runtimeClass', 'isolation'], `must be ${JSON.stringify(isolation)} for handler ${JSON.stringify(handler)} (or leave it out), got ${JSON.stringify(rc.isolation)}`);
    }
  });

export type KubernetesSettings = z.infer<typeof settingsSchema>;

/** The RuntimeClass and sandbox nodes that valid settings describe. */
export function configureKubernetes(settings: KubernetesSettings): PlatformFacts {
  const rc = settings.runtimeClass ?? {};
  const handler = rc.existing ? undefined : (rc.handler ?? 'runsc');
  const isolation: Isolation = rc.isolation ?? handlerIsolation(handler ?? '') ?? 'gvisor';
  const name = rc.name ?? (isolation === 'gvisor' ? 'gvisor' : handler!);
  const label = settings.sandboxNodes?.label ?? { key: SANDBOX_NODE_LABEL_KEY, value: isolation };
  const taint = settings.sandboxNodes?.taint === false ? undefined : (settings.sandboxNodes?.taint ?? { ...label, effect: 'NoSchedule' as const });
  const sandboxNode: SandboxNode = { label, ...(taint ? { taint: { key: taint.key, value: taint.value ?? '', effect: taint.effect } } : {}) };
  const placement = sandboxNodeScheduling(sandboxNode);
  const common = { runtimeClassName: name, limitsSizeTheSandbox: isolation === 'kata', podOverheadMiB: 0, source: SOURCES[isolation] };
  // Ours: the RuntimeClass carries the scheduling (the API server merges it into every pod that names it). Theirs:
  // its scheduling is unknown to us, so every sandbox pod carries the nodeSelector and toleration itself.
  const facts: RuntimeFacts = handler
    ? { ...common, owner: 'us', handler, runtimeClassScheduling: placement, podPlacement: { nodeSelector: {}, tolerations: [] } }
    : { ...common, owner: 'platform', podPlacement: placement };
  const warnings = handler
    ? []
    : [
        `platforms.kubernetes.runtimeClass: "${name}" is an existing RuntimeClass that we reference but do not create, so its handler is not verified here; ` +
          `check that \`kubectl get runtimeclass ${name} -o jsonpath='{.handler}'\` is ${HANDLER_EXAMPLES.replace(/, …$/, '')} (the kubeconfig-only Pulumi stack reads it and refuses a host-kernel one)`,
      ];
  return { runtimes: { [isolation]: facts }, sandboxNode, warnings };
}

/**
 * The kubeconfig-only stack's `agent-sandbox-infra:cluster`: which context of the kubeconfig, and whose manifests.
 * The kubeconfig itself is the secret `agent-sandbox-infra:kubeconfig` (its content or a file path), never in here.
 */
const clusterSchema = z
  .object({
    /** A context of the kubeconfig `agent-sandbox-infra:kubeconfig` (default: its current-context). */
    context: z.string().min(1),
    /** The platform whose manifests the stack deploys (the cluster is that platform's, created elsewhere). @default kubernetes */
    manifestsFor: z.string().min(1),
  })
  .partial()
  .strict();

/** The secret stack setting that holds the kubeconfig (`agent-sandbox-infra:kubeconfig`). */
export const KUBECONFIG_SECRET = 'kubeconfig';

function clusterProblems(cluster: unknown, context: ClusterContext): Problem[] {
  const parsed = clusterSchema.safeParse(cluster ?? {}, { reportInput: true });
  const problems = parsed.success ? [] : issueProblems(parsed.error.issues, undefined, ['cluster']);
  if (!context.secretConfigured(KUBECONFIG_SECRET)) {
    problems.push(
      problemAt(
        KUBECONFIG_SECRET,
        'is required: the cluster to deploy to, as a secret — `pulumi config set --secret agent-sandbox-infra:kubeconfig "$(cat kubeconfig)"`, or the path of a kubeconfig file ' +
          '(with cluster.context to pick one of its contexts); this stack never falls back to whatever cluster your current kubectl context points at',
        'kubeconfigSecret',
      ),
    );
  }
  return problems;
}

const DEFAULTS = configureKubernetes({});

export const kubernetes: PlatformModule<KubernetesSettings, 'kubernetes'> = {
  platform: 'kubernetes',
  displayName: 'any conformant cluster (kubeconfig; on-prem, kind, k3s, a managed cluster)',
  cloud: 'any',
  runtimes: DEFAULTS.runtimes,
  sandboxNode: DEFAULTS.sandboxNode,
  agentSandboxModes: ['self'],
  dns: CLUSTER_DNS_ONLY,
  settings: settingsSchema,
  configure: configureKubernetes,
  clusterProblems,
  // Read even when another cluster key is wrong, so an unknown platform name is reported in the same refusal.
  manifestsFor: (cluster) => {
    const named = typeof cluster === 'object' && cluster !== null ? (cluster as { manifestsFor?: unknown }).manifestsFor : undefined;
    return typeof named === 'string' ? named : undefined;
  },
};
