/**
 * `Sandbox` (agents.x-k8s.io, v1beta1 for agent-sandbox v0.5.x): one long-lived sandbox without a warm pool, with the same secure pod as a
 * template; `operatingMode: Suspended` hibernates it (pod deleted, volumes kept).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { Platform } from '../../platforms';
import { agentSandboxApiVersion, namespaceName, type NamespaceRef } from './context';
import { checkName, nameOrIdName, rfc3339Problem } from '../../core/formats';
import { type Problem, problemAt } from '../../core/diagnostics';
import { buildPodOwnerOrThrow, checkPodAtSynth } from './pod-owner';
import type { BuiltSandboxPod, JsonMap, SandboxPodProps } from './sandbox-pod';

/** API group of Sandbox; the version comes from the release (context.ts). */
export const SANDBOX_GROUP = 'agents.x-k8s.io';

export interface SandboxProps extends SandboxPodProps {
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
  /** `Suspended` hibernates the sandbox. @default 'Running' */
  readonly operatingMode?: 'Running' | 'Suspended';
  /** RFC 3339 time after which the sandbox shuts down. @default - never */
  readonly shutdownTime?: string;
  /** What happens at shutdownTime. @default 'Retain' (upstream default) */
  readonly shutdownPolicy?: 'Delete' | 'Retain';
  /** PVCs of the sandbox (immutable once created). @default [] */
  readonly volumeClaimTemplates?: readonly JsonMap[];
  /** A Service for the sandbox. @default - upstream default */
  readonly service?: boolean;
}

export class Sandbox extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly platform: Platform;
  readonly pod: BuiltSandboxPod;
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxProps) {
    super(scope, id);
    const errors: Problem[] = [];
    this.name = nameOrIdName(props.name, id, errors);
    this.namespace = namespaceName(props.namespace);
    if (props.name !== undefined) checkName('name', this.name, errors);
    checkName('namespace', this.namespace, errors);
    const shutdownTimeProblem = props.shutdownTime !== undefined ? rfc3339Problem(props.shutdownTime) : undefined;
    if (shutdownTimeProblem) errors.push(problemAt('shutdownTime', shutdownTimeProblem, 'sandbox'));
    const { platform, platformSettings, pod, metadata } = buildPodOwnerOrThrow(this, 'Sandbox', this.name, this.namespace, props, errors);
    this.platform = platform;
    this.pod = pod;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: agentSandboxApiVersion(this, SANDBOX_GROUP),
      kind: 'Sandbox',
      metadata,
      spec: {
        podTemplate: this.pod.podTemplate,
        operatingMode: props.operatingMode ?? 'Running',
        ...(props.shutdownTime ? { shutdownTime: props.shutdownTime } : {}),
        ...(props.shutdownPolicy ? { shutdownPolicy: props.shutdownPolicy } : {}),
        ...(props.volumeClaimTemplates?.length ? { volumeClaimTemplates: props.volumeClaimTemplates } : {}),
        ...(props.service !== undefined ? { service: props.service } : {}),
      },
    });
    checkPodAtSynth(this, this.resource, platform, platformSettings, props.namespace);
  }
}
