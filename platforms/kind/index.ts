/** kind, or any cluster whose nodes run containerd with runsc: we create the `gvisor` RuntimeClass (handler `runsc`). */
import { z } from 'zod';
import { CLUSTER_DNS_ONLY, OUR_GVISOR, type PlatformModule } from '../platform';

export const kind: PlatformModule<Record<string, never>, 'kind'> = {
  platform: 'kind',
  displayName: 'kind / generic cluster with runsc',
  cloud: 'local',
  runtimes: { gvisor: OUR_GVISOR },
  agentSandboxModes: ['self'],
  // kind's default StorageClass provisioner runs in local-path-storage.
  reservedNamespaces: [{ names: ['local-path-storage'], why: "kind's local-path storage provisioner", source: 'https://kind.sigs.k8s.io/docs/user/configuration/' }],
  dns: CLUSTER_DNS_ONLY,
  settings: z.object({}).strict(),
};
