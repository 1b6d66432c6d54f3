/**
 * A Spot Kata pool on AKS (platforms/aks/facts.ts aks.spot-pools): the stack's `cluster.sandboxPool.priority: Spot`
 * and the sandbox config's `platforms.aks.spot: true` say the same thing to the two halves (the agent pool, the pods).
 *
 * - AKS labels and taints every Spot node `kubernetes.azure.com/scalesetpriority=spot` (NoSchedule); workloads need
 *   a matching toleration and affinity (https://learn.microsoft.com/azure/aks/spot-node-pool#limitations). Neither
 *   the Spot page nor the Pod Sandboxing page restricts Kata on Spot.
 * - Priority, eviction policy and max price are fixed at creation. Eviction `Delete` (we always use it): evicted nodes
 *   are deleted with their disks; `Deallocate` keeps them, counting against quota and blocking scale-ups
 *   (same page; https://learn.microsoft.com/azure/virtual-machine-scale-sets/use-spot#eviction-policy).
 * - Max price: -1 (up to the on-demand price, never evicted for price) or a positive USD/hour with ≤ 5 decimals.
 * - Spot pools cannot set upgradeSettings.maxSurge ("Spot pools can't set max surge", the AKS API's
 *   InvalidParameter; the page: "There are no surge nodes available for Spot node pool upgrades").
 */
import { problemAt, type Problem } from '../../core/diagnostics';
import type { NodeTaint, Toleration } from '../platform';

export const AKS_SPOT_NODE_LABEL = { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot' } as const;
export const AKS_SPOT_NODE_TAINT: NodeTaint = { ...AKS_SPOT_NODE_LABEL, effect: 'NoSchedule' };
export const AKS_SPOT_TOLERATION: Toleration = { key: AKS_SPOT_NODE_TAINT.key, operator: 'Equal', value: AKS_SPOT_NODE_TAINT.value, effect: AKS_SPOT_NODE_TAINT.effect };
/** Evicted nodes are deleted (no disk charges, no deallocated VMs holding quota); the autoscaler adds new ones. */
export const AKS_SPOT_EVICTION_POLICY = 'Delete';
/** Pay up to the on-demand price; never evicted because of price (only for capacity). */
export const AKS_DEFAULT_SPOT_MAX_PRICE = -1;
export const SPOT_SOURCE = 'https://learn.microsoft.com/azure/aks/spot-node-pool';

/** Why `price` is not a valid `spotMaxPrice`, or undefined. */
export function spotMaxPriceProblem(price: number): string | undefined {
  if (price === -1) return undefined;
  const decimals = (String(price).split('.')[1] ?? '').length;
  if (Number.isFinite(price) && price > 0 && decimals <= 5 && !String(price).includes('e')) return undefined;
  return `must be -1 (up to the on-demand price, no eviction for price) or a positive price in USD per hour with at most five decimal places (e.g. 0.05), got ${price} (${SPOT_SOURCE})`;
}

/** What a Spot sandbox pool means for the sandboxes on it (synth prints it; the stack logs it). */
export const SPOT_EVICTION_WARNING =
  'platforms.aks.spot: sandbox pods run on Spot nodes, which Azure can evict at any time (about 30 seconds of notice, no SLA): ' +
  'a running sandbox is lost with its node, and a claim bound to it must be made again; warm pools refill on the nodes the autoscaler ' +
  `adds back, when Azure has Spot capacity. Keep long-lived or stateful sandboxes on a Regular pool (${SPOT_SOURCE})`;

/** What the stack's component logs for a Spot pool (the sandbox config's own warning says what it means for sandboxes). */
export const SPOT_POOL_WARNING =
  'cluster.sandboxPool.priority Spot: Azure can evict the Kata nodes at any time (no SLA); evicted nodes are deleted (eviction policy Delete) ' +
  'and the cluster autoscaler adds nodes back when Spot capacity is available. AKS does not let priority or spotMaxPrice change after the pool is created';

/**
 * The stack's pool and the sandbox config must agree: pods without the toleration never land on a Spot pool, and pods
 * that select Spot nodes never land on a Regular one; either way every warm pool stays at 0.
 */
export function spotAgreementProblems(cluster: unknown, settings: unknown): Problem[] {
  const field = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  const priority = field(field(cluster, 'sandboxPool'), 'priority');
  const spot = field(settings, 'spot');
  if (priority === 'Spot' && spot !== true) {
    return [
      problemAt(
        'cluster.sandboxPool.priority',
        `Spot needs sandbox.platforms.aks.spot: true: AKS taints Spot nodes ${AKS_SPOT_NODE_LABEL.key}=spot:NoSchedule, and sandbox pods rendered ` +
          `without that setting do not tolerate it, so no warm pool would ever fill; set platforms.aks.spot: true in the sandbox config, or remove priority`,
        'spotAgreement',
      ),
    ];
  }
  if (spot === true && priority !== 'Spot') {
    return [
      problemAt(
        'sandbox.platforms.aks.spot',
        `true needs cluster.sandboxPool.priority: "Spot": the sandbox pods select ${AKS_SPOT_NODE_LABEL.key}=spot, which the ` +
          `${priority === undefined ? 'Regular (default)' : JSON.stringify(priority)} Kata pool's nodes do not carry, so no warm pool would ever fill; set cluster.sandboxPool.priority: Spot, or remove spot`,
        'spotAgreement',
      ),
    ];
  }
  return [];
}
