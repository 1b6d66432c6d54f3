/**
 * EKS sandbox node launch templates keep node credentials away from pods: IMDSv2 only (`httpTokens: "required"`)
 * and a PUT response hop limit of 1, so a container (one network hop further than the node) never gets an IMDS
 * token. The values are the ones our launch templates set (platforms/eks/launch-template.ts `NODE_METADATA_OPTIONS`).
 *
 * An `aws:ec2/launchTemplate:LaunchTemplate` is a sandbox template when any of these holds:
 * - its user data (base64, as the EC2 API takes it, or plain text) contains our runsc bootstrap: the containerd
 *   runtime type `io.containerd.runsc.v1`, the shim `containerd-shim-runsc-v1`, or our MIME boundary
 *   (platforms/eks/node-bootstrap/);
 * - its `tags` or `tagSpecifications[*].tags` carry our sandbox-node key `sandbox.agent-sandbox-infra.io/runtime`;
 * - its description is the one stacks/eks/cluster.ts writes for sandbox groups
 *   (`agent-sandbox-infra sandbox-<group> nodes of <cluster>`);
 * - it is a child of our `agent-sandbox-infra:eks:SandboxCluster` component named `<name>-sandbox-<group>-lt`.
 *
 * An `aws:eks/nodeGroup:NodeGroup` is a sandbox node group when its `labels` or `taints` carry our sandbox-node key
 * `sandbox.agent-sandbox-infra.io/runtime` (what the `gvisor` RuntimeClass selects), or it is a child of our EKS
 * component named `<name>-sandbox-<group>`. It must set `launchTemplate` (an id or a name): without one the EKS API
 * generates the group's launch template with its own default values (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html),
 * whose metadata options nobody here sets to IMDSv2-only with hop limit 1 and which no policy can see, and without
 * our runsc user data. The node group
 * only references its template (id or name and version), so the template's IMDS settings cannot be read here: they
 * are checked on the `aws:ec2/launchTemplate:LaunchTemplate` resource itself (above), which a template this stack
 * creates always is. A template created elsewhere must be checked where it is created.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { SANDBOX_NODE_LABEL_KEY } from '../../platforms';
import { SANDBOX_USER_DATA_BOUNDARY } from '../../platforms/eks/node-bootstrap';
import { RUNSC_RUNTIME_TYPE } from '../../platforms/eks/node-bootstrap/containerd';
import { NODE_METADATA_OPTIONS } from '../../platforms/eks/launch-template';
import { field, formatFinding, isChildOf, isObj, parseUrn, showValue, type Finding, type Obj } from './shared';

export const EKS_LAUNCH_TEMPLATE_TYPE = 'aws:ec2/launchTemplate:LaunchTemplate';
export const EKS_NODE_GROUP_TYPE = 'aws:eks/nodeGroup:NodeGroup';
/** Type token of our EKS component (stacks/eks/cluster.ts `EKS_SANDBOX_CLUSTER_TYPE`). */
export const EKS_SANDBOX_COMPONENT_TYPE = 'agent-sandbox-infra:eks:SandboxCluster';
/** Strings only our runsc bootstrap user data contains. */
export const RUNSC_BOOTSTRAP_MARKERS: readonly string[] = [RUNSC_RUNTIME_TYPE, 'containerd-shim-runsc-v1', SANDBOX_USER_DATA_BOUNDARY];

const OUR_SANDBOX_DESCRIPTION = /^agent-sandbox-infra sandbox-\S+ nodes of /;
const OUR_SANDBOX_TEMPLATE_NAME = /-sandbox-.+-lt$/;
const OUR_SANDBOX_GROUP_NAME = /-sandbox-.+$/;

/** The user data as text: decoded when it is base64 (how the EC2 API and our templates carry it). */
export function userDataText(userData: unknown): string {
  if (typeof userData !== 'string') return '';
  const compact = userData.replace(/\s+/g, '');
  if (compact.length > 0 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return `${Buffer.from(compact, 'base64').toString('utf8')}\n${userData}`;
  }
  return userData;
}

function hasSandboxTag(tags: unknown): boolean {
  return isObj(tags) && SANDBOX_NODE_LABEL_KEY in tags;
}

/** Why a launch template is a sandbox template, or undefined when it is not. */
export function eksSandboxTemplateReason(args: Pick<ResourceValidationArgs, 'urn' | 'name' | 'props'>): string | undefined {
  const props = args.props as Obj;
  const text = userDataText(props.userData);
  const marker = RUNSC_BOOTSTRAP_MARKERS.find((m) => text.includes(m));
  if (marker) return `its user data installs runsc (${marker})`;
  if (hasSandboxTag(props.tags)) return `tags has ${SANDBOX_NODE_LABEL_KEY}`;
  const specs = props.tagSpecifications;
  if (Array.isArray(specs) && specs.some((s) => hasSandboxTag(field(s, 'tags')))) return `tagSpecifications has ${SANDBOX_NODE_LABEL_KEY}`;
  if (typeof props.description === 'string' && OUR_SANDBOX_DESCRIPTION.test(props.description)) return 'its description names a sandbox node group';
  const name = parseUrn(args.urn)?.name ?? args.name;
  if (isChildOf(args, EKS_SANDBOX_COMPONENT_TYPE) && OUR_SANDBOX_TEMPLATE_NAME.test(name)) {
    return `it is a sandbox launch template of ${EKS_SANDBOX_COMPONENT_TYPE}`;
  }
  return undefined;
}

