/**
 * Pulumi entry (`main` in Pulumi.yaml): one stack per cloud environment. See program.ts; docs/deploy-with-pulumi.md.
 */
import { sandboxStack } from './program';

export = sandboxStack();
