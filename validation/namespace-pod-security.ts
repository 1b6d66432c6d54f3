/**
 * Pods against their namespace's own Pod Security level. The controller creates a warm pool's or a Sandbox's pod
 * from its template; if the namespace's `pod-security.kubernetes.io/enforce` level rejects that pod, the creation
 * fails and the pool silently stays at 0. Such a template is an error before anything is applied, whatever the level.
 */
import { describeObject, joinPath, type Problem } from '../core/diagnostics';
import { podSecurityFindings, type PodSecurityLevel } from './pod-security';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

export interface NamespacePodSecurity {
  readonly enforce: PodSecurityLevel;
  /** `latest` or `v1.<minor>`. */
  readonly enforceVersion?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problems of one pod spec in a namespace enforcing `security` (one per Pod Security check it fails). */
export function podAgainstNamespace(
  namespace: string,
  security: NamespacePodSecurity,
  podSpec: Obj,
  where: { readonly base: string; readonly annotationsPath: string; readonly podAnnotations?: Readonly<Record<string, unknown>> },
): { readonly path: string; readonly message: string }[] {
  const findings = podSecurityFindings(podSpec, security.enforce, {
    version: security.enforceVersion,
    base: where.base,
    podAnnotations: where.podAnnotations,
    annotationsPath: where.annotationsPath,
  });
  const version = security.enforceVersion && security.enforceVersion !== 'latest' ? ` ${security.enforceVersion}` : '';
  return findings.map((f) => ({
    path: f.path,
    message:
      `${f.message}: namespace "${namespace}" enforces Pod Security "${security.enforce}"${version}, which rejects this pod (check ${f.check}), ` +
      'so its pods would never be created (a warm pool would stay at 0); fix the pod, or lower the namespace\'s enforce level',
  }));
}

/** Where each kind that creates pods keeps its pod template (metadata + spec). */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Sandbox: ['spec', 'podTemplate'],
  SandboxTemplate: ['spec', 'podTemplate'],
};

/**
 * Every pod-creating object in `sources` whose namespace is defined among them (a `Namespace` with an enforce label)
 * against that namespace's level. Objects in namespaces defined elsewhere are not checked (their level is unknown).
 */
export function namespacePodSecurityProblems(sources: readonly { readonly value: unknown; readonly file?: string; readonly index?: number }[]): Problem[] {
  const levels = new Map<string, NamespacePodSecurity>();
  for (const { value } of sources) {
    if (!isObj(value) || value.kind !== 'Namespace' || value.apiVersion !== 'v1' || !isObj(value.metadata)) continue;
    const labels = isObj(value.metadata.labels) ? value.metadata.labels : {};
    const enforce = labels[ENFORCE_LABEL];
    if (enforce !== 'baseline' && enforce !== 'restricted' && enforce !== 'privileged') continue;
    const version = labels[ENFORCE_VERSION_LABEL];
    levels.set(String(value.metadata.name), { enforce, ...(typeof version === 'string' ? { enforceVersion: version } : {}) });
  }
  const problems: Problem[] = [];
  for (const { value, file, index } of sources) {
    if (!isObj(value) || typeof value.kind !== 'string' || !isObj(value.metadata)) continue;
    const path = POD_TEMPLATE_PATHS[value.kind];
    const namespace = value.metadata.namespace;
    if (!path || typeof namespace !== 'string') continue;
    const security = levels.get(namespace);
    if (!security || security.enforce === 'privileged') continue;
    let template: unknown = value;
    for (const key of path) template = isObj(template) ? template[key] : undefined;
    if (!isObj(template) || !isObj(template.spec)) continue;
    const metadata = isObj(template.metadata) ? template.metadata : {};
    const prefix = path.join('.');
    for (const p of podAgainstNamespace(namespace, security, template.spec, {
      base: joinPath(prefix, 'spec'),
      annotationsPath: prefix ? `${prefix}.metadata.annotations` : 'metadata.annotations',
      podAnnotations: isObj(metadata.annotations) ? metadata.annotations : undefined,
    })) {
      problems.push({ file, object: describeObject(value, index), path: p.path, message: p.message, severity: 'error', code: 'podSecurity' });
    }
  }
  return problems;
}
