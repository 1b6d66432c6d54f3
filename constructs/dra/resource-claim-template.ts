/**
 * `ResourceClaimTemplate`: a namespaced resource.k8s.io/v1 ResourceClaimTemplate (Kubernetes ≥ 1.34).
 * Pods reference it in spec.resourceClaims[].resourceClaimTemplateName; every pod then gets its own
 * ResourceClaim with these device requests.
 *
 * Each request is either `exactly` one kind of device (a DeviceClass construct or the name of a
 * platform-provided class, count or All, selectors, capacity, tolerations, admin access) or
 * `firstAvailable`: alternatives tried in order (DRAPrioritizedList). Selectors are checked like the
 * DeviceClass ones; fields whose feature gate is off by default on `kubernetesVersion` are errors.
 *
 * Admin access (`adminAccess: true`) is only granted in namespaces labelled
 * resource.kubernetes.io/admin-access: "true"; the API server rejects it elsewhere. Pass the namespace
 * as an object that knows (`SandboxNamespace`: name + allowsDraAdminAccess), or acknowledge the label
 * with `adminAccessNamespaceLabelled: true` when you pass a plain name.
 */
import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeResourceClaimTemplate, Quantity, type DeviceRequest, type DeviceSubRequest, type ExactDeviceRequest } from '../../imports/k8s';
import { summarize } from '../../core/cel/cel-results';
import { domainProblem, nameProblem } from '../../core/cel/cel-names';
import { parseQuantity } from '../../core/quantity';
import { DeviceClass } from './device-class';
import { checkSelectors, combine, targetedGpuDriver, type DeviceSelectorInput } from './device-selectors';
import {
  DEFAULT_DRA_KUBERNETES_VERSION,
  draFeaturesUsedByClaimSpec,
  draVersionProblems,
  type DraTargetProps,
  type DraFeatureUse,
} from './dra-features';
import {
  dnsLabelProblem,
  duplicateNames,
  formatProblems,
  labelNameProblem,
  labelValueProblem,
  MAX_DEVICE_REQUESTS,
  MAX_DEVICE_TOLERATIONS,
  MAX_FIRST_AVAILABLE,
  subdomainProblem,
} from './dra-object-checks';
import { gpuDriverOfDeviceClass } from './gpu-drivers';
import { SAMPLE_DEVICES } from '../../core/cel/sample-devices';
import { ProblemsError } from '../../core/diagnostics';
import { problemAt, type Problem } from '../../core/diagnostics';

/** The namespace label that allows admin access (resourceapi.DRAAdminNamespaceLabelKey). */
export const DRA_ADMIN_ACCESS_LABEL = 'resource.kubernetes.io/admin-access';

/** A namespace that knows whether it carries resource.kubernetes.io/admin-access: "true" (e.g. SandboxNamespace). */
export interface DraNamespaceRef {
  readonly name: string;
  readonly allowsDraAdminAccess: boolean;
}

/** A DeviceClass construct, or the name of a class the platform or a driver installer provides (e.g. "gpu.nvidia.com"). */
export type DeviceClassRef = DeviceClass | string;

/** resource.k8s.io/v1 DeviceToleration. */
export interface DeviceTolerationInput {
  /** Taint key (a label name); empty matches every key and needs operator Exists. @default - all keys */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value (a label value); must be empty with Exists. @default '' */
  readonly value?: string;
  /** @default - all effects */
  readonly effect?: 'NoSchedule' | 'NoExecute';
  /** Only with effect NoExecute: how long a running pod keeps the device after the taint. @default - forever */
  readonly tolerationSeconds?: number;
}

/** What a request asks for; shared by `exactly` and the `firstAvailable` alternatives. */
export interface DeviceRequestOptions {
  readonly deviceClass: DeviceClassRef;
  /** @default 'ExactCount' */
  readonly allocationMode?: 'ExactCount' | 'All';
  /** Number of devices, ExactCount only (> 0). @default 1 */
  readonly count?: number;
  /** Extra conditions on top of the class's selectors. @default [] */
  readonly selectors?: readonly DeviceSelectorInput[];
  /** Consumable capacity per device, e.g. `{ requests: { memory: '10Gi' } }` (DRAConsumableCapacity). @default - whole devices */
  readonly capacity?: { readonly requests: Readonly<Record<string, string | number>> };
  /** Device taints to tolerate (DRADeviceTaints). @default [] */
  readonly tolerations?: readonly DeviceTolerationInput[];
  /**
   * Marks the request as a GPU request when the class is given by name and is not a known GPU class.
   * @default - GPU when the class or a selector targets a known GPU driver
   */
  readonly gpu?: boolean;
}

