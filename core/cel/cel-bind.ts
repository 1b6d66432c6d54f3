/**
 * cel.bind(name, value, expression) for @bufbuild/cel, whose parser does not know this macro.
 *
 * Kubernetes enables it for DRA selectors ("cel.bind(dra, device.attributes["dra.example.com"],
 * dra.someBool && dra.anotherBool)", CELDeviceSelector docs). cel-go expands it into a comprehension
 * over an empty list whose accumulator is the bound variable, which is what we do here, in place.
 * Source: https://pkg.go.dev/github.com/google/cel-go/ext#Bindings
 */
import { childExprs, identName, maxExprId, type CelExpr } from './cel-ast';

/** A cel.bind call that cannot be expanded, with the source position of the call. */
export interface BindIssue {
  readonly message: string;
  readonly exprId: bigint;
}

/**
 * Rewrites every well-formed cel.bind(...) call under `root` into its comprehension form (mutating the
 * tree) and returns the malformed ones.
 */
export function expandCelBind(root: CelExpr): BindIssue[] {
  const issues: BindIssue[] = [];
  let nextId = maxExprId(root) + 1n;
  const newExpr = (exprKind: CelExpr['exprKind']): CelExpr => ({ $typeName: 'cel.expr.Expr', id: nextId++, exprKind });

  const visit = (expr: CelExpr): void => {
    childExprs(expr).forEach(visit); // inner binds first
    const kind = expr.exprKind;
    if (kind.case !== 'callExpr' || kind.value.function !== 'bind' || identName(kind.value.target) !== 'cel') return;
    const [name, value, body] = kind.value.args;
    const variable = identName(name);
    if (kind.value.args.length !== 3 || variable === undefined || value === undefined || body === undefined) {
      issues.push({ message: 'cel.bind takes (name, value, expression) with a plain variable name, e.g. cel.bind(gpu, device.attributes["gpu.nvidia.com"], gpu.index == 0)', exprId: expr.id });
      return;
    }
    expr.exprKind = {
      case: 'comprehensionExpr',
      value: {
        $typeName: 'cel.expr.Expr.Comprehension',
        iterVar: '#unused',
        iterVar2: '',
        iterRange: newExpr({ case: 'listExpr', value: { $typeName: 'cel.expr.Expr.CreateList', elements: [], optionalIndices: [] } }),
        accuVar: variable,
        accuInit: value,
        loopCondition: newExpr({ case: 'constExpr', value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'boolValue', value: false } } }),
        loopStep: newExpr({ case: 'identExpr', value: { $typeName: 'cel.expr.Expr.Ident', name: variable } }),
        result: body,
      },
    };
  };
  visit(root);
  return issues;
}
