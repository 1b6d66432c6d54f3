/**
 * DRA feature gating by Kubernetes version: which DRA API fields are served, and enabled by default,
 * on the Kubernetes version a DeviceClass / ResourceClaimTemplate targets.
 *
 * Why an error and not a warning: when a feature gate is off, the API server drops the gated field
 * on create (or rejects the object), so the object would silently mean something else — e.g. a
 * claim without its tolerations, or a class without its extended resource name.
 *
 * Stages are those of the Kubernetes feature-gate registry (a gate's VersionedSpecs: the release from
 * which a stage and default apply), cross-checked with the KEPs and the docs:
 * - kubernetes/kubernetes pkg/features/kube_features.go, defaultVersionedKubernetesFeatureGates
 *   (1.35 branch: DRAAdminAccess beta/on 1.34, DRAPrioritizedList beta/on 1.34, DRADeviceTaints,
 *   DRAExtendedResource, DRAConsumableCapacity, DRAPartitionableDevices still alpha/off;
 *   DynamicResourceAllocation GA 1.34) and the feature-gate list of the 1.37 development branch
 *   (1.36: DRADeviceTaints, DRAExtendedResource, DRAConsumableCapacity, DRAPartitionableDevices
 *   beta/on; DRAPrioritizedList and DRAAdminAccess GA). https://github.com/kubernetes/kubernetes/blob/master/pkg/features/kube_features.go
 * - https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
 * - the pinned API schemas: v1.34.0 is the first with resource.k8s.io/v1; in v1.36.0
 *   DeviceClassSpec.extendedResourceName and the request tolerations are described as beta fields.
 * Per-feature sources are in DRA_FEATURES[gate].sources.
 */
import { parseMinor } from '../../core/upstream/pins';
import { selectorReferences } from './device-selectors';
import { problemAt, type Problem } from '../../core/diagnostics';
import type { DraDevice } from '../../core/cel/cel-device';

/** Feature gates of the DRA features our constructs can emit (plus partitionable devices, for reference). */
export type DraFeatureGate =
  | 'DynamicResourceAllocation'
  | 'DRAPrioritizedList'
  | 'DRAAdminAccess'
  | 'DRADeviceTaints'
  | 'DRAExtendedResource'
  | 'DRAConsumableCapacity'
  | 'DRAPartitionableDevices';

export type FeatureStage = 'alpha' | 'beta' | 'GA';

/** One row of a gate's history: from Kubernetes `since` on, the gate is at `stage` with this default. */
export interface DraFeatureStageSpec {
  readonly stage: FeatureStage;
  /** "1.34" */
  readonly since: string;
  readonly enabledByDefault: boolean;
}

export interface DraFeature {
  readonly gate: DraFeatureGate;
  /** Short human name, e.g. "prioritized list". */
  readonly title: string;
  /** The API fields (resource.k8s.io/v1) the gate controls. */
  readonly fields: readonly string[];
  /** Oldest first. */
  readonly stages: readonly DraFeatureStageSpec[];
  readonly kep: string;
  readonly sources: readonly string[];
}

/** The oldest Kubernetes minor version that serves resource.k8s.io/v1. */
export const DRA_V1_MIN_VERSION = '1.34';
/** The Kubernetes version the DRA constructs target unless told otherwise. */
export const DEFAULT_DRA_KUBERNETES_VERSION = '1.36';

/** What a DRA construct (DeviceClass, ResourceClaimTemplate) is checked against. */
export interface DraTargetProps {
  /** Kubernetes version of the target cluster ("1.34", "1.35"…): fields whose feature gate is off by default there are errors. @default '1.36' */
  readonly kubernetesVersion?: string;
  /** Feature gates you enabled on a version where they are off by default. @default [] */
  readonly enabledFeatureGates?: readonly DraFeatureGate[];
  /** Devices the selectors are evaluated against for the match summaries. @default SAMPLE_DEVICES */
  readonly sampleDevices?: readonly DraDevice[];
}

