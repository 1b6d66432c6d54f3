/**
 * Every platform on the default Kubernetes minor of the version table, plus the deprecated agent-sandbox release and
 * the AKS Spot variant (test/integration/support/platform-suite.ts has the checks).
 */
import { DEFAULT_LOCAL_KUBERNETES } from '../../scripts/toolchain/versions';
import { describePlatforms, MATRIX } from './support/platform-suite';

describePlatforms(MATRIX.filter(([, minor]) => minor === DEFAULT_LOCAL_KUBERNETES));