export interface ExactDeviceRequestOptions extends DeviceRequestOptions {
  /**
   * Administrative access to devices that may be in use (DRAAdminAccess). Only in namespaces labelled
   * resource.kubernetes.io/admin-access: "true". @default false
   */
  readonly adminAccess?: boolean;
}

export interface DeviceSubRequestOptions extends DeviceRequestOptions {
  /** A DNS label, unique within the request. Containers may refer to "<request>/<name>". */
  readonly name: string;
}

/** One device request: exactly one kind of device, or the first of several alternatives that can be allocated. */
export type DeviceRequestInput =
  | { readonly name: string; readonly exactly: ExactDeviceRequestOptions; readonly firstAvailable?: undefined }
  | { readonly name: string; readonly firstAvailable: readonly DeviceSubRequestOptions[]; readonly exactly?: undefined };

export interface ResourceClaimTemplateProps extends DraTargetProps {
  /** metadata.name (a DNS subdomain). @default - generated by cdk8s */
  readonly name?: string;
  /** A namespace name, or an object that knows whether it allows DRA admin access. @default - the chart's namespace */
  readonly namespace?: string | DraNamespaceRef;
  /** Extra labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** The device requests (1–32; names are DNS labels, unique). */
  readonly requests: readonly DeviceRequestInput[];
  /**
   * Confirms that a namespace given as a plain string carries resource.kubernetes.io/admin-access: "true",
   * so requests may use adminAccess. Ignored when `namespace` is an object. @default false
   */
  readonly adminAccessNamespaceLabelled?: boolean;
}

