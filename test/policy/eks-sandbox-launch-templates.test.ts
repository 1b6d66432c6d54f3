/** eks-sandbox-launch-template-imdsv2: sandbox launch templates require IMDSv2 with hop limit 1. */
import {
  EKS_LAUNCH_TEMPLATE_TYPE,
  EKS_SANDBOX_COMPONENT_TYPE,
  eksSandboxLaunchTemplatePolicy as policy,
  userDataText,
} from '../../policy/rules/eks-sandbox-launch-templates';
import { nodeLaunchTemplateSettings } from '../../stacks/eks/launch-template';
import { buildSandboxNodeUserData } from '../../stacks/eks/node-bootstrap';
import { EKS_SANDBOX_CLUSTER_TYPE } from '../../stacks/eks/sandbox-cluster';
import { runPolicy } from './harness';

/** The inputs stacks/eks/sandbox-cluster.ts gives a sandbox group's launch template. */
function sandboxTemplate(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const settings = nodeLaunchTemplateSettings({ diskSizeGiB: 100, userData: buildSandboxNodeUserData({ instanceTypes: ['m7i.2xlarge'] }) });
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
    expect((await runPolicy(policy, { type: 'aws:ec2/instance:Instance', props: sandboxTemplate() })).notApplicable).toBe(`only ${EKS_LAUNCH_TEMPLATE_TYPE}`);
  });
});
