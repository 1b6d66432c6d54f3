/**
 * A Spot Kata pool on AKS: the sandbox config's `platforms.aks.spot` places the pods (toleration and selector), the
 * cluster config's `sandboxPool.priority`/`spotMaxPrice` are checked, and the stack refuses the two when they disagree.
 */
import { platformFacts, platformModule } from '../../../platforms';
import { parseAksClusterConfig } from '../../../platforms/aks/cluster-config';
import { SPOT_EVICTION_WARNING, spotAgreementProblems, spotMaxPriceProblem } from '../../../platforms/aks/spot';
import { problemAt } from '../../../core/diagnostics';

const context = (settings: unknown) => ({ settings, providerConfig: () => undefined, secretConfigured: () => false });

describe('platforms.aks.spot: the pods tolerate the Spot taint and select the Spot Kata nodes', () => {
  test('spot: true adds the toleration and both node labels, with the eviction warning', () => {
    const facts = platformFacts('aks', { spot: true });
    expect(facts.runtimes.kata).toStrictEqual({
      runtimeClassName: 'kata-vm-isolation',
      owner: 'platform',
      podPlacement: {
        nodeSelector: { 'sandbox.agent-sandbox-infra.io/runtime': 'kata', 'kubernetes.azure.com/scalesetpriority': 'spot' },
        tolerations: [{ key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }],
      },
      limitsSizeTheSandbox: true,
      podOverheadMiB: 600,
      source: 'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
    });
    expect(facts.warnings).toStrictEqual([SPOT_EVICTION_WARNING]);
    expect(SPOT_EVICTION_WARNING).toMatch(/^platforms\.aks\.spot: sandbox pods run on Spot nodes, which Azure can evict at any time .* warm pools refill/);
  });

  test('without it (or false) the placement is the default one: no selector, no toleration, no warning', () => {
    for (const settings of [undefined, {}, { spot: false }]) {
      const facts = platformFacts('aks', settings);
      expect(facts.runtimes.kata!.podPlacement).toStrictEqual({ nodeSelector: {}, tolerations: [] });
      expect(facts.warnings).toStrictEqual([]);
    }
    expect(platformModule('aks').runtimes.kata!.podPlacement).toStrictEqual({ nodeSelector: {}, tolerations: [] });
  });

  test('a wrong value or an unknown key is refused naming the field', () => {
    expect(() => platformFacts('aks', { spot: 'yes' })).toThrow('platforms.aks.spot: must be boolean, got "yes"');
    expect(() => platformFacts('aks', { priority: 'Spot' })).toThrow(`platforms.aks.priority: unknown field "priority"`);
  });
});

describe('cluster.sandboxPool.priority and spotMaxPrice', () => {
  const problemsOf = (raw: unknown) => parseAksClusterConfig(raw).problems;

  test('a Spot pool with or without a max price is valid', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot' } })).toStrictEqual([]);
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: 0.12345 } })).toStrictEqual([]);
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: -1 } })).toStrictEqual([]);
    expect(problemsOf({ existingCluster: { name: 'team', resourceGroupName: 'rg' }, sandboxPool: { priority: 'Spot' } })).toStrictEqual([]);
  });

  test('priority is Regular or Spot', () => {
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Low' } })).toStrictEqual([
      problemAt('cluster.sandboxPool.priority', 'must be one of "Regular", "Spot", got "Low"', 'schema'),
    ]);
  });

  test('spotMaxPrice: -1 or a positive price with at most five decimals, and only on a Spot pool', () => {
    const reason = (got: string) =>
      `must be -1 (up to the on-demand price, no eviction for price) or a positive price in USD per hour with at most five decimal places (e.g. 0.05), got ${got} (https://learn.microsoft.com/azure/aks/spot-node-pool)`;
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: 0.123456 } })).toStrictEqual([problemAt('cluster.sandboxPool.spotMaxPrice', reason('0.123456'), 'clusterConfig')]);
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: 0 } })).toStrictEqual([problemAt('cluster.sandboxPool.spotMaxPrice', reason('0'), 'clusterConfig')]);
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: -2 } })).toStrictEqual([problemAt('cluster.sandboxPool.spotMaxPrice', reason('-2'), 'clusterConfig')]);
    expect(problemsOf({ name: 'a', sandboxPool: { spotMaxPrice: 0.5 } })).toStrictEqual([
      problemAt('cluster.sandboxPool.spotMaxPrice', 'only applies to a Spot pool: set sandboxPool.priority: "Spot", or remove spotMaxPrice', 'clusterConfig'),
    ]);
    // A wrong priority is reported once, not again as "spotMaxPrice only applies to a Spot pool".
    expect(problemsOf({ name: 'a', sandboxPool: { priority: 'spot', spotMaxPrice: 0.5 } }).map((p) => p.path)).toStrictEqual(['cluster.sandboxPool.priority']);
    expect(spotMaxPriceProblem(1e-7)).toMatch(/^must be -1/);
    expect(spotMaxPriceProblem(Number.POSITIVE_INFINITY)).toMatch(/^must be -1/);
    expect(spotMaxPriceProblem(2)).toBeUndefined();
  });
});

describe('the stack: the cluster pool and the sandbox config agree', () => {
  test('a Spot pool with pods that do not tolerate it is refused, and the reverse', () => {
    expect(spotAgreementProblems({ sandboxPool: { priority: 'Spot' } }, undefined)).toStrictEqual([
      problemAt(
        'cluster.sandboxPool.priority',
        'Spot needs sandbox.platforms.aks.spot: true: AKS taints Spot nodes kubernetes.azure.com/scalesetpriority=spot:NoSchedule, and sandbox pods rendered ' +
          'without that setting do not tolerate it, so no warm pool would ever fill; set platforms.aks.spot: true in the sandbox config, or remove priority',
        'spotAgreement',
      ),
    ]);
    expect(spotAgreementProblems({ name: 'a' }, { spot: true })).toStrictEqual([
      problemAt(
        'sandbox.platforms.aks.spot',
        'true needs cluster.sandboxPool.priority: "Spot": the sandbox pods select kubernetes.azure.com/scalesetpriority=spot, which the Regular (default) ' +
          "Kata pool's nodes do not carry, so no warm pool would ever fill; set cluster.sandboxPool.priority: Spot, or remove spot",
        'spotAgreement',
      ),
    ]);
    expect(spotAgreementProblems({ sandboxPool: { priority: 'Regular' } }, { spot: true })[0].message).toContain('which the "Regular" Kata pool');
    expect(spotAgreementProblems({ sandboxPool: { priority: 'Spot' } }, { spot: true })).toStrictEqual([]);
    expect(spotAgreementProblems({}, {})).toStrictEqual([]);
  });

  test('the platform\'s cluster checks report it with the cluster config\'s own problems', () => {
    const problems = platformModule('aks').clusterProblems!({ name: 'a', sandboxPool: { priority: 'Spot', spotMaxPrice: 0 } }, context({}));
    expect(problems.map((p) => p.path)).toStrictEqual(['cluster.sandboxPool.spotMaxPrice', 'cluster.sandboxPool.priority']);
    expect(platformModule('aks').clusterProblems!({ name: 'a', sandboxPool: { priority: 'Spot' } }, context({ spot: true }))).toStrictEqual([]);
  });
});
