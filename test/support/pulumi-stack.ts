/**
 * Runs the whole Pulumi program (stacks/program.ts) for one example stack file under mocks: the stack file's
 * config becomes the program's config, every registered resource and data-source call is recorded.
 */
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { parse } from 'yaml';
import { mockPulumi, type PulumiMocks } from './pulumi-mocks';
import { REPO_ROOT } from './upstream';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The transforms in its options (not run by the mocks). */
  readonly transforms: readonly pulumi.ResourceTransform[];
}

export interface StackRun {
  readonly resources: Registered[];
  readonly calls: { token: string; inputs: Record<string, unknown> }[];
  readonly outputs: Record<string, unknown>;
  /**
   * Resource name → names of the resources in its `dependsOn` option, in order (the mock monitor does not see
   * options; a stack transformation records them as the SDK constructs each resource).
   */
  readonly dependsOn: Record<string, string[]>;
  /** The outputs the program returned as secret Outputs (`outputs` holds their plain values). */
  readonly secretOutputs: string[];
}

/**
 * What a read (`Resource.get`) of an object that already exists returns, by `<type> <id>` (e.g. the live RuntimeClass
 * the kubeconfig-only stack checks); a read of anything else returns no state.
 */
export const LIVE_OBJECTS = new Map<string, Record<string, unknown>>();

/** Data-source results that replace the defaults below, by token (e.g. an adopted cluster's `getCluster`). */
export type CallResults = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
const KUBECONFIG = Buffer.from(
  'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://agents.hcp.eastus2.azmk8s.io:443"}\n  name: agents\n' +
    'contexts:\n- context: {cluster: agents, user: u}\n  name: agents\ncurrent-context: agents\nusers:\n- name: u\n  user:\n    exec:\n' +
    '      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]\n',
).toString('base64');

/** What clouds compute for created resources (the rest echoes inputs). */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (type) {
    case 'aws:eks/cluster:Cluster':
      return { name: inputs.name ?? `${name}-0a1b2c3`, endpoint: 'https://ABC.gr7.us-west-2.eks.amazonaws.com', certificateAuthority: { data: CA }, identities: [{ oidcs: [{ issuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/ABC' }] }], region: 'us-west-2' };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { latestVersion: 1 };
    case 'aws:eks/nodeGroup:NodeGroup':
      return { nodeGroupName: `${inputs.nodeGroupNamePrefix}20261122000000000000000001` };
    case 'aws:iam/role:Role':
      return { arn: `arn:aws:iam::123456789012:role/${name}`, name };
    case 'aws:kms/key:Key':
      return { arn: 'arn:aws:kms:us-west-2:123456789012:key/k' };
    case 'gcp:container/cluster:Cluster':
      return { name: inputs.name ?? name, endpoint: '34.1.2.3', masterAuth: { clusterCaCertificate: CA }, location: inputs.location };
    case 'gcp:serviceaccount/account:Account':
      return { email: `${inputs.accountId}@acme-agents-prod.iam.gserviceaccount.com` };
    case 'azure-native:containerservice:ManagedCluster':
      return { name: inputs.resourceName ?? name };
    case 'azure-native:resources:ResourceGroup':
      return { name: inputs.resourceGroupName ?? name };
    default:
      return {};
  }
}

function callResult(token: string, inputs: Record<string, any>): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (token) {
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws', reverseDnsPrefix: 'com.amazonaws' };
    case 'aws:index/getAvailabilityZones:getAvailabilityZones':
      return { names: ['us-west-2a', 'us-west-2b', 'us-west-2c'], zoneIds: [], groupNames: [], id: 'us-west-2' };
    case 'aws:index/getRegion:getRegion':
      return { name: 'us-west-2', region: 'us-west-2', id: 'us-west-2' };
    case 'azure-native:containerservice:listManagedClusterUserCredentials':
      return { kubeconfigs: [{ name: 'clusterUser', value: KUBECONFIG }] };
    case 'azure-native:authorization:getClientConfig':
      return { tenantId: '00000000-0000-0000-0000-000000000001', subscriptionId: '00000000-0000-0000-0000-000000000002', clientId: 'c', objectId: 'o' };
    default:
      throw new Error(`unexpected data-source call ${token} ${JSON.stringify(inputs)}`);
  }
}

/** Config of a stack file, as the Pulumi engine hands it to the program (objects as JSON strings). */
export function stackFileConfig(stack: string): Record<string, string> {
  const doc = parse(readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

async function mockRuntime(stack: string, config: Record<string, string>, overrides: CallResults = {}, secretKeys: readonly string[] = []): Promise<PulumiMocks> {
  const mocks = mockPulumi({
    stack,
    state: computed,
    call: (token, inputs) => overrides[token]?.(inputs) ?? callResult(token, inputs),
    read: (type, id) => LIVE_OBJECTS.get(`${type} ${id}`) ?? {},
  });
  await mocks.ready;
  pulumi.runtime.setAllConfig(config, [...secretKeys]);
  return mocks;
}

/** The records as this harness reports them (type, name, inputs). */
const resourcesOf = (mocks: PulumiMocks): Registered[] => mocks.registered.map(({ type, name, inputs, transforms }) => ({ type, name, inputs, transforms }));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = () => require('../../stacks/program') as typeof import('../../stacks/program');

/** `secretKeys`: config keys the engine marks secret (`pulumi config set --secret`), e.g. the kubeconfig. */
/**
 * What the cloud answers for the example stacks that adopt an existing cluster (Pulumi.eks-karpenter.yaml): the
 * invoke results a run of the stack file needs, shared by the tests and the bench (bench/stack-program.js).
 */
export const EXAMPLE_STACK_CALLS: Readonly<Record<string, CallResults>> = {
  'eks-karpenter': {
    'aws:eks/getCluster:getCluster': (inputs: Record<string, unknown>) => ({
      name: inputs.name,
      endpoint: 'https://TEAM.gr7.us-west-2.eks.amazonaws.com',
      certificateAuthorities: [{ data: Buffer.from('ca').toString('base64') }],
      version: '1.36',
      region: 'us-west-2',
      vpcConfig: { subnetIds: ['subnet-0aaaaaaaaaaaaaaa1'] },
    }),
    'aws:eks/getAddon:getAddon': () => ({ addonName: 'vpc-cni', configurationValues: '{"enableNetworkPolicy":"true","env":{"NETWORK_POLICY_ENFORCING_MODE":"strict"}}' }),
  },
};

export async function runStack(
  stack: string,
  config: Record<string, string> = stackFileConfig(stack),
  calls: CallResults = EXAMPLE_STACK_CALLS[stack] ?? {},
  secretKeys: readonly string[] = [],
): Promise<StackRun> {
  const mocked = await mockRuntime(stack, config, calls, secretKeys);
  const { sandboxStack } = program();
  const names = new Map<pulumi.Resource, string>();
  const dependsOn: Record<string, string[]> = {};
  const secretOutputs: string[] = [];
  const outputs =
    (await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- runs in the SDK (the mock monitor has no transforms)
      pulumi.runtime.registerStackTransformation((args) => {
        names.set(args.resource, args.name);
        const deps = args.opts.dependsOn;
        const list: unknown[] = Array.isArray(deps) ? deps : deps ? [deps] : [];
        dependsOn[args.name] = list.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d)).map((d) => names.get(d) ?? '<unknown>');
        return undefined;
      });
      const returned = (await sandboxStack(stack)) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(returned)) {
        if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.push(key);
      }
      return returned;
    })) ?? {};
  // Registrations that wait on other resources (the ConfigGroups depend on the node groups) finish after the stack
  // outputs resolve: drain the RPC queue as the engine does before it exits.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require('@pulumi/pulumi/runtime/settings') as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return { resources: resourcesOf(mocked), calls: mocked.calls, outputs, dependsOn, secretOutputs };
}

