/** The object checkers `synth` and `validate` run beyond the schema. */
import type { Platform } from '../constructs/platform/profiles';
import { createSandboxInvariantsChecker, sandboxInvariantsChecker } from '../constructs/validation/sandbox-invariants';
import type { ObjectChecker } from '../constructs/validation/validate-objects';

/** With a platform, sandbox pods must also use that platform's runtime and carry its placement (GKE). */
export function defaultCheckers(platform?: Platform): ObjectChecker[] {
  return [platform ? createSandboxInvariantsChecker({ platform }) : sandboxInvariantsChecker];
}
