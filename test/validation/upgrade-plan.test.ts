import { agentSandboxRelease, AGENT_SANDBOX_VERSIONS } from '../../core/upstream/pins';
import { formatUpgradePlan, upgradePlan } from '../../validation/upgrade-plan';
import { runCli } from '../support/cli';

// The pinned release with a conversion webhook (v0.5.x) and the one without (v1.x), from the pin table.
const OLD = AGENT_SANDBOX_VERSIONS.find((v) => agentSandboxRelease(v).conversionWebhook)!;
const NEW = AGENT_SANDBOX_VERSIONS.find((v) => !agentSandboxRelease(v).conversionWebhook)!;

describe('upgradePlan', () => {
  const plan = upgradePlan(OLD, NEW);

  it('orders the steps so that nothing is lost: migrate, prune, drop the webhook, CRDs, controller, cleanup, verify', () => {
    expect(plan.steps.map((s) => s.id)).toStrictEqual([
      'preflight',
      'backup',
      'migrate-storage',
      'prune-stored-versions',
      'remove-conversion',
      'apply-crds',
      'roll-controller',
      'apply-rest',
      'remove-webhook-objects',
      'verify',
    ]);
    expect(plan.retiredVersions).toStrictEqual(agentSandboxRelease(OLD).deprecatedVersions);
  });

  it('rewrites every kind, warm pools and templates before their users, and prunes every CRD to the new storage version', () => {
    const step = (id: string) => plan.steps.find((s) => s.id === id)!.commands;
    expect(step('migrate-storage').map((c) => c.split(' ')[2])).toStrictEqual([
      'sandboxwarmpools.extensions.agents.x-k8s.io',
      'sandboxtemplates.extensions.agents.x-k8s.io',
      'sandboxes.agents.x-k8s.io',
      'sandboxclaims.extensions.agents.x-k8s.io',
    ]);
    const apiVersion = agentSandboxRelease(NEW).apiVersion;
    expect(step('prune-stored-versions').filter((c) => c.includes('--subresource=status'))).toHaveLength(4);
    for (const c of step('prune-stored-versions').slice(0, 4)) expect(c).toContain(`{"status":{"storedVersions":["${apiVersion}"]}}`);
    expect(step('remove-conversion')).toContain(`kubectl patch crd sandboxes.agents.x-k8s.io --type=merge -p '{"spec":{"conversion":{"strategy":"None","webhook":null}}}'`);
  });

  it('names the webhook objects of the old install for removal, in the namespace and under the Service name given', () => {
    const renamed = upgradePlan(OLD, NEW, { namespace: 'sandbox-ops', webhookServiceName: 'as-webhook' });
    expect(renamed.orphans).toStrictEqual([
      { kind: 'Service', namespace: 'sandbox-ops', name: 'as-webhook' },
      { kind: 'Secret', namespace: 'sandbox-ops', name: 'agent-sandbox-webhook-certs' },
      { kind: 'Role', namespace: 'sandbox-ops', name: 'agent-sandbox-controller' },
      { kind: 'RoleBinding', namespace: 'sandbox-ops', name: 'agent-sandbox-controller' },
    ]);
    expect(renamed.steps.find((s) => s.id === 'remove-webhook-objects')!.commands).toStrictEqual([
      'kubectl -n sandbox-ops delete service/as-webhook secret/agent-sandbox-webhook-certs role/agent-sandbox-controller rolebinding/agent-sandbox-controller --ignore-not-found',
    ]);
  });

  it('refuses a downgrade and a move between the same release', () => {
    expect(() => upgradePlan(NEW, OLD)).toThrow(`${NEW} → ${OLD} is a downgrade`);
    expect(() => upgradePlan(NEW, NEW)).toThrow(`--from and --to are both ${NEW}: nothing to upgrade`);
  });

  it('formats as numbered steps with commands (text) and as the README section (markdown)', () => {
    const text = formatUpgradePlan(plan);
    expect(text.split('\n')[0]).toBe(`agent-sandbox ${OLD} → ${NEW}: 10 steps, in order`);
    expect(text).toContain('\n4. Set every CRD\'s status.storedVersions to ["v1beta1"] [prune-stored-versions]\n');
    const md = formatUpgradePlan(plan, 'markdown');
    expect(md).toContain('1. **Check that');
    expect(md).toContain('   ```sh\n   kubectl -n agent-sandbox-system rollout status deployment/agent-sandbox-controller --timeout=5m');
  });
});

describe('agent-sandbox-infra upgrade-plan', () => {
  it('prints the plan', async () => {
    const run = await runCli(['upgrade-plan', '--from', OLD, '--to', NEW]);
    expect([run.code, run.stderr]).toStrictEqual([0, '']);
    expect(run.stdout).toBe(formatUpgradePlan(upgradePlan(OLD, NEW)));
  });

  it('refuses a downgrade with a sentence and exit 1', async () => {
    const run = await runCli(['upgrade-plan', '--from', NEW, '--to', OLD]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`agent-sandbox-infra: upgrade-plan: ${NEW} → ${OLD} is a downgrade: it cannot be done without losing what only ${NEW}'s API holds; restore from a backup taken before the upgrade instead\n`);
  });
});
