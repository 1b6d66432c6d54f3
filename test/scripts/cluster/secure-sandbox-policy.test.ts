import { secureSandboxPolicyFor } from '../../../scripts/cluster/secure-sandbox-policy';

// The shape of upstream's examples/policy/vap/secure-sandbox-policy.yaml (the integration tier derives from the real
// file, checked by sha256): its runtime rule, one of the rules every platform keeps, and its two GKE placement rules.
const UPSTREAM = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'secure-sandbox-policy' },
  spec: {
    validations: [
      { expression: "has(object.spec.podTemplate.spec.runtimeClassName) && object.spec.podTemplate.spec.runtimeClassName == 'gvisor'", message: "Security Violation: All Sandboxes must use 'runtimeClassName: gvisor'" },
      { expression: '!has(object.spec.podTemplate.spec.hostNetwork) || object.spec.podTemplate.spec.hostNetwork == false', message: "Security Violation: 'hostNetwork: true' is strictly prohibited." },
      { expression: "has(object.spec.podTemplate.spec.nodeSelector) && 'sandbox.gke.io/runtime' in object.spec.podTemplate.spec.nodeSelector", message: 'Scheduling Violation: nodeSelector' },
      { expression: "object.spec.podTemplate.spec.tolerations.exists(t, t.key == 'sandbox.gke.io/runtime')", message: 'Scheduling Violation: tolerations' },
    ],
  },
};

const messages = (p: Record<string, any>): string[] => (p.spec.validations as { message: string }[]).map((v) => v.message); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('secureSandboxPolicyFor', () => {
  it.each(['gke-autopilot', 'gke-standard'] as const)('keeps every rule on %s, as shipped', (platform) => {
    const policy = secureSandboxPolicyFor(platform, UPSTREAM);
    expect(policy.spec.validations).toEqual(UPSTREAM.spec.validations);
    expect(policy.metadata.annotations['agent-sandbox-infra.io/derived-from']).toMatch(/^examples\/policy\/vap\/secure-sandbox-policy.yaml \(sha256 [0-9a-f]{64}\) for gke-/);
  });

  it.each(['eks', 'kind'] as const)('drops the two GKE placement rules on %s and keeps the gvisor rule', (platform) => {
    expect(messages(secureSandboxPolicyFor(platform, UPSTREAM))).toEqual([
      "Security Violation: All Sandboxes must use 'runtimeClassName: gvisor'",
      "Security Violation: 'hostNetwork: true' is strictly prohibited.",
    ]);
  });

  it("names AKS's Kata RuntimeClass in the runtime rule", () => {
    const policy = secureSandboxPolicyFor('aks', UPSTREAM);
    expect(policy.spec.validations[0]).toEqual({
      expression: "has(object.spec.podTemplate.spec.runtimeClassName) && object.spec.podTemplate.spec.runtimeClassName == 'kata-vm-isolation'",
      message: "Security Violation: All Sandboxes must use 'runtimeClassName: kata-vm-isolation'",
    });
    expect(policy.spec.validations).toHaveLength(2);
  });

  it('does not change its input', () => {
    const copy = structuredClone(UPSTREAM);
    secureSandboxPolicyFor('aks', UPSTREAM);
    expect(UPSTREAM).toEqual(copy);
  });

  it('fails when upstream rules no longer look as expected, instead of deriving a weaker policy', () => {
    const changed = structuredClone(UPSTREAM);
    changed.spec.validations.splice(2, 1);
    expect(() => secureSandboxPolicyFor('eks', changed)).toThrow("upstream's secure-sandbox-policy changed: expected 2 GKE placement rules and 1 runtime rule, found 1 and 1");
  });
});
