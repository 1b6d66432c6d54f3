/**
 * RBAC rules of agent-sandbox-controller. At least upstream's `k8s/rbac.generated.yaml`,
 * `k8s/extensions-rbac.generated.yaml` and the Role in `k8s/controller.yaml` (a test checks ⊇ against the pinned
 * release's files); kept as data because upstream RBAC files are not pinned artifacts.
 */

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

import type { AgentSandboxRelease } from '../../core/upstream/pins';

const CRUD = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * ClusterRole `agent-sandbox-controller` (core Sandbox controller). A release with a conversion webhook (v0.5.x)
 * also patches the webhook's caBundle into its four CRDs; v1.x has no webhook and no CRD rule.
 */
export function coreRules(release: Pick<AgentSandboxRelease, 'conversionWebhook' | 'crds'>): PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['persistentvolumeclaims', 'pods', 'services'], verbs: CRUD },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['agents.x-k8s.io'], resources: ['sandboxes'], verbs: CRUD },
    { apiGroups: ['agents.x-k8s.io'], resources: ['sandboxes/finalizers', 'sandboxes/status'], verbs: ['get', 'patch', 'update'] },
    ...(release.conversionWebhook
      ? [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: release.crds.map((c) => c.crdName).sort(), verbs: ['get', 'patch', 'update'] }]
      : []),
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'] },
  ];
}

/** ClusterRole `agent-sandbox-controller-extensions` (claims, templates, warm pools). */
export const EXTENSIONS_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  { apiGroups: ['agents.x-k8s.io'], resources: ['sandboxes'], verbs: CRUD },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: CRUD },
  { apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims', 'sandboxtemplates', 'sandboxwarmpools'], verbs: CRUD },
  {
    apiGroups: ['extensions.agents.x-k8s.io'],
    resources: [
      'sandboxclaims/finalizers',
      'sandboxclaims/status',
      'sandboxtemplates/finalizers',
      'sandboxwarmpools/finalizers',
      'sandboxwarmpools/status',
    ],
    verbs: ['get', 'patch', 'update'],
  },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: CRUD },
];

/** The controller creates and maintains its conversion-webhook certificate Secret (namespaced Role). */
export function webhookCertRules(secretName: string): PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get', 'patch', 'update'] },
  ];
}

export const WEBHOOK_CERT_SECRET = 'agent-sandbox-webhook-certs';
