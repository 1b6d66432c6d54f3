/**
 * `SandboxTemplate` (extensions.agents.x-k8s.io, v1beta1 for agent-sandbox v0.5.x): the pod blueprint warm pools and claims use, with the
 * secure sandbox profile applied for the platform (see sandbox-pod.ts).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Platform } from '../../platforms';
import type { BuiltSandboxPod, JsonMap, SandboxPodProps } from './sandbox-pod';
import { agentSandboxApiVersion, extensionsProblemNowAndAtSynth, findController, namespaceName, namespaceNetworkPolicies, type NamespaceRef } from './context';
import { DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';
import { claimLifecycleErrors, claimLifecycleSchema, type ClaimLifecycle } from '../../validation/claim-lifecycle';
import { checkName, checkSubdomainName, nameOrIdName } from '../../core/formats';
import { type Problem, problemAt } from '../../core/diagnostics';
import { buildPodOwnerOrThrow, checkPodAtSynth } from './pod-owner';
import { managedDefaultPolicyProblem } from '../../validation/workload-rules';

export { managedDefaultPolicyProblem };

/** API group of SandboxTemplate, SandboxWarmPool and SandboxClaim; the version comes from the release (context.ts). */
export const EXTENSIONS_GROUP = 'extensions.agents.x-k8s.io';

export interface SandboxTemplateProps extends SandboxPodProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly namespace: NamespaceRef;
  /** @default - the enclosing SandboxPlatformChart's platform */
  readonly platform?: Platform;
  /**
   * The platform's `platforms.<id>` settings (the generic `kubernetes` platform's RuntimeClass and sandbox nodes).
   * @default - those of the enclosing SandboxPlatformChart of the same platform, else the platform's defaults
   */
  readonly platformSettings?: unknown;
  /**
   * `Managed`: the controller creates a NetworkPolicy `<template>-network-policy` for the sandboxes, from
   * `networkPolicy` or, without it, from upstream's built-in default — egress to every public IPv4/IPv6 address
   * (0.0.0.0/0 and ::/0 minus private, link-local and ULA ranges) on **every port**, and ingress from
   * `app: sandbox-router` pods. `Unmanaged`: the controller creates none; the namespace's own policies apply.
   *
   * NetworkPolicies add up, so in a SandboxNamespace (default-deny plus an egress allowlist) that default policy
   * would silently open all public egress: there the default is `Unmanaged`, and `Managed` without `networkPolicy`
   * is an error. With `networkPolicy` given the default is `Managed` (the rules would be ignored otherwise).
   * For a namespace given by name (whose policies this construct cannot see) upstream's default applies.
   *
   * @default - `Unmanaged` in a SandboxNamespace without `networkPolicy`; otherwise `Managed` (upstream default)
   */
  readonly networkPolicyManagement?: 'Managed' | 'Unmanaged';
  /** Per-sandbox ingress/egress rules (NetworkPolicy ingress/egress rules). @default - none */
  readonly networkPolicy?: { readonly ingress?: readonly JsonMap[]; readonly egress?: readonly JsonMap[] };
  /** Whether claims may inject env vars. @default 'Disallowed' (upstream default) */
  readonly envVarsInjectionPolicy?: 'Allowed' | 'Overrides' | 'Disallowed';
  /** PVCs created per sandbox (PersistentVolumeClaim templates). @default [] */
  readonly volumeClaimTemplates?: readonly JsonMap[];
  /** Whether claims may add or override volume claim templates. @default 'Disallowed' (upstream default) */
  readonly volumeClaimTemplatesPolicy?: 'Allowed' | 'Overrides' | 'Disallowed';
  /** A Service per sandbox. @default - upstream default */
  readonly service?: boolean;
  /**
   * Lifecycle defaults of the SandboxClaims we emit for this template's warm pools (each claim's own fields win).
   * Our convention: agent-sandbox's SandboxTemplate has no lifecycle fields, so the defaults are written into each
   * claim, and recorded on the template (annotation `agent-sandbox-infra.io/claim-lifecycle-defaults`) for clients
   * that create claims themselves.
   * @default - DEFAULT_CLAIM_LIFECYCLE (expire 3600 s after the sandbox finished, Retain the claim)
   */
  readonly claimLifecycle?: ClaimLifecycle;
}

