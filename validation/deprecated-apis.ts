/**
 * API versions Kubernetes retires that hand-written manifests still use. Our own output never uses them (the DRA
 * constructs emit resource.k8s.io/v1); `validate` says so for anything else: a note while the target still serves
 * the version, an error from the release that removes it. Lifecycles from k8s.io/api@v0.37.2
 * resource/v1beta1/zz_generated.prerelease-lifecycle.go (introduced 1.32, deprecated 1.35, removed 1.38) and
 * resource/v1beta2 (deprecated 1.36, removed 1.39); both are off by default in the API server since 1.34
 * (pkg/controlplane/instance.go betaAPIGroupVersionsDisabledByDefault).
 */
import { parseMinor } from '../core/upstream/pins';
import type { ObjectChecker } from './schema/validate-objects';

export interface RetiredApi {
  readonly apiVersion: string;
  readonly deprecatedIn: string;
  readonly removedIn: string;
  readonly replacement: string;
}

export const RETIRED_APIS: readonly RetiredApi[] = [
  { apiVersion: 'resource.k8s.io/v1beta1', deprecatedIn: '1.35', removedIn: '1.38', replacement: 'resource.k8s.io/v1' },
  { apiVersion: 'resource.k8s.io/v1beta2', deprecatedIn: '1.36', removedIn: '1.39', replacement: 'resource.k8s.io/v1' },
];

export function retiredApiChecker(kubernetesVersion: string): ObjectChecker {
  const minor = parseMinor(kubernetesVersion);
  return (value, object) => {
    const api = RETIRED_APIS.find((a) => a.apiVersion === value.apiVersion);
    if (!api) return [];
    const removed = minor >= parseMinor(api.removedIn);
    return [
      {
        object,
        path: 'apiVersion',
        code: 'retiredApi',
        severity: removed ? 'error' : 'note',
        message: removed
          ? `${api.apiVersion} is removed in Kubernetes ${api.removedIn} (the target is ${kubernetesVersion}): use ${api.replacement}`
          : `${api.apiVersion} is deprecated since Kubernetes ${api.deprecatedIn}, off by default, and removed in ${api.removedIn}: move to ${api.replacement}`,
      },
    ];
  };
}
