/**
 * synth checks each distinct document against its schema once, but runs the platform's checkers on every platform:
 * one document text can be fine on one platform and wrong on another (a namespace GKE reserves, a runtime another
 * platform does not have), whichever platform comes first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example';
import { validateConfig } from '../../config/validate';
import type { RenderedPlatform } from '../../constructs/output/render';
import { toYamlDocument } from '../../core/yaml/emit';
import { synth, SynthValidationError } from '../../cli/synth';
import type { Platform } from '../../platforms';

const config = validateConfig(EXAMPLE_CONFIG);

/** A SandboxClaim in `gke-agents`: a namespace with the prefix GKE reserves, an ordinary name elsewhere. */
const CLAIM = {
  apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
  kind: 'SandboxClaim',
  metadata: { name: 'job-1', namespace: 'gke-agents' },
  spec: { warmPoolRef: { name: 'python' } },
};

/** One platform's output holding only `CLAIM`, as renderPlatform would hand it to synth. */
function renderedWithClaim(platform: Platform): RenderedPlatform {
  const text = toYamlDocument(CLAIM);
  const file = { name: '40-tenant-agents.yaml', documents: [text], objects: [structuredClone(CLAIM)], text };
  return { platform, chart: { warnings: [] } as unknown as RenderedPlatform['chart'], files: [file], objects: 1, bytes: Buffer.byteLength(text), ms: 0 };
}

function problemsOf(platforms: Platform[], out: string): string[] {
  try {
    synth({ platforms, config, out, rendered: platforms.map(renderedWithClaim) });
  } catch (err) {
    if (err instanceof SynthValidationError) return err.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('synth: one document on several platforms', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asi-synth-per-platform-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  test.each([
    ['eks', 'gke-standard'],
    ['gke-standard', 'eks'],
  ] as [Platform, Platform][])('%s then %s: the GKE-reserved namespace is an error on GKE only', (first, second) => {
    const out = join(scratch, 'out');
    expect(problemsOf([first, second], out)).toStrictEqual([
      'gke-standard/40-tenant-agents.yaml: metadata.namespace: "gke-agents" has the reserved prefix gke- on gke-standard: GKE\'s managed components (gke-managed-system, gke-gmp-system, gke-connect…) (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-security); sandboxes never run there, choose another name',
    ]);
    expect(existsSync(out)).toBe(false); // nothing written
  });

  test('on platforms that do not reserve it the same document passes', () => {
    const out = join(scratch, 'out');
    expect(problemsOf(['eks', 'aks'], out)).toStrictEqual([]);
    expect(existsSync(join(out, 'eks', '40-tenant-agents.yaml'))).toBe(true);
  });
});
