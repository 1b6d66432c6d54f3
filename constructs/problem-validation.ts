/**
 * Construct validations that keep their problems structured. cdk8s runs every `node.addValidation` before it
 * synthesizes and lists their messages (strings, the `constructs` interface); a validation added here also keeps the
 * Problems of its last run for {@link constructProblems}, so the chart's own check (manifest-files.ts) places each at
 * its config path from its `path`, never by reading it back out of the message — and runs each check once.
 */
import type { IConstruct, IValidation } from 'constructs';
import { formatProblem, problemAt, type Problem } from '../core/diagnostics';

/** A validation whose last run's Problems stay readable beside the lines cdk8s gets. */
class ProblemValidation implements IValidation {
  lastProblems: readonly Problem[] = [];
  constructor(private readonly check: () => readonly Problem[]) {}
  validate(): string[] {
    this.lastProblems = this.check();
    return this.lastProblems.map(formatProblem);
  }
}

const registered = new WeakMap<IConstruct, ProblemValidation[]>();

/** Adds a validation to `construct`: cdk8s sees its problems as `path: message` lines. */
export function addProblemValidation(construct: IConstruct, validate: () => readonly Problem[]): void {
  const validation = new ProblemValidation(validate);
  construct.node.addValidation(validation);
  registered.set(construct, [...(registered.get(construct) ?? []), validation]);
}

/**
 * Every problem the validations of `construct` report (each run once, by `node.validate()`): those added by
 * {@link addProblemValidation} as they are, any other (a validation a user added with `node.addValidation`) as a
 * problem of the construct as a whole.
 */
export function constructProblems(construct: IConstruct): Problem[] {
  const others = [...construct.node.validate()];
  const ours = (registered.get(construct) ?? []).flatMap((v) => v.lastProblems);
  for (const line of ours.map(formatProblem)) {
    const i = others.indexOf(line);
    if (i >= 0) others.splice(i, 1);
  }
  return [...ours, ...others.map((message) => problemAt('', message, 'construct'))];
}