export function checkEksSandboxMetadataOptions(metadataOptions: unknown): Finding[] {
  const findings: Finding[] = [];
  const tokens = field(metadataOptions, 'httpTokens');
  if (tokens !== NODE_METADATA_OPTIONS.httpTokens) {
    findings.push({
      rule: 'eksImdsv2',
      path: 'metadataOptions.httpTokens',
      message: `must be "${NODE_METADATA_OPTIONS.httpTokens}" (IMDSv2 only: IMDSv1 hands the node role's credentials to any process that can reach 169.254.169.254), got ${showValue(tokens)}`,
    });
  }
  const hops = field(metadataOptions, 'httpPutResponseHopLimit');
  if (hops !== NODE_METADATA_OPTIONS.httpPutResponseHopLimit) {
    findings.push({
      rule: 'eksHopLimit',
      path: 'metadataOptions.httpPutResponseHopLimit',
      message: `must be ${NODE_METADATA_OPTIONS.httpPutResponseHopLimit} (with more hops a sandbox pod gets an IMDS token and the node role's credentials), got ${showValue(hops)}`,
    });
  }
  return findings;
}

/** Why a node group is a sandbox node group, or undefined when it is not. */
export function eksSandboxNodeGroupReason(args: Pick<ResourceValidationArgs, 'urn' | 'name' | 'props'>): string | undefined {
  const props = args.props as Obj;
  if (hasSandboxTag(props.labels)) return `labels has ${SANDBOX_NODE_LABEL_KEY}`;
  const taints = props.taints;
  if (Array.isArray(taints) && taints.some((t) => field(t, 'key') === SANDBOX_NODE_LABEL_KEY)) return `taints has ${SANDBOX_NODE_LABEL_KEY}`;
  const name = parseUrn(args.urn)?.name ?? args.name;
  if (isChildOf(args, EKS_SANDBOX_COMPONENT_TYPE) && OUR_SANDBOX_GROUP_NAME.test(name)) return `it is a sandbox node group of ${EKS_SANDBOX_COMPONENT_TYPE}`;
  return undefined;
}

/**
 * A value as given, without the policy SDK's unknown check: a launch template id that is still unknown during
 * preview (the template is being created in the same update) is set, not a reason to skip the policy.
 */
function rawField(value: unknown, key: string): unknown {
  return isObj(value) ? Object.getOwnPropertyDescriptor(value, key)?.value : undefined;
}

export function checkEksSandboxNodeGroupLaunchTemplate(props: Obj, reason: string): Finding[] {
  const template = rawField(props, 'launchTemplate');
  const set = (key: string) => {
    const v = rawField(template, key);
    return v !== undefined && v !== null && v !== '';
  };
  if (set('id') || set('name')) return [];
  return [
    {
      rule: 'eksNodeGroupLaunchTemplate',
      path: 'launchTemplate',
      message:
        `must name a launch template (id or name) on a sandbox node group (${reason}): without one the EKS API generates the group's template ` +
        `with its own defaults, not pinned to IMDSv2-only with hop limit 1, so sandbox pods may reach the node role's credentials; a node group ` +
        `cannot carry IMDS settings itself (they are checked on the launch template): use one with metadataOptions httpTokens "required" ` +
        `and httpPutResponseHopLimit 1, like platforms/eks/launch-template.ts, got ${showValue(template)}`,
    },
  ];
}

export function validateEksSandboxLaunchTemplates(args: ResourceValidationArgs, reportViolation: (message: string) => void): void {
  if (args.type === EKS_NODE_GROUP_TYPE) {
    const reason = eksSandboxNodeGroupReason(args);
    if (reason === undefined) args.notApplicable('not a sandbox node group');
    for (const f of checkEksSandboxNodeGroupLaunchTemplate(args.props as Obj, reason as string)) reportViolation(formatFinding(f));
    return;
  }
  if (args.type !== EKS_LAUNCH_TEMPLATE_TYPE) args.notApplicable(`only ${EKS_LAUNCH_TEMPLATE_TYPE} and ${EKS_NODE_GROUP_TYPE}`);
  if (eksSandboxTemplateReason(args) === undefined) args.notApplicable('not a sandbox launch template');
  for (const f of checkEksSandboxMetadataOptions((args.props as Obj).metadataOptions)) reportViolation(formatFinding(f));
}

export const eksSandboxLaunchTemplatePolicy: ResourceValidationPolicy = {
  name: 'eks-sandbox-launch-template-imdsv2',
  description:
    'EKS sandbox node launch templates require IMDSv2 (metadataOptions.httpTokens "required") with httpPutResponseHopLimit 1, and sandbox node groups use a launch template (not the one EKS generates).',
  enforcementLevel: 'mandatory',
  validateResource: validateEksSandboxLaunchTemplates,
};
