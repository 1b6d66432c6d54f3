/**
 * docs/deploy-with-pulumi.md and the Pulumi.yaml comment checked against the code: the steps run in an order that
 * works (credential plugins and the pinned upstream files before `pulumi up`, the AKS resource group created), every
 * `pulumi stack init` names an example stack file, every `pulumi config set` key is one the program accepts, the
 * listed outputs are the program's, and "Cluster config per cloud" lists only keys the schemas have.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { aksClusterConfig, parseAksClusterConfig } from '../../../platforms/aks/cluster-config';
import { eksClusterConfigSchema, parseEksClusterConfig } from '../../../platforms/eks/cluster-config';
import { gkeClusterConfigSchema, parseGkeClusterConfig } from '../../../platforms/gke/cluster-config';
import { STACK_PLATFORMS } from '../../../stacks/components';
import { FETCH_UPSTREAM_COMMANDS } from '../../../stacks/stack-error';
import { runStack, stackFileConfig } from '../../support/pulumi-stack';
import { REPO_ROOT } from '../../support/upstream';

const README = readFileSync(join(REPO_ROOT, 'docs/deploy-with-pulumi.md'), 'utf8');
const section = (heading: string, level = '##') => {
  const start = README.indexOf(`${level} ${heading}\n`);
  if (start < 0) throw new Error(`README has no "${level} ${heading}"`);
  const rest = README.slice(start + heading.length + level.length + 2);
  const next = rest.search(new RegExp(`^#{2,${level.length}} `, 'm'));
  return next < 0 ? rest : rest.slice(0, next);
};
const DEPLOY = section('Deploy with Pulumi');
/** The shell lines of the first ```sh block of a `### <cloud>` subsection, comments dropped. */
const steps = (cloud: string) => {
  const m = /```sh\n([\s\S]*?)```/.exec(section(cloud, '###'));
  return m![1].split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
};
const indexOf = (lines: string[], re: RegExp) => lines.findIndex((l) => re.test(l));
const PARSERS: Record<string, (raw: unknown) => { problems: unknown[] }> = {
  'gke-standard': parseGkeClusterConfig,
  'gke-autopilot': parseGkeClusterConfig,
  eks: parseEksClusterConfig,
  aks: parseAksClusterConfig,
};

