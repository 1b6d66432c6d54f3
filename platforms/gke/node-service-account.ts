/**
 * The least-privilege node service account: GKE nodes otherwise run as the Compute Engine default service account,
 * which has the project Editor role — a sandbox escape onto a node would inherit it.
 * Role: "Kubernetes Engine Default Node Service Account" (`roles/container.defaultNodeServiceAccount`), which GKE
 * names as the minimum a node service account needs (logging, monitoring and the rest nodes do):
 * https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts (platforms/gke/facts.ts
 * gke.node-service-account-role); plus Artifact Registry read access for image pulls
 * (https://cloud.google.com/artifact-registry/docs/access-control#gke).
 */
import { createHash } from 'node:crypto';

export const NODE_SERVICE_ACCOUNT_ROLES = ['roles/container.defaultNodeServiceAccount', 'roles/artifactregistry.reader'] as const;

/** With IAM permissions deciding access, nodes get the full scope (Google's recommendation for custom accounts). */
export const NODE_OAUTH_SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/**
 * A valid service account ID (6–30 characters, `[a-z][-a-z0-9]*[a-z0-9]`) derived from the component name, with a
 * short hash of stack and name so that two stacks sharing a project don't collide.
 */
export function nodeServiceAccountId(componentName: string, stack: string): string {
  const hash = createHash('sha256').update(`${stack}/${componentName}`).digest('hex').slice(0, 6);
  let base = componentName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[^a-z]+/, '');
  base = base.slice(0, 30 - hash.length - 1).replace(/-+$/, '');
  return `${base || 'gke-nodes'}-${hash}`;
}