/** Where a template records the lifecycle defaults of its claims (JSON). */
export const CLAIM_LIFECYCLE_ANNOTATION = 'agent-sandbox-infra.io/claim-lifecycle-defaults';

export class SandboxTemplate extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly platform: Platform;
  readonly pod: BuiltSandboxPod;
  /** As emitted (see the prop for how the default is chosen). */
  readonly networkPolicyManagement: 'Managed' | 'Unmanaged';
  readonly envVarsInjectionPolicy: 'Allowed' | 'Overrides' | 'Disallowed';
  readonly volumeClaimTemplatesPolicy: 'Allowed' | 'Overrides' | 'Disallowed';
  /** The lifecycle defaults of claims for this template, as given. */
  readonly claimLifecycle?: ClaimLifecycle;
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxTemplateProps) {
    super(scope, id);
    const errors: Problem[] = [];
    this.name = nameOrIdName(props.name, id, errors, 'subdomain');
    this.namespace = namespaceName(props.namespace);
    if (props.name !== undefined) checkSubdomainName('name', this.name, errors);
    checkName('namespace', this.namespace, errors);
    const extensionsOff = extensionsProblemNowAndAtSynth(this, 'SandboxTemplate');
    if (extensionsOff) errors.push(problemAt('', `${extensionsOff}, or use a Sandbox (no extensions needed)`, 'controllerExtensions'));
    const confined = namespaceNetworkPolicies(props.namespace).length > 0;
    this.networkPolicyManagement = props.networkPolicyManagement ?? (confined && !props.networkPolicy ? 'Unmanaged' : 'Managed');
    // Unmanaged: the controller creates no per-sandbox NetworkPolicy, so these rules would be dropped silently.
    if (this.networkPolicyManagement === 'Unmanaged' && props.networkPolicy) {
      errors.push(
        problemAt('networkPolicy', 'is ignored with networkPolicyManagement: Unmanaged (the controller then creates no NetworkPolicy for the sandboxes); ' +
          'use Managed, or remove networkPolicy and restrict traffic with your own NetworkPolicies (e.g. the SandboxNamespace allowlists)', 'sandboxTemplate'),
      );
    }
    if (this.networkPolicyManagement === 'Managed' && !props.networkPolicy && confined) {
      errors.push(problemAt('networkPolicyManagement', managedDefaultPolicyProblem(this.name, this.namespace), 'sandboxTemplate'));
    }
    if (props.claimLifecycle) {
      errors.push(...claimLifecycleErrors('claimLifecycle', props.claimLifecycle, claimLifecycleSchema(findController(this)?.version ?? DEFAULT_AGENT_SANDBOX_VERSION)));
      this.claimLifecycle = props.claimLifecycle;
    }
    this.envVarsInjectionPolicy = props.envVarsInjectionPolicy ?? 'Disallowed';
    this.volumeClaimTemplatesPolicy = props.volumeClaimTemplatesPolicy ?? 'Disallowed';
    const { platform, platformSettings, pod, metadata } = buildPodOwnerOrThrow(this, 'SandboxTemplate', this.name, this.namespace, props, errors);
    this.platform = platform;
    this.pod = pod;
    // Plain ApiObject: the spec is emitted exactly as built (the generated converters would drop unknown fields).
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: agentSandboxApiVersion(this, EXTENSIONS_GROUP),
      kind: 'SandboxTemplate',
      metadata: props.claimLifecycle
        ? { ...metadata, annotations: { ...(metadata.annotations ?? {}), [CLAIM_LIFECYCLE_ANNOTATION]: JSON.stringify(props.claimLifecycle) } }
        : metadata,
      spec: {
        podTemplate: this.pod.podTemplate,
        networkPolicyManagement: this.networkPolicyManagement,
        ...(props.networkPolicy ? { networkPolicy: props.networkPolicy } : {}),
        envVarsInjectionPolicy: this.envVarsInjectionPolicy,
        ...(props.volumeClaimTemplates?.length ? { volumeClaimTemplates: props.volumeClaimTemplates } : {}),
        volumeClaimTemplatesPolicy: this.volumeClaimTemplatesPolicy,
        ...(props.service !== undefined ? { service: props.service } : {}),
      },
    });
    checkPodAtSynth(this, this.resource, platform, platformSettings, props.namespace);
  }
}