export class ResourceClaimTemplate extends Construct {
  /** metadata.name. */
  readonly name: string;
  readonly namespace?: string;
  readonly kubernetesVersion: string;
  /** The top-level request names, in order (what containers put in resources.claims[].request). */
  readonly requestNames: readonly string[];
  /** True when any request (or alternative) gets devices of a GPU class. */
  readonly isGpu: boolean;
  /** Why, per GPU request, e.g. 'requests[0] (gpu): DeviceClass "nvidia" spec.selectors[0] targets GPU driver "gpu.nvidia.com"'. */
  readonly gpuReasons: readonly string[];
  /**
   * Sample-device matches per request ("gpu") or alternative ("gpu/h100"): the class's selectors (when
   * the class is a construct) and the request's selectors together.
   */
  readonly matchSummaries: Readonly<Record<string, string>>;
  /** DRA features the emitted object uses. */
  readonly featuresUsed: readonly DraFeatureUse[];
  /** The ResourceClaimTemplate object (a KubeResourceClaimTemplate). */
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ResourceClaimTemplateProps) {
    super(scope, id);
    const label = props.name !== undefined ? `ResourceClaimTemplate ${JSON.stringify(props.name)}` : `ResourceClaimTemplate at ${this.node.path}`;
    const problems: Problem[] = [];
    this.kubernetesVersion = props.kubernetesVersion ?? DEFAULT_DRA_KUBERNETES_VERSION;
    const namespace = props.namespace;
    const namespaceName = typeof namespace === 'string' ? namespace : namespace?.name;
    const devices = props.sampleDevices ?? SAMPLE_DEVICES;

    if (props.name !== undefined) {
      const problem = subdomainProblem(props.name);
      if (problem) problems.push(problemAt('metadata.name', problem, 'resourceClaimTemplate'));
    }

    const requests = props.requests ?? [];
    if (requests.length === 0) problems.push(problemAt('spec.spec.devices.requests', 'at least one request is needed', 'resourceClaimTemplate'));
    if (requests.length > MAX_DEVICE_REQUESTS) problems.push(problemAt('spec.spec.devices.requests', `${requests.length} requests; at most ${MAX_DEVICE_REQUESTS} are allowed`, 'resourceClaimTemplate'));
    problems.push(...duplicateNames(requests.map((r) => r.name), 'spec.spec.devices.requests'));

    const gpuReasons: string[] = [];
    const matchSummaries: Record<string, string> = {};
    const rendered: DeviceRequest[] = [];

    const part = (options: DeviceRequestOptions, path: string, ref: string): Omit<ExactDeviceRequest, 'adminAccess'> => {
      const className = options.deviceClass instanceof DeviceClass ? options.deviceClass.name : options.deviceClass;
      if (typeof options.deviceClass === 'string') {
        const problem = subdomainProblem(options.deviceClass);
        if (problem) problems.push(problemAt(`${path}.deviceClassName`, problem, 'resourceClaimTemplate'));
      } else if (!(options.deviceClass instanceof DeviceClass)) {
        problems.push(problemAt(`${path}.deviceClassName`, 'deviceClass must be a DeviceClass construct or a class name', 'resourceClaimTemplate'));
      }
      const mode = options.allocationMode ?? 'ExactCount';
      if (mode !== 'ExactCount' && mode !== 'All') problems.push(problemAt(`${path}.allocationMode`, `must be ExactCount or All, got ${JSON.stringify(mode)}`, 'resourceClaimTemplate'));
      if (mode === 'All' && options.count !== undefined) {
        problems.push(problemAt(`${path}.count`, `must not be set with allocationMode All (every matching device in the pool is allocated), got ${options.count}`, 'resourceClaimTemplate'));
      }
      const count = mode === 'ExactCount' ? options.count ?? 1 : undefined;
      if (count !== undefined && (!Number.isSafeInteger(count) || count <= 0)) problems.push(problemAt(`${path}.count`, `must be a whole number > 0, got ${count}`, 'resourceClaimTemplate'));

      const checked = checkSelectors(options.selectors ?? [], { pathPrefix: `${path}.selectors`, devices });
      problems.push(...checked.problems.map((p) => problemAt(p.path ?? '', p.message, 'celSelector')));
      const classChecks = options.deviceClass instanceof DeviceClass ? options.deviceClass.selectorChecks : [];
      const known = options.deviceClass instanceof DeviceClass ? '' : ` (class ${JSON.stringify(className)} not evaluated: given by name)`;
      matchSummaries[ref] = summarize(combine([...classChecks, ...checked.results], devices)) + known;

      const capacity = capacityRequests(options.capacity, `${path}.capacity.requests`, problems);
      const tolerations = (options.tolerations ?? []).map((t, i) => toleration(t, `${path}.tolerations[${i}]`, problems));
      if (tolerations.length > MAX_DEVICE_TOLERATIONS) problems.push(problemAt(`${path}.tolerations`, `${tolerations.length} tolerations; at most ${MAX_DEVICE_TOLERATIONS} are allowed`, 'resourceClaimTemplate'));

      const reason = gpuReason(options, checked.expressions, className);
      if (reason) gpuReasons.push(`${path.replace(/^spec\.spec\.devices\./, '')} (${ref}): ${reason}`);

      return {
        deviceClassName: className,
        allocationMode: mode,
        ...(count !== undefined ? { count } : {}),
        ...(checked.expressions.length > 0 ? { selectors: checked.expressions.map((expression) => ({ cel: { expression } })) } : {}),
        ...(capacity ? { capacity: { requests: capacity } } : {}),
        ...(tolerations.length > 0 ? { tolerations } : {}),
      };
    };

    requests.forEach((request, i) => {
      const path = `spec.spec.devices.requests[${i}]`;
      const nameProblem = dnsLabelProblem(request.name);
      if (nameProblem) problems.push(problemAt(`${path}.name`, nameProblem, 'resourceClaimTemplate'));
      const hasExactly = request.exactly !== undefined;
      const hasFirst = request.firstAvailable !== undefined;
      if (hasExactly === hasFirst) {
        problems.push(problemAt(path, `exactly one of exactly or firstAvailable is needed${hasExactly ? ', both are set' : ''}`, 'resourceClaimTemplate'));
        return;
      }
      if (request.exactly) {
        const exactly = request.exactly;
        const base = part(exactly, `${path}.exactly`, request.name);
        if (exactly.adminAccess === true) problems.push(...this.adminAccessProblems(`${path}.exactly.adminAccess`, namespace, props.adminAccessNamespaceLabelled));
        rendered.push({ name: request.name, exactly: { ...base, ...(exactly.adminAccess === true ? { adminAccess: true } : {}) } });
        return;
      }
      const alternatives = request.firstAvailable ?? [];
      if (alternatives.length === 0) problems.push(problemAt(`${path}.firstAvailable`, 'needs at least one alternative', 'resourceClaimTemplate'));
      if (alternatives.length > MAX_FIRST_AVAILABLE) {
        problems.push(problemAt(`${path}.firstAvailable`, `${alternatives.length} alternatives; at most ${MAX_FIRST_AVAILABLE} are allowed`, 'resourceClaimTemplate'));
      }
      problems.push(...duplicateNames(alternatives.map((a) => a.name), `${path}.firstAvailable`));
      const subs: DeviceSubRequest[] = alternatives.map((alternative, j) => {
        const at = `${path}.firstAvailable[${j}]`;
        const subProblem = dnsLabelProblem(alternative.name);
        if (subProblem) problems.push(problemAt(`${at}.name`, subProblem, 'resourceClaimTemplate'));
        if ((alternative as ExactDeviceRequestOptions).adminAccess !== undefined) {
          problems.push(problemAt(`${at}.adminAccess`, 'not available in firstAvailable alternatives (resource.k8s.io/v1 DeviceSubRequest has no adminAccess); use exactly', 'resourceClaimTemplate'));
        }
        return { name: alternative.name, ...part(alternative, at, `${request.name}/${alternative.name}`) };
      });
      rendered.push({ name: request.name, firstAvailable: subs });
    });

    const spec = { spec: { devices: { requests: rendered } } };
    this.featuresUsed = draFeaturesUsedByClaimSpec(spec.spec, 'spec.spec');
    problems.push(...draVersionProblems(this.featuresUsed, this.kubernetesVersion, { enabledFeatureGates: props.enabledFeatureGates }));

    if (problems.length > 0) throw new ProblemsError(formatProblems(label, problems), problems);

    this.requestNames = requests.map((r) => r.name);
    this.gpuReasons = gpuReasons;
    this.isGpu = gpuReasons.length > 0;
    this.matchSummaries = matchSummaries;
    this.resource = new KubeResourceClaimTemplate(this, 'Resource', {
      metadata: {
        ...(props.name !== undefined ? { name: props.name } : {}),
        ...(namespaceName !== undefined ? { namespace: namespaceName } : {}),
        labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra', ...(props.labels ?? {}) },
      },
      spec,
    });
    this.name = this.resource.name;
    this.namespace = this.resource.metadata.namespace;
  }

  private adminAccessProblems(path: string, namespace: string | DraNamespaceRef | undefined, acknowledged: boolean | undefined): Problem[] {
    const rule = `admin access is only allowed in a namespace labelled ${DRA_ADMIN_ACCESS_LABEL}: "true" (the API server rejects it elsewhere)`;
    if (namespace !== undefined && typeof namespace === 'object') {
      return namespace.allowsDraAdminAccess
        ? []
        : [problemAt(path, `${rule}; namespace ${JSON.stringify(namespace.name)} does not allow it; set allowDraAdminAccess: true on the namespace (in a config file: tenants[].namespace.allowDraAdminAccess)`, 'resourceClaimTemplate')];
    }
    if (acknowledged === true) return [];
    const given = namespace === undefined ? 'no namespace is given' : `namespace ${JSON.stringify(namespace)} is a plain name`;
    return [
      problemAt(
        path,
        `${rule}; ${given}, so the label cannot be checked — pass the namespace object (name + allowsDraAdminAccess, e.g. a SandboxNamespace), ` +
          'or set adminAccessNamespaceLabelled: true to confirm the namespace carries the label',
        'resourceClaimTemplate',
      ),
    ];
  }
}

