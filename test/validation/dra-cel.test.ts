/** `validate`'s DRA CEL check on hand-written manifests (validation/dra-cel.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dump } from 'js-yaml';
import { draCelChecker, draCelSelectors } from '../../validation/dra-cel';
import { runCli } from '../support/cli';

const cel = (expression: string) => ({ cel: { expression } });
const deviceClass = (...expressions: string[]) => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'DeviceClass',
  metadata: { name: 'gpu' },
  spec: { selectors: expressions.map(cel) },
});
const claimTemplate = {
  apiVersion: 'resource.k8s.io/v1',
  kind: 'ResourceClaimTemplate',
  metadata: { name: 'gpu', namespace: 'team' },
  spec: {
    spec: {
      devices: {
        requests: [
          { name: 'one', exactly: { deviceClassName: 'gpu', selectors: [cel('device.driver == "gpu.nvidia.com"')] } },
          {
            name: 'two',
            firstAvailable: [
              { name: 'big', deviceClassName: 'gpu', selectors: [cel('device.capacity["gpu.nvidia.com"].memory.compareTo(quantity("40Gi")) >= 0')] },
              { name: 'small', deviceClassName: 'gpu', selectors: [cel('device.attribute["gpu.nvidia.com"].model == "L4"')] },
            ],
          },
        ],
      },
    },
  },
};

describe('draCelSelectors: where the selectors are', () => {
  test('DeviceClass, ResourceClaimTemplate (exactly, firstAvailable), ResourceClaim, and v1beta1 requests', () => {
    expect(draCelSelectors(deviceClass('a', 'b')).map(([p]) => p)).toStrictEqual(['spec.selectors[0].cel.expression', 'spec.selectors[1].cel.expression']);
    expect(draCelSelectors(claimTemplate).map(([p]) => p)).toStrictEqual([
      'spec.spec.devices.requests[0].exactly.selectors[0].cel.expression',
      'spec.spec.devices.requests[1].firstAvailable[0].selectors[0].cel.expression',
      'spec.spec.devices.requests[1].firstAvailable[1].selectors[0].cel.expression',
    ]);
    const beta = { apiVersion: 'resource.k8s.io/v1beta1', kind: 'ResourceClaim', metadata: { name: 'c' }, spec: { devices: { requests: [{ name: 'r', deviceClassName: 'gpu', selectors: [cel('x')] }] } } };
    expect(draCelSelectors(beta)).toStrictEqual([['spec.devices.requests[0].selectors[0].cel.expression', 'x']]);
    expect(draCelSelectors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { selectors: 'device.driver' } })).toStrictEqual([]);
  });

  test('a correct selector passes; each mistake is one problem with its path', () => {
    expect(draCelChecker(deviceClass('device.driver == "gpu.nvidia.com"', 'device.attributes["gpu.nvidia.com"].model == "H100"'), 'DeviceClass gpu')).toStrictEqual([]);
    expect(draCelChecker(deviceClass('device.attributes["gpu.nvidia.com/model"] == "H100"', 'device.driver', 'device.driver =='), 'DeviceClass gpu')).toStrictEqual([
      {
        object: 'DeviceClass gpu',
        code: 'celSelector',
        path: 'spec.selectors[0].cel.expression',
        message: 'device.attributes["gpu.nvidia.com/model"] never matches: device.attributes is keyed by domain, then by name; write device.attributes["gpu.nvidia.com"].model (at 1:18)',
        severity: 'error',
      },
      {
        object: 'DeviceClass gpu',
        code: 'celSelector',
        path: 'spec.selectors[1].cel.expression',
        message: 'must evaluate to bool (true when the device fits), got string (nvidia-h100-0, nvidia-a100-1, cpu-0); e.g. write device.driver == "gpu.nvidia.com", not device.driver',
        severity: 'error',
      },
      { object: 'DeviceClass gpu', code: 'celSelector', path: 'spec.selectors[2].cel.expression', message: expect.stringMatching(/^syntax error/), severity: 'error' },
    ]);
  });
});

test('agent-sandbox-infra validate reports a hand-written selector mistake, one line per problem, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asi-dra-cel-'));
  try {
    const file = join(dir, 'dra.yaml');
    writeFileSync(file, [deviceClass('device.driver == "gpu.nvidia.com"'), claimTemplate].map((o) => dump(o)).join('---\n'));
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toStrictEqual([
      `${relative(process.cwd(), file)}: ResourceClaimTemplate team/gpu: spec.spec.devices.requests[1].firstAvailable[1].selectors[0].cel.expression: unknown field device.attribute; known: driver, attributes, capacity, allowMultipleAllocations (at 1:7)`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
