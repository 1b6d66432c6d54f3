/**
 * Global setup of the real-component tier: the complete test mirror (as for the unit tier), and a run id that names
 * every cluster data folder of this run, so that the leak check after it looks at this run's processes only (other
 * runs, or a cluster `npm run cluster -- up` keeps, may be running on the same machine).
 */
import { randomBytes } from 'node:crypto';
import unitGlobalSetup from '../../support/global-setup';
import { RUN_ID_ENV } from '../../../scripts/cluster/control-plane';

export default function globalSetup(): void {
  unitGlobalSetup();
  process.env[RUN_ID_ENV] = randomBytes(4).toString('hex');
}