function gpuReason(options: DeviceRequestOptions, expressions: readonly string[], className: string): string | undefined {
  if (options.deviceClass instanceof DeviceClass && options.deviceClass.isGpu) {
    return `DeviceClass ${JSON.stringify(className)}: ${options.deviceClass.gpuReason}`;
  }
  if (typeof options.deviceClass === 'string') {
    const driver = gpuDriverOfDeviceClass(options.deviceClass);
    if (driver) return `DeviceClass ${JSON.stringify(className)} is the GPU class of driver ${JSON.stringify(driver)}`;
  }
  const selector = expressions.map((e, i) => ({ i, driver: targetedGpuDriver(e) })).find((s) => s.driver !== undefined);
  if (selector) return `selectors[${selector.i}] targets GPU driver ${JSON.stringify(selector.driver)}`;
  if (options.gpu === true) return 'marked gpu: true';
  return undefined;
}

function capacityRequests(
  capacity: DeviceRequestOptions['capacity'],
  path: string,
  problems: Problem[],
): Record<string, Quantity> | undefined {
  if (capacity === undefined) return undefined;
  const entries = Object.entries(capacity.requests ?? {});
  if (entries.length === 0) {
    problems.push(problemAt(path, `empty; name at least one capacity, e.g. { memory: '10Gi' }`, 'resourceClaimTemplate'));
    return undefined;
  }
  const out: Record<string, Quantity> = {};
  for (const [key, value] of entries) {
    const slash = key.indexOf('/');
    const keyProblem = slash === -1 ? nameProblem(key) : domainProblem(key.slice(0, slash)) ?? nameProblem(key.slice(slash + 1));
    if (keyProblem) problems.push(problemAt(`${path}[${JSON.stringify(key)}]`, keyProblem, 'resourceClaimTemplate'));
    const text = typeof value === 'number' ? String(value) : value;
    const quantity = parseQuantity(text);
    if (typeof quantity === 'string') problems.push(problemAt(`${path}[${JSON.stringify(key)}]`, quantity, 'resourceClaimTemplate'));
    else if (quantity.sign() < 0) problems.push(problemAt(`${path}[${JSON.stringify(key)}]`, `must not be negative, got ${text}`, 'resourceClaimTemplate'));
    out[key] = Quantity.fromString(text);
  }
  return out;
}

