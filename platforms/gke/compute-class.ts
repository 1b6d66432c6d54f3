/**
 * GKE custom ComputeClasses (`cloud.google.com/v1` `ComputeClass`) for sandbox pods: the machine shapes GKE picks
 * when it adds nodes for warm pools, in the order of `priorities`, without hand-made node pools. Pods select the
 * class with the `cloud.google.com/compute-class` nodeSelector; GKE labels the nodes it creates for the class with it.
 *
 * Configured in the sandbox config as `platforms.gke-autopilot.computeClass` / `platforms.gke-standard.computeClass`.
 * On Autopilot GKE always creates the nodes (and runs gVisor pods on gVisor nodes by itself). On Standard the class
 * turns on node pool auto-creation for itself and asks for gVisor pools (`nodePoolConfig.sandbox.type: gvisor`);
 * the stack's own sandbox pool joins the class with its label and taint.
 *
 * No CRD of ComputeClass can be pinned here (GKE installs it; its source module is not served by the Go module
 * proxy), so the object is checked with the zod schema below, written from Google's reference page and compared by
 * hand with the CRD in GoogleCloudPlatform/compute-class-api (platforms/gke/facts.ts: gke.compute-classes,
 * gke.compute-class-crd). Only the fields we emit are modelled; an unknown field is an error.
 */
import type { GkeComputeClassSettings } from './settings-model';
import { z } from 'zod';
import { issueProblems } from '../../core/zod-issues';
import { problemAt, type Problem } from '../../core/diagnostics';

export const COMPUTE_CLASS_API_VERSION = 'cloud.google.com/v1';
export const COMPUTE_CLASS_KIND = 'ComputeClass';
/** The node label (and, on nodes GKE creates for a class, the taint key) that ties pods and nodes to a class. */
export const COMPUTE_CLASS_LABEL = 'cloud.google.com/compute-class';
export const COMPUTE_CLASS_SOURCE = 'https://docs.cloud.google.com/kubernetes-engine/docs/reference/crds/computeclass';
/** The GKE version that introduced custom ComputeClasses (Autopilot and Standard). */
export const COMPUTE_CLASS_MIN_GKE_VERSION = '1.30.3-gke.1451000';

/**
 * Names GKE itself gives meaning to: `default` applies to every pod that selects no class (the CRD's own
 * description), and Autopilot clusters ship `autopilot`, `autopilot-spot` and `autopilot-arm` ComputeClass objects
 * (GKE reconciles them; ours would fight it).
 */
const RESERVED_NAMES: Readonly<Record<string, string>> = {
  default: 'GKE applies a class named "default" to every pod that selects no class, not only sandbox pods',
  autopilot: 'Autopilot clusters have a GKE-owned ComputeClass of that name',
  'autopilot-spot': 'Autopilot clusters have a GKE-owned ComputeClass of that name',
  'autopilot-arm': 'Autopilot clusters have a GKE-owned ComputeClass of that name',
};

// ---------------------------------------------------------------------------------------------------------------
// The ComputeClass object we emit (reference page fields; limits and rules as the CRD has them).

/** CRD: machineFamily maxLength 10; families are lowercase letters and digits (n4, c4a, n2d, t2a). */
const machineFamily = z.string().max(10).regex(/^[a-z][a-z0-9]*$/, 'must be a Compute Engine machine family like "n4", "c4a" or "n2d" (lowercase letters and digits)');
/** CRD: machineType maxLength 100; types are `<family>-<shape>[-<size>]` (n4-standard-8, c4a-highmem-16). */
const machineType = z.string().max(100).regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/, 'must be a Compute Engine machine type like "n4-standard-8"');

const priority = z
  .object({
    machineFamily,
    machineType,
    /** CRD: minimum 0. */
    minCores: z.int().min(0),
    /** CRD: minimum 0. */
    minMemoryGb: z.int().min(0),
    spot: z.boolean(),
  })
  .partial()
  .strict()
  .superRefine((p, ctx) => {
    // The CRD's own rules (x-kubernetes-validations on priorities[] and minProperties: 1).
    if (Object.keys(p).length === 0) ctx.addIssue({ code: 'custom', message: 'must set at least one of machineFamily, machineType, minCores, minMemoryGb, spot' });
    if (p.machineFamily !== undefined && p.machineType !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['machineType'], message: `cannot be set together with machineFamily (got machineFamily "${p.machineFamily}" and machineType "${p.machineType}"); keep one` });
    }
    if (p.machineType !== undefined && (p.minCores !== undefined || p.minMemoryGb !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['machineType'], message: 'cannot be set together with minCores or minMemoryGb (a machine type fixes both); use machineFamily with minCores/minMemoryGb, or machineType alone' });
    }
    if (p.machineFamily === 'ek' || p.machineType?.startsWith('ek')) {
      ctx.addIssue({ code: 'custom', path: [p.machineFamily === 'ek' ? 'machineFamily' : 'machineType'], message: 'the "ek" family is reserved by GKE (the CRD refuses it)' });
    }
  });