const KUBE_FEATURES = 'https://github.com/kubernetes/kubernetes/blob/master/pkg/features/kube_features.go (defaultVersionedKubernetesFeatureGates)';
const FEATURE_GATES_PAGE = 'https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/';
const V136_DRA_BLOG = 'Kubernetes v1.36 DRA release blog "Kubernetes v1.36: More Drivers, New Features, and the Next Era of DRA"';
/** Read from the Go modules k8s.io/kubernetes@v1.36.3 and @v1.37.2 (pkg/features/kube_features.go), 2026-12-06. */
const KUBE_FEATURES_137 =
  'k8s.io/kubernetes@v1.37.2 pkg/features/kube_features.go: DRADeviceTaints GA on (L1481), DRAExtendedResource GA locked on (L1487), DRAPrioritizedList GA locked (L1519), DRAAdminAccess GA locked (L1451), DRAConsumableCapacity and DRAPartitionableDevices beta on (L1457, L1510); v1.36.3: DRADeviceTaints and DRAExtendedResource beta on (L1369, L1374)';

export const DRA_FEATURES: Readonly<Record<DraFeatureGate, DraFeature>> = {
  DynamicResourceAllocation: {
    gate: 'DynamicResourceAllocation',
    title: 'structured parameters, resource.k8s.io/v1',
    fields: ['resource.k8s.io/v1 DeviceClass', 'resource.k8s.io/v1 ResourceClaimTemplate'],
    stages: [
      { stage: 'alpha', since: '1.26', enabledByDefault: false },
      { stage: 'beta', since: '1.32', enabledByDefault: false },
      { stage: 'GA', since: '1.34', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/4381',
    sources: [KUBE_FEATURES, 'pinned Kubernetes API schemas: resource.k8s.io/v1 first in v1.34.0', FEATURE_GATES_PAGE],
  },
  DRAPrioritizedList: {
    gate: 'DRAPrioritizedList',
    title: 'prioritized list',
    fields: ['spec.devices.requests[].firstAvailable'],
    stages: [
      { stage: 'alpha', since: '1.33', enabledByDefault: false },
      { stage: 'beta', since: '1.34', enabledByDefault: true },
      { stage: 'GA', since: '1.36', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/4816',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'kubernetes/enhancements keps/sig-scheduling/4816-dra-prioritized-list/kep.yaml (alpha v1.33, beta v1.34)',
      'kubernetes/website feature-gates/DRAPrioritizedList.md (beta, default true, from 1.34)',
      `${V136_DRA_BLOG}: "Prioritized list (stable)"`,
    ],
  },
  DRAAdminAccess: {
    gate: 'DRAAdminAccess',
    title: 'admin access',
    fields: ['spec.devices.requests[].exactly.adminAccess'],
    stages: [
      { stage: 'alpha', since: '1.32', enabledByDefault: false },
      { stage: 'beta', since: '1.34', enabledByDefault: true },
      { stage: 'GA', since: '1.36', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/5018',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'kubernetes/enhancements keps/sig-auth/5018-dra-adminaccess/kep.yaml (beta v1.34, stable v1.36)',
      'kubernetes/website feature-gates/DRAAdminAccess.md (beta, default true, from 1.34; namespace label resource.kubernetes.io/admin-access: "true")',
    ],
  },
  DRADeviceTaints: {
    gate: 'DRADeviceTaints',
    title: 'device taints and tolerations',
    fields: ['spec.devices.requests[].exactly.tolerations', 'spec.devices.requests[].firstAvailable[].tolerations'],
    stages: [
      { stage: 'alpha', since: '1.33', enabledByDefault: false },
      { stage: 'beta', since: '1.36', enabledByDefault: true },
      { stage: 'GA', since: '1.37', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/5055',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'pinned schema v1.36.0: ExactDeviceRequest.tolerations "This is a beta field" (v1.34.0: "alpha field")',
      `${V136_DRA_BLOG}: "Device taints (beta)"`,
      'https://kubernetes.io/docs/concepts/resource-management/dynamic-resource-allocation/device-taints/',
    ],
  },
  DRAExtendedResource: {
    gate: 'DRAExtendedResource',
    title: 'extended resource mapping',
    fields: ['DeviceClass spec.extendedResourceName'],
    stages: [
      { stage: 'alpha', since: '1.34', enabledByDefault: false },
      { stage: 'beta', since: '1.36', enabledByDefault: true },
      { stage: 'GA', since: '1.37', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/5004',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'https://www.kubernetes.dev/resources/keps/5004/ (alpha v1.34, beta v1.36, stable v1.37)',
      'pinned schema v1.36.0: DeviceClassSpec.extendedResourceName "This is a beta field" (v1.34.0: "alpha field")',
      `${V136_DRA_BLOG}: "Extended resource support (beta)"`,
    ],
  },
  DRAConsumableCapacity: {
    gate: 'DRAConsumableCapacity',
    title: 'consumable capacity',
    fields: ['spec.devices.requests[].exactly.capacity.requests', 'spec.devices.requests[].firstAvailable[].capacity.requests', 'CEL device.allowMultipleAllocations'],
    stages: [
      { stage: 'alpha', since: '1.34', enabledByDefault: false },
      { stage: 'beta', since: '1.36', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/5075',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'https://www.kubernetes.dev/resources/keps/5075/ (alpha v1.34, beta v1.36)',
      'kubernetes/kubernetes pkg/apis/resource/validation: selectors compile with dracel.Features{EnableConsumableCapacity: DRAConsumableCapacity}',
    ],
  },
  DRAPartitionableDevices: {
    gate: 'DRAPartitionableDevices',
    title: 'partitionable devices',
    fields: ['ResourceSlice spec.sharedCounters', 'ResourceSlice spec.devices[].consumesCounters (published by drivers; not emitted by these constructs)'],
    stages: [
      { stage: 'alpha', since: '1.33', enabledByDefault: false },
      { stage: 'beta', since: '1.36', enabledByDefault: true },
    ],
    kep: 'https://kep.k8s.io/4815',
    sources: [
      KUBE_FEATURES_137,
      KUBE_FEATURES,
      'https://kubernetes.io/docs/concepts/resource-management/dynamic-resource-allocation/dra-features/ ("Partitionable devices: Kubernetes v1.36 [beta] (enabled by default)")',
    ],
  },
};

/** The stage of `gate` at `kubernetesVersion`, or undefined when the gate does not exist yet. */
export function featureStageAt(gate: DraFeatureGate, kubernetesVersion: string): DraFeatureStageSpec | undefined {
  const minor = parseMinor(kubernetesVersion);
  return [...DRA_FEATURES[gate].stages].reverse().find((s) => parseMinor(s.since) <= minor);
}

/** The first Kubernetes version in which `gate` is enabled by default. */
export function enabledByDefaultSince(gate: DraFeatureGate): string {
  const stage = DRA_FEATURES[gate].stages.find((s) => s.enabledByDefault);
  if (!stage) throw new Error(`${gate} is not enabled by default in any known Kubernetes version`);
  return stage.since;
}

/** A DRA feature an object uses, with the field path where it does. */
export interface DraFeatureUse {
  readonly gate: DraFeatureGate;
  readonly path: string;
}

export interface DraVersionOptions {
  /**
   * Gates you turned on yourself (kube-apiserver, kube-scheduler, kube-controller-manager, kubelet
   * --feature-gates) on a version where they are off by default. They cannot bring resource.k8s.io/v1
   * to a version before 1.34. @default []
   */
  readonly enabledFeatureGates?: readonly DraFeatureGate[];
}

/**
 * Why `uses` do not work on `kubernetesVersion` ("1.34", "v1.35.2"…), one message per problem; empty
 * when they all do. DRA itself is checked first: resource.k8s.io/v1 exists from 1.34 on.
 * @throws if `kubernetesVersion` is not a Kubernetes 1.x version
 */
export function draVersionProblems(uses: readonly DraFeatureUse[], kubernetesVersion: string, options: DraVersionOptions = {}): Problem[] {
  const minor = parseMinor(kubernetesVersion);
  const problems: Problem[] = [];
  if (minor < parseMinor(DRA_V1_MIN_VERSION)) {
    problems.push(problemAt('', `DRA resource.k8s.io/v1 needs Kubernetes ≥ ${DRA_V1_MIN_VERSION}, got ${kubernetesVersion}`, 'draFeatures'));
  }
  const extra = new Set(options.enabledFeatureGates ?? []);
  for (const use of uses) {
    if (use.gate === 'DynamicResourceAllocation') continue; // covered above
    const stage = featureStageAt(use.gate, kubernetesVersion);
    if (stage?.enabledByDefault) continue;
    if (stage && extra.has(use.gate) && minor >= parseMinor(DRA_V1_MIN_VERSION)) continue;
    const feature = DRA_FEATURES[use.gate];
    const since = enabledByDefaultSince(use.gate);
    const onDefault = feature.stages.find((s) => s.since === since)!;
    const now = stage ? `${kubernetesVersion} has it ${stage.stage}, off by default` : `${kubernetesVersion} does not have it`;
    // Turning an alpha gate on is an option only where resource.k8s.io/v1 exists at all.
    const howTo = stage && minor >= parseMinor(DRA_V1_MIN_VERSION)
      ? `target Kubernetes ≥ ${since}, or turn ${use.gate} on in the cluster and list it in enabledFeatureGates`
      : `target Kubernetes ≥ ${since}`;
    problems.push(
      problemAt(use.path, `needs feature gate ${use.gate} (${feature.title}), ${onDefault.stage} and enabled by default from Kubernetes ${since}; ${now} — ${howTo}`, 'draFeatures'),
    );
  }
  return problems;
}

// ---- what an emitted object uses (plain JSON, so YAML read by `validate` works too) ----

interface SelectorJson {
  readonly cel?: { readonly expression?: unknown };
}
interface RequestPartJson {
  readonly selectors?: readonly SelectorJson[];
  readonly capacity?: { readonly requests?: Readonly<Record<string, unknown>> };
  readonly tolerations?: readonly unknown[];
  readonly adminAccess?: boolean;
}
interface RequestJson {
  readonly exactly?: RequestPartJson;
  readonly firstAvailable?: readonly RequestPartJson[];
}

/** Features a DeviceClass spec uses. `path` is where the spec is (default "spec"). */
export function draFeaturesUsedByDeviceClassSpec(
  spec: { readonly extendedResourceName?: unknown; readonly selectors?: readonly SelectorJson[] },
  path = 'spec',
): DraFeatureUse[] {
  const uses: DraFeatureUse[] = [{ gate: 'DynamicResourceAllocation', path }];
  if (spec.extendedResourceName !== undefined) uses.push({ gate: 'DRAExtendedResource', path: `${path}.extendedResourceName` });
  uses.push(...selectorUses(spec.selectors, `${path}.selectors`));
  return uses;
}

/** Features a ResourceClaim spec uses. `path` is where the spec is (a template: "spec.spec"). */
export function draFeaturesUsedByClaimSpec(
  spec: { readonly devices?: { readonly requests?: readonly RequestJson[] } },
  path = 'spec',
): DraFeatureUse[] {
  const uses: DraFeatureUse[] = [{ gate: 'DynamicResourceAllocation', path }];
  (spec.devices?.requests ?? []).forEach((request, i) => {
    const at = `${path}.devices.requests[${i}]`;
    if (request.exactly) uses.push(...partUses(request.exactly, `${at}.exactly`));
    if (request.firstAvailable && request.firstAvailable.length > 0) {
      uses.push({ gate: 'DRAPrioritizedList', path: `${at}.firstAvailable` });
      request.firstAvailable.forEach((sub, j) => uses.push(...partUses(sub, `${at}.firstAvailable[${j}]`)));
    }
  });
  return uses;
}

function partUses(part: RequestPartJson, path: string): DraFeatureUse[] {
  const uses: DraFeatureUse[] = [];
  if (part.adminAccess === true) uses.push({ gate: 'DRAAdminAccess', path: `${path}.adminAccess` });
  uses.push(...selectorUses(part.selectors, `${path}.selectors`));
  if (part.capacity?.requests && Object.keys(part.capacity.requests).length > 0) {
    uses.push({ gate: 'DRAConsumableCapacity', path: `${path}.capacity.requests` });
  }
  if (part.tolerations && part.tolerations.length > 0) uses.push({ gate: 'DRADeviceTaints', path: `${path}.tolerations` });
  return uses;
}

function selectorUses(selectors: readonly SelectorJson[] | undefined, path: string): DraFeatureUse[] {
  return (selectors ?? []).flatMap((s, i) => {
    const expression = s.cel?.expression;
    return typeof expression === 'string' && selectorReferences(expression).allowMultipleAllocations
      ? [{ gate: 'DRAConsumableCapacity' as const, path: `${path}[${i}].cel.expression` }]
      : [];
  });
}
