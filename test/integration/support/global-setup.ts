/**
 * Global setup of the real-component tier: the unit tier's (one complete upstream mirror), plus a run id that every
 * local cluster of this run carries in its data folder's name (scripts/cluster/control-plane.ts), so that the leak
 * check (leak-check.js) stops only this run's leftovers, never another run's clusters on the same machine.
 */
import { randomBytes } from 'node:crypto';
import unitGlobalSetup from '../../support/global-setup';
import { RUN_ID_ENV } from '../../../scripts/cluster/control-plane';

export default function globalSetup(): void {
  unitGlobalSetup();
  process.env[RUN_ID_ENV] = `run${process.pid}${randomBytes(3).toString('hex')}`;
}