describe('docs/deploy-with-pulumi.md: the steps of each cloud', () => {
  test.each([
    ['GKE', /^gcloud components install gke-gcloud-auth-plugin$/],
    ['EKS', /^aws sso login$/],
    ['AKS', /^az aks install-cli$/],
  ])('%s: the kubeconfig\'s credential plugin and the pinned upstream files come before pulumi preview/up', (cloud, plugin) => {
    const lines = steps(cloud);
    const up = indexOf(lines, /^pulumi up$/);
    const preview = indexOf(lines, /^pulumi preview\b/);
    expect(up).toBeGreaterThan(preview);
    expect(indexOf(lines, plugin)).toBeGreaterThanOrEqual(0);
    expect(indexOf(lines, plugin)).toBeLessThan(preview);
    expect(indexOf(lines, /^npx agent-sandbox-infra fetch-upstream --if-missing$/)).toBeLessThan(preview);
    expect(indexOf(lines, /^npx agent-sandbox-infra fetch-upstream --if-missing$/)).toBeGreaterThanOrEqual(0);
  });

  test('prerequisites name the fetch-upstream commands the refusal names, and the plugins needed during pulumi up', () => {
    for (const command of FETCH_UPSTREAM_COMMANDS.match(/`[^`]+`/g)!) expect(DEPLOY).toContain(command);
    expect(DEPLOY).toMatch(/`gke-gcloud-auth-plugin` \(GKE\), `aws` \(EKS\), `kubelogin` \(AKS\s+with Entra ID\)/);
  });

  test('AKS: the resource group the example stack names is created before pulumi up', () => {
    const cluster = JSON.parse(stackFileConfig('aks')['agent-sandbox-infra:cluster']) as { resourceGroupName: string };
    const lines = steps('AKS');
    const create = indexOf(lines, new RegExp(`^az group create --name ${cluster.resourceGroupName} --location \\S+$`));
    expect(create).toBeGreaterThanOrEqual(0);
    expect(create).toBeLessThan(indexOf(lines, /^pulumi up$/));
    const location = /--location (\S+)$/.exec(lines[create])![1];
    expect(stackFileConfig('aks')['azure-native:location']).toBe(location);
  });

  test.each(['GKE', 'EKS', 'AKS'])('%s: every stack init names an example stack file; every config set is accepted by the program', (cloud) => {
    const lines = steps(cloud);
    const stack = /^pulumi stack init (\S+)$/.exec(lines[indexOf(lines, /^pulumi stack init /)])![1];
    expect(existsSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`))).toBe(true);
    const config = stackFileConfig(stack);
    const cluster = JSON.parse(config['agent-sandbox-infra:cluster']);
    for (const line of lines.filter((l) => l.startsWith('pulumi config set '))) {
      const m = /^pulumi config set (--path '([^']+)'|(\S+)) (\S+)$/.exec(line)!;
      const key = m[2] ?? m[3];
      const value = m[4];
      if (key === 'agent-sandbox-infra:platform') {
        expect(STACK_PLATFORMS).toContain(value);
        expect(config[key]).toBe(value);
      } else if (key.startsWith('agent-sandbox-infra:cluster.')) {
        // Set the value at the path in the stack file's cluster object: the cloud's parser must accept it.
        const path = key.slice('agent-sandbox-infra:cluster.'.length).split(/\.|\[(\d+)\]/).filter(Boolean);
        let at = cluster;
        path.slice(0, -1).forEach((p) => (at = at[p]));
        at[path[path.length - 1]] = value;
        expect(PARSERS[stack](cluster).problems).toStrictEqual([]);
      } else {
        expect(['gcp:project', 'gcp:region', 'aws:region', 'azure-native:location']).toContain(key);
        expect(config[key]).toBe(value);
      }
    }
  });

  test('the outputs listed are exactly the program\'s', async () => {
    const listed = /Stack outputs: ((?:`\w+`(?: \(secret\))?,?\s*)+)\./.exec(DEPLOY)![1].match(/`(\w+)`/g)!.map((s) => s.slice(1, -1));
    const run = await runStack('eks');
    expect(listed.sort()).toStrictEqual(Object.keys(run.outputs).sort());
  });
});

describe('Cluster config per cloud', () => {
  /** Top-level keys of a cloud's bullet: backticked names outside `{ … }` (nested fields) and `( … )` (notes). */
  const keysOf = (cloud: string) => {
    const text = section('Cluster config per cloud', '###');
    let bullet = /^- \*\*\w+\*\*[^:]*: ([\s\S]*?)(?=^- \*\*|$(?![\s\S]))/m.exec(text.slice(text.indexOf(`**${cloud}**`) - 2))![1];
    for (let prev = ''; prev !== bullet; ) [prev, bullet] = [bullet, bullet.replace(/\s*\{[^{}]*\}/g, '')];
    bullet = bullet.replace(/\([^()]*\)/g, '');
    return new Set((bullet.match(/`\w+(?:\[\])?`/g) ?? []).map((s) => s.replace(/[`[\]]/g, '')));
  };

  test('Pulumi.yaml points at it and at the schema files, which exist', () => {
    const comments = readFileSync(join(REPO_ROOT, 'Pulumi.yaml'), 'utf8');
    expect(comments).toContain('docs/deploy-with-pulumi.md → "Cluster config per\n  #                                cloud"');
    expect(section('Cluster config per cloud', '###')).toContain('platforms/<cloud>/cluster-config.ts');
    for (const cloud of ['gke', 'eks', 'aks']) expect(existsSync(join(REPO_ROOT, 'platforms', cloud, 'cluster-config.ts'))).toBe(true);
    expect(parse(comments)).toMatchObject({ main: 'stacks/index.ts' });
  });

  test.each([
    ['GKE', gkeClusterConfigSchema.shape],
    ['EKS', eksClusterConfigSchema.shape],
    ['AKS', aksClusterConfig.shape],
  ])('%s: every key listed is a top-level key of the schema', (cloud, shape) => {
    const listed = [...keysOf(cloud)];
    expect(listed.length).toBeGreaterThan(8);
    expect(listed.filter((k) => !(k in shape))).toStrictEqual([]);
  });
});
