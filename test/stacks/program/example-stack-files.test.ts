/**
 * The example stack files Pulumi.<stack>.yaml as data: each tenant's warm pools fit its own namespace quota, and the
 * egress allowlists open the internet without the private and shared address ranges.
 */
import { validateConfig } from '../../../config/validate';
import { renderPlatform } from '../../../constructs/output/render';
import type { Platform } from '../../../platforms';
import { warmPoolDemand } from '../../../constructs/warm-pool-demand';
import { parseCpuMillis, parseMemoryBytes } from '../../../platforms/capacity/quantity';
import { stackFileConfig } from '../../support/pulumi-stack';

const STACKS = ['aks', 'eks', 'gke-autopilot', 'gke-standard', 'kubernetes'] as const;
/** config/example.ts: the internet, not the cluster. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

function sandboxOf(stack: string) {
  return JSON.parse(stackFileConfig(stack)['agent-sandbox-infra:sandbox']) as { tenants: { name: string; namespace?: { egressAllowlist?: { cidrs: string[]; except?: string[] }[] } }[] };
}

/** What the warm pools of each namespace use at peak, against the rendered ResourceQuota (requests default to limits). */
function quotaUse(stack: (typeof STACKS)[number]) {
  const rendered = renderPlatform(stack as Platform, validateConfig(sandboxOf(stack), 'sandbox'));
  const quotas = rendered.files.flatMap((f) => f.objects).filter((o) => o.kind === 'ResourceQuota') as { metadata: { namespace: string }; spec: { hard: Record<string, string> } }[];
  return quotas.map((q) => {
    const pools = warmPoolDemand(rendered.chart).filter((w) => w.tenant === q.metadata.namespace);
    const sum = (f: (w: (typeof pools)[number]) => number) => pools.reduce((n, w) => n + w.replicas * f(w), 0);
    const hard = q.spec.hard;
    return {
      namespace: q.metadata.namespace,
      used: {
        pods: sum(() => 1),
        'requests.cpu': sum((w) => parseCpuMillis(w.requests!.cpu!)),
        'requests.memory': sum((w) => parseMemoryBytes(w.requests!.memory!)),
        'limits.cpu': sum((w) => parseCpuMillis(w.limits!.cpu!)),
        'limits.memory': sum((w) => parseMemoryBytes(w.limits!.memory!)),
      },
      hard: {
        pods: Number(hard.pods),
        'requests.cpu': parseCpuMillis(hard['requests.cpu']),
        'requests.memory': parseMemoryBytes(hard['requests.memory']),
        'limits.cpu': parseCpuMillis(hard['limits.cpu']),
        'limits.memory': parseMemoryBytes(hard['limits.memory']),
      },
    };
  });
}

describe.each(STACKS)('Pulumi.%s.yaml', (stack) => {
  test('every tenant\'s warm pools fit its namespace ResourceQuota at peak', () => {
    const uses = quotaUse(stack);
    expect(uses.map((u) => u.namespace)).toStrictEqual(['agents-prod']);
    for (const u of uses) {
      for (const [key, used] of Object.entries(u.used)) {
        expect({ key, fits: used <= u.hard[key as keyof typeof u.hard] }).toStrictEqual({ key, fits: true });
      }
    }
  });

  test('egress to 0.0.0.0/0 keeps the private and shared ranges closed (the except list of config/example.ts)', () => {
    const rules = sandboxOf(stack).tenants.flatMap((t) => t.namespace?.egressAllowlist ?? []);
    const open = rules.filter((r) => r.cidrs.includes('0.0.0.0/0'));
    expect(open.length).toBeGreaterThan(0);
    for (const r of open) expect(r.except).toStrictEqual(PRIVATE_RANGES);
    // …and they reach the NetworkPolicy the program deploys.
    const rendered = renderPlatform(stack as Platform, validateConfig(sandboxOf(stack), 'sandbox'));
    const blocks = rendered.files
      .flatMap((f) => f.objects)
      .filter((o) => o.kind === 'NetworkPolicy')
      .flatMap((o) => ((o.spec as { egress?: { to?: { ipBlock?: { cidr: string; except?: string[] } }[] }[] }).egress ?? []).flatMap((e) => e.to ?? []))
      .map((t) => t.ipBlock)
      .filter((b) => b?.cidr === '0.0.0.0/0');
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b!.except).toEqual(expect.arrayContaining(PRIVATE_RANGES));
  });
});

test('Pulumi.gke-standard.yaml: 42Gi of memory requests (10 × 1Gi + 2 × 16Gi) under its raised quota of 48Gi', () => {
  const [u] = quotaUse('gke-standard');
  expect(u.used['requests.memory']).toBe(42 * 1024 ** 3);
  expect(u.hard['requests.memory']).toBe(48 * 1024 ** 3);
  expect(u.used['requests.cpu']).toBe(13_000);
});
