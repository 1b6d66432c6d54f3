/**
 * Construct validations that keep their problems structured. cdk8s runs every `node.addValidation` before it
 * synthesizes and lists their messages (strings, the `constructs` interface); a validation added here also hands its
 * Problems to {@link constructProblems}, so the chart's own check (manifest-files.ts) places each at its config path
 * from its `path`, never by reading it back out of the message.
 */
import type { IConstruct } from 'constructs';
import { formatProblem, problemAt, type Problem } from '../core/diagnostics';

const registered = new WeakMap<IConstruct, (() => readonly Problem[])[]>();

/** Adds a validation to `construct`: cdk8s sees its problems as `path: message` lines. */
export function addProblemValidation(construct: IConstruct, validate: () => readonly Problem[]): void {
  construct.node.addValidation({ validate: () => validate().map(formatProblem) });
  registered.set(construct, [...(registered.get(construct) ?? []), validate]);
}

/**
 * Every problem the validations of `construct` report: those added by {@link addProblemValidation} as they are, any
 * other (a validation a user added with `node.addValidation`) as a problem of the construct as a whole.
 */
export function constructProblems(construct: IConstruct): Problem[] {
  const ours = (registered.get(construct) ?? []).flatMap((validate) => validate());
  const others = [...construct.node.validate()];
  for (const line of ours.map(formatProblem)) {
    const i = others.indexOf(line);
    if (i >= 0) others.splice(i, 1);
  }
  return [...ours, ...others.map((message) => problemAt('', message, 'construct'))];
}
