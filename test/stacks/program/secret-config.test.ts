/**
 * Pulumi config secrets stay secret (issue 14 item 7), under mocks: a sandbox config set with `--secret` (or one of
 * its fields with `--secret --path`: the engine then lists the whole key as secret) makes every ConfigGroup input a
 * secret, puts on every group the transform that keeps its objects' content secret, and makes the outputs derived
 * from it secret; a plain config makes nothing secret but the kubeconfig. A secret cluster config is refused. The
 * same stack on the real engine (state, preview --diff, the objects on the API server):
 * test/integration/pulumi-secret-config.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { load } from 'js-yaml';
import { SECRET_EXEMPT_GROUPS, secretObjectContent } from '../../../stacks/deploy-manifests';
import { isSecretConfig, redactorFor } from '../../../stacks/secret-config';
import { StackConfigError } from '../../../stacks/stack-error';
import { EXAMPLE_STACK_CALLS, ofType, refusedStack, runStack, stackFileConfig, type Registered, type StackRun } from '../../support/pulumi-stack';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://10.0.0.1:6443"}\n  name: c\nusers:\n- name: u\n  user: {token: t}\n';
const MARKER = 'sk-live-marker-5c1f0e7a';
const SANDBOX_KEY = 'agent-sandbox-infra:sandbox';
const KUBECONFIG_KEY = 'agent-sandbox-infra:kubeconfig';

/** The kubeconfig-only stack's config with a credential in a template's env and a claim's label. */
function kubernetesConfig(): Record<string, string> {
  const config = stackFileConfig('kubernetes');
  const sandbox = JSON.parse(config[SANDBOX_KEY]);
  const tenant = sandbox.tenants[0];
  tenant.templates[0].containers[0].env = [{ name: 'MODEL_API_KEY', value: MARKER }];
  tenant.claims = [{ name: 'smoke', warmPool: 'python-warm', additionalPodMetadata: { labels: { 'sandbox.users.io/token': MARKER } } }];
  return { ...config, [SANDBOX_KEY]: JSON.stringify(sandbox), [KUBECONFIG_KEY]: KUBECONFIG };
}

const isSecretEnvelope = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
/** A registered value with its secrets left out: what the engine may store and print in plain text. */
const plainPart = (v: unknown): unknown =>
  isSecretEnvelope(v) ? '[secret]' : Array.isArray(v) ? v.map(plainPart) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainPart(x)])) : v;
const groups = (run: StackRun) => ofType(run, 'kubernetes:yaml/v2:ConfigGroup');
/** A group's manifest input (`yaml`, or `objs` for the node objects). */
const manifestInput = (g: Registered) => g.inputs.yaml ?? g.inputs.objs;

describe('the sandbox config set as a secret', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('kubernetes', kubernetesConfig(), {}, [SANDBOX_KEY, KUBECONFIG_KEY]);
  });

  test('the program sees it as secret (the SDK still exports its check)', () => {
    expect(typeof (pulumi.runtime as unknown as Record<string, unknown>).isConfigSecret).toBe('function');
  });

  test('every ConfigGroup input is a secret but the CRDs\' (the release\'s own files), and the objects are all there inside it', () => {
    expect(SECRET_EXEMPT_GROUPS).toStrictEqual(['crds']);
    expect(groups(run).map((g) => g.name)).toStrictEqual(['kubernetes-crds', 'kubernetes-agent-sandbox-access', 'kubernetes-agent-sandbox', 'kubernetes-runtime', 'kubernetes-workloads']);
    for (const g of groups(run)) {
      expect([g.name, Object.keys(g.inputs)]).toStrictEqual([g.name, ['yaml']]);
      expect([g.name, isSecretEnvelope(g.inputs.yaml)]).toStrictEqual([g.name, g.name !== 'kubernetes-crds']);
    }
    // The CRDs hold nothing of the config.
    expect(String(groups(run)[0].inputs.yaml)).not.toContain(MARKER);
    const workloads = String(groups(run).find((g) => g.name === 'kubernetes-workloads')!.inputs.yaml.value);
    expect(workloads.split(MARKER).length - 1).toBe(2); // the env value and the claim's label
  });

  test('every group but the CRDs carries the transform that keeps its objects\' content secret', () => {
    for (const g of groups(run)) expect([g.name, g.transforms]).toStrictEqual([g.name, g.name === 'kubernetes-crds' ? [] : [secretObjectContent]]);
  });

  test('nothing registered holds the marker in plain text', () => {
    expect(JSON.stringify(run.resources.map((r) => r.inputs))).toContain(MARKER);
    expect(JSON.stringify(run.resources.map((r) => plainPart(r.inputs)))).not.toContain(MARKER);
  });

  test('the outputs derived from it are secret; the platform and cluster name (not from it) stay plain', () => {
    expect(run.secretOutputs.sort()).toStrictEqual(['agentSandbox', 'kubeconfig', 'manifests', 'runtimeClassName']);
    expect(run.outputs.manifests).toMatchObject({ platform: 'kubernetes', files: ['00-crds.yaml', '10-agent-sandbox.yaml', '20-runtime.yaml', '30-tenant-agents-prod.yaml'] });
  });
});

