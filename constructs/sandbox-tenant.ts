/**
 * `SandboxTenant`: one tenant of the configuration file — its hardened namespace and every template, warm pool,
 * claim, sandbox and DRA claim template in it — built from the same constructs a TypeScript user would compose.
 */
import { Construct } from 'constructs';
import type { TenantConfig } from './config/tenant-schema';
import { selectorFromConfig } from './config/selector-config';
import type { DeviceClass } from './dra/device-class';
import { ResourceClaimTemplate, type DeviceRequestInput } from './dra/resource-claim-template';
import type { Platform } from './platform/profiles';
import { SandboxNamespace } from './tenant/sandbox-namespace';
import { Sandbox } from './workloads/sandbox';
import { SandboxClaim } from './workloads/sandbox-claim';
import type { DeviceClaim, SandboxPodProps } from './workloads/sandbox-pod';
import { SandboxTemplate } from './workloads/sandbox-template';
import { SandboxWarmPool } from './workloads/sandbox-warm-pool';

export interface SandboxTenantProps {
  readonly tenant: TenantConfig;
  readonly platform: Platform;
  /** DeviceClasses of the chart, by name (claim templates may also name platform-provided classes). @default {} */
  readonly deviceClasses?: ReadonlyMap<string, DeviceClass>;
  /** Kubernetes version the manifests target (DRA feature gating). @default '1.36' */
  readonly kubernetesVersion?: string;
  /** Where the tenant sits in the configuration, for messages. @default `tenants[<name>]` */
  readonly configPath?: string;
}

type PodConfig = NonNullable<TenantConfig['templates']>[number] | NonNullable<TenantConfig['sandboxes']>[number];

export class SandboxTenant extends Construct {
  readonly namespace: SandboxNamespace;
  readonly templates = new Map<string, SandboxTemplate>();
  readonly warmPools = new Map<string, SandboxWarmPool>();
  readonly claimTemplates = new Map<string, ResourceClaimTemplate>();

  constructor(scope: Construct, id: string, props: SandboxTenantProps) {
    super(scope, id);
    const t = props.tenant;
    const errors: string[] = [];
    // Each object is built even when an earlier one failed, so one run reports every problem of the tenant.
    const attempt = <T>(path: string, build: () => T): T | undefined => {
      try {
        return build();
      } catch (err) {
        errors.push(`${props.configPath ?? `tenants[${t.name}]`}.${path}: ${(err as Error).message.replace(/\n/g, '\n  ')}`);
        return undefined;
      }
    };

    this.namespace = new SandboxNamespace(this, 'Namespace', { ...(t.namespace ?? {}), name: t.name, platform: props.platform });
    (t.claimTemplates ?? []).forEach((ct, i) =>
      attempt(`claimTemplates[${i}]`, () => {
        const requests: DeviceRequestInput[] = ct.requests.map((r) => {
          const request = (x: NonNullable<typeof r.exactly>) => ({
            ...x,
            deviceClass: props.deviceClasses?.get(x.deviceClass) ?? x.deviceClass,
            selectors: (x.selectors ?? []).map(selectorFromConfig),
          });
          return r.exactly
            ? { name: r.name, exactly: request(r.exactly) }
            : { name: r.name, firstAvailable: (r.firstAvailable ?? []).map((alt) => ({ ...request(alt), name: alt.name })) };
        });
        this.claimTemplates.set(
          ct.name,
          new ResourceClaimTemplate(this, `ClaimTemplate-${ct.name}`, {
            name: ct.name,
            namespace: this.namespace,
            requests,
            kubernetesVersion: props.kubernetesVersion,
          }),
        );
      }),
    );
    const pod = (c: PodConfig): SandboxPodProps => ({
      ...(c as unknown as Omit<SandboxPodProps, 'deviceClaims'>),
      deviceClaims: (c.deviceClaims ?? []).flatMap((d): DeviceClaim[] => {
        const template = this.claimTemplates.get(d.claimTemplate);
        return template ? [{ name: d.name, template, containers: d.containers, request: d.request }] : [];
      }),
    });
    (t.templates ?? []).forEach((tc, i) =>
      attempt(`templates[${i}]`, () => {
        this.templates.set(
          tc.name,
          new SandboxTemplate(this, `Template-${tc.name}`, { ...pod(tc), ...templateOnly(tc), name: tc.name, namespace: this.namespace, platform: props.platform }),
        );
      }),
    );
    (t.warmPools ?? []).forEach((wp, i) =>
      attempt(`warmPools[${i}]`, () => {
        const template = this.templates.get(wp.template);
        if (!template) throw new Error(`template "${wp.template}" was not built (see its error above)`);
        this.warmPools.set(wp.name, new SandboxWarmPool(this, `WarmPool-${wp.name}`, { ...wp, name: wp.name, template }));
      }),
    );
    (t.claims ?? []).forEach((cc, i) =>
      attempt(`claims[${i}]`, () => {
        const warmPool = this.warmPools.get(cc.warmPool);
        if (!warmPool) throw new Error(`warm pool "${cc.warmPool}" was not built (see its error above)`);
        new SandboxClaim(this, `Claim-${cc.name}`, { ...cc, name: cc.name, warmPool });
      }),
    );
    (t.sandboxes ?? []).forEach((sc, i) =>
      attempt(`sandboxes[${i}]`, () => {
        const { operatingMode, shutdownTime, shutdownPolicy, volumeClaimTemplates, service } = sc;
        new Sandbox(this, `Sandbox-${sc.name}`, {
          ...pod(sc),
          name: sc.name,
          namespace: this.namespace,
          platform: props.platform,
          operatingMode,
          shutdownTime,
          shutdownPolicy,
          volumeClaimTemplates,
          service,
        });
      }),
    );
    if (errors.length) throw new Error(errors.join('\n'));
  }
}

function templateOnly(tc: NonNullable<TenantConfig['templates']>[number]) {
  const { networkPolicyManagement, networkPolicy, envVarsInjectionPolicy, volumeClaimTemplates, volumeClaimTemplatesPolicy, service } = tc;
  return { networkPolicyManagement, networkPolicy, envVarsInjectionPolicy, volumeClaimTemplates, volumeClaimTemplatesPolicy, service };
}
