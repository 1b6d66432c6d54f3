/**
 * Advisory: in production stacks the agent-sandbox controller runs more than one replica. With one replica, a node
 * drain or a crash stops warm-pool refills, claim binding and the CRD conversion webhook (every v1alpha1 request
 * fails) until the pod is back. Leader election makes extra replicas standbys.
 *
 * Production stack: the stack name matches the policy config `productionStackPattern` (a regular expression,
 * default `prod`). The stack name is read from the resource URN (`urn:pulumi:<stack>::…`): every resource the
 * analyzer sees carries it, in `pulumi preview`/`up` and in tests alike. (`pulumi.getStack()` is not used: the
 * policy pack runs in its own process, where it reads `PULUMI_NODEJS_STACK`, an environment variable the CLI sets
 * for programs, not for policy packs; unset, it answers "stack".)
 *
 * The controller Deployment is recognised by the labels our construct sets (`app.kubernetes.io/name: agent-sandbox`,
 * `app.kubernetes.io/component: controller`), by the name `agent-sandbox-controller`, or by a container running the
 * `agent-sandbox-controller` image (upstream manifests). `spec.replicas` unset means 1. Checked on Deployments
 * registered directly and inside ConfigGroup `yaml`/`objs` (see kubernetes-sandbox-security.ts).
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { field, formatFinding, isObj, kubernetesObjectsOf, parseUrn, showValue, type Finding, type Obj } from './shared';

/** Same value as constructs/agent-sandbox/agent-sandbox.ts `CONTROLLER_NAME` (a test keeps them equal). */
export const CONTROLLER_NAME = 'agent-sandbox-controller';
export const DEFAULT_PRODUCTION_STACK_PATTERN = 'prod';
export const MIN_PRODUCTION_CONTROLLER_REPLICAS = 2;

export interface ControllerReplicasConfig {
  /** Regular expression tested against the stack name. @default 'prod' */
  readonly productionStackPattern?: string;
}

/** Is this object the agent-sandbox controller Deployment? */
export function isControllerDeployment(value: Obj): boolean {
  if (value.kind !== 'Deployment' || value.apiVersion !== 'apps/v1') return false;
  const labels = field(value.metadata, 'labels');
  if (isObj(labels) && labels['app.kubernetes.io/name'] === 'agent-sandbox' && labels['app.kubernetes.io/component'] === 'controller') return true;
  if (field(value.metadata, 'name') === CONTROLLER_NAME) return true;
  const containers = field(field(field(field(value, 'spec'), 'template'), 'spec'), 'containers');
  return Array.isArray(containers) && containers.some((c) => typeof field(c, 'image') === 'string' && /(^|\/)agent-sandbox-controller([:@]|$)/.test(field(c, 'image') as string));
}

/** Is the stack a production stack? */
export function isProductionStack(stack: string, pattern: string = DEFAULT_PRODUCTION_STACK_PATTERN): boolean {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new Error(`policy config productionStackPattern must be a regular expression, got ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
  return re.test(stack);
}

export function controllerReplicaFindings(value: Obj, object: string, stack: string): Finding[] {
  if (!isControllerDeployment(value)) return [];
  const replicas = field(value.spec, 'replicas');
  const effective = replicas === undefined || replicas === null ? 1 : replicas;
  if (typeof effective === 'number' && effective >= MIN_PRODUCTION_CONTROLLER_REPLICAS) return [];
  return [
    {
      rule: 'controllerReplicas',
      object,
      path: 'spec.replicas',
      message: `should be ≥ ${MIN_PRODUCTION_CONTROLLER_REPLICAS} in production stack "${stack}" (one replica stops warm-pool refills, claims and the conversion webhook while it restarts; set agentSandbox.replicas), got ${showValue(replicas)}${replicas === undefined || replicas === null ? ' (1)' : ''}`,
    },
  ];
}

export function validateControllerReplicas(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  const { objects } = kubernetesObjectsOf(args);
  const controllers = objects.filter((o) => isControllerDeployment(o.value));
  if (controllers.length === 0) args.notApplicable('no agent-sandbox controller Deployment');
  const stack = parseUrn(args.urn)?.stack ?? '';
  const pattern = args.getConfig<ControllerReplicasConfig>().productionStackPattern ?? DEFAULT_PRODUCTION_STACK_PATTERN;
  if (!isProductionStack(stack, pattern)) args.notApplicable(`stack "${stack}" does not match /${pattern}/`);
  for (const o of controllers) for (const f of controllerReplicaFindings(o.value, o.object, stack)) reportViolation(formatFinding({ ...f, source: o.source }));
}

export const controllerReplicasPolicy: ResourceValidationPolicy = {
  name: 'agent-sandbox-controller-replicas-production',
  description: `In production stacks (stack name matching /${DEFAULT_PRODUCTION_STACK_PATTERN}/ by default) the agent-sandbox controller Deployment runs at least ${MIN_PRODUCTION_CONTROLLER_REPLICAS} replicas.`,
  enforcementLevel: 'advisory',
  configSchema: { properties: { productionStackPattern: { type: 'string', default: DEFAULT_PRODUCTION_STACK_PATTERN } } },
  validateResource: validateControllerReplicas,
};
