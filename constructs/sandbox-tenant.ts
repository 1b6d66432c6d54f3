/**
 * `SandboxTenant`: one tenant of the configuration file — its hardened namespace and every template, warm pool,
 * claim, sandbox and DRA claim template in it — built from the same constructs a TypeScript user would compose.
 * Once built, the sandbox pods are checked against the namespace's LimitRange and ResourceQuota (which the API server
 * enforces only at pod admission, where a misfit leaves a warm pool silently short).
 */
import { Construct } from 'constructs';
import { formatProblem, problemAt, problemsOf, ProblemsError, type Problem } from '../core/diagnostics';
import { setConfigPath, toConfigProblem } from './config-paths';
import type { TenantConfig } from '../config/model';
import { selectorFromConfig } from '../config/selector-config';
import type { DeviceClass } from './dra/device-class';
import { ResourceClaimTemplate, type DeviceRequestInput, type DraNamespaceRef } from './dra/resource-claim-template';
import type { Platform } from '../platforms';
import { effectivePod, limitRangeProblems, quotaProblems, quotaUnsetProblems, type FitPod, type QuotaDemand } from './tenant/namespace-fit';
import { SandboxNamespace } from './tenant/sandbox-namespace';
import type { IngressRule } from './tenant/traffic-rules';
import type { NamespaceRef } from './workloads/context';
import { Sandbox } from './workloads/sandbox';
import { SandboxClaim } from './workloads/sandbox-claim';
import type { BuiltSandboxPod, DeviceClaim, SandboxPodProps } from './workloads/sandbox-pod';
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
  /** An ingress rule the namespace adds to its own allowlist (the chart's sandbox router). @default - none */
  readonly extraIngress?: IngressRule;
  /** The cluster's node/pod/service CIDRs outside the private ranges (SandboxNamespace `clusterCidrs`). @default [] */
  readonly clusterCidrs?: readonly string[];
}

type PodConfig = NonNullable<TenantConfig['templates']>[number] | NonNullable<TenantConfig['sandboxes']>[number];

export class SandboxTenant extends Construct {
  readonly namespace: SandboxNamespace;
  readonly templates = new Map<string, SandboxTemplate>();
  readonly warmPools = new Map<string, SandboxWarmPool>();
  readonly claims = new Map<string, SandboxClaim>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly claimTemplates = new Map<string, ResourceClaimTemplate>();

