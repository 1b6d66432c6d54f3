import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify as stringifyToml } from 'smol-toml';
import {
  CONTAINERD_CONFIG_LAYOUTS,
  containerdConfigLayout,
  RUNSC_CONFIG_PATH,
  runscConfigToml,
  runscContainerdConfigToml,
} from '../../../../platforms/eks/node-bootstrap';
import { at, deepMerge, eksAmiFile, errorOf, Table, tempDir, toml, describeWithEksReference } from '../../../support/eks';
import { command, findCommand, realComponentsPresent } from '../../../support/real-components';

// nodeadm's reference data (../shared/upstream/amazon-eks-ami) or one SKIPPED line: it has no pinned public source.
const describeRef = describeWithEksReference('nodeadm reference data (test/platforms/eks/node-bootstrap/containerd.test.ts)');

const V3_RUNTIMES = ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes'];
const V2_RUNTIMES = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes'];
/** The runsc runtime entry: the shim reads runsc's flags from the file ConfigPath names (gVisor containerd guide). */
const RUNSC_RUNTIME = {
  runtime_type: 'io.containerd.runsc.v1',
  options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' },
};

describeRef('runsc containerd config, containerd 2.x (default)', () => {
  const text = runscContainerdConfigToml();

  test('is version 3 with the runtime (and its runsc config file) under io.containerd.cri.v1.runtime, and nothing else', () => {
    expect(text).toBe(
      'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]\nruntime_type = "io.containerd.runsc.v1"\n\n' +
        '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc.options]\nTypeUrl = "io.containerd.runsc.v1.options"\n' +
        'ConfigPath = "/etc/containerd/runsc.toml"\n',
    );
    expect(toml(text)).toEqual({ version: 3, plugins: { 'io.containerd.cri.v1.runtime': { containerd: { runtimes: { runsc: RUNSC_RUNTIME } } } } });
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
    expect(at(merged, ...V3_RUNTIMES, 'runsc')).toEqual(RUNSC_RUNTIME);
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

describeRef('runsc containerd config, containerd 1.7 (explicit)', () => {
  const text = runscContainerdConfigToml({ containerdMajorVersion: 1 });

  test('is version 2 with the runtime under io.containerd.grpc.v1.cri', () => {
    expect(toml(text)).toEqual({ version: 2, plugins: { 'io.containerd.grpc.v1.cri': { containerd: { runtimes: { runsc: RUNSC_RUNTIME } } } } });
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
      expect(at(dumped, ...V2_RUNTIMES, 'runsc', 'options')).toEqual(RUNSC_RUNTIME.options);
      expect(at(dumped, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'default_runtime_name')).toBe('runc');
      expect(at(dumped, ...V2_RUNTIMES, 'runc', 'runtime_type')).toBe('io.containerd.runc.v2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeRef('the runsc config file the shim reads', () => {
  test('sets the systemd cgroup driver that kubelet uses on AL2023 (and nvproxy only for GPU nodes)', () => {
    expect(RUNSC_CONFIG_PATH).toBe(RUNSC_RUNTIME.options.ConfigPath);
    expect(runscConfigToml()).toBe('[runsc_config]\nsystemd-cgroup = "true"\n');
    expect(toml(runscConfigToml({ nvproxy: true }))).toEqual({ runsc_config: { 'systemd-cgroup': 'true', nvproxy: 'true' } });
  });

  test("matches kubelet's cgroup driver in nodeadm's kubelet config (systemd) and runc's SystemdCgroup in the base config", () => {
    const base = toml(eksAmiFile('nodeadm-e2e/containerdv2-config/expected-containerd-configv3.toml'));
    expect(at(base, ...V3_RUNTIMES, 'runc', 'options', 'SystemdCgroup')).toBe(true);
    expect(toml(runscConfigToml()).runsc_config).toHaveProperty(['systemd-cgroup'], 'true');
  });

  const runsc = findCommand('runsc', ['/usr/bin/runsc']);
  (runsc ? test : test.skip)('every key is a flag the real runsc accepts (the shim passes them as --<key>=<value>)', () => {
    const flags = toml(runscConfigToml()).runsc_config as Table;
    const args = Object.entries(flags).map(([k, v]) => `--${k}=${String(v)}`);
    const ok = spawnSync(runsc as string, [...args, 'help'], { encoding: 'utf8' });
    expect(ok.stderr).not.toMatch(/flag provided but not defined/);
    expect(ok.status).toBe(0);
    const bad = spawnSync(runsc as string, ['--systemd-cgroups=true', 'help'], { encoding: 'utf8' });
    expect(bad.stderr).toMatch(/flag provided but not defined/);
  });
});
