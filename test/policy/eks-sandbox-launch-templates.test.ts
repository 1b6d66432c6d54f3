/** eks-sandbox-launch-template-imdsv2: sandbox launch templates require IMDSv2 with hop limit 1. */
import {
  checkEksSandboxNodeGroupLaunchTemplate,
  EKS_LAUNCH_TEMPLATE_TYPE,
  EKS_NODE_GROUP_TYPE,
  EKS_SANDBOX_COMPONENT_TYPE,
  eksSandboxLaunchTemplatePolicy as policy,
  userDataText,
} from '../../policy/rules/eks-sandbox-launch-templates';
import { nodeLaunchTemplateSettings } from '../../platforms/eks/launch-template';
import { buildSandboxNodeUserData } from '../../platforms/eks/node-bootstrap';
import { EKS_SANDBOX_CLUSTER_TYPE } from '../../stacks/eks/cluster';
import { runPolicy } from '../support/policy-harness';
import { PINNED } from '../support/eks';

/** The inputs stacks/eks/cluster.ts gives a sandbox group's launch template. */
function sandboxTemplate(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const settings = nodeLaunchTemplateSettings({ diskSizeGiB: 100, userData: buildSandboxNodeUserData({ ...PINNED, instanceTypes: ['m7i.2xlarge'] }) });
  return JSON.parse(JSON.stringify({ description: 'agent-sandbox-infra sandbox-sandbox nodes of eks', updateDefaultVersion: true, ...settings }));
}
/** The system group's template: no user data. */
function systemTemplate(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(JSON.stringify({ description: 'agent-sandbox-infra system nodes of eks', updateDefaultVersion: true, ...nodeLaunchTemplateSettings({ diskSizeGiB: 50 }) }));
}
const check = (props: Record<string, unknown>, name = 'lt', parentTypes: string[] = []) =>
  runPolicy(policy, { type: EKS_LAUNCH_TEMPLATE_TYPE, name, parentTypes, props });

const IMDS_V1 =
  '[eksImdsv2] metadataOptions.httpTokens: must be "required" (IMDSv2 only: IMDSv1 hands the node role\'s credentials to any process that can reach 169.254.169.254), got "optional"';
const HOPS_2 =
  "[eksHopLimit] metadataOptions.httpPutResponseHopLimit: must be 1 (with more hops a sandbox pod gets an IMDS token and the node role's credentials), got 2";

