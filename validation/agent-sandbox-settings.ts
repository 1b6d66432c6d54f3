/**
 * The agent-sandbox install settings every caller checks the same way: the AgentSandbox construct and the sandbox
 * config (`agentSandbox:`). Pure: no construct, so config/ can use it.
 */
import type { AgentSandboxRelease } from '../core/upstream/pins';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../core/formats';
import { imageReferenceProblem } from '../core/image-reference';
import { unitlessBytesProblem } from '../core/quantity';
import { controllerFlagErrors, type ControllerFlags } from './controller-flags';
import { problemAt, type Problem } from '../core/diagnostics';

export const CONTROLLER_NAME = 'agent-sandbox-controller';
/** Where the controller runs unless `namespace` says otherwise (upstream's install and Helm chart). */
export const DEFAULT_CONTROLLER_NAMESPACE = 'agent-sandbox-system';

export interface ContainerImage {
  /** @default 'registry.k8s.io/agent-sandbox/agent-sandbox-controller' */
  readonly repository?: string;
  /**
   * A registry that mirrors registry.k8s.io (private or air-gapped installs): it replaces `registry.k8s.io` in the
   * default repository, e.g. an ECR pull-through cache `123456789012.dkr.ecr.us-west-2.amazonaws.com/k8s` gives
   * `…/k8s/agent-sandbox/agent-sandbox-controller`. Not with `repository`. @default - registry.k8s.io
   */
  readonly registry?: string;
  /** @default - the release version, e.g. 'v1.0.3' */
  readonly tag?: string;
  /** `sha256:<64 hex>`; when set the image is pinned by digest (`repo:tag@digest`). @default - none */
  readonly digest?: string;
  /** @default 'IfNotPresent' */
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Refuse an image referenced by tag only: a tag can be moved to other bytes by whoever controls the registry (or a
   * mirror), a digest cannot. With it, an image without `digest` (and without a digest pinned for the release in
   * core/upstream/pins.ts) is an error naming this field. @default false
   */
  readonly requireDigest?: boolean;
}

/**
 * The image's errors every image setting shares: the digest's form, and `requireDigest` when the reference would be a
 * tag only. `reference` is what the Deployment would get.
 */
export function imageDigestErrors(image: ContainerImage | undefined, reference: string): Problem[] {
  const errors: Problem[] = [];
  if (image?.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(image.digest)) {
    errors.push(problemAt('image.digest', `must be "sha256:" followed by 64 lowercase hex digits, got "${image.digest}"`, 'agentSandboxSettings'));
  }
  if (image?.requireDigest === true && !reference.includes('@sha256:')) {
    errors.push(
      problemAt(
        'image.requireDigest',
        `the image "${reference}" is referenced by tag only, which its registry can move to other bytes; ` +
          'set image.digest to the sha256 of that tag in your registry (e.g. `crane digest <image>`), or remove requireDigest',
        'agentSandboxSettings',
      ),
    );
  }
  return errors;
}

/**
 * The controller image reference: the release's repository (under `registry` when given) and tag, pinned by `digest`,
 * or by the digest the pin table records for the release when repository and tag are the release's own (a mirror
 * registry serves the same bytes, so the digest still holds).
 */
export function controllerImageReference(image: ContainerImage | undefined, release: AgentSandboxRelease): string {
  const pinned = release.controllerImage;
  const repository = image?.repository ?? (image?.registry ? pinned.repository.replace(/^[^/]+/, image.registry) : pinned.repository);
  const tag = image?.tag ?? pinned.tag;
  const digest = image?.digest ?? (image?.repository === undefined && tag === pinned.tag ? pinned.digest : undefined);
  return digest ? `${repository}:${tag}@${digest}` : `${repository}:${tag}`;
}

