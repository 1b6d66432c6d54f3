/** The object checkers `synth` and `validate` run beyond the schema. */
import type { Platform } from '../platforms';
import { DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';
import { retiredApiChecker } from '../validation/deprecated-apis';
import { draCelChecker } from '../validation/dra-cel';
import { createRuntimeClassChecker } from '../validation/runtime-class';
import { createSandboxInvariantsChecker, sandboxInvariantsChecker } from '../validation/sandbox/object';
import type { ObjectChecker } from '../validation/schema/validate-objects';
import { createSystemNamespaceChecker } from '../validation/system-namespaces';
import { createImageChecker } from '../validation/images';
import { createPlatformPlacementChecker } from '../validation/platform-placement';

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

/**
 * What `validate` runs: the default checkers plus the DRA CEL selector check and the image references (hand-written
 * manifests). `synth` does not need those: its constructs check every selector and image when they are built.
 */
export interface ValidateCheckerOptions {
  /** Retired API versions are judged for this version. @default DEFAULT_KUBERNETES_VERSION */
  readonly kubernetesVersion?: string;
  /** The platform's `platforms.<id>` settings (where the platform's facts depend on them). */
  readonly platformSettings?: unknown;
  /** Unpinned images are errors, not warnings. */
  readonly strict?: boolean;
}

export function validateCheckers(platform?: Platform, options: ValidateCheckerOptions = {}): ObjectChecker[] {
  return [
    ...defaultCheckers(platform, options.platformSettings),
    draCelChecker,
    retiredApiChecker(options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
    createImageChecker({ strict: options.strict }),
    ...(platform ? [createPlatformPlacementChecker(platform)] : []),
  ];
}
