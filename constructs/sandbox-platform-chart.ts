/**
 * One platform's manifests: the agent-sandbox install (unless the platform's managed add-on owns it) and the
 * sandboxed runtime, from a validated configuration.
 */
import { Chart, type ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentSandbox } from './agent-sandbox/agent-sandbox';
import { platformModule, type Platform, type PlatformSettings } from '../platforms';
import type { SandboxPlatformConfig } from '../config/model';
import { SandboxRuntime } from './sandbox-runtime';
import { SandboxTenant } from './sandbox-tenant';
import { DeviceClass } from './dra/device-class';
import { selectorFromConfig } from '../config/selector-config';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';
import { UpstreamError } from '../core/upstream/store';
import { problemsOf, ProblemsError } from '../core/diagnostics';
import { setConfigPath, toConfigProblem } from './config-paths';

export interface SandboxPlatformChartProps extends ChartProps {
  readonly platform: Platform;
  /** A configuration that passed `validateConfig`. @default {} (install + runtime with defaults) */
  readonly config?: SandboxPlatformConfig;
  /** Environment for upstream file resolution. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class SandboxPlatformChart extends Chart {
  readonly platform: Platform;
  /** `managed`: GKE's add-on installs agent-sandbox, this chart does not. */
  readonly agentSandboxMode: 'self' | 'managed';
  readonly agentSandbox?: AgentSandbox;
  readonly runtime: SandboxRuntime;
  readonly deviceClasses = new Map<string, DeviceClass>();
  readonly tenants: SandboxTenant[] = [];

  constructor(scope: Construct, id: string, props: SandboxPlatformChartProps) {
    super(scope, id, props);
    const config = props.config ?? {};
    this.platform = props.platform;
    const platform = platformModule(props.platform);
    const settings: PlatformSettings = config.platforms?.[props.platform] ?? {};
    this.agentSandboxMode = settings.agentSandbox ?? 'self';
    // Every problem of the install, the device classes and the tenants, at its config path, in one error.
    const errors: string[] = [];
    if (!platform.agentSandboxModes.includes(this.agentSandboxMode)) {
      errors.push(`platforms.${props.platform}.agentSandbox: "${this.agentSandboxMode}" is not available on ${props.platform}; allowed: ${platform.agentSandboxModes.join(', ')}`);
    } else if (this.agentSandboxMode === 'managed') {
      const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
      errors.push(...(platform.settingsProblems?.(settings, release) ?? []));
    } else {
      try {
        this.agentSandbox = new AgentSandbox(this, 'AgentSandbox', { ...(config.agentSandbox ?? {}), env: props.env });
        setConfigPath(this.agentSandbox, 'agentSandbox');
      } catch (err) {
        if (err instanceof UpstreamError) throw err; // not a config problem: the pinned files are missing
        errors.push(...problemsOf(err).map((p) => toConfigProblem('agentSandbox', p)));
      }
    }
    this.runtime = new SandboxRuntime(this, 'Runtime', { platform: props.platform });

    const kubernetesVersion = config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    if (config.deviceClasses?.length) {
      const scope = new Construct(this, 'DeviceClasses');
      config.deviceClasses.forEach((dc, i) => {
        try {
          const built = new DeviceClass(scope, dc.name, { ...dc, selectors: dc.selectors.map(selectorFromConfig), kubernetesVersion });
          setConfigPath(built, `deviceClasses[${i}]`);
          this.deviceClasses.set(dc.name, built);
        } catch (err) {
          errors.push(...problemsOf(err).map((p) => toConfigProblem(`deviceClasses[${i}]`, p)));
        }
      });
    }
    for (const [i, tenant] of (config.tenants ?? []).entries()) {
      try {
        const built = new SandboxTenant(this, `Tenant-${tenant.name}`, { tenant, platform: props.platform, deviceClasses: this.deviceClasses, kubernetesVersion, configPath: `tenants[${i}]` });
        setConfigPath(built, `tenants[${i}]`);
        this.tenants.push(built);
      } catch (err) {
        if (err instanceof UpstreamError) throw err;
        errors.push(...problemsOf(err));
      }
    }
    if (errors.length) throw new ProblemsError(`${props.platform}: the configuration cannot be built:\n${errors.join('\n')}`, errors);
  }
}
