/**
 * Invalid inputs, one per row, each with the exact message a user sees: construct props (TypeScript users), the
 * config file through validateConfig (schema + cross-field checks), the config file through the chart (checks that
 * need the platform), and the real CLI (`synth --config`).
 */
import { Testing } from 'cdk8s';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentSandbox } from '../../../constructs/agent-sandbox/agent-sandbox';
import { validateConfig } from '../../../config/validate';
import { driverIs } from '../../../core/cel/cel-selector';
import { DeviceClass } from '../../../constructs/dra/device-class';
import { ResourceClaimTemplate } from '../../../constructs/dra/resource-claim-template';
import { renderPlatform } from '../../../constructs/output/render';
import type { Platform } from '../../../platforms';
import { SandboxNamespace } from '../../../constructs/tenant/sandbox-namespace';
import { SANDBOX_RULE_IDS, type SandboxRuleId } from '../../../validation/sandbox/object';
import { Sandbox } from '../../../constructs/workloads/sandbox';
import { SandboxClaim, type SandboxClaimProps } from '../../../constructs/workloads/sandbox-claim';
import type { SandboxContainer } from '../../../constructs/workloads/sandbox-pod';
import { SandboxWarmPool, type SandboxWarmPoolProps } from '../../../constructs/workloads/sandbox-warm-pool';
import type { SandboxTemplateProps } from '../../../constructs/workloads/sandbox-template';
import { runCli } from '../../support/cli';
import { errorOf, template } from './support';

// ---- inputs ---------------------------------------------------------------------------------------------------------

const METRIC = { type: 'External', external: { metric: { name: 'claim_rate' }, target: { type: 'AverageValue', averageValue: '1' } } };
const NO_LIMITS: SandboxContainer = { name: 'main', image: 'python:3.12-slim' };
const C = { name: 'main', image: 'python:3.12-slim', resources: { limits: { cpu: '1', memory: '1Gi' } } };
const NVIDIA_CLASS = { name: 'nvidia', selectors: [{ driver: 'gpu.nvidia.com' }] };
const GPU_CLAIM_TEMPLATE = { name: 'gpu', requests: [{ name: 'gpu', exactly: { deviceClass: 'nvidia' } }] };

/** A config with one tenant "team-a" holding a template "py"; `tenant` fields are merged in. */
const cfg = (tenant: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  ...top,
  tenants: [{ name: 'team-a', templates: [{ name: 'py', containers: [C] }], ...tenant }],
});

// ---- how each input reaches the code --------------------------------------------------------------------------------

