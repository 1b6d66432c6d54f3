/**
 * Global setup of the real-component tier: the unit tier's (one complete upstream mirror), plus a registry of the
 * clusters this run starts. Every LocalCluster.up (in this process or a child it spawns: the env is inherited)
 * appends its data folder to the file CLUSTER_REGISTRY_ENV names, and the global teardown (leak-check.js) looks for
 * leftover processes of those clusters only: other runs on the same machine, and `npm run cluster -- up`, are not
 * this run's business.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import unitSetup from '../../support/global-setup';
import { CLUSTER_REGISTRY_ENV } from '../../../scripts/cluster/control-plane';

export default function globalSetup(): void {
  unitSetup();
  const file = join(mkdtempSync(join(tmpdir(), 'agent-sandbox-infra-test-run-')), 'clusters');
  writeFileSync(file, '');
  process.env[CLUSTER_REGISTRY_ENV] = file;
}
