/**
 * The AMI → containerd table, and both directions against nodeadm's real base configs and e2e inputs
 * (../shared/upstream/amazon-eks-ami/nodeadm-e2e): the stanza we emit for an AMI lands where that AMI's containerd
 * reads runtimes, and the stanza of the other version is what nodeadm refuses (v3 on 1.7) or migrates (v2 on 2.x).
 */
import { stringify as stringifyToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { amiContainerdMajor, runscContainerdConfigToml } from '../../../../platforms/eks/node-bootstrap';
import { at, deepMerge, eksAmiFile, toml, type Table, describeWithEksReference } from '../../../support/eks';

// nodeadm's reference data (../shared/upstream/amazon-eks-ami) or one SKIPPED line: it has no pinned public source.
const describeRef = describeWithEksReference('nodeadm reference data (test/platforms/eks/node-bootstrap/containerd-versions.test.ts)');

const V3_RUNTIMES = ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes'];
const V2_RUNTIMES = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes'];

/** nodeadm's own test for "this fragment has V3 properties" (nodeadm/internal/containerd/config.go). */
const nodeadmSeesV3 = (fragment: string) => fragment.includes('io.containerd.cri.v1.images') || fragment.includes('io.containerd.cri.v1.runtime');
/** The containerd config of a nodeadm e2e NodeConfig input. */
const e2eFragment = (file: string) => (parseYaml(eksAmiFile(`nodeadm-e2e/${file}`)) as { spec: { containerd: { config: string } } }).spec.containerd.config;

describeRef('containerd major per AL2023 AMI (release notes)', () => {
  test.each([
    ['1.36', undefined, 2],
    ['1.34', '1.34.1-20250915', 2],
    ['1.33', '1.33.5-20251007', 1],
    ['1.33', '1.33.5-20251016', 2],
    ['1.33', undefined, 2],
    ['1.32', '1.32.9-20251023', 1],
    ['1.32', '1.32.9-20251217', 2],
    ['1.31', '1.31.13-20251103', 1],
    ['1.30', '1.30.14-20251120', 1],
    ['1.30', undefined, 2],
    ['1.29', undefined, 1],
    ['1.29', '1.29.15-20260318', 1],
  ] as const)('Kubernetes %s, AMI release %s → containerd %s', (k8s, release, major) => {
    expect(amiContainerdMajor(k8s, release).major).toBe(major);
  });

  test('releases between the override removal and the first notes listing 2.x are not guessed', () => {
    for (const [k8s, release] of [['1.32', '1.32.9-20251103'], ['1.31', '1.31.13-20251108'], ['1.30', '1.30.14-20251209']]) {
      expect(amiContainerdMajor(k8s, release).major).toBeUndefined();
    }
  });

  test('the release version names the Kubernetes version when it is pinned', () => {
    expect(amiContainerdMajor('1.35', '1.33.5-20251007').major).toBe(1);
  });
});

describeRef('containerd 1.7 AMI (nodeadm-e2e/containerdv1-config)', () => {
  let base: Table;
  beforeAll(() => {
    base = toml(eksAmiFile('nodeadm-e2e/containerdv1-config/expected-containerd-config.toml'));
  });
  const ours = runscContainerdConfigToml({ containerdMajorVersion: amiContainerdMajor('1.33', '1.33.5-20251007').major });

  test('what we emit (version 2) merges into the runtimes containerd 1.7 reads', () => {
    expect(base.version).toBe(2);
    const merged = toml(stringifyToml(deepMerge(base, toml(ours))));
    expect(at(merged, ...V2_RUNTIMES, 'runsc', 'runtime_type')).toBe('io.containerd.runsc.v1');
    expect(at(merged, ...V2_RUNTIMES, 'runc')).toEqual(at(base, ...V2_RUNTIMES, 'runc'));
    expect(nodeadmSeesV3(ours)).toBe(false);
  });

  test('the other direction, a version 3 stanza, is what nodeadm refuses on 1.7 (its own e2e input fails the same test)', () => {
    expect(nodeadmSeesV3(runscContainerdConfigToml({ containerdMajorVersion: 2 }))).toBe(true);
    // containerdv1-config/configv3.yaml is the upstream case whose run.sh expects nodeadm to fail.
    expect(nodeadmSeesV3(e2eFragment('containerdv1-config/configv3.yaml'))).toBe(true);
    expect(nodeadmSeesV3(e2eFragment('containerdv1-config/configv2.yaml'))).toBe(false);
  });
});

describeRef('containerd 2.x AMI (nodeadm-e2e/containerdv2-config)', () => {
  let base: Table;
  beforeAll(() => {
    base = toml(eksAmiFile('nodeadm-e2e/containerdv2-config/expected-containerd-configv3.toml'));
  });
  const ours = runscContainerdConfigToml({ containerdMajorVersion: amiContainerdMajor('1.35').major });

  test('what we emit (version 3) merges into the runtimes containerd 2.x reads, with nothing under the 1.x plugin', () => {
    expect(base.version).toBe(3);
    const merged = toml(stringifyToml(deepMerge(base, toml(ours))));
    expect(at(merged, ...V3_RUNTIMES, 'runsc', 'runtime_type')).toBe('io.containerd.runsc.v1');
    expect((merged.plugins as Table)['io.containerd.grpc.v1.cri']).toBeUndefined();
    expect(nodeadmSeesV3(ours)).toBe(true);
  });

  test('the other direction, a version 2 stanza, is migrated by nodeadm (its e2e: v2 input → version 3 output), not refused', () => {
    const v2 = runscContainerdConfigToml({ containerdMajorVersion: 1 });
    expect(nodeadmSeesV3(v2)).toBe(false);
    expect(nodeadmSeesV3(e2eFragment('containerdv2-config/configv2.yaml'))).toBe(false);
    const migrated = toml(eksAmiFile('nodeadm-e2e/containerdv2-config/expected-containerd-configv2.toml'));
    expect(migrated.version).toBe(3);
    // Runtimes moved to the 2.x plugin; grpc.v1.cri keeps only its server settings in version 3.
    expect(at(migrated, ...V2_RUNTIMES)).toBeUndefined();
    expect(at(migrated, ...V3_RUNTIMES, 'runc', 'runtime_type')).toBe('io.containerd.runc.v2');
  });
});
