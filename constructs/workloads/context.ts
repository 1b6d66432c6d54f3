/** How workload constructs learn their platform, namespace and controller without being told twice. */
import { Chart } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { isPlatform, PLATFORMS, type Platform } from '../../platforms';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { problemAt, ProblemsError, type Problem } from '../../core/diagnostics';
import { addProblemValidation } from '../problem-validation';
import type { NamespacePodSecurity } from '../../validation/namespace-pod-security';

/**
 * A namespace as the workloads see it: a name, or a SandboxNamespace (which also brings its ServiceAccount, whether
 * it allows DRA admin access, and the NetworkPolicies that confine every pod in it).
 */
export type NamespaceRef =
  | string
  | {
      readonly name: string;
      readonly serviceAccountName?: string;
      readonly allowsDraAdminAccess?: boolean;
      /**
       * NetworkPolicies the namespace applies to every pod (a SandboxNamespace: default-deny plus its allowlists).
       * When set and non-empty, SandboxTemplates in it do not let the controller add its wide default policy.
       */
      readonly networkPolicyNames?: readonly string[];
      /** The namespace's enforced Pod Security level: pods it would reject are errors at synth. */
      readonly podSecurity?: NamespacePodSecurity;
    };

export function namespaceName(ns: NamespaceRef): string {
  return typeof ns === 'string' ? ns : ns.name;
}

export function namespaceServiceAccount(ns: NamespaceRef): string | undefined {
  return typeof ns === 'string' ? undefined : ns.serviceAccountName;
}

/** The Pod Security level a SandboxNamespace-like namespace enforces (undefined for a plain name: not known). */
export function namespacePodSecurity(ns: NamespaceRef): NamespacePodSecurity | undefined {
  return typeof ns === 'string' ? undefined : ns.podSecurity;
}

/** The NetworkPolicies a SandboxNamespace-like namespace applies to all its pods ([] for a plain name). */
export function namespaceNetworkPolicies(ns: NamespaceRef): readonly string[] {
  return typeof ns === 'string' ? [] : (ns.networkPolicyNames ?? []);
}

/** A platform and its `platforms.<id>` settings (undefined: the platform's defaults). */
export interface ResolvedPlatform {
  readonly platform: Platform;
  readonly settings?: unknown;
}

type PlatformScope = IConstruct & { platform?: unknown; platformSettings?: unknown };

/**
 * The platform given explicitly, else the one of an enclosing construct that has one (e.g. SandboxPlatformChart);
 * its settings given explicitly, else those of the nearest enclosing construct of the same platform that carries
 * `platformSettings` (so a tenant's templates see the chart's RuntimeClass on the generic `kubernetes` platform).
 */
export function resolvePlatform(scope: Construct, explicit: Platform | undefined, what: string, explicitSettings?: unknown): ResolvedPlatform {
  const fail = (problem: string): never => {
    throw new ProblemsError(`${what}: ${problem}`, [problemAt('', problem, 'platform')]);
  };
  const enclosing = [...scope.node.scopes].reverse() as PlatformScope[];
  let platform = explicit;
  if (platform !== undefined) {
    if (!isPlatform(platform)) fail(`platform "${String(platform)}" is unknown`);
  } else {
    platform = enclosing.map((s) => s.platform).find((p): p is Platform => typeof p === 'string' && isPlatform(p));
    if (platform === undefined) {
      return fail(`set platform (${PLATFORMS.slice(0, -1).join(', ')} or ${PLATFORMS[PLATFORMS.length - 1]}), or create it inside a SandboxPlatformChart`);
    }
  }
  const settings = explicitSettings ?? enclosing.find((s) => s.platform === platform && s.platformSettings !== undefined)?.platformSettings;
  return { platform, settings };
}

/** The controller settings a workload depends on, found in the same chart (undefined when installed elsewhere). */
export interface ControllerFacts {
  readonly extensions: boolean;
  readonly allowedLabelDomains: readonly string[];
  /** The API version the controller's release serves as storage version (`v1beta1` for v0.5.x). */
  readonly apiVersion: string;
  /** The controller's namespace: never a tenant's. @default - unknown */
  readonly namespace?: string;
  /** The pinned release the controller runs (its CRDs are what objects are checked against). */
  readonly version: string;
}

/**
 * Controllers by chart: AgentSandbox registers itself, workloads look it up in O(1). Keyed by chart (a cluster's
 * manifests), not by app, so two platforms' charts in one app do not see each other's controller. Workloads created
 * before the AgentSandbox of their chart are not checked against it (SandboxPlatformChart creates it first).
 */
const controllers = new WeakMap<IConstruct, ControllerFacts>();

function chartOf(scope: Construct): IConstruct {
  return [...scope.node.scopes].reverse().find((s) => Chart.isChart(s)) ?? scope.node.root;
}

/** Called by AgentSandbox: workloads created after it in the same chart see its settings. */
export function registerController(scope: Construct, facts: ControllerFacts): void {
  controllers.set(chartOf(scope), facts);
}

export function findController(scope: Construct): ControllerFacts | undefined {
  return controllers.get(chartOf(scope));
}

/**
 * SandboxTemplates, SandboxWarmPools and SandboxClaims need the controller's extensions: without them AgentSandbox
 * installs none of their CRDs (the API server would reject the object) and nothing reconciles them.
 */
export function extensionsOffProblem(scope: Construct, kind: string): string | undefined {
  const controller = findController(scope);
  if (!controller || controller.extensions) return undefined;
  return (
    `the agent-sandbox controller in this chart runs without extensions (AgentSandbox controller.extensions: false; in a config file agentSandbox.controller.extensions), so the ${kind} CRD is not ` +
    `installed and no controller would reconcile ${kind}s; enable extensions`
  );
}

/**
 * A workload created before the AgentSandbox of its chart cannot be checked against it when it is constructed: the
 * check runs again when the app synthesizes (cdk8s runs every construct's validations first), so the order in which
 * a TypeScript app creates its constructs cannot hide a problem. Nothing is added when the controller was found.
 */
export function recheckAtSynth(scope: Construct, check: (controller: ControllerFacts) => readonly Problem[]): void {
  if (findController(scope)) return;
  addProblemValidation(scope, () => {
    const controller = findController(scope);
    return controller ? check(controller) : [];
  });
}

/** {@link extensionsOffProblem} now, and again at synth for a workload created before its chart's AgentSandbox. */
export function extensionsProblemNowAndAtSynth(scope: Construct, kind: string): string | undefined {
  recheckAtSynth(scope, () => {
    const problem = extensionsOffProblem(scope, kind);
    return problem ? [problemAt('', problem, 'controllerExtensions')] : [];
  });
  return extensionsOffProblem(scope, kind);
}

/**
 * `<group>/<version>` for a workload: the version of the release its chart's AgentSandbox installs, else (a controller
 * installed elsewhere, e.g. GKE's add-on) the default release's. A workload created before its chart's AgentSandbox
 * gets the default and is checked again at synth, so a release that serves another version cannot be missed.
 */
export function agentSandboxApiVersion(scope: Construct, group: string): string {
  const version = findController(scope)?.apiVersion ?? agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION).apiVersion;
  recheckAtSynth(scope, (controller) =>
    controller.apiVersion === version
      ? []
      : [problemAt('apiVersion', `emitted as ${group}/${version}, but the chart's AgentSandbox installs a release whose version is ${controller.apiVersion}; create the AgentSandbox first`, 'apiVersion')],
  );
  return `${group}/${version}`;
}

