/**
 * One platform's manifests: the agent-sandbox install (unless the platform's managed add-on owns it) and the
 * sandboxed runtime, from a validated configuration.
 */
import { Chart, type ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentSandbox } from './agent-sandbox/agent-sandbox';
import { DEFAULT_SANDBOX_PORT, SandboxRouter } from './agent-sandbox/sandbox-router';
import { platformFacts, platformModule, type Platform, type PlatformSettings } from '../platforms';
import type { SandboxPlatformConfig } from '../config/model';
import { SandboxRuntime } from './sandbox-runtime';
import { GkeComputeClass } from './gke-compute-class';
import type { ComputeClassSettings } from '../platforms/gke/compute-class';
import { SandboxTenant } from './sandbox-tenant';
import { DeviceClass } from './dra/device-class';
import { selectorFromConfig } from '../config/selector-config';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';
import { UpstreamError } from '../core/upstream/store';
import { setConfigPath, toConfigProblem } from './config-paths';
import { problemAt, problemList, problemsOf, ProblemsError, type Problem } from '../core/diagnostics';

export interface SandboxPlatformChartProps extends ChartProps {
  readonly platform: Platform;
  /** A configuration that passed `validateConfig`. @default {} (install + runtime with defaults) */
  readonly config?: SandboxPlatformConfig;
  /** Environment for upstream file resolution. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class SandboxPlatformChart extends Chart {
  readonly platform: Platform;
  /** The config's `platforms.<id>` settings, as given (the workloads in this chart read the runtime they decide). */
  readonly platformSettings: PlatformSettings;
  /** What the settings leave unverified (`synth` prints them; the stack logs them). */
  readonly warnings: readonly string[];
  /** `managed`: GKE's add-on installs agent-sandbox, this chart does not. */
  readonly agentSandboxMode: 'self' | 'managed';
  readonly agentSandbox?: AgentSandbox;
  readonly runtime: SandboxRuntime;
  /** GKE: the custom ComputeClass the sandbox pods select (`platforms.<gke-*>.computeClass`). */
  readonly computeClass?: GkeComputeClass;
  readonly deviceClasses = new Map<string, DeviceClass>();
  readonly tenants: SandboxTenant[] = [];
  /** The sandbox router, when the configuration has `router:`. */
  readonly router?: SandboxRouter;

  constructor(scope: Construct, id: string, props: SandboxPlatformChartProps) {
    super(scope, id, props);
    const config = props.config ?? {};
    this.platform = props.platform;
    const platform = platformModule(props.platform);
    const settings: PlatformSettings = config.platforms?.[props.platform] ?? {};
    this.platformSettings = settings;
    const facts = platformFacts(props.platform, settings);
    this.warnings = facts.warnings ?? [];
    this.agentSandboxMode = settings.agentSandbox ?? 'self';
    // Every problem of the install, the device classes and the tenants, at its config path, in one error.
    const errors: Problem[] = [];
    if (!platform.agentSandboxModes.includes(this.agentSandboxMode)) {
      errors.push(problemAt(`platforms.${props.platform}.agentSandbox`, `"${this.agentSandboxMode}" is not available on ${props.platform}; allowed: ${platform.agentSandboxModes.join(', ')}`, 'sandboxPlatformChart'));
    } else if (this.agentSandboxMode === 'managed') {
      const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
      errors.push(...(platform.settingsProblems?.(settings, release) ?? []));
    }
    // System pods (controller, router) keep off sandbox nodes that carry no taint (the settings decide which nodes).
    const untainted = facts.sandboxNode && !facts.sandboxNode.taint ? [facts.sandboxNode.label.key] : [];
    if (this.agentSandboxMode === 'self') {
      try {
        this.agentSandbox = new AgentSandbox(this, 'AgentSandbox', { ...(config.agentSandbox ?? {}), avoidNodeLabelKeys: untainted, env: props.env });
        setConfigPath(this.agentSandbox, 'agentSandbox');
      } catch (err) {
        if (err instanceof UpstreamError) throw err; // not a config problem: the pinned files are missing
        errors.push(...problemsOf(err, 'agentSandbox').map((p) => toConfigProblem('agentSandbox', p)));
      }
    }
    this.runtime = new SandboxRuntime(this, 'Runtime', { platform: props.platform, settings });
    const computeClass = settings.computeClass as ComputeClassSettings | undefined;
    if (computeClass !== undefined && (props.platform === 'gke-autopilot' || props.platform === 'gke-standard')) {
      this.computeClass = new GkeComputeClass(this, 'ComputeClass', { platform: props.platform, settings: computeClass });
    }

    const kubernetesVersion = config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    if (config.deviceClasses?.length) {
      const scope = new Construct(this, 'DeviceClasses');
      config.deviceClasses.forEach((dc, i) => {
        try {
          const built = new DeviceClass(scope, dc.name, { ...dc, selectors: dc.selectors.map(selectorFromConfig), kubernetesVersion });
          setConfigPath(built, `deviceClasses[${i}]`);
          this.deviceClasses.set(dc.name, built);
        } catch (err) {
          errors.push(...problemsOf(err, 'deviceClass').map((p) => toConfigProblem(`deviceClasses[${i}]`, p)));
        }
      });
    }
    // The router lives with the controller (the controller's own default sandbox policy admits it from there) and
    // reaches the tenants' sandboxes unless told otherwise; each such tenant admits it on the sandbox ports.
    const router = config.router;
    const routerNamespace = router?.namespace ?? config.agentSandbox?.namespace ?? 'agent-sandbox-system';
    const routerPorts = router?.sandboxPorts ?? [DEFAULT_SANDBOX_PORT];
    const tenantNames = (config.tenants ?? []).map((t) => t.name);
    const sandboxNamespaces = router?.sandboxNamespaces ?? (tenantNames.length ? tenantNames : undefined);
    for (const [i, tenant] of (config.tenants ?? []).entries()) {
      const extraIngress = router && (!sandboxNamespaces || sandboxNamespaces.includes(tenant.name)) ? SandboxRouter.ingressRuleFor({ namespace: routerNamespace, sandboxPorts: routerPorts }) : undefined;
      try {
        const built = new SandboxTenant(this, `Tenant-${tenant.name}`, {
          tenant,
          platform: props.platform,
          deviceClasses: this.deviceClasses,
          kubernetesVersion,
          configPath: `tenants[${i}]`,
          ...(extraIngress ? { extraIngress } : {}),
          clusterCidrs: config.clusterCidrs,
        });
        setConfigPath(built, `tenants[${i}]`);
        this.tenants.push(built);
      } catch (err) {
        if (err instanceof UpstreamError) throw err;
        errors.push(...problemsOf(err));
      }
    }
    if (router) {
      try {
        this.router = new SandboxRouter(this, 'SandboxRouter', {
          ...router,
          version: config.agentSandbox?.version,
          namespace: routerNamespace,
          sandboxPorts: routerPorts,
          ...(sandboxNamespaces ? { sandboxNamespaces } : {}),
          platform: props.platform,
          avoidNodeLabelKeys: untainted,
        });
      } catch (err) {
        if (err instanceof UpstreamError) throw err;
        errors.push(...problemsOf(err, 'router').map((p) => toConfigProblem('router', p)));
      }
    }
    if (errors.length) throw new ProblemsError(`${props.platform}: the configuration cannot be built:${problemList(errors, '\n')}`, errors);
  }
}
