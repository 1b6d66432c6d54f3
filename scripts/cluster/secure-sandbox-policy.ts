/**
 * Upstream's reference admission policy for sandboxes (`examples/policy/vap/secure-sandbox-policy.yaml` and its
 * binding, read from the release's Go module and checked against the sha256 pinned here) and its derivation per
 * platform, for the local cluster:
 * - GKE Autopilot and Standard: as shipped (its last two rules require GKE's gVisor node selector and toleration);
 * - every other platform: without those two GKE placement rules (their nodes carry other labels and taints);
 * - AKS: the runtime rule names AKS's Kata RuntimeClass instead of `gvisor`.
 * The derivation edits only what is named here and fails when upstream's rules no longer look as expected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformFacts, type Platform } from '../../platforms';
import { sha256Hex } from '../../core/upstream/store';
import { parseManifestText } from '../../core/yaml/parse';
import { downloadModule } from '../toolchain/build';
import type { KubeObject } from './kube-client';

export const SECURE_SANDBOX_POLICY_FILES = {
  policy: { path: 'examples/policy/vap/secure-sandbox-policy.yaml', sha256: 'ad368c0df20532b3382c8b13d65f892966c0919339796edebac7950d8c3719b3' },
  binding: { path: 'examples/policy/vap/secure-sandbox-binding.yaml', sha256: 'c78d92b0eb0d1feffe2938bd9bc252e4d5d31996487497ce1cfd518640185ed3' },
} as const;

/** The policy and binding of an agent-sandbox release, from its Go module (same bytes as the tag on GitHub). */
export async function upstreamSecureSandboxPolicy(release: string): Promise<{ policy: KubeObject; binding: KubeObject }> {
  const { Dir } = await downloadModule('sigs.k8s.io/agent-sandbox', release);
  const read = (f: { path: string; sha256: string }): KubeObject => {
    const bytes = readFileSync(join(Dir, f.path));
    const actual = sha256Hex(bytes);
    if (actual !== f.sha256) throw new Error(`sigs.k8s.io/agent-sandbox@${release} ${f.path}: sha256 ${actual}, pinned ${f.sha256}`);
    return parseManifestText(f.path, bytes.toString('utf8')).documents[0].value as KubeObject;
  };
  return { policy: read(SECURE_SANDBOX_POLICY_FILES.policy), binding: read(SECURE_SANDBOX_POLICY_FILES.binding) };
}

const GKE_PLATFORMS: readonly Platform[] = ['gke-autopilot', 'gke-standard'];
const GKE_PLACEMENT = /sandbox\.gke\.io\/runtime/;
const RUNTIME_RULE = /runtimeClassName == 'gvisor'/;

/** The platform's copy of upstream's policy (see the file comment). Throws when upstream's rules have changed shape. */
export function secureSandboxPolicyFor(platform: Platform, upstream: KubeObject, settings?: unknown): KubeObject {
  const policy = structuredClone(upstream);
  const validations = policy.spec.validations as { expression: string; message: string }[];
  const placement = validations.filter((v) => GKE_PLACEMENT.test(v.expression));
  const runtime = validations.filter((v) => RUNTIME_RULE.test(v.expression));
  if (placement.length !== 2 || runtime.length !== 1) {
    throw new Error(`upstream's secure-sandbox-policy changed: expected 2 GKE placement rules and 1 runtime rule, found ${placement.length} and ${runtime.length}`);
  }
  if (!GKE_PLATFORMS.includes(platform)) policy.spec.validations = validations.filter((v) => !GKE_PLACEMENT.test(v.expression));
  const runtimeClasses = Object.values(platformFacts(platform, settings).runtimes).map((r) => r.runtimeClassName);
  if (!runtimeClasses.includes('gvisor')) {
    if (runtimeClasses.length !== 1) throw new Error(`${platform} has ${runtimeClasses.length} sandboxed RuntimeClasses; the derivation expects one`);
    const name = runtimeClasses[0];
    for (const v of policy.spec.validations as { expression: string; message: string }[]) {
      if (!RUNTIME_RULE.test(v.expression)) continue;
      v.expression = v.expression.replace(RUNTIME_RULE, `runtimeClassName == '${name}'`);
      v.message = `Security Violation: All Sandboxes must use 'runtimeClassName: ${name}'`;
    }
  }
  policy.metadata.annotations = {
    ...(policy.metadata.annotations ?? {}),
    'agent-sandbox-infra.io/derived-from': `${SECURE_SANDBOX_POLICY_FILES.policy.path} (sha256 ${SECURE_SANDBOX_POLICY_FILES.policy.sha256}) for ${platform}`,
  };
  return policy;
}
