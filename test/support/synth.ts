/** Helpers to synthesize constructs in tests and to read upstream reference YAML. */
import { Chart, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConstructTree } from '../../constructs/output/manifest-files';
import { AGENT_SANDBOX_DIR } from './upstream';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

export function newChart(): Chart {
  return Testing.chart();
}

/** The chart's objects, after the construct validations synth runs (`node.addValidation`), as `synth` does. */
export function synthObjects(chart: Chart): K8sObject[] {
  validateConstructTree(chart);
  return Testing.synth(chart) as K8sObject[];
}

export function findObject(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

export function upstreamDocs(file: string): K8sObject[] {
  return (loadAll(readFileSync(join(AGENT_SANDBOX_DIR, file), 'utf8')) as (K8sObject | null)[]).filter((d): d is K8sObject => !!d);
}
