/**
 * Typed builder for DRA CEL device selectors (DeviceClass / ResourceClaimTemplate
 * `selectors: [{ cel: { expression } }]`, resource.k8s.io/v1, Kubernetes >= 1.34).
 *
 * What a selector sees (io.k8s.api.resource.v1.CELDeviceSelector, pinned schemas v1.34.0/v1.36.0;
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/resource-claim-v1/):
 *   device.driver                          string
 *   device.attributes["<domain>"].<name>   string | int | bool | semver version
 *   device.capacity["<domain>"].<name>     Kubernetes Quantity
 *   device.allowMultipleAllocations        bool (v1.34+, DRAConsumableCapacity)
 * Attributes and capacities are keyed by DOMAIN, then NAME: device.attributes["gpu.nvidia.com"].productName.
 * The form device.attributes["gpu.nvidia.com/productName"] never matches; every function here takes the
 * domain and the name separately and refuses a "/" in either, so that form cannot be produced.
 *
 * Quantities are compared with the Kubernetes quantity library (`.compareTo(quantity("40Gi")) >= 0`) and
 * versions with the semver library (`.compareTo(semver("550.0.0")) >= 0`):
 * https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-quantity-library
 * https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-semver-library
 *
 * Invalid domains, names or literals are programming errors: the builder throws an Error naming the
 * function, the value and what is allowed. Output is deterministic (clauses keep their order).
 */
import { driverProblem, domainProblem, nameProblem } from './cel-names';
import { parseQuantity } from '../quantity';
import { celString, deviceLookup, type DeviceMapField } from './cel-render';
import { parseSemver } from './cel-semver';

/** A rendered condition on one device. Combine several with {@link allOf}. */
export interface SelectorClause {
  readonly expression: string;
}

/** Operators accepted by compare(). */
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Conditions on a string attribute. */
export interface StringAttributeRef {
  equals(value: string): SelectorClause;
  notEquals(value: string): SelectorClause;
  in(values: readonly string[]): SelectorClause;
}

/** Conditions on an int attribute. */
export interface IntAttributeRef {
  equals(value: number | bigint): SelectorClause;
  in(values: readonly (number | bigint)[]): SelectorClause;
  compare(op: ComparisonOperator, value: number | bigint): SelectorClause;
}

/** Conditions on a bool attribute. */
export interface BoolAttributeRef {
  equals(value: boolean): SelectorClause;
  isTrue(): SelectorClause;
  isFalse(): SelectorClause;
}

/** Conditions on a version attribute (semver precedence). */
export interface VersionAttributeRef {
  compare(op: ComparisonOperator, version: string): SelectorClause;
  equals(version: string): SelectorClause;
  atLeast(version: string): SelectorClause;
}

/** Conditions on a capacity (Quantity). */
export interface CapacityRef {
  compare(op: ComparisonOperator, quantity: string): SelectorClause;
  atLeast(quantity: string): SelectorClause;
  atMost(quantity: string): SelectorClause;
}

const OPERATORS: readonly ComparisonOperator[] = ['==', '!=', '<', '<=', '>', '>='];
/** DeviceAttribute string/version values: "Must not be longer than 64 characters". */
const MAX_ATTRIBUTE_VALUE_LENGTH = 64;

// Clauses made here are relational/unary expressions, safe to join with &&. Others get parentheses.
const built = new WeakSet<SelectorClause>();
function clause(expression: string): SelectorClause {
  const result = Object.freeze({ expression });
  built.add(result);
  return result;
}

/** device.driver == "<driver>" */
export function driverIs(driver: string): SelectorClause {
  checkDriver('driverIs', driver);
  return clause(`device.driver == ${celString(driver)}`);
}

/** device.driver in ["<a>", "<b>"] */
export function driverIn(drivers: readonly string[]): SelectorClause {
  nonEmpty('driverIn', drivers);
  drivers.forEach((d) => checkDriver('driverIn', d));
  return clause(`device.driver in [${drivers.map(celString).join(', ')}]`);
}

/** device.allowMultipleAllocations (or its negation when `expected` is false). */
export function allowMultipleAllocations(expected = true): SelectorClause {
  return clause(expected ? 'device.allowMultipleAllocations' : '!device.allowMultipleAllocations');
}

/** A string attribute: device.attributes["<domain>"].<name>. */
export function stringAttribute(domain: string, name: string): StringAttributeRef {
  const fn = 'stringAttribute';
  const path = lookup(fn, 'attributes', domain, name);
  const literal = (value: string): string => celString(checkLength(fn, 'string', value));
  return {
    /** <path> == "<value>" */
    equals: (value: string): SelectorClause => clause(`${path} == ${literal(value)}`),
    /** <path> != "<value>" (errors, so does not match, on devices without the attribute) */
    notEquals: (value: string): SelectorClause => clause(`${path} != ${literal(value)}`),
    /** <path> in ["<a>", "<b>"] */
    in: (values: readonly string[]): SelectorClause => clause(`${path} in [${nonEmpty(fn, values).map(literal).join(', ')}]`),
  };
}

/** An int attribute: device.attributes["<domain>"].<name>. */
export function intAttribute(domain: string, name: string): IntAttributeRef {
  const fn = 'intAttribute';
  const path = lookup(fn, 'attributes', domain, name);
  return {
    /** <path> == <value> */
    equals: (value: number | bigint): SelectorClause => clause(`${path} == ${int64(fn, value)}`),
    /** <path> in [<a>, <b>] */
    in: (values: readonly (number | bigint)[]): SelectorClause =>
      clause(`${path} in [${nonEmpty(fn, values).map((v) => int64(fn, v)).join(', ')}]`),
    /** <path> <op> <value> */
    compare: (op: ComparisonOperator, value: number | bigint): SelectorClause => clause(`${path} ${operator(fn, op)} ${int64(fn, value)}`),
  };
}