describe('eks-sandbox-launch-template-imdsv2', () => {
  test('is mandatory; the component type it trusts is the EKS component\'s', () => {
    expect(policy.enforcementLevel).toBe('mandatory');
    expect(EKS_SANDBOX_COMPONENT_TYPE).toBe(EKS_SANDBOX_CLUSTER_TYPE);
  });

  test('passes the sandbox launch template our EKS component creates', async () => {
    expect(await check(sandboxTemplate())).toStrictEqual({ violations: [] });
  });

  test('fails a sandbox template with IMDSv1 allowed and hop limit 2', async () => {
    const lt = sandboxTemplate();
    lt.metadataOptions = { httpEndpoint: 'enabled', httpTokens: 'optional', httpPutResponseHopLimit: 2 };
    expect((await check(lt)).violations).toStrictEqual([IMDS_V1, HOPS_2]);
  });

  test('fails a sandbox template without metadataOptions (EC2 defaults to IMDSv1 + v2)', async () => {
    const lt = sandboxTemplate();
    delete lt.metadataOptions;
    expect((await check(lt)).violations).toStrictEqual([
      expect.stringMatching(/^\[eksImdsv2\] metadataOptions\.httpTokens: must be "required" .*, got nothing$/),
      expect.stringMatching(/^\[eksHopLimit\] metadataOptions\.httpPutResponseHopLimit: must be 1 .*, got nothing$/),
    ]);
  });

  test('recognises the runsc bootstrap in base64 or plain user data, without our description', async () => {
    const lt = sandboxTemplate();
    delete lt.description;
    lt.metadataOptions = { httpTokens: 'optional', httpPutResponseHopLimit: 1 };
    expect((await check(lt)).violations).toStrictEqual([IMDS_V1]);
    expect(userDataText(lt.userData)).toContain('io.containerd.runsc.v1');
    lt.userData = Buffer.from(lt.userData, 'base64').toString('utf8');
    expect((await check(lt)).violations).toStrictEqual([IMDS_V1]);
  });

  test('recognises our sandbox tag, our description and our component\'s sandbox template name', async () => {
    const bad = { metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 } };
    expect((await check({ ...bad, tags: { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' } })).violations).toStrictEqual([HOPS_2]);
    expect((await check({ ...bad, tagSpecifications: [{ resourceType: 'instance', tags: { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' } }] })).violations).toStrictEqual([HOPS_2]);
    expect((await check({ ...bad, description: 'agent-sandbox-infra sandbox-gpu nodes of prod' })).violations).toStrictEqual([HOPS_2]);
    expect((await check(bad, 'prod-sandbox-gpu-lt', [EKS_SANDBOX_COMPONENT_TYPE])).violations).toStrictEqual([HOPS_2]);
  });

  test('does not apply to the system template or to templates that are not ours', async () => {
    const system = systemTemplate();
    system.metadataOptions = { httpTokens: 'optional', httpPutResponseHopLimit: 2 };
    expect(await check(system, 'prod-system-lt', [EKS_SANDBOX_COMPONENT_TYPE])).toStrictEqual({ violations: [], notApplicable: 'not a sandbox launch template' });
    expect((await check({ userData: Buffer.from('#!/bin/bash\necho hello\n').toString('base64') })).notApplicable).toBe('not a sandbox launch template');
    expect((await runPolicy(policy, { type: 'aws:ec2/instance:Instance', props: sandboxTemplate() })).notApplicable).toBe(
      `only ${EKS_LAUNCH_TEMPLATE_TYPE} and ${EKS_NODE_GROUP_TYPE}`,
    );
  });
});

describe('eks-sandbox-launch-template-imdsv2: sandbox node groups must use a launch template', () => {
  const LABEL = { 'sandbox.agent-sandbox-infra.io/runtime': 'gvisor' };
  const TAINT = { key: 'sandbox.agent-sandbox-infra.io/runtime', value: 'gvisor', effect: 'NO_SCHEDULE' };
  /** A node group as stacks/eks/cluster.ts registers a sandbox group (inputs that matter here). */
  const group = (extra: Record<string, unknown> = {}) => ({
    clusterName: 'agents',
    nodeGroupNamePrefix: 'sandbox-',
    instanceTypes: ['m7i.2xlarge'],
    amiType: 'AL2023_x86_64_STANDARD',
    scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 },
    launchTemplate: { id: 'lt-0123456789abcdef0', version: '1' },
    labels: LABEL,
    taints: [TAINT],
    ...extra,
  });
  const checkGroup = (props: Record<string, unknown>, name = 'ng', parentTypes: string[] = []) => runPolicy(policy, { type: EKS_NODE_GROUP_TYPE, name, parentTypes, props });
  const NO_TEMPLATE = (reason: string, got: string) =>
    `[eksNodeGroupLaunchTemplate] launchTemplate: must name a launch template (id or name) on a sandbox node group (${reason}): without one the EKS API ` +
    "generates the group's template with its own defaults, not pinned to IMDSv2-only with hop limit 1, so sandbox pods may reach the node role's credentials; " +
    'a node group cannot carry IMDS settings itself (they are checked on the launch template): use one with metadataOptions httpTokens "required" ' +
    `and httpPutResponseHopLimit 1, like platforms/eks/launch-template.ts, got ${got}`;

  test('passes a sandbox group with a launch template by id or by name', async () => {
    expect(await checkGroup(group())).toStrictEqual({ violations: [] });
    expect(await checkGroup(group({ launchTemplate: { name: 'sandbox-nodes', version: '$Latest' } }))).toStrictEqual({ violations: [] });
  });

  test('fails a group carrying our sandbox label, or only our taint, without a launch template', async () => {
    const { launchTemplate: _lt, ...labelled } = group();
    expect((await checkGroup(labelled)).violations).toStrictEqual([NO_TEMPLATE('labels has sandbox.agent-sandbox-infra.io/runtime', 'nothing')]);
    const tainted = { ...labelled, labels: { team: 'agents' } };
    expect((await checkGroup(tainted)).violations).toStrictEqual([NO_TEMPLATE('taints has sandbox.agent-sandbox-infra.io/runtime', 'nothing')]);
    expect((await checkGroup({ ...tainted, launchTemplate: { version: '1' } })).violations).toStrictEqual([
      NO_TEMPLATE('taints has sandbox.agent-sandbox-infra.io/runtime', '{"version":"1"}'),
    ]);
  });

  test('a sandbox group of our component counts even without label and taint; its system group and other groups do not apply', async () => {
    const { launchTemplate: _lt, labels: _l, taints: _t, ...bare } = group();
    expect((await checkGroup(bare, 'prod-sandbox-gpu', [EKS_SANDBOX_COMPONENT_TYPE])).violations).toStrictEqual([
      NO_TEMPLATE(`it is a sandbox node group of ${EKS_SANDBOX_COMPONENT_TYPE}`, 'nothing'),
    ]);
    expect((await checkGroup(bare, 'prod-system', [EKS_SANDBOX_COMPONENT_TYPE])).notApplicable).toBe('not a sandbox node group');
    expect((await checkGroup(bare, 'other')).notApplicable).toBe('not a sandbox node group');
  });

  test('a template id still unknown at preview (created in the same update) counts as set, through the SDK\'s unknown-checking proxy', async () => {
    // @pulumi/policy's proxy throws on reading an unknown value (the policy would then be skipped); the check reads
    // the raw input, so an unknown id is "set".
    const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9'; // @pulumi/policy unknownStringValue, as the engine sends it
    expect(await checkGroup(group({ launchTemplate: { id: unknown, version: unknown } }))).toStrictEqual({ violations: [] });
    expect(checkEksSandboxNodeGroupLaunchTemplate({ launchTemplate: { id: unknown } }, 'labels')).toStrictEqual([]);
  });
});
