/** The example stack files at the repo root hold a valid `agent-sandbox-infra:cluster` for their platform. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { contextProblems } from '../../../platforms/gke/checks';
import { parseGkeClusterConfig } from '../../../platforms/gke/cluster-config';

const ROOT = path.resolve(__dirname, '../../..');

describe.each(['gke-autopilot', 'gke-standard'])('Pulumi.%s.yaml', (stack) => {
  const config = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')).config as Record<string, unknown>;

  test('names its platform and the gcp defaults', () => {
    expect(config['agent-sandbox-infra:platform']).toBe(stack);
    expect(config['gcp:project']).toBe('acme-agents-prod');
    expect(config['gcp:region']).toBe('us-central1');
  });

  test('its cluster config parses with zero problems', () => {
    const result = parseGkeClusterConfig(config['agent-sandbox-infra:cluster']);
    expect(result.problems).toEqual([]);
    expect(result.value).toBeDefined();
  });

  test('and fits its platform with our own agent-sandbox controller (agentSandbox: self)', () => {
    const context = {
      platform: config['agent-sandbox-infra:platform'] as string,
      selfManagedAgentSandbox: true,
      gcpProject: config['gcp:project'] as string,
      gcpLocation: config['gcp:region'] as string,
    };
    expect(contextProblems(config['agent-sandbox-infra:cluster'], context)).toEqual([]);
  });
});
