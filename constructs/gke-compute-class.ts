/**
 * `GkeComputeClass`: the custom ComputeClass (cloud.google.com/v1) that GKE uses to shape the nodes it adds for
 * sandbox pods (platforms/gke/compute-class.ts). Every sandbox pod of the chart selects it through the platform's
 * placement (`cloud.google.com/compute-class: <name>`), so warm pools get their machine shapes without hand-made
 * node pools. The object is checked against the ComputeClass schema before it is emitted: a problem is an error
 * naming the field, never a half-valid object for the API server to refuse at apply time.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { problemList, ProblemsError } from '../core/diagnostics';
import { computeClassProblems, gkeComputeClass } from '../platforms/gke/compute-class';
import type { GkeComputeClassObject, GkeComputeClassSettings } from '../platforms/gke/settings-model';

export interface GkeComputeClassProps {
  readonly platform: 'gke-autopilot' | 'gke-standard';
  /** The sandbox config's `platforms.<platform>.computeClass`. */
  readonly settings: GkeComputeClassSettings;
}

export class GkeComputeClass extends Construct {
  /** The name sandbox pods select. */
  readonly computeClassName: string;
  readonly object: GkeComputeClassObject;
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: GkeComputeClassProps) {
    super(scope, id);
    const object = gkeComputeClass(props.platform, props.settings);
    const problems = computeClassProblems(object);
    if (problems.length) throw new ProblemsError(`platforms.${props.platform}.computeClass: the ComputeClass is invalid:${problemList(problems)}`, problems);
    this.object = object;
    this.computeClassName = object.metadata.name;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: object.metadata,
      spec: object.spec,
    });
  }
}
