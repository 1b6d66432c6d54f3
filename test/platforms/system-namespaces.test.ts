/** Namespaces that are never a tenant's: Kubernetes' own, the controller's, and each platform's, each with its source. */
import { platformModules, systemNamespaceProblem } from '../../platforms';

describe('systemNamespaceProblem', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'kube-anything'])('%s is refused on every platform', (ns) => {
    for (const m of platformModules()) expect(systemNamespaceProblem(ns, { platform: m.platform })).toMatch(/sandboxes never run there, choose another name$/);
  });

  test('the message names the namespace, who reserves it and the source', () => {
    expect(systemNamespaceProblem('kube-system')).toBe(
      '"kube-system" is a system namespace: Kubernetes\' own namespaces (kube-system, kube-public, kube-node-lease, default; the kube- prefix is reserved for them) ' +
        '(https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces); sandboxes never run there, choose another name',
    );
    expect(systemNamespaceProblem('gke-team', { platform: 'gke-standard' })).toBe(
      '"gke-team" has the reserved prefix gke- on gke-standard: GKE\'s managed components (gke-managed-system, gke-gmp-system, gke-connect…) ' +
        '(https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security); sandboxes never run there, choose another name',
    );
  });

  test.each([
    ['gke-team', ['gke-autopilot', 'gke-standard']],
    ['gmp-public', ['gke-autopilot', 'gke-standard']],
    ['amazon-cloudwatch', ['eks']],
    ['aks-command', ['aks']],
    ['app-routing-system', ['aks']],
    ['local-path-storage', ['kind']],
  ])('%s is reserved only on %j', (ns, owners) => {
    for (const m of platformModules()) {
      expect([m.platform, systemNamespaceProblem(ns, { platform: m.platform }) !== undefined]).toEqual([m.platform, owners.includes(m.platform)]);
    }
    // Without a platform (validate without --platform) every platform's reservations count; with a list, those platforms'.
    expect(systemNamespaceProblem(ns)).toContain(`on ${owners.join(', ')}`);
    expect(systemNamespaceProblem(ns, { platform: ['kind', 'eks'].filter((p) => !owners.includes(p)) })).toBeUndefined();
  });

  test("the controller's namespace, and ordinary names", () => {
    expect(systemNamespaceProblem('agent-sandbox-system', { controllerNamespace: 'agent-sandbox-system' })).toMatch(/^"agent-sandbox-system" is the agent-sandbox controller's namespace/);
    expect(systemNamespaceProblem('agents-prod')).toBeUndefined();
    expect(systemNamespaceProblem('kubeflow')).toBeUndefined(); // the prefix is `kube-`, not `kube`
  });

  test('every platform reservation cites an https source', () => {
    for (const m of platformModules()) for (const r of m.reservedNamespaces ?? []) expect(r.source).toMatch(/^https:\/\//);
  });
});
