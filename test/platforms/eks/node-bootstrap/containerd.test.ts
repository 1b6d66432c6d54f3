import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify as stringifyToml } from 'smol-toml';
import {
  CONTAINERD_CONFIG_LAYOUTS,
  containerdConfigLayout,
  runscContainerdConfigToml,
} from '../../../../platforms/eks/node-bootstrap';
import { at, deepMerge, eksAmiFile, errorOf, Table, tempDir, toml } from '../../../support/eks';
import { command, realComponentsPresent } from '../../../support/real-components';

const V3_RUNTIMES = ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes'];
const V2_RUNTIMES = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes'];

describe('runsc containerd config, containerd 2.x (default)', () => {
  const text = runscContainerdConfigToml();

  test('is version 3 with the runtime under io.containerd.cri.v1.runtime, and nothing else', () => {
    expect(text).toBe(
      'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]\nruntime_type = "io.containerd.runsc.v1"\n',
    );
    expect(toml(text)).toEqual({
      version: 3,
      plugins: { 'io.containerd.cri.v1.runtime': { containerd: { runtimes: { runsc: { runtime_type: 'io.containerd.runsc.v1' } } } } },
    });
  });

  test('never mentions the containerd 1.x CRI plugin (ignored by containerd 2.x)', () => {
    expect(text).not.toContain('io.containerd.grpc.v1.cri');
    expect(runscContainerdConfigToml({ containerdMajorVersion: 2 })).toBe(text);
  });

  test.each([
    ['containerdv2-config/expected-containerd-configv3.toml', 'runc'],
    ['containerdv2-runtime-config-nvidia/expected-containerd-configv3.toml', 'nvidia'],
  ])('merged as nodeadm does into %s: runsc added, %s stays the default, other runtimes untouched', (file, defaultRuntime) => {
    const base = toml(eksAmiFile(`nodeadm-e2e/${file}`));
    // Round-trip through TOML text, as nodeadm writes the merged file.
    const merged = toml(stringifyToml(deepMerge(base, toml(text))));

    expect(merged.version).toBe(3);
    expect(at(merged, ...V3_RUNTIMES, 'runsc')).toEqual({ runtime_type: 'io.containerd.runsc.v1' });
    expect(at(merged, 'plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'default_runtime_name')).toBe(defaultRuntime);
    const baseRuntimes = at(base, ...V3_RUNTIMES) as Table;
    for (const name of Object.keys(baseRuntimes)) {
      expect(at(merged, ...V3_RUNTIMES, name)).toEqual(baseRuntimes[name]);
    }
    expect(Object.keys(at(merged, ...V3_RUNTIMES) as Table).sort()).toEqual([...Object.keys(baseRuntimes), 'runsc'].sort());
    // Everything outside the runtimes map is the base, unchanged.
    const strip = (c: Table) => {
      const copy = structuredClone(c);
      delete (at(copy, 'plugins', 'io.containerd.cri.v1.runtime', 'containerd') as Table).runtimes;
      return copy;
    };
    expect(strip(merged)).toEqual(strip(base));
    expect(merged.plugins).not.toHaveProperty(['io.containerd.grpc.v1.cri']);
  });

  test('the nvidia base really has nvidia as default runtime (the merge test above can fail)', () => {
    const nvidia = toml(eksAmiFile('nodeadm-e2e/containerdv2-runtime-config-nvidia/expected-containerd-configv3.toml'));
    expect(at(nvidia, ...V3_RUNTIMES, 'nvidia', 'options', 'BinaryName')).toBe('/usr/bin/nvidia-container-runtime');
  });
});

describe('runsc containerd config, containerd 1.7 (explicit)', () => {
  const text = runscContainerdConfigToml({ containerdMajorVersion: 1 });

  test('is version 2 with the runtime under io.containerd.grpc.v1.cri', () => {
    expect(text).toBe(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]\nruntime_type = "io.containerd.runsc.v1"\n',
    );
    expect(text).not.toContain('io.containerd.cri.v1.runtime');
  });

  test('version and plugin path come from one row, so they cannot be mixed', () => {
    expect(CONTAINERD_CONFIG_LAYOUTS).toEqual({
      2: { configVersion: 3, criRuntimePlugin: 'io.containerd.cri.v1.runtime' },
      1: { configVersion: 2, criRuntimePlugin: 'io.containerd.grpc.v1.cri' },
    });
    expect(errorOf(() => containerdConfigLayout({ containerdMajorVersion: 3 as never })).message).toBe(
      'containerdMajorVersion: 3 is not a supported containerd major version; use 2 (containerd 2.x, AL2023, the default) or 1 (containerd 1.7)',
    );
  });

  const base = () => toml(eksAmiFile('nodeadm-e2e/containerdv1-config/expected-containerd-config.toml'));
  const merged = () => deepMerge(base(), toml(text));

  test('merged into nodeadm\'s containerd 1.7 config: runsc added, runc default and runtime unchanged', () => {
    const m = merged();
    expect(m.version).toBe(2);
    expect(at(m, ...V2_RUNTIMES, 'runsc', 'runtime_type')).toBe('io.containerd.runsc.v1');
    expect(at(m, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'default_runtime_name')).toBe('runc');
    expect(at(m, ...V2_RUNTIMES, 'runc')).toEqual(at(base(), ...V2_RUNTIMES, 'runc'));
  });

  const containerdCommand = command('containerd', 'apt-get install -y containerd', ['/usr/bin/containerd']);
  const containerd = containerdCommand.path;
  const present = realComponentsPresent('`containerd --config F config dump` (test/platforms/eks/node-bootstrap/containerd.test.ts)', [containerdCommand.missing]);
  (present ? test : test.skip)('the merged file parses with a real containerd (`config dump`)', () => {
    const dir = tempDir('eks-containerd-');
    try {
      const file = path.join(dir, 'config.toml');
      fs.writeFileSync(file, stringifyToml(merged()));
      const r = spawnSync(containerd as string, ['--config', file, 'config', 'dump'], { encoding: 'utf8' });
      expect(r.stderr).not.toMatch(/level=(error|fatal)/);
      expect(r.status).toBe(0);
      const dumped = toml(r.stdout);
      expect(at(dumped, ...V2_RUNTIMES, 'runsc', 'runtime_type')).toBe('io.containerd.runsc.v1');
      expect(at(dumped, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'default_runtime_name')).toBe('runc');
      expect(at(dumped, ...V2_RUNTIMES, 'runc', 'runtime_type')).toBe('io.containerd.runc.v2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