/** A bool attribute: device.attributes["<domain>"].<name>. */
export function boolAttribute(domain: string, name: string): BoolAttributeRef {
  const path = lookup('boolAttribute', 'attributes', domain, name);
  // "== true" rather than the bare attribute: a non-bool attribute then yields false, not an error.
  const equals = (value: boolean): SelectorClause => clause(`${path} == ${value}`);
  return { equals, isTrue: () => equals(true), isFalse: () => equals(false) };
}

/** A semantic-version attribute: device.attributes["<domain>"].<name>, compared with semver(). */
export function versionAttribute(domain: string, name: string): VersionAttributeRef {
  const fn = 'versionAttribute';
  const path = lookup(fn, 'attributes', domain, name);
  const compare = (op: ComparisonOperator, version: string): SelectorClause => {
    const parsed = parseSemver(checkLength(fn, 'version', version));
    if (typeof parsed === 'string') throw new Error(`${fn}(${celString(domain)}, ${celString(name)}): ${parsed}`);
    return clause(`${path}.compareTo(semver(${celString(version)})) ${operator(fn, op)} 0`);
  };
  return {
    /** <path>.compareTo(semver("<version>")) <op> 0 */
    compare,
    /** <path>.compareTo(semver("<version>")) == 0 (build metadata is ignored, as in semver precedence) */
    equals: (version: string): SelectorClause => compare('==', version),
    /** <path>.compareTo(semver("<version>")) >= 0 */
    atLeast: (version: string): SelectorClause => compare('>=', version),
  };
}

/** A capacity: device.capacity["<domain>"].<name> (a Quantity), compared with quantity(). */
export function capacity(domain: string, name: string): CapacityRef {
  const fn = 'capacity';
  const path = lookup(fn, 'capacity', domain, name);
  const compare = (op: ComparisonOperator, quantity: string): SelectorClause => {
    const parsed = parseQuantity(quantity);
    if (typeof parsed === 'string') throw new Error(`${fn}(${celString(domain)}, ${celString(name)}): ${parsed}`);
    return clause(`${path}.compareTo(quantity(${celString(quantity)})) ${operator(fn, op)} 0`);
  };
  return {
    /** <path>.compareTo(quantity("<q>")) <op> 0 */
    compare,
    /** <path>.compareTo(quantity("<q>")) >= 0 */
    atLeast: (quantity: string): SelectorClause => compare('>=', quantity),
    /** <path>.compareTo(quantity("<q>")) <= 0 */
    atMost: (quantity: string): SelectorClause => compare('<=', quantity),
  };
}

/** All clauses must hold: "<a> && <b> && …". Clauses not made by this module are parenthesized. */
export function allOf(...clauses: readonly SelectorClause[]): SelectorClause {
  nonEmpty('allOf', clauses);
  return clause(clauses.map((c) => (built.has(c) ? c.expression : `(${c.expression})`)).join(' && '));
}

/** The resource.k8s.io/v1 DeviceSelector for allOf(...clauses): { cel: { expression } }. */
export function deviceSelector(...clauses: readonly SelectorClause[]): { readonly cel: { readonly expression: string } } {
  return { cel: { expression: allOf(...clauses).expression } };
}

function lookup(fn: string, field: DeviceMapField, domain: string, name: string): string {
  const call = (d: string, n: string): string => `${fn}(${JSON.stringify(d)}, ${JSON.stringify(n)})`;
  const slashIn = domain.includes('/') ? domain : name.includes('/') ? name : undefined;
  if (slashIn !== undefined) {
    const [d, n] = domain.includes('/') ? [domain.slice(0, domain.indexOf('/')), name] : [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
    throw new Error(
      `${call(domain, name)}: ${JSON.stringify(slashIn)} contains "/"; device.${field} is keyed by domain, then by name, ` +
        `so pass them separately: ${call(d, n)} renders ${deviceLookup(field, d, n)}`,
    );
  }
  const problem = domainProblem(domain) ?? nameProblem(name);
  if (problem) throw new Error(`${call(domain, name)}: ${problem}`);
  return deviceLookup(field, domain, name);
}

function checkDriver(fn: string, driver: string): void {
  const problem = driverProblem(driver);
  if (problem) throw new Error(`${fn}: ${problem}`);
}

function checkLength(fn: string, kind: string, value: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_ATTRIBUTE_VALUE_LENGTH) {
    throw new Error(`${fn}: ${kind} value ${JSON.stringify(value)} is ${bytes} bytes long; device attribute values are at most ${MAX_ATTRIBUTE_VALUE_LENGTH}, so it could never match`);
  }
  return value;
}

function int64(fn: string, value: number | bigint): string {
  const ok = typeof value === 'bigint' ? value >= -(1n << 63n) && value < 1n << 63n : Number.isSafeInteger(value);
  if (!ok) throw new Error(`${fn}: ${String(value)} is not an int64 whole number (numbers must be safe integers; use a bigint beyond 2^53)`);
  return String(value);
}

function operator(fn: string, op: ComparisonOperator): ComparisonOperator {
  if (!OPERATORS.includes(op)) throw new Error(`${fn}: operator ${JSON.stringify(op)} is not one of ${OPERATORS.join(' ')}`);
  return op;
}

function nonEmpty<T>(fn: string, values: readonly T[]): readonly T[] {
  if (values.length === 0) throw new Error(`${fn}: needs at least one value`);
  return values;
}
