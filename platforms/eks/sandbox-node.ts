/** Node label and taint our EKS sandbox node groups carry; the `gvisor` RuntimeClass we emit selects/tolerates them. */
import { SANDBOX_NODE_LABEL_KEY } from '../platform';

export const EKS_SANDBOX_NODE_LABEL = { key: SANDBOX_NODE_LABEL_KEY, value: 'gvisor' } as const;
export const EKS_SANDBOX_NODE_TAINT = { key: SANDBOX_NODE_LABEL_KEY, value: 'gvisor', effect: 'NoSchedule' } as const;
