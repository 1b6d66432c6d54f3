/**
 * Named sets of components (`cluster`, `pulumi`, `all`) and single components by id, for the build command and the
 * tests.
 */
import { ToolchainError } from './build';
import {
  agentSandboxControllerComponent,
  ETCD,
  kubernetesComponent,
  KWOK,
  PULUMI_CLI,
  PULUMI_KUBERNETES_PROVIDER,
  PULUMI_LANGUAGE_NODEJS,
  type GoComponent,
  type LocalKubernetesMinor,
} from './versions';

export interface ComponentChoice {
  readonly minors: readonly LocalKubernetesMinor[];
  readonly releases: readonly string[];
}

/**
 * The Pulumi engine the integration tier runs: the CLI and the Kubernetes provider. The Node.js language host is not
 * in it: the proxy does not serve its module (see versions.ts); it is built only when named.
 */
export const PULUMI_ENGINE: readonly GoComponent[] = [PULUMI_CLI, PULUMI_KUBERNETES_PROVIDER];

/**
 * What `name` stands for: `cluster` (control plane, kwok, the controllers), `pulumi` (the Pulumi engine), `all`,
 * or one component id.
 */
export function clusterComponents(name: string, choice: ComponentChoice): GoComponent[] {
  const kubernetes = choice.minors.map(kubernetesComponent);
  const controllers = choice.releases.map(agentSandboxControllerComponent);
  switch (name) {
    case 'cluster':
      return [...kubernetes, ETCD, KWOK, ...controllers];
    case 'all':
      return [...kubernetes, ETCD, KWOK, ...controllers, ...PULUMI_ENGINE];
    case 'pulumi':
      return [...PULUMI_ENGINE];
    case 'pulumi-cli':
      return [PULUMI_CLI];
    case 'pulumi-resource-kubernetes':
      return [PULUMI_KUBERNETES_PROVIDER];
    case 'pulumi-language-nodejs':
      return [PULUMI_LANGUAGE_NODEJS];
    case 'kubernetes':
      return kubernetes;
    case 'etcd':
      return [ETCD];
    case 'kwok':
      return [KWOK];
    case 'agent-sandbox-controller':
      return controllers;
    default:
      throw new ToolchainError(
        `unknown component "${name}"; choose cluster, pulumi, all, kubernetes, etcd, kwok, agent-sandbox-controller, pulumi-cli, pulumi-resource-kubernetes or pulumi-language-nodejs`,
      );
  }
}
