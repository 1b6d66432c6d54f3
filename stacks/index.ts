/**
 * Pulumi entry (`main` in Pulumi.yaml): one stack per cloud environment. See program.ts; README "Deploy with Pulumi".
 */
import { sandboxStack } from './program';

export = sandboxStack();