describe('the transform on a secret group', () => {
  test('makes every field of an object the provider registers a secret but its type; the group itself is left alone', async () => {
    const run = await runStack('kubernetes', kubernetesConfig(), {}, [SANDBOX_KEY, KUBECONFIG_KEY]);
    const yaml = String(groups(run).find((g) => g.name === 'kubernetes-workloads')!.inputs.yaml.value);
    const template = yaml.split(/^---$/m).map((d) => load(d) as Record<string, unknown>).find((o) => o?.kind === 'SandboxTemplate')!;
    const child = { type: 'kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate', name: 'kubernetes-workloads:agents-prod/python-runtime', custom: true, props: template, opts: {} };
    const result = await secretObjectContent(child);
    expect(result).toBeDefined();
    expect(result!.opts).toBeUndefined(); // the request's options stay as they came
    expect(Object.keys(result!.props).sort()).toStrictEqual(Object.keys(template).sort());
    for (const [key, value] of Object.entries(result!.props)) {
      // The engine's wire form of a secret (what a secret Output serializes to where the runtime supports secrets).
      const expected = key === 'apiVersion' || key === 'kind' ? template[key] : { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: template[key] };
      expect([key, value]).toStrictEqual([key, expected]);
    }
    // A value already secret is not wrapped twice.
    const again = await secretObjectContent({ ...child, props: result!.props });
    expect(again!.props).toStrictEqual(result!.props);
    expect(JSON.stringify(template.spec)).toContain(MARKER);
    expect(await secretObjectContent({ ...child, type: 'kubernetes:yaml/v2:ConfigGroup', custom: false })).toBeUndefined();
  });
});

describe('a cloud stack with Karpenter node objects and a secret sandbox config', () => {
  test('every ConfigGroup but the CRDs, the node objects\' included, gets a secret input and the transform', async () => {
    const run = await runStack('eks-karpenter', stackFileConfig('eks-karpenter'), EXAMPLE_STACK_CALLS['eks-karpenter'], [SANDBOX_KEY]);
    const names = groups(run).map((g) => g.name);
    expect(names).toContain('eks-karpenter-nodes');
    expect(names.length).toBeGreaterThan(4);
    for (const g of groups(run)) {
      const secret = g.name !== 'eks-karpenter-crds';
      expect([g.name, isSecretEnvelope(manifestInput(g))]).toStrictEqual([g.name, secret]);
      expect([g.name, g.transforms]).toStrictEqual([g.name, secret ? [secretObjectContent] : []]);
    }
  });
});

describe('a plain sandbox config: no needless secrets', () => {
  test('plain ConfigGroup inputs, no transform, and only the kubeconfig output secret', async () => {
    const run = await runStack('kubernetes', kubernetesConfig(), {}, [KUBECONFIG_KEY]);
    expect(groups(run)).toHaveLength(5);
    for (const g of groups(run)) {
      expect([g.name, typeof g.inputs.yaml]).toStrictEqual([g.name, 'string']);
      expect([g.name, g.transforms]).toStrictEqual([g.name, []]);
    }
    expect(run.secretOutputs).toStrictEqual(['kubeconfig']);
  });

  test('the Karpenter node objects too', async () => {
    const run = await runStack('eks-karpenter', stackFileConfig('eks-karpenter'), EXAMPLE_STACK_CALLS['eks-karpenter']);
    for (const g of groups(run)) {
      expect([g.name, isSecretEnvelope(manifestInput(g))]).toStrictEqual([g.name, false]);
      expect([g.name, g.transforms]).toStrictEqual([g.name, []]);
    }
  });
});

