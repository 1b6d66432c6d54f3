/**
 * GKE custom ComputeClasses: the sandbox config's `platforms.gke-*.computeClass` (every problem at once, at its
 * config path), the object we build from it per platform, and the schema that object must pass (the CRD's own rules
 * for the fields we emit: GoogleCloudPlatform/compute-class-api, read by hand; no CRD can be pinned here).
 */
import { computeClassProblems, gkeComputeClass, type ComputeClass } from '../../../platforms/gke/compute-class';
import { platformFacts } from '../../../platforms';
import { formatProblem } from '../../../core/diagnostics';
import { configProblems } from '../../support/problems';

const problems = (raw: unknown): readonly string[] => configProblems(raw);
const on = (platform: string, computeClass: unknown) => ({ platforms: { [platform]: { computeClass } } });
const CLASS = { name: 'agent-sandbox', priorities: [{ machineFamily: 'n4', minCores: 4 }, { machineType: 'n2-standard-8', spot: true }] };

describe('platforms.gke-*.computeClass in the sandbox config', () => {
  test.each(['gke-autopilot', 'gke-standard'])('a class with two priorities is valid on %s', (platform) => {
    expect(problems(on(platform, CLASS))).toStrictEqual([]);
  });

  test('every problem of the class, each at its field, in one report', () => {
    expect(
      problems(
        on('gke-standard', {
          name: 'Agent_Sandbox',
          priorities: [{ machineFamily: 'n4', machineType: 'n4-standard-8' }, { machineType: 'c4-standard-4', minCores: 2 }, {}, { machineFamily: 'N4' }, { minCores: -1, gpu: 1 }],
          whenUnsatisfiable: 'Maybe',
          nodePoolAutoCreation: 'yes',
        }),
      ),
    ).toStrictEqual([
      'platforms["gke-standard"].computeClass.name: must be a lowercase DNS label (at most 63 letters, digits and "-"; it is also the value of the cloud.google.com/compute-class node label), got "Agent_Sandbox"',
      'platforms["gke-standard"].computeClass.priorities[0].machineType: cannot be set together with machineFamily (got machineFamily "n4" and machineType "n4-standard-8"); keep one',
      'platforms["gke-standard"].computeClass.priorities[1].machineType: cannot be set together with minCores or minMemoryGb (a machine type fixes both); use machineFamily with minCores/minMemoryGb, or machineType alone',
      'platforms["gke-standard"].computeClass.priorities[2]: must set at least one of machineFamily, machineType, minCores, minMemoryGb, spot',
      'platforms["gke-standard"].computeClass.priorities[3].machineFamily: must be a Compute Engine machine family like "n4", "c4a" or "n2d" (lowercase letters and digits), got "N4"',
      'platforms["gke-standard"].computeClass.priorities[4].minCores: must be ≥ 0, got -1',
      'platforms["gke-standard"].computeClass.priorities[4].gpu: unknown field "gpu"',
      'platforms["gke-standard"].computeClass.nodePoolAutoCreation: must be boolean, got "yes"',
      'platforms["gke-standard"].computeClass.whenUnsatisfiable: must be one of "DoNotScaleUp", "ScaleUpAnyway", got "Maybe"',
    ]);
  });

  test.each([
    ['default', 'GKE applies a class named "default" to every pod that selects no class, not only sandbox pods'],
    ['autopilot-spot', 'Autopilot clusters have a GKE-owned ComputeClass of that name'],
  ])('the GKE-owned name %s is refused with the reason', (name, reason) => {
    expect(problems(on('gke-autopilot', { ...CLASS, name }))).toStrictEqual([
      `platforms["gke-autopilot"].computeClass.name: must not be "${name}": ${reason}; choose a name of your own, e.g. "agent-sandbox"`,
    ]);
  });

  test('no priorities, and a class on Autopilot that turns node pool auto-creation off', () => {
    expect(problems(on('gke-standard', { name: 'x', priorities: [] }))).toStrictEqual([
      'platforms["gke-standard"].computeClass.priorities: must be at least 1 items, got 0 items',
    ]);
    expect(problems(on('gke-autopilot', { ...CLASS, nodePoolAutoCreation: false }))).toStrictEqual([
      'platforms.gke-autopilot.computeClass.nodePoolAutoCreation: must not be false on gke-autopilot: Autopilot always creates the nodes for a class ' +
        '(there are no node pools of your own for the class to fall back to); remove nodePoolAutoCreation',
    ]);
  });
});

