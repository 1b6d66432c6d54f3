/** The object checkers `synth` and `validate` run beyond the schema. */
import { sandboxInvariantsChecker } from '../constructs/validation/sandbox-invariants';
import type { ObjectChecker } from '../constructs/validation/validate-objects';

export function defaultCheckers(): ObjectChecker[] {
  return [sandboxInvariantsChecker];
}
