/**
 * How a chart becomes files: CRDs first (`00-crds.yaml`, so `kubectl apply -f <dir>` and Pulumi create them before
 * anything that uses them), then one file per top-level construct of the chart, numbered in construct order.
 */
import { ApiObject, type Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { problemList, ProblemsError } from '../../core/diagnostics';
import { constructProblems } from '../problem-validation';
import { configPathOf, toConfigProblem } from '../config-paths';

export interface ManifestFile {
  readonly name: string;
  readonly objects: Record<string, unknown>[];
}

export const CRDS_FILE = '00-crds.yaml';

/**
 * Runs construct validations (`node.addValidation`) and throws one error listing all of them: at the config path of
 * a construct built from the configuration file, else at its construct path.
 */
export function validateConstructTree(chart: Chart): void {
  const errors = chart.node.findAll().flatMap((c) =>
    constructProblems(c).map((problem) => {
      const configPath = configPathOf(c);
      return configPath === undefined ? { ...problem, object: c.node.path } : toConfigProblem(configPath, problem);
    }),
  );
  if (errors.length) throw new ProblemsError(`invalid constructs:${problemList(errors)}`, errors);
}

export function manifestFiles(chart: Chart): ManifestFile[] {
  validateConstructTree(chart);
  const crds: Record<string, unknown>[] = [];
  const files: ManifestFile[] = [];
  // Numbers are padded to one width so that `ls`, `kubectl apply -f <dir>` and ConfigGroups keep construct order.
  const width = Math.max(2, String(chart.node.children.length * 10).length);
  chart.node.children.forEach((child, index) => {
    const objects: Record<string, unknown>[] = [];
    for (const obj of apiObjectsOf(child)) {
      const json = obj.toJson() as Record<string, unknown>;
      (json.kind === 'CustomResourceDefinition' ? crds : objects).push(json);
    }
    if (objects.length) files.push({ name: `${String((index + 1) * 10).padStart(width, '0')}-${kebab(child.node.id)}.yaml`, objects });
  });
  return crds.length ? [{ name: CRDS_FILE, objects: crds }, ...files] : files;
}

function apiObjectsOf(root: IConstruct): ApiObject[] {
  return root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}
