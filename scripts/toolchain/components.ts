/**
 * Named sets of components (`cluster`, `pulumi`, `all`) and single components by id, for the build command and the
 * tests.
 */
import { agentSandboxRelease } from '../../core/upstream/pins';
import { ToolchainError } from './build';
import {
  agentSandboxControllerComponent,
  ETCD,
  HELM,
  kubernetesComponent,
  KWOK,
  PULUMI_CLI,
  PULUMI_KUBERNETES_PROVIDER,
  PULUMI_LANGUAGE_NODEJS,
  sandboxRouterComponent,
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

/** Releases whose router we pin (and so build and run). */
const hasGoRouter = (release: string): boolean => agentSandboxRelease(release).router !== undefined;

/**
 * What `name` stands for: `cluster` (control plane, kwok, the controllers and sandbox routers), `pulumi` (the Pulumi
 * engine), `helm` (the chart parity test's Helm), `all`, or one component id.
 */
export function clusterComponents(name: string, choice: ComponentChoice): GoComponent[] {
  const kubernetes = choice.minors.map(kubernetesComponent);
  const controllers = choice.releases.map(agentSandboxControllerComponent);
  const routers = choice.releases.filter(hasGoRouter).map(sandboxRouterComponent);
  switch (name) {
    case 'cluster':
      return [...kubernetes, ETCD, KWOK, ...controllers, ...routers];
    case 'all':
      return [...kubernetes, ETCD, KWOK, ...controllers, ...routers, HELM, ...PULUMI_ENGINE];
    case 'helm':
      return [HELM];
    case 'sandbox-router':
      return routers;
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
        `unknown component "${name}"; choose cluster, pulumi, helm, all, kubernetes, etcd, kwok, agent-sandbox-controller, sandbox-router, pulumi-cli, pulumi-resource-kubernetes or pulumi-language-nodejs`,
      );
  }
}
