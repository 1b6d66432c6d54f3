/** What SandboxTemplate and Sandbox share: resolve the platform, build the secure pod, label and annotate the object. */
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { systemNamespaceProblem, type Platform } from '../../platforms';
import { checkSandboxObjectPod, SECURITY_OPT_OUTS_ANNOTATION } from '../../validation/sandbox/object';
import { findController, namespacePodSecurity, namespaceServiceAccount, resolvePlatform, type NamespaceRef } from './context';
import { podAgainstNamespace } from '../../validation/namespace-pod-security';
import { buildSandboxPod, type BuiltSandboxPod, type SandboxPodProps } from './sandbox-pod';
import { problemAt, problemList, problemsOf, ProblemsError, type Problem } from '../../core/diagnostics';
import { addProblemValidation } from '../problem-validation';

export interface PodOwnerProps extends SandboxPodProps {
  readonly namespace: NamespaceRef;
  readonly platform?: Platform;
  /**
   * The platform's `platforms.<id>` settings (the generic `kubernetes` platform's RuntimeClass and sandbox nodes).
   * @default - those of the enclosing SandboxPlatformChart of the same platform, else the platform's defaults
   */
  readonly platformSettings?: unknown;
}

export interface PodOwner {
  readonly platform: Platform;
  readonly platformSettings?: unknown;
  readonly pod: BuiltSandboxPod;
  /** metadata of the owning object: the isolation label and the opt-out record. */
  readonly metadata: Record<string, unknown>;
}

export function buildPodOwner(owner: Construct, kind: 'SandboxTemplate' | 'Sandbox', name: string, namespace: string, props: PodOwnerProps): PodOwner {
  const { platform, settings } = resolvePlatform(owner, props.platform, `${kind} "${owner.node.path}"`, props.platformSettings);
  // A sandbox in a system namespace is reported with the pod's own problems, in one error.
  const reserved = systemNamespaceProblem(namespace, { platform, controllerNamespace: findController(owner)?.namespace });
  const where = `${kind} ${namespace}/${name}`;
  let pod: BuiltSandboxPod;
  try {
    pod = buildSandboxPod(platform, { ...props, serviceAccountName: props.serviceAccountName ?? namespaceServiceAccount(props.namespace) }, where, settings);
  } catch (err) {
    if (!reserved) throw err;
    const problems = [problemAt('namespace', reserved, 'systemNamespace'), ...problemsOf(err)];
    throw new ProblemsError(`${where} is invalid:${problemList(problems)}`, problems);
  }
  if (reserved) throw new ProblemsError(`${where}: namespace: ${reserved}`, [problemAt('namespace', reserved, 'systemNamespace')]);
  const metadata = {
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', 'agent-sandbox-infra.io/isolation': pod.isolation },
    ...(Object.keys(pod.objectAnnotations).length ? { annotations: { ...pod.objectAnnotations } } : {}),
  };
  return { platform, platformSettings: settings, pod, metadata };
}

/**
 * {@link buildPodOwner} for a constructor that has already checked its own fields into `errors`: the pod is built even
 * then, so one error (`<kind> "<path>" is invalid:`) lists the fields' problems and the pod's together.
 */
export function buildPodOwnerOrThrow(
  owner: Construct,
  kind: 'SandboxTemplate' | 'Sandbox',
  name: string,
  namespace: string,
  props: PodOwnerProps,
  errors: Problem[],
): PodOwner {
  let built: PodOwner | undefined;
  try {
    built = buildPodOwner(owner, kind, name, namespace, props);
  } catch (err) {
    if (errors.length === 0) throw err;
    errors.push(...problemsOf(err));
  }
  if (errors.length || !built) throw new ProblemsError(`${kind} "${owner.node.path}" is invalid:${problemList(errors)}`, errors);
  return built;
}

/**
 * At synth, the object as it will be written (escape-hatch JSON patches applied) against the secure profile: a
 * violation that is not opted out is an error, so a patch cannot weaken the pod quietly; an opt-out that suppresses
 * nothing is an error too, so the annotation never claims a weakening that is not there (opt out in the props and
 * make the change with the escape hatch, and both are checked together here).
 */
export function checkPodAtSynth(owner: Construct, resource: ApiObject, platform: Platform, platformSettings?: unknown, namespace?: NamespaceRef): void {
  addProblemValidation(owner, () => {
    const json = resource.toJson() as { metadata?: { namespace?: string }; spec?: { podTemplate?: { metadata?: { annotations?: Record<string, unknown> }; spec?: Record<string, unknown> } } };
    const checked = checkSandboxObjectPod(json as Record<string, unknown>, { platform, platformSettings });
    if (!checked) return [problemAt('spec.podTemplate.spec', 'must be a pod spec (removed by a patch?)', 'podSpec')];
    const used = new Set(checked.violations.filter((v) => v.severity === 'note').map((v) => v.rule));
    // The namespace's own Pod Security level, whatever it is: an opted-out rule the level forbids is still an error.
    const security = namespace ? namespacePodSecurity(namespace) : undefined;
    const podTemplate = json.spec?.podTemplate;
    const namespaceProblems =
      security && podTemplate?.spec
        ? podAgainstNamespace(json.metadata?.namespace ?? '', security, podTemplate.spec, {
            base: 'spec.podTemplate.spec',
            annotationsPath: 'spec.podTemplate.metadata.annotations',
            podAnnotations: podTemplate.metadata?.annotations,
          }).map((p) => problemAt(p.path, p.message, 'podSecurity'))
        : [];
    return [
      ...namespaceProblems,
      ...checked.unknownOptOuts.map((id) => problemAt(`metadata.annotations["${SECURITY_OPT_OUTS_ANNOTATION}"]`, `"${id}" is not a sandbox rule id`, 'securityOptOuts')),
      ...checked.violations
        .filter((v) => v.severity === 'error')
        .map((v) => problemAt(v.path, `${v.message} [rule ${v.rule}; opt out with securityOptOuts: [${v.rule}] if intended]`, v.rule)),
      ...checked.optOuts
        .filter((id) => !used.has(id))
        .map((id) =>
          problemAt('securityOptOuts', `"${id}" opts out of nothing (the pod meets that rule), so the annotation would record a weakening that is not there; remove it`, 'securityOptOuts'),
        ),
    ];
  });
}
