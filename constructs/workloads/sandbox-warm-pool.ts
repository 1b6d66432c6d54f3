/**
 * `SandboxWarmPool`: keeps `replicas` sandboxes of a template pre-started so claims get one at once. Upstream puts
 * no upper bound on replicas; we do (default 500), because a typo here can schedule thousands of sandbox VMs.
 * Optionally an autoscaling/v2 HorizontalPodAutoscaler drives the pool through its scale subresource; the pool then
 * has no `spec.replicas` of ours (the HPA owns it: a value in the manifest would reset the scaled pool on every apply).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { agentSandboxApiVersion, checkName, extensionsProblemNowAndAtSynth } from './context';
import { EXTENSIONS_GROUP, type SandboxTemplate } from './sandbox-template';
import type { JsonMap } from './sandbox-pod';

export const DEFAULT_MAX_WARM_POOL_REPLICAS = 500;

export interface WarmPoolAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** autoscaling/v2 `MetricSpec` list (e.g. an External metric of claim creation rate). At least one. */
  readonly metrics: readonly JsonMap[];
  /** autoscaling/v2 `behavior`. @default - Kubernetes defaults */
  readonly behavior?: JsonMap;
}

/** The replica fields of a warm pool (construct props or config entry). */
export interface WarmPoolReplicas {
  readonly replicas?: number;
  readonly maxReplicas?: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly metrics?: readonly unknown[] };
}

/**
 * Problems with a warm pool's replica settings, as `field: message` lines: the bound (maxReplicas, default 500), the
 * autoscaler's range, its metrics. Shared by the construct and the config validation, so both say the same.
 */
export function warmPoolReplicaProblems(p: WarmPoolReplicas): string[] {
  const errors: string[] = [];
  const bound = p.maxReplicas ?? DEFAULT_MAX_WARM_POOL_REPLICAS;
  const as = p.autoscaling;
  if (!Number.isInteger(bound) || bound < 1) errors.push(`maxReplicas: must be an integer ≥ 1, got ${bound}`);
  const replicaCheck = (field: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) errors.push(`${field}: must be an integer ≥ ${min}, got ${v}`);
    else if (v > bound) errors.push(`${field}: must be ≤ ${bound} (maxReplicas), got ${v}`);
  };
  replicaCheck('replicas', p.replicas ?? as?.minReplicas ?? 1, 0);
  if (as) {
    replicaCheck('autoscaling.minReplicas', as.minReplicas, 1);
    replicaCheck('autoscaling.maxReplicas', as.maxReplicas, 1);
    if (as.maxReplicas < as.minReplicas) errors.push(`autoscaling.maxReplicas: must be ≥ minReplicas (${as.minReplicas}), got ${as.maxReplicas}`);
    if (!as.metrics?.length) errors.push('autoscaling.metrics: at least one metric is required (e.g. an External metric of the claim rate)');
    if (p.replicas !== undefined && (p.replicas < as.minReplicas || p.replicas > as.maxReplicas)) {
      errors.push(`replicas: ${p.replicas} is outside autoscaling ${as.minReplicas}..${as.maxReplicas}; the autoscaler would change it at once`);
    }
  }
  return errors;
}

export interface SandboxWarmPoolProps {
  /** @default - the construct id */
  readonly name?: string;
  /** The template construct (same namespace). */
  readonly template: SandboxTemplate;
  /**
   * Sandboxes kept warm. With `autoscaling` it is not emitted (the autoscaler owns `spec.replicas`; applying a
   * value would reset the scaled pool every time) and must lie within minReplicas..maxReplicas.
   * @default 1 (upstream default); with autoscaling, the autoscaler's minReplicas
   */
  readonly replicas?: number;
  /** Upper bound for replicas and the autoscaler's maxReplicas. @default 500 */
  readonly maxReplicas?: number;
  /** `OnReplenish`: template changes apply to new sandboxes; `Recreate`: warm sandboxes are replaced. @default 'OnReplenish' (upstream default) */
  readonly updateStrategy?: 'Recreate' | 'OnReplenish';
  /** Scale the pool with a HorizontalPodAutoscaler. @default - fixed replicas */
  readonly autoscaling?: WarmPoolAutoscaling;
}

export class SandboxWarmPool extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly template: SandboxTemplate;
  /** Sandboxes kept warm: `spec.replicas`, or with autoscaling the autoscaler's floor (then not in the spec). */
  readonly replicas: number;
  /** The most sandboxes this pool can run (for capacity planning): the autoscaler maximum, else replicas. */
  readonly peakReplicas: number;
  readonly resource: ApiObject;
  readonly autoscaler?: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxWarmPoolProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.template = props.template;
    this.namespace = props.template.namespace;
    const as = props.autoscaling;
    this.replicas = as ? as.minReplicas : (props.replicas ?? 1);
    this.peakReplicas = as ? as.maxReplicas : this.replicas;
    const errors: string[] = [];
    checkName('name', this.name, errors);
    errors.push(...warmPoolReplicaProblems(props));
    const extensionsOff = extensionsProblemNowAndAtSynth(this, 'SandboxWarmPool');
    if (extensionsOff) errors.push(extensionsOff);
    if (errors.length) throw new Error(`SandboxWarmPool "${this.node.path}" is invalid:\n  ${errors.join('\n  ')}`);

    const apiVersion = agentSandboxApiVersion(this, EXTENSIONS_GROUP);
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion,
      kind: 'SandboxWarmPool',
      metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: {
        // With an autoscaler the CRD default applies on creation and the HPA scales from there.
        ...(as ? {} : { replicas: this.replicas }),
        sandboxTemplateRef: { name: props.template.name },
        updateStrategy: { type: props.updateStrategy ?? 'OnReplenish' },
      },
    });
    this.resource.addDependency(props.template.resource);
    if (as) {
      this.autoscaler = new ApiObject(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
        spec: {
          scaleTargetRef: { apiVersion, kind: 'SandboxWarmPool', name: this.name },
          minReplicas: as.minReplicas,
          maxReplicas: as.maxReplicas,
          metrics: as.metrics,
          ...(as.behavior ? { behavior: as.behavior } : {}),
        },
      });
    }
  }
}
