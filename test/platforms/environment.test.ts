import { isProductionStack } from '../../platforms/environment';

describe('production stacks (deletion protection on by default)', () => {
  test.each([
    ['prod', undefined, true],
    ['agents-prod', undefined, true],
    ['production-eu', undefined, true],
    ['eks.prod', undefined, true],
    ['product-demo', undefined, false],
    ['dev', undefined, false],
    ['eks', 'production', true],
    ['agents-prod', 'staging', false],
  ])('stack %j, environment %j → %j', (stack, environment, production) => {
    expect(isProductionStack(stack, environment)).toBe(production);
  });
});
