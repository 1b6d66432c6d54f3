/**
 * `SandboxClaim`: takes a sandbox from a warm pool. Pod label keys it adds must be in a domain the controller
 * allows (`allowed-label-domains`, default `sandbox.users.io`): otherwise the controller refuses the claim at run
 * time (Ready=False, InvalidMetadata) — we refuse it at synth instead.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_ALLOWED_LABEL_DOMAINS } from '../agent-sandbox/agent-sandbox';
import { agentSandboxApiVersion, extensionsProblemNowAndAtSynth, findController, recheckAtSynth } from './context';
import { checkName, nameOrIdName } from '../../core/formats';
import { DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { claimLifecycleErrors, claimLifecycleSchema, effectiveClaimLifecycle, type ClaimLifecycle } from '../../validation/claim-lifecycle';
import { SECURITY_OPT_OUTS_ANNOTATION } from '../../validation/sandbox/object';
import type { JsonMap } from './sandbox-pod';
import { EXTENSIONS_GROUP } from './sandbox-template';
import type { SandboxWarmPool } from './sandbox-warm-pool';
import { type Problem, problemAt, problemList, ProblemsError } from '../../core/diagnostics';

/** `spec.lifecycle` of a SandboxClaim (see validation/claim-lifecycle.ts for the fields and our default). */
export type SandboxClaimLifecycle = ClaimLifecycle;

export interface SandboxClaimProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly warmPool: SandboxWarmPool;
  /**
   * When the claim expires and what expiry does, field by field over the template's `claimLifecycle` and our
   * default (DEFAULT_CLAIM_LIFECYCLE: expire 3600 s after the sandbox finished, Retain the claim). `false`: no
   * lifecycle at all (the sandbox runs until the claim is deleted), recorded in the security-opt-outs annotation.
   * @default - the template's claimLifecycle over DEFAULT_CLAIM_LIFECYCLE
   */
  readonly lifecycle?: SandboxClaimLifecycle | false;
  /** Labels/annotations added to the claimed pod. Label keys need an allowed domain prefix. @default - none */
  readonly additionalPodMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /** Env vars injected into the sandbox (the template's envVarsInjectionPolicy must allow it). @default [] */
  readonly env?: readonly { readonly name: string; readonly value: string; readonly containerName?: string }[];
  /** Extra PVCs (the template's volumeClaimTemplatesPolicy must allow it). @default [] */
  readonly volumeClaimTemplates?: readonly JsonMap[];
  /**
   * Label domains the controller allows, when it is not in this chart (installed elsewhere, or GKE's managed
   * add-on configured with other domains than its default sandbox.users.io).
   * @default - the chart's AgentSandbox, else sandbox.users.io (the upstream and GKE add-on default)
   */
  readonly allowedLabelDomains?: readonly string[];
}

/** Whether a label key's prefix is an allowed domain or a subdomain of one. */
export function labelDomainAllowed(key: string, domains: readonly string[]): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash).toLowerCase();
  return domains.some((d) => prefix === d || prefix.endsWith(`.${d}`));
}

/**
 * Why a label key is refused, by where the allowlist comes from: the claim's own allowedLabelDomains, the chart's
 * AgentSandbox (its allowedLabelDomains configure the controller), or a controller outside the chart (e.g. GKE's
 * managed add-on), whose allowlist the chart cannot change.
 */
export function labelDomainRefusal(domains: readonly string[], source: 'claim' | 'chart' | 'elsewhere'): string {
  const accepts = `the controller only accepts label keys in the allowed domains (${domains.join(', ')}) or their subdomains`;
  switch (source) {
    case 'claim':
      return `${accepts}, as given in this claim's allowedLabelDomains; use an allowed prefix, or add the domain to the controller's allowed-label-domains and to allowedLabelDomains`;
    case 'chart':
      return `${accepts}; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix`;
    case 'elsewhere':
      return (
        'no agent-sandbox controller is in this chart, so the allowlist is the installed controller\'s ' +
        `(for GKE's managed add-on, its default ${DEFAULT_ALLOWED_LABEL_DOMAINS.join(', ')}): ${accepts}; use an allowed prefix, ` +
        'or, if that controller was configured with other domains, pass them as allowedLabelDomains on the claim'
      );
    default: {
      const never: never = source;
      throw new Error(`unknown allowlist source ${String(never)}`);
    }
  }
}

export class SandboxClaim extends Construct {
  readonly name: string;
  readonly namespace: string;
  /** The pool the claim takes its sandbox from (the pool then starts a replacement). */
  readonly warmPool: SandboxWarmPool;
  readonly resource: ApiObject;
  /** `spec.lifecycle` as emitted; undefined with `lifecycle: false`. */
  readonly lifecycle?: SandboxClaimLifecycle;

