/** Paths to the pinned upstream reference data the tests compare against, and the versions the pin table defaults to. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION } from '../../core/upstream/pins';

export const REPO_ROOT = resolve(__dirname, '../..');
export const UPSTREAM_DIR = resolve(process.env.AGENT_SANDBOX_INFRA_MIRROR ?? resolve(REPO_ROOT, '..', 'shared/upstream'));

/**
 * Why reference data that only the shared mirror holds is missing, or undefined. These files (nodeadm's e2e cases and
 * CRD, upstream v0.5.6's examples and kustomize render) have no public source fetch-upstream can reach here, so they
 * are not pinned: a suite reading them follows the real-component rule (test/support/real-components.ts).
 */
export function referenceDataMissing(relative: string): string | undefined {
  return existsSync(resolve(UPSTREAM_DIR, relative))
    ? undefined
    : `no ${relative} in the upstream mirror ${UPSTREAM_DIR} (reference data only ../shared/upstream holds: set AGENT_SANDBOX_INFRA_MIRROR to that folder)`;
}

/** The agent-sandbox release the constructs install by default, from the pin table. */
export const PINNED_RELEASE = agentSandboxRelease(DEFAULT_AGENT_SANDBOX_VERSION);
/** Its version and the API version its CRDs store and our objects are emitted in. */
export const AGENT_SANDBOX_VERSION = PINNED_RELEASE.version;
export const AGENT_SANDBOX_API_VERSION = PINNED_RELEASE.apiVersion;
/** apiVersion of Sandbox, and of SandboxTemplate/SandboxWarmPool/SandboxClaim, as we emit them. */
export const SANDBOX_API = `agents.x-k8s.io/${AGENT_SANDBOX_API_VERSION}`;
export const EXTENSIONS_API = `extensions.agents.x-k8s.io/${AGENT_SANDBOX_API_VERSION}`;

/** A pinned agent-sandbox release's folder in the mirror. */
export const agentSandboxDir = (version: string): string => resolve(UPSTREAM_DIR, `agent-sandbox/${version}`);
/** The default release's folder. */
export const AGENT_SANDBOX_DIR = agentSandboxDir(AGENT_SANDBOX_VERSION);
