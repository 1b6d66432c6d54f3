/**
 * Static checks on a parsed DRA selector. @bufbuild/cel has no type checker, so mistakes that the
 * Kubernetes API server (or the allocator) would catch are found by walking the tree:
 * - identifiers other than `device` (and variables bound by macros / cel.bind);
 * - device.<field> other than driver, attributes, capacity, allowMultipleAllocations
 *   (CELDeviceSelector: "Any reference to an unknown field will cause an evaluation error");
 * - device.attributes["<domain>/<name>"]: the map is keyed by domain, then name, so such a key never
 *   matches; the message shows the correct device.attributes["<domain>"].<name>;
 * - literal domains and names that no device can have (see cel-names.ts);
 * - <, <=, >, >= on quantities or versions: the Kubernetes libraries only offer compareTo /
 *   isGreaterThan / isLessThan (and ==), so the API server rejects e.g. capacity >= quantity("40Gi").
 * Source of the device fields: io.k8s.api.resource.v1.CELDeviceSelector in the pinned v1.34/v1.36
 * schemas; https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/resource-claim-v1/
 */
import { unparse } from '@bufbuild/cel';
import { childExprs, identName, stringLiteral, type CelExpr } from './cel-ast';
import { domainProblem, nameProblem } from './cel-names';
import { celMember, celString, deviceLookup, type DeviceMapField } from './cel-render';

/** The fields of the `device` variable (allowMultipleAllocations: v1.34+, DRAConsumableCapacity). */
export const DEVICE_FIELDS = ['driver', 'attributes', 'capacity', 'allowMultipleAllocations'] as const;

/** A problem found in the tree, with the id of the expression it is about (for its position). */
export interface LintFinding {
  readonly message: string;
  readonly exprId: bigint;
}

// Type names are identifiers in CEL (type(x) == int).
const TYPE_IDENTIFIERS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);
const RELATIONAL: Readonly<Record<string, string>> = { '_<_': '<', '_<=_': '<=', '_>_': '>', '_>=_': '>=' };

// Receivers of namespaced functions (cel.bind, math.greatest, sets.contains, strings.quote, optional.of…).
const FUNCTION_NAMESPACES = new Set(['cel', 'math', 'sets', 'strings', 'optional', 'lists', 'base64']);

// CEL source of expr; unparse cannot print expanded macros, then a placeholder is used.
function source(expr: CelExpr, placeholder: string): string {
  try {
    return unparse(expr);
  } catch {
    return placeholder;
  }
}