  constructor(scope: Construct, id: string, props: SandboxTenantProps) {
    super(scope, id);
    const t = props.tenant;
    const at = props.configPath ?? `tenants[${t.name}]`;
    const errors: Problem[] = [];
    // Each object is built even when an earlier one failed, so one run reports every problem of the tenant, each at
    // its config path (`tenants[0].templates[1].containers[0].image`), never at a construct path.
    const attempt = <T extends Construct>(path: string, build: () => T, rename: Readonly<Record<string, string>> = {}): T | undefined => {
      try {
        const built = build();
        setConfigPath(built, `${at}.${path}`);
        return built;
      } catch (err) {
        errors.push(...problemsOf(err).map((p) => toConfigProblem(`${at}.${path}`, p, rename)));
        return undefined;
      }
    };
    // The tenant's name is its namespace's name: problems with either are at `tenants[i].name`.
    const tenantName = { name: `${at}.name`, namespace: `${at}.name` };

    const ingressAllowlist = [...(t.namespace?.ingressAllowlist ?? []), ...(props.extraIngress ? [props.extraIngress] : [])];
    const namespace = attempt(
      'namespace',
      () =>
        new SandboxNamespace(this, 'Namespace', {
          ...(t.namespace ?? {}),
          ...(ingressAllowlist.length ? { ingressAllowlist } : {}),
          name: t.name,
          platform: props.platform,
          clusterCidrs: props.clusterCidrs,
        }),
      tenantName,
    );
    // Without the namespace the rest is still built and checked, against a stand-in with the same name and settings
    // (a plain name would change defaults, e.g. templates' networkPolicyManagement, and report problems that aren't).
    const ns: NamespaceRef & DraNamespaceRef = namespace ?? {
      name: t.name,
      serviceAccountName: t.namespace?.serviceAccountName ?? 'sandbox',
      allowsDraAdminAccess: t.namespace?.allowDraAdminAccess ?? false,
      networkPolicyNames: ['default-deny-all'],
    };
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
        const built = new ResourceClaimTemplate(this, `ClaimTemplate-${ct.name}`, {
          name: ct.name,
          namespace: ns,
          requests,
          kubernetesVersion: props.kubernetesVersion,
        });
        this.claimTemplates.set(ct.name, built);
        return built;
      }, tenantName),
    );
    const pod = (c: PodConfig): SandboxPodProps => ({
      ...(c as unknown as Omit<SandboxPodProps, 'deviceClaims'>),
      deviceClaims: (c.deviceClaims ?? []).flatMap((d): DeviceClaim[] => {
        const template = this.claimTemplates.get(d.claimTemplate);
        return template ? [{ name: d.name, template, containers: d.containers, request: d.request }] : [];
      }),
    });
    (t.templates ?? []).forEach((tc, i) =>
      attempt(
        `templates[${i}]`,
        () => {
          const built = new SandboxTemplate(this, `Template-${tc.name}`, { ...pod(tc), ...templateOnly(tc), name: tc.name, namespace: ns, platform: props.platform });
          this.templates.set(tc.name, built);
          return built;
        },
        tenantName,
      ),
    );
    (t.warmPools ?? []).forEach((wp, i) =>
      attempt(`warmPools[${i}]`, () => {
        const template = this.templates.get(wp.template);
        if (!template) throw notBuilt('template', wp.template);
        const built = new SandboxWarmPool(this, `WarmPool-${wp.name}`, { ...wp, name: wp.name, template, kubernetesVersion: props.kubernetesVersion });
        this.warmPools.set(wp.name, built);
        return built;
      }),
    );
    (t.claims ?? []).forEach((cc, i) =>
      attempt(`claims[${i}]`, () => {
        const warmPool = this.warmPools.get(cc.warmPool);
        if (!warmPool) throw notBuilt('warmPool', cc.warmPool);
        const built = new SandboxClaim(this, `Claim-${cc.name}`, { ...cc, name: cc.name, warmPool });
        this.claims.set(cc.name, built);
        return built;
      }),
    );
    (t.sandboxes ?? []).forEach((sc, i) =>
      attempt(
        `sandboxes[${i}]`,
        () => {
          const { operatingMode, shutdownTime, shutdownPolicy, volumeClaimTemplates, service } = sc;
          const built = new Sandbox(this, `Sandbox-${sc.name}`, {
            ...pod(sc),
            name: sc.name,
            namespace: ns,
            platform: props.platform,
            operatingMode,
            shutdownTime,
            shutdownPolicy,
            volumeClaimTemplates,
            service,
          });
          this.sandboxes.set(sc.name, built);
          return built;
        },
        tenantName,
      ),
    );
    if (namespace) errors.push(...this.namespaceFitProblems(t, at, namespace));
    if (errors.length) throw new ProblemsError(errors.map(formatProblem).join('\n'), errors);
    this.namespace = namespace as SandboxNamespace; // defined: a failed namespace is in `errors`, which throws above
  }

  /**
   * The built pods against the namespace LimitRange (per container) and ResourceQuota (all sandboxes at their peak:
   * each warm pool's autoscaler maximum or replicas, plus one per claim — the pool replaces what a claim takes —
   * plus every Sandbox, suspended ones included since resuming needs the pod back). Skipped for what is turned off.
   */
  private namespaceFitProblems(t: TenantConfig, at: string, ns: SandboxNamespace): Problem[] {
    const problems: Problem[] = [];
    const fit = (path: string, built: BuiltSandboxPod): FitPod => {
      const spec = built.podTemplate.spec as { containers: FitPod['containers']; initContainers?: FitPod['containers'] };
      return { path, containers: spec.containers, initContainers: spec.initContainers };
    };
    const pods = new Map<string, FitPod>();
    (t.templates ?? []).forEach((tc, i) => {
      const built = this.templates.get(tc.name);
      if (built && !pods.has(`template:${tc.name}`)) pods.set(`template:${tc.name}`, fit(`${at}.templates[${i}]`, built.pod));
    });
    (t.sandboxes ?? []).forEach((sc, i) => {
      const built = this.sandboxes.get(sc.name);
      if (built && !pods.has(`sandbox:${sc.name}`)) pods.set(`sandbox:${sc.name}`, fit(`${at}.sandboxes[${i}]`, built.pod));
    });
    const lr = ns.limitRange;
    if (lr) for (const p of pods.values()) problems.push(...limitRangeProblems(p, lr));
    const hard = ns.quotaHard;
    if (!hard) return problems;
    for (const p of pods.values()) problems.push(...quotaUnsetProblems(p, hard, lr));
    const demands: QuotaDemand[] = [];
    for (const [name, pool] of this.warmPools) {
      const p = pods.get(`template:${pool.template.name}`);
      if (p) demands.push({ list: 'warmPools', label: `warm pool ${name} at peak`, count: pool.peakReplicas, pod: effectivePod(p, lr) });
    }
    for (const [name, claim] of this.claims) {
      const p = pods.get(`template:${claim.warmPool.template.name}`);
      if (p) demands.push({ list: 'claims', label: `claim ${name}`, count: 1, pod: effectivePod(p, lr) });
    }
    for (const name of this.sandboxes.keys()) {
      const p = pods.get(`sandbox:${name}`);
      if (p) demands.push({ list: 'sandboxes', label: `sandbox ${name}`, count: 1, pod: effectivePod(p, lr) });
    }
    problems.push(...quotaProblems(at, demands, hard));
    return problems;
  }
}

function templateOnly(tc: NonNullable<TenantConfig['templates']>[number]) {
  const { networkPolicyManagement, networkPolicy, envVarsInjectionPolicy, volumeClaimTemplates, volumeClaimTemplatesPolicy, service, claimLifecycle } = tc;
  return { networkPolicyManagement, networkPolicy, envVarsInjectionPolicy, volumeClaimTemplates, volumeClaimTemplatesPolicy, service, claimLifecycle };
}

/** A dependent object is skipped: the object it names failed, and its problems are already listed. */
function notBuilt(field: string, name: string): ProblemsError {
  const problem = problemAt(field, `"${name}" could not be built (its problems are listed)`, 'dependency');
  return new ProblemsError(formatProblem(problem), [problem]);
}
