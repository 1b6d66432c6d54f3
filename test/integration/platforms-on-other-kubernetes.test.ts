/**
 * Every platform on each Kubernetes minor of the version table other than the default
 * (test/integration/support/platform-suite.ts has the checks).
 */
import { DEFAULT_LOCAL_KUBERNETES } from '../../scripts/toolchain/versions';
import { describePlatforms, MATRIX } from './support/platform-suite';

describePlatforms(MATRIX.filter(([, minor]) => minor !== DEFAULT_LOCAL_KUBERNETES));
