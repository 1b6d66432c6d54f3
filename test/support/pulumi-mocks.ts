/**
 * The one Pulumi mock harness: every test that runs a component or the program registers its resources and
 * data-source calls here. Each test gives what its cloud computes (`state`: outputs of a created resource, merged
 * over its inputs) and answers (`call`: data-source results); the harness records both, in order.
 */
import * as pulumi from '@pulumi/pulumi';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = Record<string, any>;

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Inputs;
  /** False for component resources. */
  readonly custom: boolean;
  /** The transforms in its options (the mock monitor does not run them; a test can). */
  readonly transforms: readonly pulumi.ResourceTransform[];
}

export interface Call {
  readonly token: string;
  readonly inputs: Inputs;
}

export interface PulumiMocks {
  /** What was registered and called since the mocks were set, in order (the arrays are appended to). */
  readonly registered: Registered[];
  readonly calls: Call[];
  /** Settles when the SDK has taken the mocks. */
  readonly ready: Promise<void>;
}

export interface MockOptions {
  /** @default 'test' */
  readonly stack?: string;
  /** Outputs the cloud computes for a created resource (merged over its inputs). @default none */
  readonly state?: (type: string, name: string, inputs: Inputs) => Record<string, unknown>;
  /** A data-source result. @default every call is unexpected (an error naming the token) */
  readonly call?: (token: string, inputs: Inputs) => Record<string, unknown>;
  /** The id a created resource gets. @default `<name>_id` */
  readonly id?: (type: string, name: string) => string;
  /** The state of an existing object a `Resource.get` reads (by type and id). @default - reads are answered like creates */
  readonly read?: (type: string, id: string) => Record<string, unknown>;
}

/** Sets the SDK's mocks (project `agent-sandbox-infra`, preview off) and returns the record they fill. */
export function mockPulumi(options: MockOptions = {}): PulumiMocks {
  const registered: Registered[] = [];
  const calls: Call[] = [];
  const ready = pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true, transforms: args.transforms ?? [] });
        if (args.id && options.read) return { id: args.id, state: options.read(args.type, args.id) };
        return { id: options.id?.(args.type, args.name) ?? `${args.name}_id`, state: { ...args.inputs, ...(options.state?.(args.type, args.name, args.inputs) ?? {}) } };
      },
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        if (!options.call) throw new Error(`unexpected data-source call ${args.token}`);
        return options.call(args.token, args.inputs);
      },
    },
    'agent-sandbox-infra',
    options.stack ?? 'test',
    false,
  );
  return { registered, calls, ready: Promise.resolve(ready) };
}