describe('the ComputeClass object', () => {
  test('Standard: node pool auto-creation for gVisor pools (nodePoolConfig.sandbox.type gvisor), DoNotScaleUp by default', () => {
    expect(gkeComputeClass('gke-standard', CLASS)).toStrictEqual({
      apiVersion: 'cloud.google.com/v1',
      kind: 'ComputeClass',
      metadata: { name: 'agent-sandbox', labels: { 'app.kubernetes.io/managed-by': 'agent-sandbox-infra' } },
      spec: {
        priorities: [{ machineFamily: 'n4', minCores: 4 }, { machineType: 'n2-standard-8', spot: true }],
        nodePoolAutoCreation: { enabled: true },
        whenUnsatisfiable: 'DoNotScaleUp',
        nodePoolConfig: { sandbox: { type: 'gvisor' } },
      },
    });
    expect(gkeComputeClass('gke-standard', { ...CLASS, nodePoolAutoCreation: false, whenUnsatisfiable: 'ScaleUpAnyway' }).spec).toMatchObject({
      nodePoolAutoCreation: { enabled: false },
      whenUnsatisfiable: 'ScaleUpAnyway',
    });
  });

  test('Autopilot: GKE creates the nodes and runs gvisor pods on gVisor nodes itself, so no nodePoolConfig', () => {
    const spec = gkeComputeClass('gke-autopilot', { ...CLASS, description: 'sandbox nodes' }).spec;
    expect(spec).toStrictEqual({
      description: 'sandbox nodes',
      priorities: CLASS.priorities,
      nodePoolAutoCreation: { enabled: true },
      whenUnsatisfiable: 'DoNotScaleUp',
    });
  });

  test('the schema refuses what the CRD refuses (all problems listed), and accepts what we build', () => {
    expect(computeClassProblems(gkeComputeClass('gke-standard', CLASS))).toStrictEqual([]);
    const bad = {
      apiVersion: 'cloud.google.com/v1beta1',
      kind: 'ComputeClass',
      metadata: { name: 'x' },
      spec: {
        priorities: [{ machineFamily: 'ek' }],
        nodePoolAutoCreation: { enabled: true },
        nodePoolConfig: { sandbox: { type: 'kata' } },
        autopilot: { enabled: true },
      },
    } as unknown as ComputeClass;
    expect(computeClassProblems(bad).every((p) => p.code === 'schema' && p.severity === 'error')).toBe(true);
    expect(computeClassProblems(bad).map(formatProblem)).toStrictEqual([
      'apiVersion: must be one of "cloud.google.com/v1", got "cloud.google.com/v1beta1"',
      'spec.priorities[0].machineFamily: the "ek" family is reserved by GKE (the CRD refuses it)',
      'spec.whenUnsatisfiable: must be one of "DoNotScaleUp", "ScaleUpAnyway", got nothing',
      'spec.nodePoolConfig.sandbox.type: must be one of "gvisor", got "kata"',
      'spec.autopilot: unknown field "autopilot"',
    ]);
  });
});

describe('pod placement under the settings', () => {
  test('with a class, gvisor pods select it and tolerate its taint besides GKE Sandbox\'s own', () => {
    const gvisor = platformFacts('gke-standard', { computeClass: CLASS }).runtimes.gvisor!;
    expect(gvisor.podPlacement).toStrictEqual({
      nodeSelector: { 'sandbox.gke.io/runtime': 'gvisor', 'cloud.google.com/compute-class': 'agent-sandbox' },
      tolerations: [
        { key: 'sandbox.gke.io/runtime', operator: 'Equal', value: 'gvisor', effect: 'NoSchedule' },
        { key: 'cloud.google.com/compute-class', operator: 'Equal', value: 'agent-sandbox', effect: 'NoSchedule' },
      ],
    });
  });

  test('without one, the placement is GKE Sandbox\'s alone', () => {
    expect(platformFacts('gke-autopilot', {}).runtimes.gvisor!.podPlacement.nodeSelector).toStrictEqual({ 'sandbox.gke.io/runtime': 'gvisor' });
  });
});
