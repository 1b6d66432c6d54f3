import { hasChanges } from './summary';
import { DiffResult } from './types';

/** Exit code for `agent-sandbox-infra diff`: 0 when nothing changed, 2 when something did (1 is left for errors). */
export function diffExitCode(result: DiffResult): 0 | 2 {
  return hasChanges(result) ? 2 : 0;
}
