/**
 * Container images of every pod an object carries (Sandbox/SandboxTemplate pod templates, Deployments, StatefulSets,
 * DaemonSets, Jobs, CronJobs, Pods): a reference the runtime cannot parse is an error (the pod would sit in
 * InvalidImageName); one that is not pinned (no tag, or `latest`, without a digest) is a note, an error with `strict`.
 */
import { imageReferenceProblem, unpinnedImageProblem } from '../core/image-reference';
import type { Problem } from '../core/diagnostics';
import type { ObjectChecker } from './schema/validate-objects';

type Obj = Record<string, unknown>;
/** Image values a build step replaces before anything is applied. */
const PLACEHOLDER = /^ko:\/\/|\$\{|\{\{/;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Sandbox: ['spec', 'podTemplate', 'spec'],
  SandboxTemplate: ['spec', 'podTemplate', 'spec'],
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function createImageChecker(options: { readonly strict?: boolean } = {}): ObjectChecker {
  return (value, object) => {
    const path = POD_SPEC_PATHS[String(value.kind)];
    if (!path) return [];
    let spec: unknown = value;
    for (const key of path) spec = isObj(spec) ? spec[key] : undefined;
    if (!isObj(spec)) return [];
    const problems: Omit<Problem, 'file'>[] = [];
    for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      const containers = spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((c, i) => {
        if (!isObj(c)) return;
        const at = `${path.join('.')}.${list}[${i}].image`;
        if (typeof c.image === 'string' && PLACEHOLDER.test(c.image)) {
          // A template a build step fills (ko, envsubst, Helm): the resolved manifests are the ones to validate.
          return void problems.push({ object, path: at, message: `"${c.image}" is a placeholder (ko://, \${…}, {{…}}), not an image reference; validate the manifests after it is replaced`, severity: 'note', code: 'imagePlaceholder' });
        }
        const invalid = imageReferenceProblem(c.image);
        if (invalid) return void problems.push({ object, path: at, message: invalid, severity: 'error', code: 'imageReference' });
        const unpinned = unpinnedImageProblem(c.image);
        if (unpinned) problems.push({ object, path: at, message: unpinned, severity: options.strict ? 'error' : 'note', code: 'unpinnedImage' });
      });
    }
    return problems;
  };
}
