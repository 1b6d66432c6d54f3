/** The object checkers `synth` and `validate` run beyond the schema. */
import type { Platform } from '../platforms';
import { draCelChecker } from '../validation/dra-cel';
import { createRuntimeClassChecker } from '../validation/runtime-class';
import { createSandboxInvariantsChecker, sandboxInvariantsChecker } from '../validation/sandbox/object';
import type { ObjectChecker } from '../validation/schema/validate-objects';
import { createSystemNamespaceChecker } from '../validation/system-namespaces';
import { createImageChecker } from '../validation/images';
import { createPlatformPlacementChecker } from '../validation/platform-placement';

/**
 * Sandbox pods, RuntimeClasses, and agent-sandbox objects outside system namespaces. With a platform, sandbox pods must also use that platform's runtime and carry
 * its placement (GKE), platform-owned RuntimeClasses must not be emitted and ours must carry the platform's
 * scheduling (EKS).
 */
export function defaultCheckers(platform?: Platform): ObjectChecker[] {
  return [
    platform ? createSandboxInvariantsChecker({ platform }) : sandboxInvariantsChecker,
    createRuntimeClassChecker({ platform }),
    createSystemNamespaceChecker({ platform }),
  ];
}

/**
 * What `validate` runs: the default checkers plus the DRA CEL selector check and the image references (hand-written
 * manifests). `synth` does not need those: its constructs check every selector and image when they are built.
 */
export function validateCheckers(platform?: Platform, options: { readonly strict?: boolean } = {}): ObjectChecker[] {
  return [...defaultCheckers(platform), draCelChecker, createImageChecker(options), ...(platform ? [createPlatformPlacementChecker(platform)] : [])];
}
