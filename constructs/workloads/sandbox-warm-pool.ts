/**
 * `SandboxWarmPool`: keeps `replicas` sandboxes of a template pre-started so claims get one at once. Upstream puts
 * no upper bound on replicas; we do (default 500), because a typo here can schedule thousands of sandbox VMs.
 * Optionally an autoscaling/v2 HorizontalPodAutoscaler drives the pool through its scale subresource; the pool then
 * has no `spec.replicas` of ours (the HPA owns it: a value in the manifest would reset the scaled pool on every apply).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { agentSandboxApiVersion, extensionsProblemNowAndAtSynth } from './context';
import { checkName, nameOrIdName } from '../../core/formats';
import { EXTENSIONS_GROUP, type SandboxTemplate } from './sandbox-template';
import type { JsonMap } from './sandbox-pod';
import { DEFAULT_MAX_WARM_POOL_REPLICAS, warmPoolReplicaProblems, type WarmPoolReplicas } from '../../validation/workload-rules';
import { type Problem, problemAt, problemList, ProblemsError } from '../../core/diagnostics';

export { DEFAULT_MAX_WARM_POOL_REPLICAS, warmPoolReplicaProblems, type WarmPoolReplicas };

export interface WarmPoolAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** autoscaling/v2 `MetricSpec` list (e.g. an External metric of claim creation rate). At least one. */
  readonly metrics: readonly JsonMap[];
  /** autoscaling/v2 `behavior`. @default - Kubernetes defaults */
  readonly behavior?: JsonMap;
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
  /** The Kubernetes version the manifests target: `autoscaling.minReplicas: 0` needs 1.37+. @default DEFAULT_KUBERNETES_VERSION */
  readonly kubernetesVersion?: string;
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
    const errors: Problem[] = [];
    this.name = nameOrIdName(props.name, id, errors);
    this.template = props.template;
    this.namespace = props.template.namespace;
    const as = props.autoscaling;
    this.replicas = as ? as.minReplicas : (props.replicas ?? 1);
    this.peakReplicas = as ? as.maxReplicas : this.replicas;
    if (props.name !== undefined) checkName('name', this.name, errors);
    errors.push(...warmPoolReplicaProblems(props, props.kubernetesVersion));
    const extensionsOff = extensionsProblemNowAndAtSynth(this, 'SandboxWarmPool');
    if (extensionsOff) errors.push(problemAt('', extensionsOff, 'controllerExtensions'));
    if (errors.length) throw new ProblemsError(`SandboxWarmPool "${this.node.path}" is invalid:${problemList(errors)}`, errors);

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
