/**
 * `SandboxClaim`: takes a sandbox from a warm pool. Pod label keys it adds must be in a domain the controller
 * allows (`allowed-label-domains`, default `sandbox.users.io`): otherwise the controller refuses the claim at run
 * time (Ready=False, InvalidMetadata) — we refuse it at synth instead.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_ALLOWED_LABEL_DOMAINS } from '../agent-sandbox/agent-sandbox';
import { checkName, extensionsOffProblem, findController, rfc3339Problem } from './context';
import type { JsonMap } from './sandbox-pod';
import { EXTENSIONS_API_VERSION } from './sandbox-template';
import type { SandboxWarmPool } from './sandbox-warm-pool';

export interface SandboxClaimLifecycle {
  /** RFC 3339 time at which the sandbox shuts down. @default - never */
  readonly shutdownTime?: string;
  /** @default 'Retain' (upstream default) */
  readonly shutdownPolicy?: 'Delete' | 'DeleteForeground' | 'Retain';
  /** Seconds after the sandbox finishes before the claim is deleted. @default - kept */
  readonly ttlSecondsAfterFinished?: number;
}

export interface SandboxClaimProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly warmPool: SandboxWarmPool;
  /** @default - none */
  readonly lifecycle?: SandboxClaimLifecycle;
  /** Labels/annotations added to the claimed pod. Label keys need an allowed domain prefix. @default - none */
  readonly additionalPodMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  /** Env vars injected into the sandbox (the template's envVarsInjectionPolicy must allow it). @default [] */
  readonly env?: readonly { readonly name: string; readonly value: string; readonly containerName?: string }[];
  /** Extra PVCs (the template's volumeClaimTemplatesPolicy must allow it). @default [] */
  readonly volumeClaimTemplates?: readonly JsonMap[];
  /** Label domains the controller allows, when it is not in this chart. @default - the chart's AgentSandbox, else sandbox.users.io */
  readonly allowedLabelDomains?: readonly string[];
}

/** Whether a label key's prefix is an allowed domain or a subdomain of one. */
export function labelDomainAllowed(key: string, domains: readonly string[]): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash).toLowerCase();
  return domains.some((d) => prefix === d || prefix.endsWith(`.${d}`));
}

export class SandboxClaim extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxClaimProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = props.warmPool.namespace;
    const template = props.warmPool.template;
    const errors: string[] = [];
    checkName('name', this.name, errors);
    const domains = props.allowedLabelDomains ?? findController(this)?.allowedLabelDomains ?? DEFAULT_ALLOWED_LABEL_DOMAINS;
    for (const key of Object.keys(props.additionalPodMetadata?.labels ?? {})) {
      if (!labelDomainAllowed(key, domains)) {
        errors.push(
          `additionalPodMetadata.labels["${key}"]: the controller only accepts label keys in the allowed domains (${domains.join(', ')}) ` +
            'or their subdomains; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix',
        );
      }
    }
    const lc = props.lifecycle;
    const shutdownTimeProblem = lc?.shutdownTime !== undefined ? rfc3339Problem(lc.shutdownTime) : undefined;
    if (shutdownTimeProblem) errors.push(`lifecycle.shutdownTime: ${shutdownTimeProblem}`);
    if (lc?.ttlSecondsAfterFinished !== undefined && (!Number.isInteger(lc.ttlSecondsAfterFinished) || lc.ttlSecondsAfterFinished < 0)) {
      errors.push(`lifecycle.ttlSecondsAfterFinished: must be an integer ≥ 0, got ${lc.ttlSecondsAfterFinished}`);
    }
    if (props.env?.length && template.envVarsInjectionPolicy === 'Disallowed') {
      errors.push(`env: SandboxTemplate "${template.name}" has envVarsInjectionPolicy Disallowed, so the controller would reject these env vars; set it to Allowed or Overrides`);
    }
    const containerNames = (template.pod.podTemplate.spec.containers as { name: string }[]).map((c) => c.name);
    for (const [i, e] of (props.env ?? []).entries()) {
      if (e.containerName !== undefined && !containerNames.includes(e.containerName)) {
        errors.push(`env[${i}].containerName: "${e.containerName}" is not a container of SandboxTemplate "${template.name}" (${containerNames.join(', ')})`);
      }
    }
    if (props.volumeClaimTemplates?.length && template.volumeClaimTemplatesPolicy === 'Disallowed') {
      errors.push(`volumeClaimTemplates: SandboxTemplate "${template.name}" has volumeClaimTemplatesPolicy Disallowed; set it to Allowed or Overrides`);
    }
    const extensionsOff = extensionsOffProblem(this, 'SandboxClaim');
    if (extensionsOff) errors.push(extensionsOff);
    if (errors.length) throw new Error(`SandboxClaim "${this.node.path}" is invalid:\n  ${errors.join('\n  ')}`);

    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: EXTENSIONS_API_VERSION,
      kind: 'SandboxClaim',
      metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: {
        warmPoolRef: { name: props.warmPool.name },
        ...(lc ? { lifecycle: { ...lc } } : {}),
        ...(props.additionalPodMetadata ? { additionalPodMetadata: props.additionalPodMetadata } : {}),
        ...(props.env?.length ? { env: props.env } : {}),
        ...(props.volumeClaimTemplates?.length ? { volumeClaimTemplates: props.volumeClaimTemplates } : {}),
      },
    });
    this.resource.addDependency(props.warmPool.resource);
  }
}
