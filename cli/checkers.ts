/** The object checkers `synth` and `validate` run beyond the schema (`validate`'s own in cli/validate.ts). */
import type { Platform } from '../platforms';
import { createRuntimeClassChecker } from '../validation/runtime-class';
import { createSandboxInvariantsChecker, sandboxInvariantsChecker } from '../validation/sandbox/object';
import type { ObjectChecker } from '../validation/schema/validate-objects';
import { createSystemNamespaceChecker } from '../validation/system-namespaces';

/**
 * Sandbox pods, RuntimeClasses, and agent-sandbox objects outside system namespaces. With a platform, sandbox pods
 * must also use that platform's runtime and carry its placement (GKE; an existing RuntimeClass on `kubernetes`),
 * platform-owned RuntimeClasses must not be emitted and ours must carry the platform's scheduling (EKS,
 * `kubernetes`); `platformSettings` are its `platforms.<id>`.
 */
export function defaultCheckers(platform?: Platform, platformSettings?: unknown): ObjectChecker[] {
  return [
    platform ? createSandboxInvariantsChecker({ platform, platformSettings }) : sandboxInvariantsChecker,
    createRuntimeClassChecker({ platform, platformSettings }),
    createSystemNamespaceChecker({ platform }),
  ];
}
