/**
 * What a platform is, as one module (platforms/<name>/index.ts) implementing {@link PlatformModule}: which sandboxed
 * runtimes exist and who owns their RuntimeClass, what a sandbox pod needs to land on a sandbox node, DNS and GPU
 * facts, the schema of its `platforms.<id>` settings, and the capacity check of its sandbox pools. platforms/index.ts
 * lists the modules (the only list of platform ids). Every fact cites its source.
 */
import type { CapacityResult } from './capacity/findings';
import type { WarmPoolDemand } from './capacity/plan';
import type { Problem } from '../core/diagnostics';

export const ISOLATIONS = ['gvisor', 'kata'] as const;
export type Isolation = (typeof ISOLATIONS)[number];

export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export interface RuntimeFacts {
  /** RuntimeClass name pods reference. */
  readonly runtimeClassName: string;
  /**
   * `platform`: the platform (or the cluster's operator, on the generic `kubernetes` platform) creates it and we must
   * never emit it; `us`: we create it.
   */
  readonly owner: 'platform' | 'us';
  /** CRI handler (only for RuntimeClasses we create). */
  readonly handler?: string;
  /** Scheduling carried by the RuntimeClass we create (the API server merges it into pods). */
  readonly runtimeClassScheduling?: Placement;
  /** Placement that must be written into every sandbox pod (admission policies check the pod, not the RuntimeClass). */
  readonly podPlacement: Placement;
  /** The runtime sizes its VM from container limits, so limits are mandatory. */
  readonly limitsSizeTheSandbox: boolean;
  /** Memory the runtime adds per pod on top of the container limits, in MiB. */
  readonly podOverheadMiB: number;
  readonly source: string;
}

/** `any`: a conformant cluster anywhere (the generic `kubernetes` platform); `local`: kind and other dev clusters. */
export type Cloud = 'gcp' | 'aws' | 'azure' | 'local' | 'any';
export type AgentSandboxMode = 'self' | 'managed';

export interface NodeLabel {
  readonly key: string;
  readonly value: string;
}

export interface NodeTaint extends NodeLabel {
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** DNS resolvers a platform's pods use by default (constructs/tenant/dns-egress.ts opens port 53 to them). */
export interface DnsDefaults {
  readonly clusterDns: boolean;
  readonly nodeLocalDnsCache: boolean;
  readonly gkeMetadataServerDns: boolean;
}

/** Resolvers of a cluster we know nothing more about: cluster DNS pods only. */
export const CLUSTER_DNS_ONLY: DnsDefaults = { clusterDns: true, nodeLocalDnsCache: false, gkeMetadataServerDns: false };

/** GPU sandboxes (`gpu: { count, type }` on a pod): the nodeSelector that puts the pod on a node with that GPU. */
export interface GpuFacts {
  /** The GPU type syntax, and an example for the error message. */
  readonly typePattern: RegExp;
  readonly typeExample: string;
  /** The node label that names the accelerator (read back by the capacity plan). */
  readonly acceleratorLabel: string;
  readonly nodeSelector: (gpuType: string) => Readonly<Record<string, string>>;
}

/** A zod schema of a platform's settings, as config/schema.ts composes it (structurally: no zod types here). */
export interface SettingsSchema<S> {
  safeParse(
    value: unknown,
    params?: { readonly reportInput?: boolean },
  ): { readonly success: true; readonly data: S } | { readonly success: false; readonly error: { readonly issues: readonly SettingsIssue[] } };
}

/** One problem a settings schema reports (a zod issue, structurally). */
export interface SettingsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly input?: unknown;
}

/** Namespaces a platform creates and manages itself: a tenant there would share it with the platform's own pods. */
export interface ReservedNamespaces {
  /** Exact names. */
  readonly names?: readonly string[];
  /** Name prefixes (with their trailing `-`). */
  readonly prefixes?: readonly string[];
  /** Who uses them, for the message (e.g. `GKE's managed components, e.g. gke-managed-system`). */
  readonly why: string;
  readonly source: string;
}

/**
 * Kubernetes' own namespaces, on every cluster: `kube-system`, `kube-public`, `kube-node-lease` and `default`, and the
 * `kube-` prefix Kubernetes reserves for its system namespaces.
 */
export const KUBERNETES_RESERVED_NAMESPACES: ReservedNamespaces = {
  names: ['kube-system', 'kube-public', 'kube-node-lease', 'default'],
  prefixes: ['kube-'],
  why: "Kubernetes' own namespaces (kube-system, kube-public, kube-node-lease, default; the kube- prefix is reserved for them)",
  source: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces',
};

/** The facts of a platform (the public table `PLATFORM_PROFILES` holds one per platform). */
export interface PlatformProfile<Id extends string = string> {
  readonly platform: Id;
  readonly displayName: string;
  readonly cloud: Cloud;
  readonly runtimes: Partial<Readonly<Record<Isolation, RuntimeFacts>>>;
  /** `managed`: the platform can install agent-sandbox itself (GKE add-on). */
  readonly agentSandboxModes: readonly AgentSandboxMode[];
  /** Namespaces the platform manages (beyond Kubernetes' own): never a tenant's. @default none */
  readonly reservedNamespaces?: readonly ReservedNamespaces[];
}

/** What every platform's `platforms.<id>` settings may say; a platform's schema adds its own fields. */
export interface PlatformSettings {
  /** Who installs agent-sandbox: `self` (our manifests, the default) or `managed` (where the platform offers it). */
  readonly agentSandbox?: AgentSandboxMode;
  readonly [field: string]: unknown;
}

