import { isCelError, parse, plan } from '@bufbuild/cel';
import { draCelEnv } from '../../../core/cel/cel-library';

// Evaluates a closed CEL expression in the DRA environment.
const evaluate = (expression: string): unknown => plan(draCelEnv(), parse(expression))();

describe('Kubernetes quantity library in CEL', () => {
  // Examples from the library's documentation (quantity.go / kubernetes.io "Kubernetes quantity library").
  test.each([
    'quantity("1.5Gi") == quantity("1536Mi")',
    'quantity("1Gi").isGreaterThan(quantity("1000Mi"))',
    'quantity("100m").isLessThan(quantity("1"))',
    'quantity("1e3") == quantity("1k")',
    'quantity("200M").compareTo(quantity("0.2G")) == 0',
    'quantity("50M").compareTo(quantity("50Mi")) == -1',
    'quantity("50Mi").compareTo(quantity("50M")) == 1',
    'quantity("150Mi").isGreaterThan(quantity("100Mi"))',
    '!quantity("50Mi").isGreaterThan(quantity("100Mi"))',
    'quantity("50k").add(quantity("20k")) == quantity("70k")',
    'quantity("50k").add(20) == quantity("50020")',
    'quantity("50k").sub(quantity("20k")) == quantity("30k")',
    'quantity("50k").sub(20000) == quantity("30k")',
    'quantity("50k").add(20).sub(quantity("100k")).sub(-50000) == quantity("20")',
    'quantity("50k").asInteger() == 50000',
    'quantity("50000000G").isInteger()',
    '!quantity("9999999999999999999999999999999999999G").isInteger()',
    'quantity("50k").sub(20000).asApproximateFloat() == 30000.0',
    'sign(quantity("-1")) == -1 && sign(quantity("0")) == 0 && sign(quantity("1m")) == 1',
    'isQuantity("1.3Gi") && isQuantity("10000k") && !isQuantity("200K") && !isQuantity("1,3G") && !isQuantity("Mi")',
  ])('%s', (expression) => {
    expect(evaluate(expression)).toBe(true);
  });

  test('invalid quantities and overflow are CEL errors with a message', () => {
    const bad = evaluate('quantity("200K")');
    expect(isCelError(bad) && bad.message).toMatch(/^invalid quantity "200K": unknown suffix "K"/);
    const overflow = evaluate('quantity("1500m").asInteger()');
    expect(isCelError(overflow) && overflow.message).toBe('cannot convert value to integer');
  });
});

describe('Kubernetes semver library in CEL', () => {
  // Examples from semverlib.go / kubernetes.io "Kubernetes semver library".
  test.each([
    'semver("1.2.3").compareTo(semver("1.2.3")) == 0',
    'semver("1.2.3").compareTo(semver("2.0.0")) == -1',
    'semver("1.2.3").compareTo(semver("0.1.2")) == 1',
    'semver("1.2.3").isLessThan(semver("2.0.0"))',
    'semver("2.0.0").isGreaterThan(semver("1.9.9"))',
    'semver("1.2.3").major() == 1 && semver("1.2.3").minor() == 2 && semver("1.2.3").patch() == 3',
    'isSemver("1.0.0") && !isSemver("hello") && !isSemver("v1.0") && isSemver("v1.0", true)',
    'semver("v1.0.0", true) == semver("1.0.0") && semver("01.01.01", true) == semver("1.1.1")',
    'semver("1.0.0+a") == semver("1.0.0+b")',
  ])('%s', (expression) => {
    expect(evaluate(expression)).toBe(true);
  });

  test('semver and quantity do not mix', () => {
    const mixed = evaluate('quantity("1").compareTo(semver("1.0.0"))');
    expect(isCelError(mixed) && mixed.message).toMatch(/no matching overload for 'compareTo'/);
    const bad = evaluate('semver("v1.0.0")');
    expect(isCelError(bad) && bad.message).toMatch(/^invalid semantic version "v1.0.0"/);
  });
});
