/**
 * Runs one CrossGuard policy's `validateResource` the way @pulumi/policy's analyzer server does (server.js
 * `makeAnalyzeRpcFun`), without the Pulumi CLI: a hand-made `ResourceValidationArgs` whose `props` go through the
 * same unknown-checking proxy, `getConfig` returning the policy's config-schema defaults merged with the test's
 * config (the engine applies schema defaults), `notApplicable` throwing, and every `reportViolation` collected.
 */
import {
  unknownCheckingProxy,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from '@pulumi/policy';

export const PROJECT = 'agent-sandbox-infra';

export interface ResourceUnderTest {
  /** Pulumi type token, e.g. `gcp:container/nodePool:NodePool`. */
  readonly type: string;
  readonly props: Record<string, unknown>;
  /** @default 'resource' */
  readonly name?: string;
  /** @default 'dev' */
  readonly stack?: string;
  /** Ancestor component types, outermost first (they become the URN's qualified type). @default [] */
  readonly parentTypes?: readonly string[];
  /** Policy config, merged over the config schema's defaults. @default {} */
  readonly config?: Record<string, unknown>;
}

export interface PolicyResult {
  /** Messages passed to `reportViolation`, in order. */
  readonly violations: string[];
  /** The reason given to `args.notApplicable`, when the policy called it. */
  readonly notApplicable?: string;
}

/** `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`, as the engine builds it. */
export function urnOf(r: Pick<ResourceUnderTest, 'type' | 'name' | 'stack' | 'parentTypes'>): string {
  const qualified = [...(r.parentTypes ?? []), r.type].join('$');
  return `urn:pulumi:${r.stack ?? 'dev'}::${PROJECT}::${qualified}::${r.name ?? 'resource'}`;
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function schemaDefaults(policy: ResourceValidationPolicy | StackValidationPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (typeof schema === 'object' && schema.default !== undefined) out[key] = schema.default;
  }
  return out;
}

export async function runPolicy(policy: ResourceValidationPolicy, r: ResourceUnderTest): Promise<PolicyResult> {
  const violations: string[] = [];
  const name = r.name ?? 'resource';
  const props = unknownCheckingProxy(JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>);
  const config = { ...schemaDefaults(policy), ...r.config };
  const args: ResourceValidationArgs = {
    type: r.type,
    props,
    urn: urnOf(r),
    name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map<string, string>(),
    isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === r.type,
    asType: ((cls: { __pulumiType?: string }) => (cls.__pulumiType === r.type ? props : undefined)) as ResourceValidationArgs['asType'],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? '');
    },
  };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
  if (validations.length === 0) throw new Error(`policy ${policy.name} has no validateResource`);
  try {
    for (const validate of validations) await validate(args, (message) => violations.push(message));
  } catch (err) {
    if (err instanceof NotApplicable) return { violations, notApplicable: err.reason };
    throw err;
  }
  return { violations };
}

/** One resource of a stack for {@link runStackPolicy} (`props` are what the engine reports for it). */
export type StackResourceUnderTest = Pick<ResourceUnderTest, 'type' | 'props' | 'name' | 'stack' | 'parentTypes'>;

/**
 * Runs one stack policy's `validateStack` the way the analyzer server does (`analyzeStack`): every resource with its
 * props behind the unknown-checking proxy, config defaults merged with the test's config, `notApplicable` throwing.
 */
export async function runStackPolicy(policy: StackValidationPolicy, resources: readonly StackResourceUnderTest[], config: Record<string, unknown> = {}): Promise<PolicyResult> {
  const violations: string[] = [];
  const merged = { ...schemaDefaults(policy), ...config };
  const list: PolicyResource[] = resources.map((r) => {
    const props = unknownCheckingProxy(JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>);
    return {
      type: r.type,
      props,
      urn: urnOf(r),
      name: r.name ?? 'resource',
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: (() => undefined) as PolicyResource['asType'],
    };
  });
  const args: StackValidationArgs = {
    resources: list,
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => merged as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? '');
    },
  };
  try {
    await policy.validateStack(args, (message) => violations.push(message));
  } catch (err) {
    if (err instanceof NotApplicable) return { violations, notApplicable: err.reason };
    throw err;
  }
  return { violations };
}