/** What a capacity check of a stack knows besides the cluster config. */
export interface CapacityContext {
  /** A provider setting of the stack (`gcp:region`, …), undefined when unset. */
  readonly providerConfig: (namespace: string, key: string) => string | undefined;
  /** The sandbox config's `platforms.<id>` settings (a GKE ComputeClass adds node pools of its own). @default {} */
  readonly settings?: unknown;
}

/** What the cluster checks of a stack know besides the cluster config. */
export interface ClusterContext extends CapacityContext {
  /** The stack's `platforms.<id>` settings: validated, or raw when another part of the sandbox config is invalid. */
  readonly settings: unknown;
  /** Whether the stack sets the secret `agent-sandbox-infra:<key>` (its value stays inside the engine). */
  readonly secretConfigured: (key: string) => boolean;
}

/** The sandbox nodes: their label, and the taint that keeps other pods off them. */
export interface SandboxNode {
  readonly label: NodeLabel;
  readonly taint?: NodeTaint;
}

/**
 * What a platform's settings decide, where they decide anything (the generic `kubernetes` platform: the user names
 * the RuntimeClass and the sandbox nodes). Read through `platformFacts(id, settings)` (platforms/index.ts), never
 * from the module's defaults, wherever settings are known: the chart, `synth`, `validate --config`, the stack.
 */
export interface PlatformFacts {
  readonly runtimes: Partial<Readonly<Record<Isolation, RuntimeFacts>>>;
  readonly sandboxNode?: SandboxNode;
  /** What the settings leave unverified (`platforms.<id>.<field>: …`): synth and validate print them, the stack logs them. */
  readonly warnings?: readonly string[];
}

/**
 * One platform. Adding one is this module, one line in platforms/index.ts, its test (and, to deploy it with Pulumi,
 * a component in stacks/ and one entry in stacks/components.ts).
 */
export interface PlatformModule<S = unknown, Id extends string = string> extends PlatformProfile<Id> {
  /**
   * Our label and taint on the sandbox nodes we create (the RuntimeClass we emit selects and tolerates them). With
   * {@link configure}: the default settings' nodes.
   */
  readonly sandboxNode?: SandboxNode;
  readonly dns: DnsDefaults;
  readonly gpu?: GpuFacts;
  /**
   * Schema of the sandbox config's `platforms.<id>` (strict: unknown keys are errors): a zod schema, typed by the
   * part the config reads so the package's declarations do not depend on zod's.
   */
  readonly settings: SettingsSchema<S>;
  /** Problems of valid settings against the agent-sandbox release the manifests are rendered for (`<field>: <reason>`). */
  readonly settingsProblems?: (settings: S, release: { readonly apiVersion: string }) => Problem[];
  /**
   * Runtimes and sandbox nodes that depend on the settings (valid ones: schema and settingsProblems passed). Without
   * it, `runtimes` and `sandboxNode` are the platform's facts whatever the settings; with it, they are what the
   * default settings give.
   */
  readonly configure?: (settings: S) => PlatformFacts;
  /**
   * Node label and taint keys that sandbox pods carry only under some settings (AKS's Spot label), beyond those of
   * the default facts: `validate --platform <another>` recognises them as this platform's placement. @default none
   */
  readonly optionalPlacementKeys?: readonly string[];
  /** Deployed by a Pulumi stack: the cluster config's problems (paths from the stack setting: `cluster.…`), checked before anything is created. */
  readonly clusterProblems?: (cluster: unknown, context: ClusterContext) => Problem[];
  /**
   * The platform whose manifests a stack of this platform deploys, when it is not this one (the kubeconfig-only
   * `kubernetes` stack: `cluster.manifestsFor`, onto a cluster that platform's tools created). @default this platform
   */
  readonly manifestsFor?: (cluster: unknown) => string | undefined;
  /** Warm pools against the cluster config's sandbox pools (a config that passed clusterProblems). */
  readonly capacity?: (cluster: unknown, demand: readonly WarmPoolDemand[], context: CapacityContext) => CapacityResult;
}

/** OCI runtimes that run containers on the host kernel: never the handler of a sandboxed RuntimeClass. */
export const HOST_KERNEL_HANDLERS: readonly string[] = ['runc', 'crun', 'youki'];

/** Label and taint key of the sandbox nodes we create (EKS node groups; AKS labels its Kata pool with it too). */
export const SANDBOX_NODE_LABEL_KEY = 'sandbox.agent-sandbox-infra.io/runtime';

/** The RuntimeClass scheduling that selects and tolerates our sandbox nodes. */
export function sandboxNodeScheduling(node: SandboxNode): Placement {
  return {
    nodeSelector: { [node.label.key]: node.label.value },
    tolerations: node.taint ? [{ key: node.taint.key, operator: 'Equal', value: node.taint.value, effect: node.taint.effect }] : [],
  };
}

/** gVisor where we install it on the nodes and create the RuntimeClass ourselves (EKS, kind). */
export const OUR_GVISOR: RuntimeFacts = {
  runtimeClassName: 'gvisor',
  owner: 'us',
  handler: 'runsc',
  podPlacement: { nodeSelector: {}, tolerations: [] },
  limitsSizeTheSandbox: false,
  podOverheadMiB: 0,
  source: 'https://gvisor.dev/docs/user_guide/containerd/quick_start/',
};
