/**
 * Launch-template settings of our EKS managed node groups (system and sandbox), as plain data.
 *
 * - IMDSv2 only, hop limit 1: the token PUT response dies one hop out, so containers (one network hop further)
 *   cannot fetch the node role's credentials; this is also the AL2023 managed-node-group default
 *   (kubernetes-sigs/aws-load-balancer-controller#3695). Pods get AWS access through IRSA instead.
 * - Root volume `/dev/xvda` (AL2023's root device) as encrypted gp3.
 * - No `imageId`: EKS picks the AMI for `amiType` and merges its own NodeConfig (cluster endpoint, CA) into our
 *   MIME user data. No instance type, key pair or security groups either: those stay on the node group or EKS
 *   defaults (https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html).
 */

/** `metadataOptions` of every node launch template. */
export const NODE_METADATA_OPTIONS = {
  httpEndpoint: 'enabled',
  httpTokens: 'required',
  httpPutResponseHopLimit: 1,
} as const;

/** Root device name of the AL2023 EKS AMIs. */
export const AL2023_ROOT_DEVICE = '/dev/xvda';

export interface NodeLaunchTemplateInput {
  /** Root volume size in GiB. */
  readonly diskSizeGiB: number;
  /**
   * User data as text (MIME multipart for sandbox nodes); base64-encoded here.
   * @default none (EKS's own bootstrap only)
   */
  readonly userData?: string;
}

/** The launch-template inputs we set (plain values, ready for `ec2.LaunchTemplate`). */
export interface NodeLaunchTemplateSettings {
  readonly metadataOptions: typeof NODE_METADATA_OPTIONS;
  readonly blockDeviceMappings: {
    deviceName: string;
    ebs: { volumeSize: number; volumeType: 'gp3'; encrypted: 'true'; deleteOnTermination: 'true' };
  }[];
  readonly userData?: string;
}

export function nodeLaunchTemplateSettings(input: NodeLaunchTemplateInput): NodeLaunchTemplateSettings {
  return {
    metadataOptions: { ...NODE_METADATA_OPTIONS },
    blockDeviceMappings: [
      {
        deviceName: AL2023_ROOT_DEVICE,
        // The EC2 API takes these booleans as strings in launch templates.
        ebs: { volumeSize: input.diskSizeGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
      },
    ],
    ...(input.userData !== undefined ? { userData: Buffer.from(input.userData, 'utf8').toString('base64') } : {}),
  };
}
