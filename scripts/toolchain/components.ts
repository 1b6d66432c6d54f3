/** Named sets of components (`cluster`, `all`) and single components by id, for the build command and the tests. */
import { ToolchainError } from './build';
import {
  agentSandboxControllerComponent,
  ETCD,
  kubernetesComponent,
  KWOK,
  type GoComponent,
  type LocalKubernetesMinor,
} from './versions';

export interface ComponentChoice {
  readonly minors: readonly LocalKubernetesMinor[];
  readonly releases: readonly string[];
}

/** What `name` stands for: `cluster` (control plane, kwok, the controllers), `all`, or one component id. */
export function clusterComponents(name: string, choice: ComponentChoice): GoComponent[] {
  const kubernetes = choice.minors.map(kubernetesComponent);
  const controllers = choice.releases.map(agentSandboxControllerComponent);
  switch (name) {
    case 'cluster':
    case 'all':
      return [...kubernetes, ETCD, KWOK, ...controllers];
    case 'kubernetes':
      return kubernetes;
    case 'etcd':
      return [ETCD];
    case 'kwok':
      return [KWOK];
    case 'agent-sandbox-controller':
      return controllers;
    default:
      throw new ToolchainError(`unknown component "${name}"; choose cluster, all, kubernetes, etcd, kwok or agent-sandbox-controller`);
  }
}
