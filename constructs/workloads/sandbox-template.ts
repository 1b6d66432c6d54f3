/**
 * `SandboxTemplate` (extensions.agents.x-k8s.io/v1beta1): the pod blueprint warm pools and claims use, with the
 * secure sandbox profile applied for the platform (see sandbox-pod.ts).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Platform } from '../platform/profiles';
import type { BuiltSandboxPod, JsonMap, SandboxPodProps } from './sandbox-pod';
import { checkName, checkSubdomainName, extensionsOffProblem, namespaceName, type NamespaceRef } from './context';
import { buildPodOwner } from './pod-owner';

export const EXTENSIONS_API_VERSION = 'extensions.agents.x-k8s.io/v1beta1';

export interface SandboxTemplateProps extends SandboxPodProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly namespace: NamespaceRef;
  /** @default - the enclosing SandboxPlatformChart's platform */
  readonly platform?: Platform;
  /** `Managed`: the controller creates a NetworkPolicy per sandbox from `networkPolicy`. @default 'Managed' (upstream default) */
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
}

export class SandboxTemplate extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly platform: Platform;
  readonly pod: BuiltSandboxPod;
  readonly envVarsInjectionPolicy: 'Allowed' | 'Overrides' | 'Disallowed';
  readonly volumeClaimTemplatesPolicy: 'Allowed' | 'Overrides' | 'Disallowed';
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxTemplateProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = namespaceName(props.namespace);
    const errors: string[] = [];
    checkSubdomainName('name', this.name, errors);
    checkName('namespace', this.namespace, errors);
    const extensionsOff = extensionsOffProblem(this, 'SandboxTemplate');
    if (extensionsOff) errors.push(`${extensionsOff}, or use a Sandbox (no extensions needed)`);
    // Unmanaged: the controller creates no per-sandbox NetworkPolicy, so these rules would be dropped silently.
    if (props.networkPolicyManagement === 'Unmanaged' && props.networkPolicy) {
      errors.push(
        'networkPolicy: is ignored with networkPolicyManagement: Unmanaged (the controller then creates no NetworkPolicy for the sandboxes); ' +
          'use Managed, or remove networkPolicy and restrict traffic with your own NetworkPolicies (e.g. the SandboxNamespace allowlists)',
      );
    }
    if (errors.length) throw new Error(`SandboxTemplate "${this.node.path}" is invalid:\n  ${errors.join('\n  ')}`);
    this.envVarsInjectionPolicy = props.envVarsInjectionPolicy ?? 'Disallowed';
    this.volumeClaimTemplatesPolicy = props.volumeClaimTemplatesPolicy ?? 'Disallowed';
    const { platform, pod, metadata } = buildPodOwner(this, 'SandboxTemplate', this.name, this.namespace, props);
    this.platform = platform;
    this.pod = pod;
    // Plain ApiObject: the spec is emitted exactly as built (the generated converters would drop unknown fields).
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: EXTENSIONS_API_VERSION,
      kind: 'SandboxTemplate',
      metadata,
      spec: {
        podTemplate: this.pod.podTemplate,
        networkPolicyManagement: props.networkPolicyManagement ?? 'Managed',
        ...(props.networkPolicy ? { networkPolicy: props.networkPolicy } : {}),
        envVarsInjectionPolicy: this.envVarsInjectionPolicy,
        ...(props.volumeClaimTemplates?.length ? { volumeClaimTemplates: props.volumeClaimTemplates } : {}),
        volumeClaimTemplatesPolicy: this.volumeClaimTemplatesPolicy,
        ...(props.service !== undefined ? { service: props.service } : {}),
      },
    });
  }
}
