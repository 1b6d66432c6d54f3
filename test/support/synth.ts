/** Helpers to synthesize constructs in tests and to read upstream reference YAML. */
import { Chart, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConstructTree } from '../../constructs/output/manifest-files';
import { agentSandboxRelease, type InstallFileName } from '../../core/upstream/pins';
import { readUpstreamText } from '../../core/upstream/store';
import { AGENT_SANDBOX_DIR, agentSandboxDir } from './upstream';

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

/** The documents of a file in a pinned release's mirror folder (default: the default release). */
export function upstreamDocs(file: string, version?: string): K8sObject[] {
  const dir = version === undefined ? AGENT_SANDBOX_DIR : agentSandboxDir(version);
  return (loadAll(readFileSync(join(dir, file), 'utf8')) as (K8sObject | null)[]).filter((d): d is K8sObject => !!d);
}

/** The objects of one of a release's pinned install files (k8s/<file> at its tag; mirror or cache, sha256-checked). */
export function releaseDocs(version: string, file: InstallFileName): K8sObject[] {
  const text = readUpstreamText(agentSandboxRelease(version).installFiles[file]);
  return (loadAll(text) as (K8sObject | null)[]).filter((d): d is K8sObject => !!d);
}

/**
 * Upstream's all-in-one install of a release (what `kubectl kustomize k8s/` renders and the release ships as
 * sandbox-with-extensions.yaml): the pinned CRDs, controller.yaml with the extensions Deployment
 * (extensions.controller.yaml: `--extensions` and the config mount, as kustomization.yaml patches it), both
 * ClusterRoles and extensions.yaml, with the release image in place of the `ko://` placeholder.
 */
export function upstreamInstallOf(version: string): K8sObject[] {
  const release = agentSandboxRelease(version);
  const image = `${release.controllerImage.repository}:${release.controllerImage.tag}`;
  const deployment = releaseDocs(version, 'extensions.controller.yaml').find((o) => o.kind === 'Deployment')!;
  for (const c of deployment.spec.template.spec.containers) if (String(c.image).startsWith('ko://')) c.image = image;
  return [
    ...release.crds.map((c) => loadAll(readUpstreamText(c))[0] as K8sObject),
    ...releaseDocs(version, 'controller.yaml').filter((o) => o.kind !== 'Deployment'),
    deployment,
    ...releaseDocs(version, 'rbac.generated.yaml'),
    ...releaseDocs(version, 'extensions-rbac.generated.yaml'),
    ...releaseDocs(version, 'extensions.yaml'),
  ];
}
