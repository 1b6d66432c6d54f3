/** The object checkers `synth` and `validate` run beyond the schema. */
import type { Platform } from '../platforms';
import { DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';
import { retiredApiChecker } from '../validation/deprecated-apis';
import { draCelChecker } from '../validation/dra-cel';
import { createRuntimeClassChecker } from '../validation/runtime-class';
import { createSandboxInvariantsChecker, sandboxInvariantsChecker } from '../validation/sandbox/object';
import type { ObjectChecker } from '../validation/schema/validate-objects';

/**
 * Sandbox pods and RuntimeClasses. With a platform, sandbox pods must also use that platform's runtime and carry
 * its placement (GKE), platform-owned RuntimeClasses must not be emitted and ours must carry the platform's
 * scheduling (EKS).
 */
export function defaultCheckers(platform?: Platform, platformSettings?: unknown): ObjectChecker[] {
  return [
    platform ? createSandboxInvariantsChecker({ platform, platformSettings }) : sandboxInvariantsChecker,
    createRuntimeClassChecker({ platform, platformSettings }),
  ];
}

/**
 * What `validate` runs: the default checkers plus the DRA CEL selector check (hand-written manifests). `synth` does
 * not need the latter: its DRA constructs check every selector when they are built.
 */
export function validateCheckers(platform?: Platform, kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): ObjectChecker[] {
  return [...defaultCheckers(platform), draCelChecker, retiredApiChecker(kubernetesVersion)];
}