export function ofType(run: StackRun, type: string): Registered[] {
  return run.resources.filter((r) => r.type === type);
}


/**
 * Registers "Pulumi.<stack>.yaml as a whole program" for a stack whose platform owns the RuntimeClass (GKE, AKS): its
 * ConfigGroups are the CRDs, the controller's RBAC, the controller, then the tenants (no runtime group of ours), all
 * through the cluster's one Kubernetes provider; `more` checks the same run further.
 */
export function describeWholeProgramOfPlatformOwnedRuntime(stack: string, more?: (run: StackRun) => void): void {
  describe(`Pulumi.${stack}.yaml as a whole program`, () => {
    let run: StackRun;
    beforeAll(async () => {
      run = await runStack(stack);
    });

    test('registers the cluster component and deploys CRDs, controller and workloads through the cluster\'s provider', () => {
      expectGroupsOfPlatformOwnedRuntime(run, stack);
      more?.(run);
    });
  });
}

function expectGroupsOfPlatformOwnedRuntime(run: StackRun, stack: string): void {
  const groups = ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
  expect(groups.map((g) => g.name)).toStrictEqual([`${stack}-crds`, `${stack}-agent-sandbox-access`, `${stack}-agent-sandbox`, `${stack}-workloads`]);
  const kinds = (i: number) => String(groups[i].inputs.yaml).split(/^---$/m).map((d) => (load(d) as { kind: string }).kind);
  expect(new Set(kinds(0))).toStrictEqual(new Set(['CustomResourceDefinition']));
  // The controller's RBAC before the controller (yaml/v2 creates a group's objects in parallel).
  expect(kinds(1)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']));
  expect(kinds(1)).not.toContain('Deployment');
  expect(kinds(2)).toContain('Deployment');
  expect(kinds(3)).toEqual(expect.arrayContaining(['Namespace', 'SandboxTemplate', 'SandboxWarmPool']));
  expect(kinds(3)).not.toContain('RuntimeClass');
  expect(ofType(run, 'pulumi:providers:kubernetes')).toHaveLength(1);
}
/**
 * Runs the program's checks the way `pulumi preview` starts: outside a stack, so a refused config throws here
 * (synchronously, before any resource exists) instead of as an unhandled rejection. Returns what was registered.
 */
export async function refusedStack(stack: string, config: Record<string, string>, secretKeys: readonly string[] = []): Promise<{ error: unknown; registered: Registered[] }> {
  const mocks = await mockRuntime(stack, config, {}, secretKeys);
  try {
    program().sandboxStack(stack);
  } catch (error) {
    return { error, registered: resourcesOf(mocks) };
  }
  throw new Error(`stack ${stack} was not refused`);
}