const labelName = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label (at most 63 letters, digits and "-"; it is also the value of the cloud.google.com/compute-class node label)');

export const computeClassSchema = z
  .object({
    apiVersion: z.literal(COMPUTE_CLASS_API_VERSION),
    kind: z.literal(COMPUTE_CLASS_KIND),
    metadata: z.object({ name: labelName, labels: z.record(z.string(), z.string()).optional() }).strict(),
    spec: z
      .object({
        description: z.string().optional(),
        /** CRD: maxItems 1000; at least one here (a class without priorities picks nothing for the sandboxes). */
        priorities: z.array(priority).min(1).max(1000),
        nodePoolAutoCreation: z.object({ enabled: z.boolean() }).strict(),
        /** CRD: required, enum, default DoNotScaleUp. */
        whenUnsatisfiable: z.enum(['DoNotScaleUp', 'ScaleUpAnyway']),
        nodePoolConfig: z.object({ sandbox: z.object({ type: z.enum(['gvisor']) }).strict() }).strict().optional(),
      })
      .strict(),
  })
  .strict();

export type ComputeClass = z.infer<typeof computeClassSchema>;
export type ComputeClassPriority = z.infer<typeof priority>;

/** Every problem of a ComputeClass object (paths in the object: `spec.priorities[0].machineType`), or none. */
export function computeClassProblems(object: unknown): Problem[] {
  const parsed = computeClassSchema.safeParse(object, { reportInput: true });
  return parsed.success ? [] : issueProblems(parsed.error.issues);
}

// ---------------------------------------------------------------------------------------------------------------
// The sandbox config's `platforms.gke-*.computeClass`.

export const computeClassSettingsSchema = z
  .object({
    /** The ComputeClass's name, which sandbox pods select. */
    name: labelName.superRefine((name, ctx) => {
      const reserved = RESERVED_NAMES[name];
      if (reserved) ctx.addIssue({ code: 'custom', message: `must not be "${name}": ${reserved}; choose a name of your own, e.g. "agent-sandbox"` });
    }),
    /** Machine shapes in order of preference: GKE tries the first, then the next. */
    priorities: z.array(priority).min(1).max(1000),
    /**
     * GKE Standard: GKE creates node pools for the class (gVisor pools, from the priorities). Autopilot always
     * creates its nodes: `false` is refused there. @default true
     */
    nodePoolAutoCreation: z.boolean().optional(),
    /** What GKE does when no priority can be met: leave pods pending, or create nodes of its default shape. @default DoNotScaleUp */
    whenUnsatisfiable: z.enum(['DoNotScaleUp', 'ScaleUpAnyway']).optional(),
    description: z.string().max(1024).optional(),
  })
  .strict();

export type ComputeClassSettings = z.infer<typeof computeClassSettingsSchema>;

/** Problems the schema cannot see: what the platform allows (`computeClass.<field>: …`). */
export function computeClassSettingsProblems(platform: string, settings: { readonly nodePoolAutoCreation?: boolean }): Problem[] {
  if (platform === 'gke-autopilot' && settings.nodePoolAutoCreation === false) {
    return [
      problemAt(
        'computeClass.nodePoolAutoCreation',
        'must not be false on gke-autopilot: Autopilot always creates the nodes for a class ' +
          '(there are no node pools of your own for the class to fall back to); remove nodePoolAutoCreation',
        'gkeSettings',
      ),
    ];
  }
  return [];
}

/**
 * The ComputeClass for the sandbox pods of a GKE platform. Standard: node pool auto-creation (unless turned off) and
 * gVisor pools (`nodePoolConfig.sandbox.type: gvisor`, so nodes GKE creates for the class run GKE Sandbox). Autopilot:
 * GKE places `runtimeClassName: gvisor` pods on gVisor nodes itself, so the class carries no sandbox setting there.
 */
export function gkeComputeClass(platform: 'gke-autopilot' | 'gke-standard', settings: GkeComputeClassSettings): ComputeClass {
  const standard = platform === 'gke-standard';
  return {
    apiVersion: COMPUTE_CLASS_API_VERSION,
    kind: COMPUTE_CLASS_KIND,
    metadata: { name: settings.name, labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
    spec: {
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      priorities: settings.priorities.map((p) => ({ ...p })),
      nodePoolAutoCreation: { enabled: standard ? settings.nodePoolAutoCreation !== false : true },
      whenUnsatisfiable: settings.whenUnsatisfiable ?? 'DoNotScaleUp',
      ...(standard ? { nodePoolConfig: { sandbox: { type: 'gvisor' as const } } } : {}),
    },
  };
}
