/**
 * RuntimeClass checks (`node.k8s.io/v1` RuntimeClass): a RuntimeClass that carries the name of a sandboxed runtime
 * of the platform table must really be that sandbox, and must not fight the platform over classes it owns.
 *
 *  - `handler`: a class named like a runtime whose CRI handler the table knows (`gvisor` → `runsc`) must use that
 *    handler; one named like a runtime the platform provides (AKS `kata-vm-isolation`) must at least not use a
 *    host-kernel runtime (runc, crun, youki). Otherwise sandbox pods pass every check (they name `gvisor`) and run
 *    on the host kernel.
 *  - with a platform: a platform-owned RuntimeClass (GKE `gvisor`, AKS `kata-vm-isolation`) must not be emitted
 *    (the platform's reconciler owns it), and a class we own that carries scheduling in the table (EKS `gvisor`:
 *    EKS_SANDBOX_NODE_LABEL / EKS_SANDBOX_NODE_TAINT) must select and tolerate the sandbox nodes, or sandbox pods can
 *    land on nodes without runsc and fail to start.
 * Facts come from platforms/platform.ts; nothing here is a second copy of them.
 */
import { HOST_KERNEL_HANDLERS, platformFacts, PLATFORMS, type Isolation, type Platform, type RuntimeFacts, type Toleration } from '../platforms';
import { joinPath, type Problem } from '../core/diagnostics';
import { showValue } from './sandbox/object';
import type { ObjectChecker } from './schema/validate-objects';

export { HOST_KERNEL_HANDLERS };

const ISOLATION_NAMES: Readonly<Record<Isolation, string>> = { gvisor: 'gVisor', kata: 'Kata' };

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface TableEntry {
  readonly platform: Platform;
  readonly isolation: Isolation;
  readonly facts: RuntimeFacts;
}

/** Table entries whose RuntimeClass is `name` (one platform under its settings, or every platform's defaults). */
function entriesNamed(name: string, platform?: Platform, platformSettings?: unknown): TableEntry[] {
  const out: TableEntry[] = [];
  for (const p of platform ? [platform] : PLATFORMS) {
    for (const [isolation, facts] of Object.entries(platformFacts(p, p === platform ? platformSettings : undefined).runtimes) as [Isolation, RuntimeFacts | undefined][]) {
      if (facts && facts.runtimeClassName === name) out.push({ platform: p, isolation, facts });
    }
  }
  return out;
}

/** Kubernetes `Toleration.ToleratesTaint`: empty effect/key match any; `Exists` matches any value. */
export function toleratesTaint(toleration: unknown, taint: Toleration): boolean {
  if (!isObj(toleration)) return false;
  const { key, operator, value, effect } = toleration;
  if (effect !== undefined && effect !== '' && effect !== taint.effect) return false;
  if (key !== undefined && key !== '' && key !== taint.key) return false;
  if (operator === 'Exists') return true;
  if (operator === undefined || operator === '' || operator === 'Equal') return (value ?? '') === (taint.value ?? '');
  return false;
}

function formatTaint(t: Toleration): string {
  return `{key: ${t.key}${t.value !== undefined ? `, value: ${t.value}` : ''}, effect: ${t.effect}}`;
}

export interface RuntimeClassCheckOptions {
  /**
   * Platform the manifests are for: platform-owned RuntimeClasses are refused and the scheduling of ours is checked.
   * @default undefined: only handlers are checked, against every platform's runtimes
   */
  readonly platform?: Platform;
  /** The platform's `platforms.<id>` settings (the generic `kubernetes` platform's RuntimeClass). @default - its defaults */
  readonly platformSettings?: unknown;
}

export type RuntimeClassProblem = Pick<Problem, 'path' | 'message'>;

/** The problems of one RuntimeClass object (any other object: none). Pure; never throws on malformed input. */
export function checkRuntimeClass(value: Obj, options: RuntimeClassCheckOptions = {}): RuntimeClassProblem[] {
  if (value.apiVersion !== 'node.k8s.io/v1' || value.kind !== 'RuntimeClass') return [];
  const name = isObj(value.metadata) ? value.metadata.name : undefined;
  if (typeof name !== 'string') return [];
  const platform = options.platform;
  const out: RuntimeClassProblem[] = [];

  const onPlatform = platform ? entriesNamed(name, platform, options.platformSettings) : [];
  for (const { facts } of onPlatform) {
    if (facts.owner === 'platform') {
      out.push({
        path: 'metadata.name',
        message: `RuntimeClass "${name}" is owned by ${platform}; re-declaring it fights the platform's reconciler: remove it (sandbox pods only reference it by runtimeClassName)`,
      });
    }
  }

  // Handler: the platform's entries when it has this runtime, else every platform's (the name claims a sandbox).
  const entries = onPlatform.length ? onPlatform : entriesNamed(name);
  const handler = value.handler;
  if (entries.length && typeof handler === 'string') {
    const expected = [...new Set(entries.map((e) => e.facts.handler).filter((h): h is string => h !== undefined))];
    const sandbox = [...new Set(entries.map((e) => ISOLATION_NAMES[e.isolation]))].join(' or ');
    if (expected.length && !expected.includes(handler)) {
      out.push({
        path: 'handler',
        message: `must be ${expected.map((h) => JSON.stringify(h)).join(' or ')} (RuntimeClass "${name}" promises the ${sandbox} sandbox; with another handler its pods run outside it, with runc on the host kernel), got ${showValue(handler)}`,
      });
    } else if (!expected.length && HOST_KERNEL_HANDLERS.includes(handler)) {
      out.push({
        path: 'handler',
        message: `must not be a host-kernel runtime (${HOST_KERNEL_HANDLERS.join(', ')}): RuntimeClass "${name}" promises the ${sandbox} sandbox and its pods would run on the host kernel, got ${showValue(handler)}`,
      });
    }
  }

  // Scheduling of a class we own that the table gives scheduling (EKS gvisor).
  for (const { facts } of onPlatform) {
    const scheduling = facts.owner === 'us' ? facts.runtimeClassScheduling : undefined;
    if (!scheduling) continue;
    const actual = isObj(value.scheduling) ? value.scheduling : {};
    const nodeSelector = isObj(actual.nodeSelector) ? actual.nodeSelector : {};
    const why = `${platform} has ${facts.handler ?? name} only on its sandbox nodes`;
    for (const [key, wanted] of Object.entries(scheduling.nodeSelector)) {
      if (nodeSelector[key] !== wanted) {
        out.push({
          path: joinPath('scheduling.nodeSelector', key),
          message: `must be ${JSON.stringify(wanted)} (${why}; without this selector "${name}" pods can land on other nodes and fail to start), got ${showValue(nodeSelector[key])}`,
        });
      }
    }
    for (const taint of scheduling.tolerations) {
      const tolerations = Array.isArray(actual.tolerations) ? actual.tolerations : [];
      if (!tolerations.some((t) => toleratesTaint(t, taint))) {
        out.push({
          path: 'scheduling.tolerations',
          message: `must tolerate the sandbox node taint ${formatTaint(taint)} (${why}, which carry this taint; without the toleration "${name}" pods cannot be scheduled there), got ${showValue(actual.tolerations)}`,
        });
      }
    }
  }
  return out;
}

/** An `ObjectChecker` for `node.k8s.io/v1` RuntimeClass objects; other objects yield nothing. */
export function createRuntimeClassChecker(options: RuntimeClassCheckOptions = {}): ObjectChecker {
  return (value, object) => checkRuntimeClass(value, options).map((p) => ({ object, ...p, severity: 'error' as const, code: 'runtimeClass' }));
}
