/**
 * Small helpers over the @bufbuild/cel parse tree (cel.expr.Expr messages).
 */
import { parse } from '@bufbuild/cel';

export type ParsedCel = ReturnType<typeof parse>;
export type CelExpr = ParsedCel['expr'];

/** The direct sub-expressions of `expr`, in source order. */
export function childExprs(expr: CelExpr): CelExpr[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      return kind.value.operand ? [kind.value.operand] : [];
    case 'callExpr':
      return [...(kind.value.target ? [kind.value.target] : []), ...kind.value.args];
    case 'listExpr':
      return kind.value.elements;
    case 'structExpr':
      return kind.value.entries.flatMap((e) => [
        ...(e.keyKind.case === 'mapKey' ? [e.keyKind.value] : []),
        ...(e.value ? [e.value] : []),
      ]);
    case 'comprehensionExpr': {
      const c = kind.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].filter((e): e is CelExpr => e !== undefined);
    }
    default:
      return [];
  }
}

/** The largest expression id in the tree (new nodes get ids above it). */
export function maxExprId(expr: CelExpr): bigint {
  return childExprs(expr).reduce((max, child) => {
    const id = maxExprId(child);
    return id > max ? id : max;
  }, expr.id);
}

/** The identifier name when `expr` is a plain identifier. */
export function identName(expr: CelExpr | undefined): string | undefined {
  return expr?.exprKind.case === 'identExpr' ? expr.exprKind.value.name : undefined;
}

/** The string value when `expr` is a string literal. */
export function stringLiteral(expr: CelExpr | undefined): string | undefined {
  if (expr?.exprKind.case !== 'constExpr') return undefined;
  const constant = expr.exprKind.value.constantKind;
  return constant.case === 'stringValue' ? constant.value : undefined;
}

/** "line:column" (1-based) of a character offset in `source`. */
export function lineColumn(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}
