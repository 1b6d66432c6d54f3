/** Paths to the pinned upstream reference data the tests compare against. */
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const UPSTREAM_DIR = resolve(process.env.AGENT_SANDBOX_INFRA_MIRROR ?? resolve(REPO_ROOT, '..', 'shared/upstream'));
export const AGENT_SANDBOX_DIR = resolve(UPSTREAM_DIR, 'agent-sandbox/v0.5.6');
