/**
 * The agent-sandbox CRDs of a pinned release, unchanged except the conversion webhook clientConfig, which always
 * points at the namespace and webhook Service we create (the API server calls it to convert v1alpha1 ↔ v1beta1).
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { loadReleaseCrds, type JsonObject } from '../../core/upstream/documents';
import { keepEmittedText } from '../../core/yaml/emit';
import { agentSandboxRelease, DEFAULT_AGENT_SANDBOX_VERSION, type AgentSandboxRelease } from '../../core/upstream/pins';

export interface AgentSandboxCrdsProps {
  /** Pinned agent-sandbox release. @default - DEFAULT_AGENT_SANDBOX_VERSION (v1.0.3) */
  readonly version?: string;
  /** Namespace of the conversion webhook Service. @default 'agent-sandbox-system' */
  readonly webhookNamespace?: string;
  /** Name of the conversion webhook Service. @default 'agent-sandbox-webhook-service' */
  readonly webhookServiceName?: string;
  /** Include the extensions CRDs (claims, templates, warm pools). @default true */
  readonly extensions?: boolean;
  /** Environment for upstream file resolution (mirror/cache). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class AgentSandboxCrds extends Construct {
  readonly release: AgentSandboxRelease;
  /** The CRD objects, by CRD name. */
  readonly crds: ReadonlyMap<string, ApiObject>;

  constructor(scope: Construct, id: string, props: AgentSandboxCrdsProps = {}) {
    super(scope, id);
    this.release = agentSandboxRelease(props.version ?? DEFAULT_AGENT_SANDBOX_VERSION);
    const webhook = this.release.conversionWebhook;
    const crds = new Map<string, ApiObject>();
    for (const { pin, crd } of loadReleaseCrds(this.release.version, props.env)) {
      if (pin.extension && props.extensions === false) continue;
      const namespace = props.webhookNamespace ?? webhook?.defaultNamespace ?? '';
      const service = props.webhookServiceName ?? webhook?.defaultServiceName ?? '';
      const key = `${pin.sha256}|${namespace}|${service}`;
      let json = patchedCrds.get(key);
      if (!json) {
        json = structuredClone(crd) as JsonObject & { spec: JsonObject };
        if (webhook) json.spec = withWebhookService(json.spec as JsonObject, namespace, service, webhook.servicePort);
        patchedCrds.set(key, json);
        // Its YAML text, from the private cache when this machine emitted the same CRD before (charts emit `json` as is).
        keepEmittedText(json, props.env);
      }
      crds.set(pin.crdName, new PinnedCrd(this, pin.kind, json));
    }
    this.crds = crds;
  }
}

/** Patched CRD JSON per (pinned file, webhook namespace, webhook Service): shared by every chart of the process. */
const patchedCrds = new Map<string, JsonObject>();

/**
 * A pinned CRD, emitted exactly as computed: it holds no tokens to resolve, and walking 400 KB objects through cdk8s's
 * resolver for every platform would dominate synth time. JSON patches (`addJsonPatch`) still apply.
 */
class PinnedCrd extends ApiObject {
  private readonly ownPatches: JsonPatch[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly json: JsonObject,
  ) {
    const { apiVersion, kind, metadata } = json as unknown as { apiVersion: string; kind: string; metadata: { name: string } };
    // Only the name goes to cdk8s's metadata: what it holds beyond that is what users or charts added.
    super(scope, id, { apiVersion, kind, metadata: { name: metadata.name } });
  }

  override addJsonPatch(...ops: JsonPatch[]): void {
    this.ownPatches.push(...ops);
  }

  override toJson(): JsonObject {
    // Labels/annotations added through cdk8s (chart labels, metadata.addLabel) are merged into a copy.
    const meta = this.metadata.toJson() as { labels?: Record<string, string>; annotations?: Record<string, string> };
    const extra = Object.keys(meta.labels ?? {}).length + Object.keys(meta.annotations ?? {}).length > 0;
    if (!extra && !this.ownPatches.length) return this.json;
    const json = structuredClone(this.json) as JsonObject & { metadata: Record<string, unknown> };
    if (meta.labels) json.metadata.labels = { ...((json.metadata.labels as object) ?? {}), ...meta.labels };
    if (meta.annotations) json.metadata.annotations = { ...((json.metadata.annotations as object) ?? {}), ...meta.annotations };
    return this.ownPatches.length ? (JsonPatch.apply(json, ...this.ownPatches) as JsonObject) : json;
  }
}

function withWebhookService(spec: JsonObject, namespace: string, name: string, port: number): JsonObject {
  const conversion = spec.conversion as { strategy?: string; webhook?: { clientConfig?: { service?: JsonObject } } } | undefined;
  const service = conversion?.webhook?.clientConfig?.service;
  if (conversion?.strategy !== 'Webhook' || !service) return spec;
  service.namespace = namespace;
  service.name = name;
  if (port !== 443) service.port = port;
  return spec;
}
