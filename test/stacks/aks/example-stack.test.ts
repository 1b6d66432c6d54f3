import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseAksClusterConfig } from '../../../platforms/aks/cluster-config';

describe('Pulumi.aks.yaml', () => {
  const stack = parse(readFileSync(join(__dirname, '../../../Pulumi.aks.yaml'), 'utf8')) as { config: Record<string, unknown> };

  it('targets AKS in eastus2', () => {
    expect(stack.config['azure-native:location']).toBe('eastus2');
    expect(stack.config['agent-sandbox-infra:platform']).toBe('aks');
  });

  it('has a cluster value that parses with zero problems', () => {
    const { value, problems } = parseAksClusterConfig(stack.config['agent-sandbox-infra:cluster']);
    expect(problems).toStrictEqual([]);
    expect(value?.resourceGroupName).toBe('agents-prod-rg');
    expect(value?.sandboxPool?.vmSize).toBe('Standard_D8s_v5');
  });
});