describe('isSecretConfig reads the keys the engine lists as secret', () => {
  test('by full key', async () => {
    await runStack('kubernetes', kubernetesConfig(), {}, [SANDBOX_KEY, KUBECONFIG_KEY]);
    expect(isSecretConfig('agent-sandbox-infra', 'sandbox')).toBe(true);
    expect(isSecretConfig('agent-sandbox-infra', 'cluster')).toBe(false);
    expect(isSecretConfig('agent-sandbox-infra', 'platform')).toBe(false);
  });
});

describe('the cluster config set as a secret', () => {
  test('is refused before anything is registered, saying why and what to do', async () => {
    const { error, registered } = await refusedStack('kubernetes', kubernetesConfig(), ['agent-sandbox-infra:cluster', KUBECONFIG_KEY]);
    expect(registered).toStrictEqual([]);
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).errors).toStrictEqual([
      {
        propertyPath: 'cluster',
        reason:
          'is set as a secret (`pulumi config set --secret`, or one of its fields with --path); its values name and size cloud resources, which Pulumi would store and show in plain text: set it without --secret (the kubeconfig goes in agent-sandbox-infra:kubeconfig, secret values of the workloads in agent-sandbox-infra:sandbox)',
      },
    ]);
  });
});

describe('what the program prints about a secret sandbox config', () => {
  /** The config with the marker where a check quotes it back. */
  function quotedConfig(): Record<string, string> {
    const config = kubernetesConfig();
    const sandbox = JSON.parse(config[SANDBOX_KEY]);
    sandbox.kubernetesVersion = MARKER;
    return { ...config, [SANDBOX_KEY]: JSON.stringify(sandbox) };
  }

  test('a problem that quotes a value shows [secret] in its place; the same config plain shows the value', async () => {
    const plain = await refusedStack('kubernetes', quotedConfig(), [KUBECONFIG_KEY]);
    expect((plain.error as Error).message).toContain(MARKER);
    const secret = await refusedStack('kubernetes', quotedConfig(), [SANDBOX_KEY, KUBECONFIG_KEY]);
    expect((secret.error as Error).message).not.toContain(MARKER);
    expect((secret.error as StackConfigError).errors.map((e) => e.propertyPath)).toStrictEqual((plain.error as StackConfigError).errors.map((e) => e.propertyPath));
    expect((secret.error as Error).message).toContain('[secret]');
  });

  test('a value that is not JSON is refused without being printed when secret, quoted when plain', async () => {
    const yaml = `tenants:\n  - name: agents-prod\n    claims: [{ env: [{ name: KEY, value: ${MARKER} }] }]\n`;
    const secret = await refusedStack('kubernetes', { ...kubernetesConfig(), [SANDBOX_KEY]: yaml }, [SANDBOX_KEY, KUBECONFIG_KEY]);
    expect((secret.error as Error).message).not.toContain(MARKER);
    expect((secret.error as StackConfigError).errors).toContainEqual({
      propertyPath: 'sandbox',
      reason: 'must be an object in JSON (`pulumi config set` takes a whole object as JSON; YAML is not read here); the value is a secret and not shown',
    });
    const plain = await refusedStack('kubernetes', { ...kubernetesConfig(), [SANDBOX_KEY]: yaml }, [KUBECONFIG_KEY]);
    expect((plain.error as StackConfigError).errors.find((e) => e.propertyPath === 'sandbox')?.reason).toContain(MARKER);
  });
});

describe('redactorFor (problems and warnings of a secret config)', () => {
  const value = { kubernetesVersion: '1.36', tenants: [{ name: 'agents', claims: [{ env: [{ value: 'sk-live-a1b2c3d4' }, { value: 'multi\nline "q"' }] }] }] };
  test('replaces every string of 8 characters or more, as written and as JSON quotes it; keeps short names', () => {
    const redact = redactorFor({ value, secret: true });
    expect(redact('tenants[0] agents: got "sk-live-a1b2c3d4", then "multi\\nline \\"q\\"" (1.36)')).toBe('tenants[0] agents: got "[secret]", then "[secret]" (1.36)');
  });
  test('leaves a plain config\'s messages alone', () => {
    expect(redactorFor({ value, secret: false })('got "sk-live-a1b2c3d4"')).toBe('got "sk-live-a1b2c3d4"');
  });
});