function toleration(t: DeviceTolerationInput, path: string, problems: Problem[]): { key?: string; operator: string; value?: string; effect?: string; tolerationSeconds?: number } {
  const operator = t.operator ?? 'Equal';
  if (operator !== 'Equal' && operator !== 'Exists') problems.push(problemAt(`${path}.operator`, `must be Equal or Exists, got ${JSON.stringify(operator)}`, 'resourceClaimTemplate'));
  if (t.key !== undefined && t.key !== '') {
    const problem = labelNameProblem(t.key);
    if (problem) problems.push(problemAt(`${path}.key`, problem, 'resourceClaimTemplate'));
  } else if (operator !== 'Exists') {
    problems.push(problemAt(path, `an empty key matches every taint and needs operator Exists, got ${operator}`, 'resourceClaimTemplate'));
  }
  if (operator === 'Exists' && t.value !== undefined && t.value !== '') problems.push(problemAt(`${path}.value`, `must be empty with operator Exists, got ${JSON.stringify(t.value)}`, 'resourceClaimTemplate'));
  const valueProblem = t.value !== undefined ? labelValueProblem(t.value) : undefined;
  if (valueProblem) problems.push(problemAt(`${path}.value`, valueProblem, 'resourceClaimTemplate'));
  if (t.effect !== undefined && t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') {
    problems.push(problemAt(`${path}.effect`, `must be NoSchedule or NoExecute, got ${JSON.stringify(t.effect)}`, 'resourceClaimTemplate'));
  }
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== 'NoExecute') problems.push(problemAt(`${path}.tolerationSeconds`, `only applies to effect NoExecute (it would be ignored), effect is ${t.effect ?? 'unset'}`, 'resourceClaimTemplate'));
    if (!Number.isSafeInteger(t.tolerationSeconds)) problems.push(problemAt(`${path}.tolerationSeconds`, `must be a whole number of seconds, got ${t.tolerationSeconds}`, 'resourceClaimTemplate'));
  }
  return {
    ...(t.key !== undefined && t.key !== '' ? { key: t.key } : {}),
    operator,
    ...(t.value !== undefined && t.value !== '' ? { value: t.value } : {}),
    ...(t.effect !== undefined ? { effect: t.effect } : {}),
    ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
  };
}
