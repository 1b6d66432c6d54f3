/**
 * What the program warns about, as `pulumi up` prints it (`pulumi.log.warn`): every config warning at its full stack
 * config key, `agent-sandbox-infra:sandbox.<path>: <message>` — the same key a user types in `pulumi config set
 * --path`, the same form as the refusals' property paths.
 */
import * as pulumi from '@pulumi/pulumi';
import { runStack, stackFileConfig } from '../../support/pulumi-stack';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: QUJD}\n  name: c\nusers:\n- name: u\n  user: {token: t}\n';

describe('the program warns at the full config key', () => {
  test('an unpinned image and a pool replicas an HPA owns: one warning each, at agent-sandbox-infra:sandbox.<path>', async () => {
    const config = stackFileConfig('kubernetes');
    const sandbox = JSON.parse(config['agent-sandbox-infra:sandbox']);
    // The first tenant's first pool, autoscaled and given replicas as well; its first template, an unpinned image.
    const [t, p] = [0, 0];
    sandbox.tenants[t].warmPools[p] = {
      ...sandbox.tenants[t].warmPools[p],
      replicas: 3,
      autoscaling: { minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'External', external: { metric: { name: 'claim_rate' }, target: { type: 'AverageValue', averageValue: '500m' } } }] },
    };
    sandbox.tenants[t].templates[0].containers[0].image = 'python:latest';
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      await runStack('kubernetes', { ...config, 'agent-sandbox-infra:sandbox': JSON.stringify(sandbox), 'agent-sandbox-infra:kubeconfig': KUBECONFIG }, {}, ['agent-sandbox-infra:kubeconfig']);
      const lines = warn.mock.calls.map(([m]) => m);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^agent-sandbox-infra:sandbox\\.tenants\\[${t}\\]\\.templates\\[0\\]\\.containers\\[0\\]\\.image: `)),
          expect.stringMatching(new RegExp(`^agent-sandbox-infra:sandbox\\.tenants\\[${t}\\]\\.warmPools\\[${p}\\]\\.replicas: 3 has no effect`)),
        ]),
      );
      expect(lines.filter((l) => /^sandbox\./.test(l))).toStrictEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