const props = {
  template: (p: Partial<SandboxTemplateProps>) => () => errorOf(() => template(Testing.chart(), p)),
  pool: (p: Partial<SandboxWarmPoolProps>) => () => {
    const chart = Testing.chart();
    return errorOf(() => new SandboxWarmPool(chart, 'pool', { template: template(chart), ...p }));
  },
  claim: (p: Partial<SandboxClaimProps>, t: Partial<SandboxTemplateProps> = {}) => () => {
    const chart = Testing.chart();
    const warmPool = new SandboxWarmPool(chart, 'pool', { template: template(chart, t) });
    return errorOf(() => new SandboxClaim(chart, 'claim', { warmPool, ...p }));
  },
  deviceClass: (selector: string, kubernetesVersion?: string) => () =>
    errorOf(() => new DeviceClass(Testing.chart(), 'Class', { name: 'accel', selectors: [selector], kubernetesVersion })),
};
/** validateConfig: schema and cross-field problems, before anything is built. */
const config = (raw: unknown) => () => errorOf(() => validateConfig(raw));
/** The chart: problems that need the platform (isolation, limits on AKS, CEL, DRA, extensions…). */
const render = (platform: Platform, raw: unknown) => () => errorOf(() => renderPlatform(platform, validateConfig(raw)));
/** The real CLI on a config file: stderr. */
const cli = (platform: Platform, yaml: string) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asi-invalid-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), yaml);
    const run = await runCli(['synth', '--platform', platform, '--config', join(dir, 'config.yaml'), '--out', join(dir, 'out')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    return run.stderr.replace(join(dir, 'config.yaml'), '<config>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// ---- expected messages ----------------------------------------------------------------------------------------------

const tpl = (...lines: string[]) => `SandboxTemplate ns/tpl is invalid:\n  ${lines.join('\n  ')}`;
const rule = (id: SandboxRuleId) => ` [rule ${id}; opt out with securityOptOuts: [${id}] if intended]`;
const pool = (line: string) => `SandboxWarmPool "test/pool" is invalid:\n  ${line}`;
const claim = (line: string) => `SandboxClaim "test/claim" is invalid:\n  ${line}`;
const configInvalid = (...lines: string[]) => `config is invalid (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`;
const AKS_LIMIT = 'is required on aks: kata-vm-isolation sizes the pod VM from container limits (requests are ignored)';
const OTHER_LIMIT = 'is required: limits bound what an untrusted sandbox can take from its node';
const GVISOR_DRA_GPU =
  'allocates a GPU through DRA, which gVisor\'s GPU proxy does not support (https://github.com/google/gvisor/issues/13621); use gpu: { count, type } (nvidia.com/gpu limits) for gVisor GPU sandboxes';
const GKE_ONLY_GPU = (p: string) => `gpu: GPU sandboxes are supported on gke-autopilot and gke-standard (gVisor with nvidia.com/gpu limits), not on ${p}`;
const DOMAIN_REFUSED = (domains: string) =>
  `the controller only accepts label keys in the allowed domains (${domains}) or their subdomains; add the domain to agentSandbox.allowedLabelDomains or use an allowed prefix`;
const DOMAIN_REFUSED_ELSEWHERE =
  "no agent-sandbox controller is in this chart, so the allowlist is the installed controller's (for GKE's managed add-on, its default sandbox.users.io): " +
  'the controller only accepts label keys in the allowed domains (sandbox.users.io) or their subdomains; use an allowed prefix, ' +
  'or, if that controller was configured with other domains, pass them as allowedLabelDomains on the claim';
const EXTENSIONS_OFF = (kind: string) =>
  `the agent-sandbox controller in this chart runs without extensions (AgentSandbox controller.extensions: false; in a config file agentSandbox.controller.extensions), so the ${kind} CRD is not installed and no controller would reconcile ${kind}s; enable extensions`;
const MANAGED_DEFAULT_POLICY = (template: string) =>
  `Managed without networkPolicy makes the controller create its default NetworkPolicy "${template}-network-policy" (egress to every public IPv4 and IPv6 address on every port, ingress from app: sandbox-router pods); ` +
  'NetworkPolicies add up, so it would open all public egress on every port over the default-deny and egress allowlist of SandboxNamespace "team-a"; ' +
  'use networkPolicyManagement: Unmanaged (the namespace policies then apply alone), or give the networkPolicy rules explicitly';
const CEL_KNOWN = 'known: driver, attributes, capacity, allowMultipleAllocations';
const ADMIN_ACCESS =
  'spec.spec.devices.requests[0].exactly.adminAccess: admin access is only allowed in a namespace labelled resource.kubernetes.io/admin-access: "true" (the API server rejects it elsewhere); namespace "team-a" does not allow it; set allowDraAdminAccess: true on the namespace (in a config file: tenants[].namespace.allowDraAdminAccess)';

type Row = readonly [label: string, run: () => string | Promise<string>, expected: string];

const INVALID: readonly Row[] = [
  // --- isolation ---
  [
    'props: unknown isolation value',
    props.template({ isolation: 'firecracker' as never }),
    'SandboxTemplate ns/tpl: isolation: "firecracker" is not an isolation; allowed: gvisor, kata (eks supports: gvisor)',
  ],
  ['config: unknown isolation value', config(cfg({ templates: [{ name: 'py', isolation: 'firecracker', containers: [C] }] })), configInvalid('tenants[0].templates[0].isolation: must be one of "gvisor", "kata", got "firecracker"')],
  ['props: kata on eks', props.template({ platform: 'eks', isolation: 'kata' }), 'SandboxTemplate ns/tpl: isolation: "kata" is not available on eks (sandboxed runtimes there: gvisor)'],
  ['props: gvisor on aks', props.template({ platform: 'aks', isolation: 'gvisor' }), 'SandboxTemplate ns/tpl: isolation: "gvisor" is not available on aks (sandboxed runtimes there: kata)'],
  [
    'config: kata on gke-standard',
    render('gke-standard', cfg({ templates: [{ name: 'py', isolation: 'kata', containers: [C] }] })),
    'gke-standard: the configuration cannot be built:\ntenants[0].templates[0].isolation: "kata" is not available on gke-standard (sandboxed runtimes there: gvisor)',
  ],
  // --- warm pool replicas ---
  ['props: replicas over the bound', props.pool({ replicas: 501 }), pool('replicas: must be ≤ 500 (maxReplicas), got 501')],
  ['config: replicas over the bound', config(cfg({ warmPools: [{ name: 'p', template: 'py', replicas: 10000 }] })), configInvalid('tenants[0].warmPools[0].replicas: must be ≤ 500 (maxReplicas), got 10000')],
  ['props: negative replicas', props.pool({ replicas: -1 }), pool('replicas: must be an integer ≥ 0, got -1')],
  ['config: negative replicas', config(cfg({ warmPools: [{ name: 'p', template: 'py', replicas: -1 }] })), configInvalid('tenants[0].warmPools[0].replicas: must be ≥ 0, got -1')],
  ['props: autoscaling maxReplicas over the bound', props.pool({ autoscaling: { minReplicas: 1, maxReplicas: 1000, metrics: [METRIC] } }), pool('autoscaling.maxReplicas: must be ≤ 500 (maxReplicas), got 1000')],
  [
    'config: autoscaling maxReplicas over a lowered bound',
    config(cfg({ warmPools: [{ name: 'p', template: 'py', maxReplicas: 10, autoscaling: { minReplicas: 1, maxReplicas: 20, metrics: [METRIC] } }] })),
    configInvalid('tenants[0].warmPools[0].autoscaling.maxReplicas: must be ≤ 10 (maxReplicas), got 20'),
  ],
  ['props: autoscaling min > max', props.pool({ autoscaling: { minReplicas: 5, maxReplicas: 2, metrics: [METRIC] } }), pool('autoscaling.maxReplicas: must be ≥ minReplicas (5), got 2')],
  [
    'config: autoscaling min > max',
    config(cfg({ warmPools: [{ name: 'p', template: 'py', autoscaling: { minReplicas: 5, maxReplicas: 2, metrics: [METRIC] } }] })),
    configInvalid('tenants[0].warmPools[0].autoscaling.maxReplicas: must be ≥ minReplicas (5), got 2'),
  ],
  ['props: autoscaling without metrics', props.pool({ autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [] } }), pool('autoscaling.metrics: at least one metric is required (e.g. an External metric of the claim rate)')],
  [
    'config: autoscaling without metrics',
    config(cfg({ warmPools: [{ name: 'p', template: 'py', autoscaling: { minReplicas: 1, maxReplicas: 2, metrics: [] } }] })),
    configInvalid('tenants[0].warmPools[0].autoscaling.metrics: must be at least 1 items, got 0 items'),
  ],
  // --- containers ---
  [
    'props: missing cpu/memory limits on AKS (they size the Kata VM)',
    props.template({ platform: 'aks', containers: [NO_LIMITS] }),
    tpl(`containers[0] (main).resources.limits.cpu: ${AKS_LIMIT}`, `containers[0] (main).resources.limits.memory: ${AKS_LIMIT}`),
  ],
  [
    'config: missing memory limit (a config rule, before any platform)',
    config(cfg({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: '1' }, requests: { memory: '1Gi' } } }] }] })),
    configInvalid(`tenants[0].templates[0].containers[0].resources.limits.memory: ${OTHER_LIMIT}`),
  ],
  [
    'config: missing limits on a sandbox init container',
    config(cfg({ sandboxes: [{ name: 'box', containers: [C], initContainers: [{ name: 'init', image: 'busybox' }] }] })),
    configInvalid(`tenants[0].sandboxes[0].initContainers[0].resources.limits.cpu: ${OTHER_LIMIT}`, `tenants[0].sandboxes[0].initContainers[0].resources.limits.memory: ${OTHER_LIMIT}`),
  ],
  [
    'config: a negative container quantity',
    config(cfg({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { ...C.resources.limits, 'nvidia.com/gpu': -1 } } }] }] })),
    configInvalid('tenants[0].templates[0].containers[0].resources.limits["nvidia.com/gpu"]: must be a quantity ≥ 0, got -1'),
  ],
  [
    'props: request above its limit',
    props.template({ containers: [{ ...C, resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1500m', memory: '512Mi' } } }] }),
    tpl('containers[0] (main).resources.requests.cpu: 1500m is above the limit 1 (the API server rejects a container whose request exceeds its limit)'),
  ],
  ['props: missing limits on eks', props.template({ platform: 'eks', containers: [{ ...NO_LIMITS, resources: { limits: { cpu: '1' } } }] }), tpl(`containers[0] (main).resources.limits.memory: ${OTHER_LIMIT}`)],
  ['props: missing image', props.template({ containers: [{ ...C, image: '' }] }), tpl('containers[0] (main).image: is required, got ""')],
  [
    'config: missing image (Kubernetes allows it, a sandbox does not)',
    render('kind', cfg({ templates: [{ name: 'py', containers: [{ name: 'main', resources: C.resources }] }] })),
    'kind: the configuration cannot be built:\ntenants[0].templates[0].containers[0].image: is required, got nothing',
  ],
  [
    'props: a limit that is not a quantity',
    props.template({ containers: [{ ...C, resources: { limits: { cpu: '1 core', memory: '1Gi' } } }] }),
    tpl(
      'containers[0] (main).resources.limits.cpu: invalid quantity "1 core": unknown suffix " core"; expected a number with an optional sign and decimal point, followed by one of Ki Mi Gi Ti Pi Ei, n u m k M G T P E, an exponent like e3 or E-3, or nothing (e.g. "80Gi", "1.5", "100m", "1e3")',
    ),
  ],
  ['props: duplicate container names', props.template({ containers: [C, C] }), tpl('containers: the name "main" is used twice')],
  [
    'config: unknown field typo in a container',
    config(cfg({ templates: [{ name: 'py', containers: [{ ...C, imagePullPolcy: 'Always' }] }] })),
    configInvalid('tenants[0].templates[0].containers[0].imagePullPolcy: unknown field "imagePullPolcy"'),
  ],
  // --- secure profile ---
  [
    'props: hostPath without opt-out',
    props.template({ volumes: [{ name: 'host', hostPath: { path: '/' } }] }),
    tpl(`podTemplate.spec.volumes[0].hostPath: must not be used (a sandbox must not mount directories of the node), got {"path":"/"}${rule('hostPath')}`),
  ],
  [
    'config: hostPath without opt-out',
    render('gke-autopilot', cfg({ templates: [{ name: 'py', containers: [C], volumes: [{ name: 'host', hostPath: { path: '/' } }] }] })),
    'gke-autopilot: the configuration cannot be built:\n' +
      `tenants[0].templates[0].volumes[0].hostPath: must not be used (a sandbox must not mount directories of the node), got {"path":"/"}${rule('hostPath')}`,
  ],
  [
    'props: privileged container without opt-out',
    props.template({ containers: [{ ...C, securityContext: { privileged: true } }] }),
    tpl(`podTemplate.spec.containers[0].securityContext.privileged: must be false or unset (a privileged container controls the node), got true${rule('privileged')}`),
  ],
  [
    'props: capability add without opt-out',
    props.template({ containers: [{ ...C, securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] }),
    tpl(`podTemplate.spec.containers[0].securityContext.capabilities.add: must be empty or unset (a sandbox must not add Linux capabilities), got ["SYS_ADMIN"]${rule('capabilitiesAdd')}`),
  ],
  [
    'props: runAsUser 0 with runAsNonRoot',
    props.template({ runAsUser: 0 }),
    tpl('runAsUser: 0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the containers); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]'),
  ],
  [
    'props: container runAsUser 0 with runAsNonRoot',
    props.template({ containers: [{ ...C, securityContext: { runAsUser: 0 } }] }),
    tpl(
      'containers[0] (main).securityContext.runAsUser: 0 is root, which runAsNonRoot: true forbids (the kubelet would refuse to start the container); use a non-zero UID, or opt out with securityOptOuts: [runAsNonRoot, runAsUser]',
    ),
  ],
  ['props: unknown opt-out id', props.template({ securityOptOuts: ['hostNetworking' as never] }), tpl(`securityOptOuts[0]: "hostNetworking" is not a sandbox rule id; allowed: ${SANDBOX_RULE_IDS.join(', ')}`)],
  [
    'config: unknown opt-out id',
    config(cfg({ templates: [{ name: 'py', containers: [C], securityOptOuts: ['hostNetworking'] }] })),
    configInvalid(`tenants[0].templates[0].securityOptOuts[0]: must be one of ${SANDBOX_RULE_IDS.map((id) => `"${id}"`).join(', ')}, got "hostNetworking"`),
  ],
  [
    'config: networkPolicy rules with networkPolicyManagement Unmanaged',
    render('eks', cfg({ templates: [{ name: 'py', containers: [C], networkPolicyManagement: 'Unmanaged', networkPolicy: { egress: [{ ports: [{ port: 443 }] }] } }] })),
    'eks: the configuration cannot be built:\n' +
      'tenants[0].templates[0].networkPolicy: is ignored with networkPolicyManagement: Unmanaged (the controller then creates no NetworkPolicy for the sandboxes); use Managed, or remove networkPolicy and restrict traffic with your own NetworkPolicies (e.g. the SandboxNamespace allowlists)',
  ],
  [
    'props: networkPolicyManagement Managed without rules in a SandboxNamespace',
    () => {
      const chart = Testing.chart();
      const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a' });
      return errorOf(() => template(chart, { namespace: ns, networkPolicyManagement: 'Managed' }));
    },
    `SandboxTemplate "test/tpl" is invalid:\n  networkPolicyManagement: ${MANAGED_DEFAULT_POLICY('tpl')}`,
  ],
  [
    'config: networkPolicyManagement Managed without rules (every tenant namespace is a SandboxNamespace)',
    config(cfg({ templates: [{ name: 'py', containers: [C], networkPolicyManagement: 'Managed' }] })),
    configInvalid(`tenants[0].templates[0].networkPolicyManagement: ${MANAGED_DEFAULT_POLICY('py')}`),
  ],
  // --- namespace LimitRange and ResourceQuota ---
  [
    'config: a container limit above the namespace LimitRange max',
    render('kind', cfg({ templates: [{ name: 'py', containers: [{ ...C, resources: { limits: { cpu: '16', memory: '1Gi' } } }] }] })),
    'kind: the configuration cannot be built:\ntenants[0].templates[0].containers[0].resources.limits.cpu: 16 is above the namespace LimitRange max 8 (pods would be rejected at admission)',
  ],
  [
    'config: warm pools that need more pods than the namespace quota',
    render('kind', cfg({ warmPools: [{ name: 'p', template: 'py', replicas: 100 }] })),
    [
      'kind: the configuration cannot be built:',
      'tenants[0].warmPools: 100 sandboxes need pods 100 but the namespace quota allows 50',
      'tenants[0].warmPools: 100 sandboxes need requests.cpu 100 but the namespace quota allows 20',
      'tenants[0].warmPools: 100 sandboxes need requests.memory 100Gi but the namespace quota allows 40Gi',
      'tenants[0].warmPools: 100 sandboxes need limits.cpu 100 but the namespace quota allows 40',
      'tenants[0].warmPools: 100 sandboxes need limits.memory 100Gi but the namespace quota allows 80Gi',
    ].join('\n'),
  ],
  // --- claims ---
  [
    'props: label domain not allowed on a claim (no controller in the chart)',
    props.claim({ additionalPodMetadata: { labels: { 'example.com/team': 'a' } } }),
    claim(`additionalPodMetadata.labels["example.com/team"]: ${DOMAIN_REFUSED_ELSEWHERE}`),
  ],
  [
    'config: label domain outside the configured allowlist',
    render(
      'kind',
      cfg(
        { warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'p', additionalPodMetadata: { labels: { 'sandbox.users.io/team': 'a' } } }] },
        { agentSandbox: { allowedLabelDomains: ['agents.example.com'] } },
      ),
    ),
    'kind: the configuration cannot be built:\n' +
      `tenants[0].claims[0].additionalPodMetadata.labels["sandbox.users.io/team"]: ${DOMAIN_REFUSED('agents.example.com')}`,
  ],
  [
    'props: claim env with template policy Disallowed',
    props.claim({ env: [{ name: 'TASK', value: 'x' }] }),
    claim('env: SandboxTemplate "tpl" has envVarsInjectionPolicy Disallowed, so the controller would reject these env vars; set it to Allowed or Overrides'),
  ],
  [
    'props: claim env containerName unknown',
    props.claim({ env: [{ name: 'TASK', value: 'x', containerName: 'agent' }] }, { envVarsInjectionPolicy: 'Allowed' }),
    claim('env[0].containerName: "agent" is not a container of SandboxTemplate "tpl" (main)'),
  ],
  ['props: bad RFC 3339 shutdownTime', props.claim({ lifecycle: { shutdownTime: '31/12/2026 23:59' } }), claim('lifecycle.shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "31/12/2026 23:59"')],
  [
    'config: a shutdownTime that has the shape but is not a date',
    config(cfg({ sandboxes: [{ name: 'box', containers: [C], shutdownTime: '2026-02-30T12:00:00Z' }] })),
    configInvalid('tenants[0].sandboxes[0].shutdownTime: must be an RFC 3339 time like "2026-12-31T23:59:59Z", got "2026-02-30T12:00:00Z" (2026-02 has no day 30)'),
  ],
  // --- references and names in the config ---
  ['config: warm pool referencing an unknown template', config(cfg({ warmPools: [{ name: 'p', template: 'python' }] })), configInvalid('tenants[0].warmPools[0].template: "python" is not a template of tenant team-a (py)')],
  [
    'config: claim referencing an unknown warm pool',
    config(cfg({ warmPools: [{ name: 'p', template: 'py' }], claims: [{ name: 'c', warmPool: 'q' }] })),
    configInvalid('tenants[0].claims[0].warmPool: "q" is not a warm pool of tenant team-a (p)'),
  ],
  [
    'config: deviceClaim referencing an unknown claim template',
    config(cfg({ templates: [{ name: 'py', containers: [C], deviceClaims: [{ name: 'gpu', claimTemplate: 'gpu' }] }] })),
    configInvalid('tenants[0].templates[0].deviceClaims[0].claimTemplate: "gpu" is not a claim template of tenant team-a (none)'),
  ],
  [
    'config: duplicate tenant names',
    config({ tenants: [{ name: 'team-a' }, { name: 'team-b' }, { name: 'team-a' }] }),
    configInvalid('tenants[2].name: "team-a" is already used by tenants[0]'),
  ],
  [
    'config: duplicate template names',
    config(cfg({ templates: [{ name: 'py', containers: [C] }, { name: 'py', containers: [C] }] })),
    configInvalid('tenants[0].templates[1].name: "py" is already used by tenants[0].templates[0]'),
  ],
  // --- DRA ---
  ['props: bad CEL syntax in a DeviceClass selector', props.deviceClass('device.driver == '), 'DeviceClass "accel": spec.selectors[0].cel.expression: syntax error at 1:15: found = but expecting end of input'],
  [
    'config: bad CEL syntax in a DeviceClass selector',
    render('kind', { deviceClasses: [{ name: 'accel', selectors: ['device.driver = "x"'] }] }),
    'kind: the configuration cannot be built:\ndeviceClasses[0].selectors[0].cel.expression: syntax error at 1:15: found = but expecting end of input',
  ],
  [
    'props: device.attribute typo',
    props.deviceClass('device.attribute["gpu.nvidia.com"].productName == "H100"'),
    `DeviceClass "accel": spec.selectors[0].cel.expression: unknown field device.attribute; ${CEL_KNOWN} (at 1:7)`,
  ],
  [
    'props: the attributes["<domain>/<name>"] form',
    props.deviceClass('device.attributes["gpu.nvidia.com/productName"] == "H100"'),
    'DeviceClass "accel": spec.selectors[0].cel.expression: device.attributes["gpu.nvidia.com/productName"] never matches: device.attributes is keyed by domain, then by name; write device.attributes["gpu.nvidia.com"].productName (at 1:18)',
  ],
  [
    'config: a "/" in a builder selector domain',
    render('kind', { deviceClasses: [{ name: 'accel', selectors: [{ attribute: { domain: 'gpu.nvidia.com/productName', name: 'x', equals: 'H100' } }] }] }),
    'kind: the configuration cannot be built:\ndeviceClasses[0]: stringAttribute("gpu.nvidia.com/productName", "x"): "gpu.nvidia.com/productName" contains "/"; device.attributes is keyed by domain, then by name, so pass them separately: stringAttribute("gpu.nvidia.com", "x") renders device.attributes["gpu.nvidia.com"].x',
  ],
  ['props: DRA on kubernetesVersion 1.33', props.deviceClass('device.driver == "gpu.nvidia.com"', '1.33'), 'DeviceClass "accel": DRA resource.k8s.io/v1 needs Kubernetes ≥ 1.34, got 1.33'],
  [
    // Below the pinned schemas (and DRA's v1 API): refused with the supported versions before anything is built.
    'config: DRA on kubernetesVersion 1.33',
    render('aks', cfg({ claimTemplates: [GPU_CLAIM_TEMPLATE] }, { kubernetesVersion: '1.33', deviceClasses: [NVIDIA_CLASS] })),
    configInvalid('kubernetesVersion: "1.33" is outside the pinned range: supported Kubernetes versions are 1.34, 1.35, 1.36, 1.37 (pinned API schemas 1.34.0, 1.36.0, 1.37.2)'),
  ],
  [
    'props: a DRA GPU claim in a gVisor template',
    () => {
      const chart = Testing.chart();
      const nvidia = new DeviceClass(chart, 'Nvidia', { name: 'nvidia', selectors: [driverIs('gpu.nvidia.com')] });
      const gpu = new ResourceClaimTemplate(chart, 'Gpu', { name: 'gpu', namespace: 'ns', requests: [{ name: 'gpu', exactly: { deviceClass: nvidia } }] });
      return errorOf(() => template(chart, { platform: 'gke-standard', deviceClaims: [{ name: 'gpu', template: gpu }] }));
    },
    tpl(`deviceClaims[0]: ResourceClaimTemplate "gpu" ${GVISOR_DRA_GPU}`),
  ],
  [
    'config: a DRA GPU claim on eks (gVisor)',
    render('eks', cfg({ claimTemplates: [GPU_CLAIM_TEMPLATE], templates: [{ name: 'py', containers: [C], deviceClaims: [{ name: 'gpu', claimTemplate: 'gpu' }] }] }, { deviceClasses: [NVIDIA_CLASS] })),
    `eks: the configuration cannot be built:\ntenants[0].templates[0].deviceClaims[0]: ResourceClaimTemplate "gpu" ${GVISOR_DRA_GPU}`,
  ],
  ['props: gpu on eks', props.template({ platform: 'eks', gpu: { count: 1, type: 'nvidia-l4' } }), tpl(GKE_ONLY_GPU('eks'))],
  [
    'config: gpu on aks',
    render('aks', cfg({ templates: [{ name: 'py', containers: [C], gpu: { count: 1, type: 'nvidia-l4' } }] })),
    `aks: the configuration cannot be built:\ntenants[0].templates[0].${GKE_ONLY_GPU('aks')}`,
  ],
  [
    'props: admin access in an unlabelled namespace',
    () => {
      const chart = Testing.chart();
      const ns = new SandboxNamespace(chart, 'Ns', { name: 'team-a' });
      return errorOf(() => new ResourceClaimTemplate(chart, 'Admin', { name: 'gpu-admin', namespace: ns, requests: [{ name: 'gpu', exactly: { deviceClass: 'gpu.nvidia.com', adminAccess: true } }] }));
    },
    `ResourceClaimTemplate "gpu-admin": ${ADMIN_ACCESS}`,
  ],
  [
    'config: admin access in an unlabelled namespace',
    render('kind', cfg({ claimTemplates: [{ name: 'gpu-admin', requests: [{ name: 'gpu', exactly: { deviceClass: 'nvidia', adminAccess: true } }] }] }, { deviceClasses: [NVIDIA_CLASS] })),
    `kind: the configuration cannot be built:\ntenants[0].claimTemplates[0].${ADMIN_ACCESS.replace('spec.spec.devices.requests', 'requests')}`,
  ],
  // --- controller extensions ---
  [
    'props: warm pool with extensions off in the same chart',
    () => {
      const tplElsewhere = template(Testing.chart());
      const chart = Testing.chart();
      new AgentSandbox(chart, 'AgentSandbox', { controller: { extensions: false } });
      return errorOf(() => new SandboxWarmPool(chart, 'pool', { template: tplElsewhere }));
    },
    pool(EXTENSIONS_OFF('SandboxWarmPool')),
  ],
  [
    'props: template with extensions off in the same chart',
    () => {
      const chart = Testing.chart();
      new AgentSandbox(chart, 'AgentSandbox', { controller: { extensions: false } });
      return errorOf(() => template(chart));
    },
    `SandboxTemplate "test/tpl" is invalid:\n  ${EXTENSIONS_OFF('SandboxTemplate')}, or use a Sandbox (no extensions needed)`,
  ],
  [
    'config: warm pool with extensions off',
    render('kind', cfg({ warmPools: [{ name: 'p', template: 'py' }] }, { agentSandbox: { controller: { extensions: false } } })),
    [
      'kind: the configuration cannot be built:',
      `tenants[0].templates[0]: ${EXTENSIONS_OFF('SandboxTemplate')}, or use a Sandbox (no extensions needed)`,
      'tenants[0].warmPools[0].template: "py" could not be built (its problems are listed)',
    ].join('\n'),
  ],
  // --- the real CLI ---
  [
    'cli: schema problems, name/reference problems and pod rules in one report',
    cli(
      'kind',
      'tenants:\n  - name: team-a\n    templates:\n      - { name: py, isolation: firecracker, containers: [{ name: main, image: x }] }\n' +
        '    warmPools: [{ name: p, template: python }, { name: p, template: py }]\n',
    ),
    [
      'agent-sandbox-infra: <config> is invalid (5 problems):',
      '  tenants[0].templates[0].isolation: must be one of "gvisor", "kata", got "firecracker"',
      `  tenants[0].templates[0].containers[0].resources.limits.cpu: ${OTHER_LIMIT}`,
      `  tenants[0].templates[0].containers[0].resources.limits.memory: ${OTHER_LIMIT}`,
      '  tenants[0].warmPools[1].name: "p" is already used by tenants[0].warmPools[0]',
      '  tenants[0].warmPools[0].template: "python" is not a template of tenant team-a (py)',
      '',
    ].join('\n'),
  ],
  [
    'cli: unknown field typo in a container',
    cli('kind', 'tenants:\n  - name: team-a\n    templates:\n      - name: py\n        containers:\n          - { name: main, image: "python:3.12-slim", imagePullPolcy: Always, resources: { limits: { cpu: "1", memory: 1Gi } } }\n'),
    'agent-sandbox-infra: <config> is invalid (1 problem):\n  tenants[0].templates[0].containers[0].imagePullPolcy: unknown field "imagePullPolcy"\n',
  ],
  [
    'cli: replicas over the bound',
    cli('kind', 'tenants:\n  - name: team-a\n    templates: [{ name: py, containers: [{ name: main, image: x, resources: { limits: { cpu: "1", memory: 1Gi } } }] }]\n    warmPools: [{ name: p, template: py, replicas: 10000 }]\n'),
    'agent-sandbox-infra: <config> is invalid (1 problem):\n  tenants[0].warmPools[0].replicas: must be ≤ 500 (maxReplicas), got 10000\n',
  ],
  [
    'cli: kata on eks',
    cli('eks', 'tenants:\n  - name: team-a\n    templates:\n      - name: py\n        isolation: kata\n        containers: [{ name: main, image: x, resources: { limits: { cpu: "1", memory: 1Gi } } }]\n'),
    'agent-sandbox-infra: <config> is invalid (1 problem):\n  tenants[0].templates[0].isolation: "kata" is not available on eks (sandboxed runtimes there: gvisor)\n',
  ],
];

test('the table has at least 30 invalid inputs, with unique labels', () => {
  expect(INVALID.length).toBeGreaterThanOrEqual(30);
  expect(new Set(INVALID.map(([label]) => label)).size).toBe(INVALID.length);
});

test.each(INVALID)('%s', async (_label, run, expected) => {
  expect(await run()).toBe(expected);
});

test('a config with many problems reports all of them at once', () => {
  expect(
    errorOf(() =>
      validateConfig({
        tenants: [
          { name: 'team-a', templates: [{ name: 'py', containers: [C] }], warmPools: [{ name: 'p', template: 'python', replicas: 900 }], claims: [{ name: 'c', warmPool: 'q' }] },
          { name: 'team-a' },
        ],
      }),
    ),
  ).toBe(
    configInvalid(
      'tenants[1].name: "team-a" is already used by tenants[0]',
      'tenants[0].warmPools[0].replicas: must be ≤ 500 (maxReplicas), got 900',
      'tenants[0].warmPools[0].template: "python" is not a template of tenant team-a (py)',
      'tenants[0].claims[0].warmPool: "q" is not a warm pool of tenant team-a (p)',
    ),
  );
});

test('a Sandbox uses the same pod checks as a template', () => {
  expect(errorOf(() => new Sandbox(Testing.chart(), 'box', { namespace: 'ns', platform: 'aks', containers: [NO_LIMITS] }))).toBe(
    `Sandbox ns/box is invalid:\n  containers[0] (main).resources.limits.cpu: ${AKS_LIMIT}\n  containers[0] (main).resources.limits.memory: ${AKS_LIMIT}`,
  );
});
