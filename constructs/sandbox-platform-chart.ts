/**
 * One platform's manifests: the agent-sandbox install (unless the platform's managed add-on owns it) and the
 * sandboxed runtime, from a validated configuration.
 */
import { Chart, type ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentSandbox } from './agent-sandbox/agent-sandbox';
import { platformModule, type Platform, type PlatformSettings } from '../platforms';
import type { SandboxPlatformConfig } from '../config/schema';
import { SandboxRuntime } from './sandbox-runtime';
import { SandboxTenant } from './sandbox-tenant';
import { DeviceClass } from './dra/device-class';
import { selectorFromConfig } from '../config/selector-config';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, DEFAULT_KUBERNETES_VERSION } from '../core/upstream/pins';

export interface SandboxPlatformChartProps extends ChartProps {
  readonly platform: Platform;
  /** A configuration that passed `validateConfig`. @default {} (install + runtime with defaults) */
  readonly config?: SandboxPlatformConfig;
  /** Environment for upstream file resolution. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class SandboxPlatformChart extends Chart {
  readonly platform: Platform;
  /** The config's `platforms.<platform>` settings; workloads in this chart resolve the platform's facts with them. */
  readonly platformSettings: PlatformSettings;
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
    this.platformSettings = settings;
    this.agentSandboxMode = settings.agentSandbox ?? 'self';
    if (!platform.agentSandboxModes.includes(this.agentSandboxMode)) {
      throw new Error(`platforms.${props.platform}.agentSandbox: "${this.agentSandboxMode}" is not available on ${props.platform}; allowed: ${platform.agentSandboxModes.join(', ')}`);
    }
    if (this.agentSandboxMode === 'managed') {
      const release = agentSandboxRelease(config.agentSandbox?.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
      const errors = platform.settingsProblems?.(settings, release) ?? [];
      if (errors.length) throw new Error(errors.join('\n'));
    } else {
      const untainted = platform.sandboxNode && !platform.sandboxNode.taint ? [platform.sandboxNode.label.key] : [];
      this.agentSandbox = new AgentSandbox(this, 'AgentSandbox', { ...(config.agentSandbox ?? {}), avoidNodeLabelKeys: untainted, env: props.env });
    }
    this.runtime = new SandboxRuntime(this, 'Runtime', { platform: props.platform, settings });

    // Device classes and tenants: every problem of every one of them, in one error.
    const errors: string[] = [];
    const kubernetesVersion = config.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    if (config.deviceClasses?.length) {
      const scope = new Construct(this, 'DeviceClasses');
      config.deviceClasses.forEach((dc, i) => {
        try {
          this.deviceClasses.set(
            dc.name,
            new DeviceClass(scope, dc.name, { ...dc, selectors: dc.selectors.map(selectorFromConfig), kubernetesVersion }),
          );
        } catch (err) {
          errors.push(`deviceClasses[${i}] (${dc.name}): ${(err as Error).message}`);
        }
      });
    }
    for (const [i, tenant] of (config.tenants ?? []).entries()) {
      try {
        this.tenants.push(
          new SandboxTenant(this, `Tenant-${tenant.name}`, {
            tenant,
            platform: props.platform,
            deviceClasses: this.deviceClasses,
            kubernetesVersion,
            configPath: `tenants[${i}]`,
            clusterCidrs: config.clusterCidrs,
          }),
        );
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length) throw new Error(`${props.platform}: the configuration cannot be built:\n${errors.join('\n')}`);
  }
}
