import { gpuCountFor, GKE_SANDBOX_GPUS, GKE_SANDBOX_GPU_TYPES, gpuMachineProblems } from '../../../platforms/gke/gpu';
import { nodeServiceAccountId } from '../../../platforms/gke/node-service-account';
import { versionAtLeast, versionBelow } from '../../../platforms/gke/versions';

describe('GPU table', () => {
  test('friendly names map to Compute Engine accelerator types', () => {
    expect(Object.fromEntries(GKE_SANDBOX_GPU_TYPES.map((t) => [t, GKE_SANDBOX_GPUS[t].acceleratorType]))).toEqual({
      t4: 'nvidia-tesla-t4',
      a100: 'nvidia-tesla-a100',
      'a100-80gb': 'nvidia-a100-80gb',
      l4: 'nvidia-l4',
      'h100-80gb': 'nvidia-h100-80gb',
    });
  });

  test('every default machine type fits its own GPU', () => {
    for (const t of GKE_SANDBOX_GPU_TYPES) expect(gpuMachineProblems(t, GKE_SANDBOX_GPUS[t].defaultMachineType, undefined)).toEqual([]);
  });

  test('the GPU count follows accelerator-optimized machine types', () => {
    expect(gpuCountFor('h100-80gb', 'a3-highgpu-8g', undefined)).toBe(8);
    expect(gpuCountFor('a100', 'a2-megagpu-16g', undefined)).toBe(16);
    expect(gpuCountFor('l4', 'g2-standard-48', undefined)).toBe(4);
    expect(gpuCountFor('t4', 'n1-standard-8', undefined)).toBe(1);
    expect(gpuCountFor('t4', 'n1-standard-8', 2)).toBe(2);
  });
});

describe('versionBelow', () => {
  test.each([
    ['1.35.1-gke.99', true],
    ['1.35.2-gke.1268999', true],
    ['1.35.2-gke.1269000', false],
    ['1.36.0-gke.1', false],
    ['1.34', true],
    ['1.35.1', true],
    ['1.35', false], // may resolve to a new enough patch: undecidable, not an error
    ['1.35.2', false],
    ['1.36', false],
    ['latest', false],
  ])('%s below 1.35.2-gke.1269000: %s', (v, below) => {
    expect(versionBelow(v, '1.35.2-gke.1269000')).toBe(below);
  });
});

describe('versionAtLeast (a pin guarantees a version only if every version it can stand for is at least that)', () => {
  test.each([
    ['1.36.3-gke.1767000', true],
    ['1.36.3-gke.1766999', false],
    ['1.36.4-gke.1', true],
    ['1.37', true], // lowest: 1.37.0-gke.0
    ['1.36.4', true],
    ['1.36.3', false], // may be 1.36.3-gke.1
    ['1.36', false],
    ['2.0', true],
    ['latest', false], // pins nothing
    ['nonsense', false],
  ])('%s ≥ 1.36.3-gke.1767000: %s', (v, atLeast) => {
    expect(versionAtLeast(v, '1.36.3-gke.1767000')).toBe(atLeast);
  });
});

describe('nodeServiceAccountId', () => {
  test.each(['agents', 'Agents_Prod.EU', '123-sandbox', 'a', 'a-very-long-component-name-that-goes-on-and-on', '---'])('%s → a valid account id', (name) => {
    const id = nodeServiceAccountId(name, 'prod');
    expect(id).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
  });

  test('is stable and differs between stacks', () => {
    expect(nodeServiceAccountId('agents', 'prod')).toBe(nodeServiceAccountId('agents', 'prod'));
    expect(nodeServiceAccountId('agents', 'prod')).not.toBe(nodeServiceAccountId('agents', 'dev'));
    expect(nodeServiceAccountId('agents', 'prod')).toMatch(/^agents-[0-9a-f]{6}$/);
  });
});
