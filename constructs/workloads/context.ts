/** How workload constructs learn their platform, namespace and controller without being told twice. */
import type { Construct, IConstruct } from 'constructs';
import { isPlatform, type Platform } from '../platform/profiles';

/** A namespace as the workloads see it: a name, or a SandboxNamespace (which also brings its ServiceAccount). */
export type NamespaceRef = string | { readonly name: string; readonly serviceAccountName?: string; readonly allowsDraAdminAccess?: boolean };

export function namespaceName(ns: NamespaceRef): string {
  return typeof ns === 'string' ? ns : ns.name;
}

export function namespaceServiceAccount(ns: NamespaceRef): string | undefined {
  return typeof ns === 'string' ? undefined : ns.serviceAccountName;
}

/** The platform given explicitly, else the one of an enclosing construct that has one (e.g. SandboxPlatformChart). */
export function resolvePlatform(scope: Construct, explicit: Platform | undefined, what: string): Platform {
  if (explicit !== undefined) {
    if (!isPlatform(explicit)) throw new Error(`${what}: platform "${String(explicit)}" is unknown`);
    return explicit;
  }
  for (const s of [...scope.node.scopes].reverse()) {
    const p = (s as IConstruct & { platform?: unknown }).platform;
    if (typeof p === 'string' && isPlatform(p)) return p;
  }
  throw new Error(`${what}: set platform (gke-autopilot, gke-standard, eks, aks or kind), or create it inside a SandboxPlatformChart`);
}

/** The controller settings a workload depends on, found in the same chart (undefined when installed elsewhere). */
export interface ControllerFacts {
  readonly extensions: boolean;
  readonly allowedLabelDomains: readonly string[];
}

export function findController(scope: Construct): ControllerFacts | undefined {
  const root = scope.node.root;
  for (const c of root.node.findAll()) {
    const facts = c as IConstruct & Partial<ControllerFacts> & { webhookServiceName?: unknown };
    if (typeof facts.extensions === 'boolean' && Array.isArray(facts.allowedLabelDomains) && typeof facts.webhookServiceName === 'string') {
      return { extensions: facts.extensions, allowedLabelDomains: facts.allowedLabelDomains };
    }
  }
  return undefined;
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkName(field: string, value: string, errors: string[], max = 63): void {
  if (typeof value !== 'string' || value.length > max || !DNS_LABEL.test(value)) {
    errors.push(`${field}: "${String(value)}" is not a valid name (lowercase letters, digits and "-", at most ${max} characters)`);
  }
}
