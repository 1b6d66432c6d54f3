/**
 * Whether a stack is production: the stack config `agent-sandbox-infra:environment` (`production` or anything else),
 * else the stack's name (`prod`, `production` as a word: `prod`, `agents-prod`, `production-eu`). Production stacks
 * get deletion protection on the clusters they create unless the cluster config says otherwise.
 */
export const PRODUCTION_NAME = /(^|[-_.])(prod|production)($|[-_.])/i;

export function isProductionStack(stackName: string, environment: string | undefined): boolean {
  if (environment !== undefined) return environment.toLowerCase() === 'production';
  return PRODUCTION_NAME.test(stackName);
}
