/**
 * `SandboxRuntime`: the sandboxed RuntimeClass of a platform. Where we own it (EKS, kind, and `kubernetes` unless
 * its settings name an existing class) it creates it (`gvisor`, handler `runsc`, with scheduling that matches the
 * sandbox node label and taint; on `kubernetes` the name, handler and nodes its settings give); where the platform
 * owns it (GKE `gvisor`, AKS `kata-vm-isolation`, an existing class on `kubernetes`) it only references it and emits
 * nothing: re-declaring a platform-owned RuntimeClass would fight the platform's own reconciler.
 */
import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeRuntimeClass } from '../imports/k8s';
import { platformModule, runtimeFor, supportedIsolations, type Isolation, type Placement, type Platform, type RuntimeFacts } from '../platforms';

export interface SandboxRuntimeProps {
  readonly platform: Platform;
  /** @default - the platform's first supported isolation (gvisor, or kata on AKS) */
  readonly isolation?: Isolation;
  /**
   * The platform's `platforms.<id>` settings: on the generic `kubernetes` platform they name the RuntimeClass (ours,
   * created here with its handler, or an existing one only referenced) and the sandbox nodes it schedules onto.
   * @default - the platform's own facts (its default settings)
   */
  readonly settings?: unknown;
}

export class SandboxRuntime extends Construct {
  readonly platform: Platform;
  readonly isolation: Isolation;
  /** The RuntimeClass name sandbox pods use. */
  readonly runtimeClassName: string;
  readonly facts: RuntimeFacts;
  /** Placement every sandbox pod must carry itself (nodeSelector/tolerations admission policies look for). */
  readonly podPlacement: Placement;
  /** The RuntimeClass object, only where we own it. */
  /** The RuntimeClass, where we own it (a KubeRuntimeClass). */
  readonly runtimeClass?: ApiObject;

  constructor(scope: Construct, id: string, props: SandboxRuntimeProps) {
    super(scope, id);
    this.platform = props.platform;
    platformModule(props.platform); // an unknown platform: an error naming the allowed ones
    this.isolation = props.isolation ?? supportedIsolations(props.platform, props.settings)[0];
    this.facts = runtimeFor(props.platform, this.isolation, props.settings);
    this.runtimeClassName = this.facts.runtimeClassName;
    this.podPlacement = this.facts.podPlacement;
    if (this.facts.owner === 'us') {
      const scheduling = this.facts.runtimeClassScheduling;
      this.runtimeClass = new KubeRuntimeClass(this, 'Resource', {
        metadata: {
          name: this.facts.runtimeClassName,
          labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': this.isolation },
        },
        handler: this.facts.handler!,
        ...(scheduling
          ? {
              scheduling: {
                nodeSelector: { ...scheduling.nodeSelector },
                ...(scheduling.tolerations.length ? { tolerations: scheduling.tolerations.map((t) => ({ ...t })) } : {}),
              },
            }
          : {}),
      });
    }
  }
}