/** Every invalid prop, each naming the field, the value and what is allowed. */
export function propErrors(props: AgentSandboxSettings, release: AgentSandboxRelease, replicas: number): Problem[] {
  const errors: Problem[] = [];
  const name = (field: string, value: string | undefined, re: RegExp, max: number, what: string) => {
    if (value !== undefined && (value.length > max || !re.test(value))) errors.push(problemAt(field, `"${value}" is not a valid ${what}`, 'agentSandboxSettings'));
  };
  name('namespace', props.namespace, DNS_LABEL, 63, 'namespace name (lowercase DNS label, at most 63 characters)');
  name('webhookServiceName', props.webhookServiceName, DNS_LABEL, 63, 'Service name (lowercase DNS label, at most 63 characters)');
  name('metricsServiceName', props.metricsServiceName, DNS_LABEL, 63, 'Service name (lowercase DNS label, at most 63 characters)');
  if (props.webhookServiceName !== undefined && !release.conversionWebhook) {
    errors.push(problemAt('webhookServiceName', `agent-sandbox ${release.version} has no conversion webhook (nothing to name); remove the field`, 'agentSandboxSettings'));
  }
  if (props.webhookServiceName !== undefined && props.webhookServiceName === (props.metricsServiceName ?? CONTROLLER_NAME)) {
    errors.push(problemAt('webhookServiceName', `"${props.webhookServiceName}" is also the metrics Service name; the two Services need different names`, 'agentSandboxSettings'));
  }
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 10) errors.push(problemAt('replicas', `must be an integer from 1 to 10, got ${replicas}`, 'agentSandboxSettings'));
  if (replicas > 1 && props.controller?.leaderElect === false) {
    errors.push(problemAt('controller.leaderElect', `false with replicas ${replicas} would run ${replicas} active controllers reconciling the same sandboxes; use replicas: 1 or leader election`, 'agentSandboxSettings'));
  }
  errors.push(...imageDigestErrors(props.image, controllerImageReference(props.image, release)));
  if (props.image?.registry !== undefined && props.image.repository !== undefined) {
    errors.push(problemAt('image.registry', 'cannot be used with image.repository (registry replaces the host of the default repository; repository replaces all of it), got both', 'agentSandboxSettings'));
  }
  if (props.image?.registry !== undefined && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/.test(props.image.registry)) {
    errors.push(problemAt('image.registry', `"${props.image.registry}" is not a registry host with an optional path, like "123456789012.dkr.ecr.us-west-2.amazonaws.com/k8s"`, 'agentSandboxSettings'));
  }
  if (props.image?.tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(props.image.tag)) errors.push(problemAt('image.tag', `"${props.image.tag}" is not a valid image tag`, 'agentSandboxSettings'));
  if (props.image?.repository !== undefined) {
    const problem = imageReferenceProblem(props.image.repository);
    if (problem || props.image.repository.includes('@') || /:[^/]*$/.test(props.image.repository)) {
      errors.push(problemAt('image.repository', `${problem ?? `"${props.image.repository}" carries a tag or digest; give them as image.tag and image.digest`}`, 'agentSandboxSettings'));
    }
  }
  for (const kind of ['limits', 'requests'] as const) {
    for (const [resource, value] of Object.entries(props.resources?.[kind] ?? {})) {
      const problem = unitlessBytesProblem(resource, value);
      if (problem) errors.push(problemAt(`resources.${kind}.${resource}`, problem, 'agentSandboxSettings'));
    }
  }
  for (const [i, domain] of (props.allowedLabelDomains ?? []).entries()) {
    if (typeof domain !== 'string' || domain.length > 253 || !DNS_SUBDOMAIN.test(domain)) {
      errors.push(problemAt(`allowedLabelDomains[${i}]`, `"${String(domain)}" is not a DNS domain (lowercase, e.g. "sandbox.example.com")`, 'agentSandboxSettings'));
    }
  }
  if (props.allowedLabelDomains && props.allowedLabelDomains.length === 0) {
    errors.push(problemAt('allowedLabelDomains', 'must list at least one domain (an empty list does not disable the allowlist upstream; omit the field to keep the default sandbox.users.io)', 'agentSandboxSettings'));
  }
  if (props.allowedLabelDomains && props.controller?.extensions === false) {
    errors.push(problemAt('allowedLabelDomains', 'only the extensions controllers read it; controller.extensions is false', 'agentSandboxSettings'));
  }
  errors.push(...controllerFlagErrors(props.controller ?? {}, release));
  return errors;
}

/** The settings {@link propErrors} reads (AgentSandboxProps has them all). */
export interface AgentSandboxSettings {
  readonly namespace?: string;
  readonly webhookServiceName?: string;
  readonly metricsServiceName?: string;
  readonly image?: ContainerImage;
  readonly resources?: { readonly limits?: Readonly<Record<string, string | number | undefined>>; readonly requests?: Readonly<Record<string, string | number | undefined>> };
  readonly controller?: ControllerFlags;
  readonly allowedLabelDomains?: readonly string[];
}
