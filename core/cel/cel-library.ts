/**
 * The Kubernetes CEL quantity and semver libraries for @bufbuild/cel, and the CEL environment used to
 * evaluate DRA selectors.
 *
 * Function sets follow the Kubernetes sources (not only the docs page):
 *   quantity(string), isQuantity(string), sign(Quantity) (a global function in quantity.go),
 *   <Quantity>.isGreaterThan/isLessThan/compareTo(Quantity), .add/.sub(Quantity|int),
 *   .isInteger(), .asInteger(), .asApproximateFloat()
 *   semver(string[, bool]), isSemver(string[, bool]),
 *   <Semver>.isGreaterThan/isLessThan/compareTo(Semver), .major(), .minor(), .patch()
 * Not provided: Quantity mul/div/divInt (newer additions, not needed by selectors).
 * Sources: https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-quantity-library
 *          https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-semver-library
 *          https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/cel/library/quantity.go
 *          https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/cel/library/semverlib.go
 *
 * @bufbuild/cel only dispatches methods on protobuf message types, so Quantity and Semver values are
 * tiny runtime-defined messages holding a canonical string. Because the string is canonical, CEL's
 * message equality gives the Kubernetes semantics: quantity("1Gi") == quantity("1024Mi"), and
 * semver("1.0.0+a") == semver("1.0.0").
 */
import { CelScalar, celEnv, celFunc, celMethod, objectType, type CelEnv, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Quantity } from '../quantity';
import { Semver } from './cel-semver';

const TYPE_STRING = 9; // google.protobuf.FieldDescriptorProto.Type.TYPE_STRING
const LABEL_OPTIONAL = 1;

const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'agent_sandbox_infra/kubernetes_cel.proto',
    package: 'kubernetes',
    syntax: 'proto3',
    messageType: [
      { name: 'Quantity', field: [{ name: 'nanos', jsonName: 'nanos', number: 1, type: TYPE_STRING, label: LABEL_OPTIONAL }] },
      { name: 'Semver', field: [{ name: 'version', jsonName: 'version', number: 1, type: TYPE_STRING, label: LABEL_OPTIONAL }] },
    ],
  }),
  () => undefined,
);

function messageDesc(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new Error(`internal error: message ${typeName} missing from the CEL type registry`);
  return desc;
}

const QUANTITY_DESC = messageDesc('kubernetes.Quantity');
const SEMVER_DESC = messageDesc('kubernetes.Semver');
/** CEL type of Quantity values (type name "kubernetes.Quantity"). */
export const QUANTITY_TYPE = objectType(QUANTITY_DESC);
/** CEL type of Semver values (type name "kubernetes.Semver"). */
export const SEMVER_TYPE = objectType(SEMVER_DESC);

/** A CEL value holding `quantity` (used for device capacities). */
export function celQuantity(quantity: Quantity): ReflectMessage {
  return reflect(QUANTITY_DESC, create(QUANTITY_DESC, { nanos: quantity.nanos.toString() }));
}

/** A CEL value holding `version` (used for device "version" attributes). */
export function celSemver(version: Semver): ReflectMessage {
  return reflect(SEMVER_DESC, create(SEMVER_DESC, { version: version.precedenceKey }));
}

function fromQuantity(value: ReflectMessage): Quantity {
  return new Quantity(BigInt((value.message as unknown as { nanos: string }).nanos));
}

function fromSemver(value: ReflectMessage): Semver {
  return Semver.parse((value.message as unknown as { version: string }).version);
}

const Q = QUANTITY_TYPE;
const S = SEMVER_TYPE;
const { INT, BOOL, STRING, DOUBLE } = CelScalar;

/** quantity(), isQuantity(), sign() and the Quantity methods. */
export const quantityFunctions: readonly CelFunc[] = [
  celFunc('quantity', [STRING], Q, (text) => celQuantity(Quantity.parse(text))),
  celFunc('isQuantity', [STRING], BOOL, (text) => Quantity.isValid(text)),
  celFunc('sign', [Q], INT, (q) => BigInt(fromQuantity(q).sign())),
  celMethod('compareTo', Q, [Q], INT, function (o) { return BigInt(fromQuantity(this).compareTo(fromQuantity(o))); }),
  celMethod('isGreaterThan', Q, [Q], BOOL, function (o) { return fromQuantity(this).isGreaterThan(fromQuantity(o)); }),
  celMethod('isLessThan', Q, [Q], BOOL, function (o) { return fromQuantity(this).isLessThan(fromQuantity(o)); }),
  celMethod('add', Q, [Q], Q, function (o) { return celQuantity(fromQuantity(this).add(fromQuantity(o))); }),
  celMethod('add', Q, [INT], Q, function (n) { return celQuantity(fromQuantity(this).add(Quantity.fromInteger(n))); }),
  celMethod('sub', Q, [Q], Q, function (o) { return celQuantity(fromQuantity(this).sub(fromQuantity(o))); }),
  celMethod('sub', Q, [INT], Q, function (n) { return celQuantity(fromQuantity(this).sub(Quantity.fromInteger(n))); }),
  celMethod('isInteger', Q, [], BOOL, function () { return fromQuantity(this).isInteger(); }),
  celMethod('asInteger', Q, [], INT, function () { return fromQuantity(this).asInteger(); }),
  celMethod('asApproximateFloat', Q, [], DOUBLE, function () { return fromQuantity(this).asApproximateFloat(); }),
];

/** semver(), isSemver() and the Semver methods. */
export const semverFunctions: readonly CelFunc[] = [
  celFunc('semver', [STRING], S, (text) => celSemver(Semver.parse(text))),
  celFunc('semver', [STRING, BOOL], S, (text, normalize) => celSemver(Semver.parse(text, normalize))),
  celFunc('isSemver', [STRING], BOOL, (text) => isSemver(text, false)),
  celFunc('isSemver', [STRING, BOOL], BOOL, (text, normalize) => isSemver(text, normalize)),
  celMethod('compareTo', S, [S], INT, function (o) { return BigInt(fromSemver(this).compareTo(fromSemver(o))); }),
  celMethod('isGreaterThan', S, [S], BOOL, function (o) { return fromSemver(this).compareTo(fromSemver(o)) > 0; }),
  celMethod('isLessThan', S, [S], BOOL, function (o) { return fromSemver(this).compareTo(fromSemver(o)) < 0; }),
  celMethod('major', S, [], INT, function () { return fromSemver(this).major; }),
  celMethod('minor', S, [], INT, function () { return fromSemver(this).minor; }),
  celMethod('patch', S, [], INT, function () { return fromSemver(this).patch; }),
];

function isSemver(text: string, normalize: boolean): boolean {
  try {
    Semver.parse(text, normalize);
    return true;
  } catch {
    return false;
  }
}

let env: CelEnv | undefined;

/**
 * The environment for DRA selectors: CEL standard library, the cel-go strings extension (part of the
 * Kubernetes base environment), and the quantity and semver libraries above.
 */
export function draCelEnv(): CelEnv {
  env ??= celEnv({ funcs: [...strings, ...quantityFunctions, ...semverFunctions] });
  return env;
}