/** All findings under `root`, in source order. `root` must already have cel.bind expanded. */
export function lintSelector(root: CelExpr): LintFinding[] {
  const findings: LintFinding[] = [];
  const report = (expr: CelExpr, message: string): void => {
    findings.push({ message, exprId: expr.id });
  };

  const isDevice = (expr: CelExpr | undefined, scope: ReadonlySet<string>): boolean =>
    identName(expr) === 'device' && !scope.has('device');

  // 'attributes' / 'capacity' when expr is device.attributes or device.capacity.
  const deviceMap = (expr: CelExpr | undefined, scope: ReadonlySet<string>): DeviceMapField | undefined => {
    const field = deviceField(expr, scope);
    return field === 'attributes' || field === 'capacity' ? field : undefined;
  };

  // The field name when expr is device.<field> or device["<field>"].
  const deviceField = (expr: CelExpr | undefined, scope: ReadonlySet<string>): string | undefined => {
    if (!expr) return undefined;
    const kind = expr.exprKind;
    if (kind.case === 'selectExpr' && isDevice(kind.value.operand, scope)) return kind.value.field;
    if (kind.case === 'callExpr' && kind.value.function === '_[_]' && isDevice(kind.value.args[0], scope)) {
      return stringLiteral(kind.value.args[1]);
    }
    return undefined;
  };

  // When expr is device.attributes["<domain>"] (or .capacity, or the .<domain> select form).
  const domainLookup = (expr: CelExpr | undefined, scope: ReadonlySet<string>): { field: DeviceMapField; domain: string } | undefined => {
    if (!expr) return undefined;
    const kind = expr.exprKind;
    if (kind.case === 'selectExpr') {
      const field = deviceMap(kind.value.operand, scope);
      return field ? { field, domain: kind.value.field } : undefined;
    }
    if (kind.case === 'callExpr' && kind.value.function === '_[_]') {
      const field = deviceMap(kind.value.args[0], scope);
      const domain = stringLiteral(kind.value.args[1]);
      return field && domain !== undefined ? { field, domain } : undefined;
    }
    return undefined;
  };

  // quantity(...) / semver(...) calls and device.capacity[...].<name> lookups.
  const isQuantityOrSemver = (expr: CelExpr, scope: ReadonlySet<string>): boolean => {
    const kind = expr.exprKind;
    if (kind.case === 'callExpr' && !kind.value.target && ['quantity', 'semver'].includes(kind.value.function)) return true;
    const operand = kind.case === 'selectExpr' ? kind.value.operand : kind.case === 'callExpr' && kind.value.function === '_[_]' ? kind.value.args[0] : undefined;
    return domainLookup(operand, scope)?.field === 'capacity';
  };

  const checkDeviceField = (expr: CelExpr, field: string): void => {
    if (!(DEVICE_FIELDS as readonly string[]).includes(field)) {
      report(expr, `unknown field device${celMember(field)}; known: ${DEVICE_FIELDS.join(', ')}`);
    }
  };

  const checkDomainKey = (expr: CelExpr, field: DeviceMapField, key: string, form: 'index' | 'in'): void => {
    const slash = key.indexOf('/');
    if (slash !== -1) {
      const [domain, name] = [key.slice(0, slash), key.slice(slash + 1)];
      const wrong = form === 'in' ? `${celString(key)} in device.${field}` : `device.${field}[${celString(key)}]`;
      const right = form === 'in' ? `${celString(name)} in device.${field}[${celString(domain)}]` : deviceLookup(field, domain, name);
      report(expr, `${wrong} never matches: device.${field} is keyed by domain, then by name; write ${right}`);
      return;
    }
    const problem = domainProblem(key);
    if (problem) report(expr, `device.${field}[${celString(key)}]: ${problem}`);
  };

  const checkName = (expr: CelExpr, lookup: { field: DeviceMapField; domain: string }, name: string): void => {
    const problem = nameProblem(name);
    if (problem) report(expr, `device.${lookup.field}[${celString(lookup.domain)}][${celString(name)}]: ${problem}`);
  };

  const visit = (expr: CelExpr, scope: ReadonlySet<string>): void => {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr': {
        const name = kind.value.name;
        if (name !== 'device' && !scope.has(name) && !TYPE_IDENTIFIERS.has(name)) {
          report(expr, `unknown identifier ${name}; a selector only sees the variable device (plus variables bound by macros such as exists() or cel.bind())`);
        }
        return;
      }
      case 'selectExpr': {
        const operand = kind.value.operand;
        if (isDevice(operand, scope)) checkDeviceField(expr, kind.value.field);
        const field = deviceMap(operand, scope);
        if (field) checkDomainKey(expr, field, kind.value.field, 'index');
        const lookup = domainLookup(operand, scope);
        if (lookup) checkName(expr, lookup, kind.value.field);
        break;
      }
      case 'callExpr': {
        const { function: fn, args, target } = kind.value;
        const op = RELATIONAL[fn];
        if (op && args.length === 2 && args.some((a) => isQuantityOrSemver(a, scope))) {
          report(expr, `${op} does not apply to quantities or versions; write ${source(args[0], 'a')}.compareTo(${source(args[1], 'b')}) ${op} 0`);
        }
        if (fn === '_[_]' || fn === '@in') {
          const [container, key] = fn === '_[_]' ? [args[0], args[1]] : [args[1], args[0]];
          const literal = stringLiteral(key);
          if (literal !== undefined) {
            if (fn === '_[_]' && isDevice(container, scope)) checkDeviceField(expr, literal);
            const field = deviceMap(container, scope);
            if (field) checkDomainKey(expr, field, literal, fn === '@in' ? 'in' : 'index');
            const lookup = domainLookup(container, scope);
            if (lookup) checkName(expr, lookup, literal);
          }
        }
        const namespace = identName(target);
        if (namespace !== undefined && !scope.has(namespace) && FUNCTION_NAMESPACES.has(namespace)) {
          args.forEach((arg) => visit(arg, scope));
          return;
        }
        break;
      }
      case 'comprehensionExpr': {
        const c = kind.value;
        const inner = new Set([...scope, c.iterVar, c.iterVar2, c.accuVar].filter((v) => v !== ''));
        for (const e of [c.iterRange, c.accuInit]) if (e) visit(e, scope);
        for (const e of [c.loopCondition, c.loopStep, c.result]) if (e) visit(e, inner);
        return;
      }
      default:
        break;
    }
    childExprs(expr).forEach((child) => visit(child, scope));
  };

  visit(root, new Set());
  return findings;
}