  constructor(scope: Construct, id: string, props: SandboxClaimProps) {
    super(scope, id);
    const errors: Problem[] = [];
    this.name = nameOrIdName(props.name, id, errors);
    this.warmPool = props.warmPool;
    this.namespace = props.warmPool.namespace;
    const template = props.warmPool.template;
    if (props.name !== undefined) checkName('name', this.name, errors);
    const controller = findController(this);
    const domains = props.allowedLabelDomains ?? controller?.allowedLabelDomains ?? DEFAULT_ALLOWED_LABEL_DOMAINS;
    const refused = labelDomainRefusal(domains, props.allowedLabelDomains !== undefined ? 'claim' : controller ? 'chart' : 'elsewhere');
    const labelKeys = Object.keys(props.additionalPodMetadata?.labels ?? {});
    for (const key of labelKeys) {
      if (!labelDomainAllowed(key, domains)) errors.push(problemAt(`additionalPodMetadata.labels["${key}"]`, refused, 'sandboxClaim'));
    }
    // The claim's annotations land on the sandbox pod: they must not choose its AppArmor or seccomp profile, which the
    // template and its namespace's Pod Security level govern.
    for (const key of Object.keys(props.additionalPodMetadata?.annotations ?? {})) {
      if (/^(container\.apparmor\.security\.beta\.kubernetes\.io\/|container\.seccomp\.security\.alpha\.kubernetes\.io\/|seccomp\.security\.alpha\.kubernetes\.io\/pod$)/.test(key)) {
        errors.push(problemAt(`additionalPodMetadata.annotations["${key}"]`, `a claim may not set the pod's security profile (AppArmor/seccomp); set it in the template, where the secure profile checks it`, 'sandboxClaim'));
      }
    }
    // Created before its chart's AgentSandbox: checked above against upstream's default; at synth, against that
    // controller's own allowlist (which replaces the default, so a default-domain key may not pass there).
    if (props.allowedLabelDomains === undefined) {
      recheckAtSynth(this, (later) =>
        labelKeys
          .filter((key) => !labelDomainAllowed(key, later.allowedLabelDomains))
          .map((key) => problemAt(`additionalPodMetadata.labels["${key}"]`, labelDomainRefusal(later.allowedLabelDomains, 'chart'), 'labelDomain')),
      );
    }
    const version = findController(this)?.version ?? DEFAULT_AGENT_SANDBOX_VERSION;
    const lc = props.lifecycle === false ? undefined : effectiveClaimLifecycle(props.lifecycle, template.claimLifecycle);
    if (props.lifecycle) errors.push(...claimLifecycleErrors('lifecycle', props.lifecycle, claimLifecycleSchema(version)));
    if (props.env?.length && template.envVarsInjectionPolicy === 'Disallowed') {
      errors.push(problemAt('env', `SandboxTemplate "${template.name}" has envVarsInjectionPolicy Disallowed, so the controller would reject these env vars; set it to Allowed or Overrides`, 'sandboxClaim'));
    }
    const containerNames = (template.pod.podTemplate.spec.containers as { name: string }[]).map((c) => c.name);
    for (const [i, e] of (props.env ?? []).entries()) {
      if (e.containerName !== undefined && !containerNames.includes(e.containerName)) {
        errors.push(problemAt(`env[${i}].containerName`, `"${e.containerName}" is not a container of SandboxTemplate "${template.name}" (${containerNames.join(', ')})`, 'sandboxClaim'));
      }
    }
    if (props.volumeClaimTemplates?.length && template.volumeClaimTemplatesPolicy === 'Disallowed') {
      errors.push(problemAt('volumeClaimTemplates', `SandboxTemplate "${template.name}" has volumeClaimTemplatesPolicy Disallowed; set it to Allowed or Overrides`, 'sandboxClaim'));
    }
    const extensionsOff = extensionsProblemNowAndAtSynth(this, 'SandboxClaim');
    if (extensionsOff) errors.push(problemAt('', extensionsOff, 'controllerExtensions'));
    if (errors.length) throw new ProblemsError(`SandboxClaim "${this.node.path}" is invalid:${problemList(errors)}`, errors);
    this.lifecycle = lc;

    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: agentSandboxApiVersion(this, EXTENSIONS_GROUP),
      kind: 'SandboxClaim',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' },
        ...(props.lifecycle === false ? { annotations: { [SECURITY_OPT_OUTS_ANNOTATION]: 'lifecycle' } } : {}),
      },
      spec: {
        warmPoolRef: { name: props.warmPool.name },
        ...(lc ? { lifecycle: lc } : {}),
        ...(props.additionalPodMetadata ? { additionalPodMetadata: props.additionalPodMetadata } : {}),
        ...(props.env?.length ? { env: props.env } : {}),
        ...(props.volumeClaimTemplates?.length ? { volumeClaimTemplates: props.volumeClaimTemplates } : {}),
      },
    });
    this.resource.addDependency(props.warmPool.resource);
  }
}
