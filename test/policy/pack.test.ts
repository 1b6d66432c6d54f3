/**
 * The pack's shape: which policies, at which enforcement level; index.ts does nothing but create the PolicyPack from
 * policies.ts; the pack folder has what the Pulumi CLI and @pulumi/policy read (PulumiPolicy.yaml, a package.json
 * with a version and no dependencies of its own).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { policies } from '../../policy/policies';
import { REPO_ROOT } from '../support/upstream';

jest.mock('@pulumi/policy', () => ({ PolicyPack: jest.fn() }));

const POLICY_DIR = join(REPO_ROOT, 'policy');

describe('policy pack agent-sandbox-infra', () => {
  test('five mandatory policies and two advisory ones, names unique; one validates the stack, the others resources', () => {
    expect(policies.map((p) => [p.name, p.enforcementLevel])).toStrictEqual([
      ['gke-sandbox-node-pool-gvisor', 'mandatory'],
      ['eks-sandbox-launch-template-imdsv2', 'mandatory'],
      ['aks-sandbox-agent-pool-kata', 'mandatory'],
      ['kubernetes-sandbox-secure-profile', 'mandatory'],
      ['kubernetes-sandbox-gke-placement', 'mandatory'],
      ['sandbox-warm-pool-upper-bound', 'advisory'],
      ['agent-sandbox-controller-replicas-production', 'advisory'],
    ]);
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) {
      expect(p.description.length).toBeGreaterThan(20);
      const kind = p.name === 'kubernetes-sandbox-gke-placement' ? 'validateStack' : 'validateResource';
      expect(kind in p && typeof (p as unknown as Record<string, unknown>)[kind]).toBe('function');
      // @pulumi/policy refuses a config schema that declares enforcementLevel.
      expect(Object.keys(p.configSchema?.properties ?? {})).not.toContain('enforcementLevel');
    }
  });

  test('index.ts creates exactly one PolicyPack named agent-sandbox-infra with the policies of policies.ts', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PolicyPack } = require('@pulumi/policy') as { PolicyPack: jest.Mock };
    jest.isolateModules(() => {
      require('../../policy/index'); // eslint-disable-line @typescript-eslint/no-require-imports
    });
    expect(PolicyPack).toHaveBeenCalledTimes(1);
    const [name, args] = PolicyPack.mock.calls[0] as [string, { policies: unknown[] }];
    expect(name).toBe('agent-sandbox-infra');
    expect(args.policies.map((p) => (p as { name: string }).name)).toStrictEqual(policies.map((p) => p.name));
    expect(readFileSync(join(POLICY_DIR, 'index.ts'), 'utf8')).toContain('pulumi preview --policy-pack policy');
  });

  test('PulumiPolicy.yaml declares the nodejs runtime; package.json has a version and no dependencies to install', () => {
    expect(load(readFileSync(join(POLICY_DIR, 'PulumiPolicy.yaml'), 'utf8'))).toMatchObject({ runtime: 'nodejs' });
    const pkg = JSON.parse(readFileSync(join(POLICY_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.private).toBe(true);
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    // What the pack needs at run time comes from the root install.
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: object; devDependencies: object };
    const installed = { ...root.dependencies, ...root.devDependencies };
    for (const dep of ['@pulumi/policy', '@pulumi/pulumi', 'ts-node', 'typescript', 'js-yaml']) expect(installed).toHaveProperty([dep]);
  });
});
