/**
 * What a DRA CEL selector refers to, read from its syntax tree: which drivers it compares device.driver with,
 * which attribute/capacity domains it looks up (to recognise GPU classes), and whether it reads
 * device.allowMultipleAllocations (a DRAConsumableCapacity field).
 */
import { parse } from '@bufbuild/cel';
import { childExprs, identName, stringLiteral, type CelExpr } from './cel-ast';
import { expandCelBind } from './cel-bind';

/** What a selector refers to, read from its syntax tree. */
export interface SelectorReferences {
  /** String literals compared with device.driver (`==`, `in [...]`), in source order, unique. */
  readonly drivers: readonly string[];
  /** Domains looked up in device.attributes / device.capacity, in source order, unique. */
  readonly domains: readonly string[];
  /** Whether device.allowMultipleAllocations is read (DRAConsumableCapacity). */
  readonly allowMultipleAllocations: boolean;
}

/** The references of `expression`; empty when it does not parse (checkSelectors reports that). */
export function selectorReferences(expression: string): SelectorReferences {
  let root: CelExpr;
  try {
    root = parse(expression).expr as CelExpr;
    expandCelBind(root);
  } catch {
    return { drivers: [], domains: [], allowMultipleAllocations: false };
  }
  const drivers = new Set<string>();
  const domains = new Set<string>();
  let allowMultiple = false;

  const deviceField = (expr: CelExpr | undefined): string | undefined => {
    const kind = expr?.exprKind;
    if (kind?.case === 'selectExpr' && identName(kind.value.operand) === 'device') return kind.value.field;
    if (kind?.case === 'callExpr' && kind.value.function === '_[_]' && identName(kind.value.args[0]) === 'device') return stringLiteral(kind.value.args[1]);
    return undefined;
  };
  const visit = (expr: CelExpr): void => {
    const kind = expr.exprKind;
    const field = deviceField(expr);
    if (field === 'allowMultipleAllocations') allowMultiple = true;
    if (kind.case === 'callExpr') {
      const { function: fn, args } = kind.value;
      if (fn === '_==_' && args.length === 2) {
        const [a, b] = args;
        const literal = deviceField(a) === 'driver' ? stringLiteral(b) : deviceField(b) === 'driver' ? stringLiteral(a) : undefined;
        if (literal !== undefined) drivers.add(literal);
      }
      if (fn === '@in' && args.length === 2 && deviceField(args[0]) === 'driver' && args[1].exprKind.case === 'listExpr') {
        for (const element of args[1].exprKind.value.elements) {
          const literal = stringLiteral(element);
          if (literal !== undefined) drivers.add(literal);
        }
      }
      if (fn === '_[_]' && args.length === 2) {
        const map = deviceField(args[0]);
        const domain = stringLiteral(args[1]);
        if ((map === 'attributes' || map === 'capacity') && domain !== undefined) domains.add(domain);
      }
    }
    childExprs(expr).forEach(visit);
  };
  visit(root);
  return { drivers: [...drivers], domains: [...domains], allowMultipleAllocations: allowMultiple };
}
