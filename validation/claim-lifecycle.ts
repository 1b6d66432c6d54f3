/**
 * SandboxClaim lifecycle (`spec.lifecycle`: shutdownTime, ttlSecondsAfterFinished, shutdownPolicy), checked against
 * the pinned release's SandboxClaim CRD itself (its fields, the shutdownPolicy enum, the TTL minimum), and the
 * default every claim we emit gets unless it says otherwise.
 *
 * agent-sandbox v1.0.3 has lifecycle fields on SandboxClaim (and shutdownTime/shutdownPolicy on Sandbox) only: not
 * on SandboxTemplate or SandboxWarmPool. A template's `claimLifecycle` is our own convention: the defaults of the
 * claims we emit for its warm pools, written into each claim.
 */
import { loadReleaseCrds, type JsonObject } from '../core/upstream/documents';
import { rfc3339Problem } from '../core/formats';
import { problemAt, type Problem } from '../core/diagnostics';

export interface ClaimLifecycle {
  /** RFC 3339 time at which the claim expires (its sandbox, pod and Service are torn down). @default - none */
  readonly shutdownTime?: string;
  /** What expiry does: `Retain` keeps the claim (Ready=False, reason ClaimExpired), `Delete` deletes it, `DeleteForeground` deletes it once its sandbox is gone. */
  readonly shutdownPolicy?: 'Delete' | 'DeleteForeground' | 'Retain';
  /** Seconds after the sandbox finished (its pod Succeeded or Failed) at which the claim expires. */
  readonly ttlSecondsAfterFinished?: number;
}

/**
 * What a claim we emit gets when neither it nor its template says otherwise.
 *
 * - `ttlSecondsAfterFinished: 3600`: a sandbox whose pod has ended runs nothing any more, but keeps its Sandbox,
 *   Service and volumes, and a claim that is never cleaned up keeps them forever. An hour leaves the client time to
 *   read results, status and logs after the agent stops (the length of a working session), then frees them.
 * - `shutdownPolicy: Retain` (upstream's default): expiry tears the sandbox down and keeps the claim with
 *   Ready=False/ClaimExpired. Our claims come from configuration that is applied again (synth + kubectl, Pulumi): a
 *   claim the controller deleted (`Delete`) would be re-created by the next apply and start a fresh sandbox, so the
 *   expired claim stays as the record instead.
 *
 * There is no relative lifetime for a sandbox that never finishes in v1.0.3 (only the absolute `shutdownTime`):
 * set one per claim or per template when sandboxes must end by a date.
 */
export const DEFAULT_CLAIM_LIFECYCLE: Required<Pick<ClaimLifecycle, 'ttlSecondsAfterFinished' | 'shutdownPolicy'>> = {
  ttlSecondsAfterFinished: 3600,
  shutdownPolicy: 'Retain',
};

export interface ClaimLifecycleSchema {
  readonly version: string;
  /** The fields `spec.lifecycle` has. */
  readonly fields: readonly string[];
  readonly shutdownPolicies: readonly string[];
  readonly ttlMinimum: number;
  /** int32 */
  readonly ttlMaximum: number;
}

const schemas = new Map<string, ClaimLifecycleSchema>();

/** `spec.lifecycle` of the release's SandboxClaim CRD (its storage version), read from the pinned file. */
export function claimLifecycleSchema(version: string, env: NodeJS.ProcessEnv = process.env): ClaimLifecycleSchema {
  const cached = schemas.get(version);
  if (cached) return cached;
  const crd = loadReleaseCrds(version, env).find((c) => c.pin.kind === 'SandboxClaim')?.crd;
  const versions = ((crd?.spec as JsonObject | undefined)?.versions ?? []) as JsonObject[];
  const storage = versions.find((v) => v.storage === true);
  const props = (storage?.schema as { openAPIV3Schema?: { properties?: { spec?: { properties?: { lifecycle?: { properties?: Record<string, JsonObject> } } } } } } | undefined)
    ?.openAPIV3Schema?.properties?.spec?.properties?.lifecycle?.properties;
  if (!props) throw new Error(`the SandboxClaim CRD of agent-sandbox ${version} has no spec.lifecycle`);
  const schema: ClaimLifecycleSchema = {
    version,
    fields: Object.keys(props),
    shutdownPolicies: (props.shutdownPolicy?.enum ?? []) as string[],
    ttlMinimum: Number(props.ttlSecondsAfterFinished?.minimum ?? 0),
    ttlMaximum: props.ttlSecondsAfterFinished?.format === 'int32' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER,
  };
  schemas.set(version, schema);
  return schema;
}

/** Problems of a lifecycle against the release's CRD, each naming `field`, the value and what is allowed. */
export function claimLifecycleErrors(field: string, lifecycle: ClaimLifecycle, schema: ClaimLifecycleSchema): Problem[] {
  const errors: Problem[] = [];
  for (const key of Object.keys(lifecycle)) {
    if (!schema.fields.includes(key)) errors.push(problemAt(`${field}.${key}`, `is not a field of SandboxClaim spec.lifecycle in agent-sandbox ${schema.version} (fields: ${schema.fields.join(', ')})`, 'claimLifecycle'));
  }
  if (lifecycle.shutdownTime !== undefined) {
    const problem = rfc3339Problem(lifecycle.shutdownTime);
    if (problem) errors.push(problemAt(`${field}.shutdownTime`, problem, 'claimLifecycle'));
  }
  if (lifecycle.shutdownPolicy !== undefined && !schema.shutdownPolicies.includes(lifecycle.shutdownPolicy)) {
    errors.push(problemAt(`${field}.shutdownPolicy`, `must be one of ${schema.shutdownPolicies.join(', ')} (agent-sandbox ${schema.version}), got ${JSON.stringify(lifecycle.shutdownPolicy)}`, 'claimLifecycle'));
  }
  const ttl = lifecycle.ttlSecondsAfterFinished;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < schema.ttlMinimum || ttl > schema.ttlMaximum)) {
    errors.push(problemAt(`${field}.ttlSecondsAfterFinished`, `must be an integer from ${schema.ttlMinimum} to ${schema.ttlMaximum} seconds, got ${JSON.stringify(ttl)}`, 'claimLifecycle'));
  }
  return errors;
}

/** The claim's own lifecycle over its template's defaults over {@link DEFAULT_CLAIM_LIFECYCLE}, field by field. */
export function effectiveClaimLifecycle(own: ClaimLifecycle | undefined, templateDefaults: ClaimLifecycle | undefined): ClaimLifecycle {
  return { ...DEFAULT_CLAIM_LIFECYCLE, ...(templateDefaults ?? {}), ...(own ?? {}) };
}
